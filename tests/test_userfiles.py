"""User-given YAML and JSON files: one reader, one-line errors, no alias expansion."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.errors import AuditInputError
from audit.userfiles import read_document

BOMB = "\n".join(
    [f"a0: &a0 [{', '.join(['x'] * 9)}]"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
)


def test_yaml_aliases_are_refused_with_one_short_line(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(BOMB, encoding="utf-8")
    with pytest.raises(AuditInputError) as caught:
        read_document(path, "settings")
    message = str(caught.value)
    assert "aliases (*a0) are not allowed" in message and "line 2" in message
    assert len(message) < 300 and "\n" not in message


def test_broken_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - id: [DATE001\n", encoding="utf-8")
    with pytest.raises(AuditInputError, match=r"rules\.yaml: not valid YAML \(.*line \d+\)"):
        read_document(path, "rule file")


def test_plain_yaml_reads_as_data(tmp_path: Path) -> None:
    path = tmp_path / "audit.yaml"
    path.write_text("recist:\n  confirmation_days: 28\n", encoding="utf-8")
    assert read_document(path, "settings") == {"recist": {"confirmation_days": 28}}
