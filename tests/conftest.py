"""Shared fixtures: the reference study, generated once per test session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class ReferenceStudy:
    """The 49-subject reference snapshot, its damaged copy and the manifest of injected defects."""

    clean: Path
    damaged: Path
    defects: tuple[dict, ...]

    def defects_for(self, prefix: str) -> list[dict]:
        """Defects whose expected rules include one of a pack (DATE, RECIST, CTCAE)."""
        return [d for d in self.defects if any(r.startswith(prefix) for r in d["expected_rules"])]


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> ReferenceStudy:
    from audit.synth import generate_escc, inject_defects, write_snapshot

    root = tmp_path_factory.mktemp("reference")
    clean = generate_escc()
    damaged, manifest = inject_defects(clean)
    write_snapshot(clean, root / "clean", "parquet")
    write_snapshot(damaged, root / "damaged", "parquet")
    return ReferenceStudy(root / "clean", root / "damaged", tuple(sorted(manifest, key=lambda d: d["id"])))
