"""Locate the built-in rule packs, expectation suites and examples.

In an installed wheel they live under audit/packs/; in a source checkout
(editable install, or tests run from the tree) they are the top-level folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _locate(name: str) -> Path:
    installed = _PACKAGE_DIR / "packs" / name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / name


def rules_dir() -> Path:
    """Folder of the built-in rule packs (rules/*.yaml)."""
    return _locate("rules")


def expectations_dir() -> Path:
    """Folder of the built-in expectation suites (expectations/*.json)."""
    return _locate("expectations")


def examples_dir() -> Path:
    """Folder of the bundled examples (examples/<study>/)."""
    return _locate("examples")
