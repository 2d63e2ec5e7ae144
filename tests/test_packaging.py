"""A plain (non-editable) install ships every rule pack, suite and example."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    return next(out.glob("trial_audit-*.whl"))


def source_files(folder: str, pattern: str) -> set[str]:
    return {p.relative_to(ROOT / folder).as_posix() for p in (ROOT / folder).rglob(pattern)}


def test_wheel_contains_every_pack_suite_and_example(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, pattern in [("rules", "*.yaml"), ("expectations", "*.json"), ("examples", "*.yaml")]:
        expected = source_files(folder, pattern)
        assert expected, f"{folder}/ has no {pattern}"
        shipped = {n.removeprefix(f"audit/packs/{folder}/") for n in names if n.startswith(f"audit/packs/{folder}/")}
        assert expected <= shipped, f"missing from the wheel: {sorted(expected - shipped)}"


def test_installed_package_finds_its_packs_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )
    code = (
        "import json, audit, audit.packs as p;"
        "print(json.dumps([audit.__file__, sorted(x.name for x in p.rules_dir().glob('*.yaml'))]))"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True,
                         check=True)
    module_file, packs = json.loads(out.stdout)
    assert module_file.startswith(str(target))
    assert packs == sorted(p.name for p in (ROOT / "rules").glob("*.yaml"))
