"""Findings on the public CDISC studies in tests/fixtures/real-data, pinned record by record.

Each folder's findings at minor or above are listed in
tests/fixtures/real-data-expected/<folder>.csv (rule, subject, record), and every
rule that appears there has one line in why.yaml saying why a monitor would
raise it as a query. `python tests/real_data_support.py` prints the current
findings of every folder in that CSV form, for review before the file changes.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
REAL_DATA = FIXTURES / "real-data"
EXPECTED = FIXTURES / "real-data-expected"
FOLDERS = tuple(sorted(p.name for p in REAL_DATA.iterdir() if p.is_dir()))
COLUMNS = ("rule_id", "severity", "dataset", "usubjid", "key_name", "key_value")
QUERY_SEVERITIES = ("critical", "major", "minor")


def run_real_check(folder: str):
    """`check` with no option on one real-data folder, every finding kept (no detail cap)."""
    from audit.api import CheckRequest, run_check

    return run_check(CheckRequest(snapshot=REAL_DATA / folder, max_details=10**9))


def query_rows(outcome) -> list[tuple[str, ...]]:
    """Every finding at minor or above as (rule, severity, dataset, subject, key name, key value), sorted."""
    rows = {
        (f.rule_id, f.severity, f.dataset, f.usubjid or "", f.key_name or "", f.key_value or "")
        for result in outcome.result.results
        for f in result.findings
        if f.severity in QUERY_SEVERITIES
    }
    return sorted(rows)


def read_expected(folder: str) -> list[tuple[str, ...]]:
    path = EXPECTED / f"{folder}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return sorted(tuple(row[c] for c in COLUMNS) for row in csv.DictReader(handle))


def as_csv(rows: list[tuple[str, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent.parent))
    for name in sys.argv[1:] or FOLDERS:
        (EXPECTED / f"{name}.current.csv").write_text(as_csv(query_rows(run_real_check(name))), encoding="utf-8")
        print(f"wrote {EXPECTED / f'{name}.current.csv'}")
