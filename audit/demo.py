"""The end-to-end demonstration on the built-in reference study.

Writes the clean and damaged snapshots, audits both (rules, suites and the
published figures), compares the runs and writes every report format. The
summary says how many injected defects the audit flagged and which figures
it reproduced, so a first-time user sees the tool prove itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from audit.api import CheckOutcome, CheckRequest, run_check
from audit.packs import examples_dir
from audit.report import ReportOptions, render

STUDY_FOLDER = "escc-rt-camrelizumab"
TWO_ARM_FOLDER = "escort-camrelizumab"
MARKER = ".trial-audit-example"


@dataclass(frozen=True)
class DefectCheck:
    """One injected defect and whether a rule its manifest names flagged that record."""

    defect_id: str
    kind: str
    usubjid: str
    expected_rules: tuple[str, ...]
    flagged_by: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.flagged_by)


@dataclass(frozen=True)
class DemoSummary:
    """What the demo found and where it wrote its reports."""

    out_dir: Path
    clean_gating: int
    defects: tuple[DefectCheck, ...]
    clean_verdicts: tuple[tuple[str, str, str], ...]
    damaged_verdicts: tuple[tuple[str, str, str], ...]
    reports: tuple[Path, ...]
    two_arm_verdicts: tuple[tuple[str, str, str], ...] = ()


def claims_path() -> Path:
    """The reference study's claims file, shipped with the package."""
    return examples_dir() / STUDY_FOLDER / "claims.yaml"


def config_path() -> Path:
    """The reference study's protocol settings (enrolment window, RECIST and CTCAE choices)."""
    return examples_dir() / STUDY_FOLDER / "audit.yaml"


def _write_study(out_dir: Path, fmt: str) -> tuple[Path, Path, list[dict]]:
    from audit.synth import generate_escc, inject_defects, write_snapshot
    from audit.synth.manifest import write_manifest

    clean = generate_escc()
    damaged, manifest = inject_defects(clean)
    snapshots = out_dir / "snapshots"
    write_snapshot(clean, snapshots / "clean", fmt)
    write_snapshot(damaged, snapshots / "damaged", fmt)
    write_manifest(manifest, snapshots / "defects.json")
    (snapshots / MARKER).write_text("written by trial-audit demo\n", encoding="utf-8")
    return snapshots / "clean", snapshots / "damaged", manifest


def _options(outcome: CheckOutcome) -> ReportOptions:
    from audit.report.xlsx import subject_sites

    return ReportOptions(rules=outcome.rules, sites=subject_sites(outcome.study),
                         verification=outcome.verification, figures=outcome.figures)


def _write_reports(outcome: CheckOutcome, folder: Path, name: str, formats: tuple[str, ...]) -> list[Path]:
    written = []
    for fmt in formats:
        suffix = {"junit": "junit.xml", "console": "txt"}.get(fmt, fmt)
        path = folder / f"{name}.{suffix}"
        report = render(outcome.result, fmt, _options(outcome))
        path.write_bytes(report) if isinstance(report, bytes) else path.write_text(report, encoding="utf-8")
        written.append(path)
    return written


def _defect_checks(outcome: CheckOutcome, manifest: list[dict]) -> tuple[DefectCheck, ...]:
    """Each defect is flagged when a rule its manifest names reports its subject (and record, if keyed)."""
    findings = outcome.result.findings
    checks = []
    for entry in sorted(manifest, key=lambda e: e["id"]):
        expected = tuple(entry.get("expected_rules") or ())
        key = entry.get("record_key")
        hits = sorted({f.rule_id for f in findings if f.rule_id in expected and f.usubjid == entry["usubjid"]
                       and (key is None or f.dataset != entry["dataset"] or str(f.key_value) == str(key))})
        checks.append(DefectCheck(entry["id"], entry["kind"], entry["usubjid"], expected, tuple(hits)))
    return tuple(checks)


def _verdicts(outcome: CheckOutcome) -> tuple[tuple[str, str, str], ...]:
    """(claim, verdict, how) of a check run with claims."""
    return () if outcome.verification is None else _verdict_rows(outcome.verification)


def _verdict_rows(verification) -> tuple[tuple[str, str, str], ...]:
    """(claim, verdict, how): the first method that reproduces it, or the closest recomputed value."""
    rows = []
    for verdict in verification.verdicts:
        if verdict.reproducing:
            how = verdict.reproducing[0].label or "as counted"
        elif verdict.reference is not None:
            how = f"recomputed {verdict.reference.shown()} ({verdict.reference.label})"
        elif verdict.closest is not None:
            how = f"closest: {verdict.closest.shown()} ({verdict.closest.label})"
        else:
            how = verdict.reason or ""
        rows.append((verdict.claim_id, verdict.verdict, how))
    return tuple(rows)


def _two_arm(out_dir: Path, fmt: str, reports: Path) -> tuple[tuple[tuple[str, str, str], ...], Path]:
    """The randomised two-arm example: write it, verify its published figures, write the verdict page."""
    from audit.claims import load_claims, verify_claims
    from audit.figures import study_figures
    from audit.report import VERIFY
    from audit.study import load_study
    from audit.synth import write_snapshot
    from audit.synth.escort import generate_escort

    snapshot = out_dir / "snapshots" / "escort"
    write_snapshot(generate_escort(), snapshot, fmt)
    claims_file = examples_dir() / TWO_ARM_FOLDER / "claims.yaml"
    claims = load_claims(claims_file)
    study = load_study(snapshot)
    verification = verify_claims(study, claims, claims_file=claims_file)
    page = reports / "escort-verify.html"
    options = ReportOptions(figures=tuple(study_figures(study, claims)), notes=study.notes)
    page.write_text(render(verification, "html", options, command=VERIFY), encoding="utf-8")
    return _verdict_rows(verification), page


def run_demo(out_dir: Path, fmt: str = "parquet") -> DemoSummary:
    """Generate, audit, verify and compare the reference study; write every report under out_dir."""
    clean_dir, damaged_dir, manifest = _write_study(out_dir, fmt)
    reports = out_dir / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    clean = run_check(CheckRequest(snapshot=clean_dir, claims=claims_path(), config=config_path()))
    written = _write_reports(clean, reports, "clean", ("json", "html"))
    damaged = run_check(CheckRequest(snapshot=damaged_dir, claims=claims_path(), config=config_path(),
                                     compare=reports / "clean.json"))
    written += _write_reports(damaged, reports, "damaged", ("json", "html", "xlsx", "junit"))
    (reports / "defects-flagged.json").write_text(
        json.dumps([c.__dict__ | {"flagged": c.flagged} for c in _defect_checks(damaged, manifest)], indent=2,
                   sort_keys=True) + "\n", encoding="utf-8")
    two_arm, page = _two_arm(out_dir, fmt, reports)
    return DemoSummary(out_dir, clean.result.gating_count("minor"), _defect_checks(damaged, manifest),
                       _verdicts(clean), _verdicts(damaged), (*written, page), two_arm)
