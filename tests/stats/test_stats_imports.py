from __future__ import annotations

import subprocess
import sys


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_importing_the_stats_modules_leaves_scipy_and_statsmodels_unloaded():
    loaded = _loaded_after("import audit.stats.binomial, audit.stats.median, audit.stats.followup, "
                           "audit.stats.precision, audit.stats.units")
    assert not {"scipy", "statsmodels"} & loaded


def test_cli_version_does_not_load_the_stats_package():
    loaded = _loaded_after("from typer.testing import CliRunner; import audit.cli; from audit.cli.app import app; "
                           "CliRunner().invoke(app, ['--version'])")
    assert not {m for m in loaded if m.startswith("audit.stats")}
