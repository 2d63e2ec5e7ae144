"""The defect manifest as a JSON file: the oracle a damaged snapshot's audit is checked against."""

from __future__ import annotations

import json
from pathlib import Path


def write_manifest(manifest: list[dict], path: Path) -> Path:
    """Write the manifest sorted by defect id, with stable key order."""
    entries = sorted(manifest, key=lambda entry: entry["id"])
    path.write_text(json.dumps({"defects": entries}, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return path
