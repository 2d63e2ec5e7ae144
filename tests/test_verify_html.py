"""`trial-audit verify --format html`: verdicts and the KM plot next to the published median."""

from __future__ import annotations

from pathlib import Path

import yaml
from claims_support import write_snapshot
from typer.testing import CliRunner

import audit.cli  # noqa: F401  (registers the commands)
from audit.cli.app import app

CLAIMS = {
    "claims": [
        {"id": "orr", "text": "40.0%", "ci": "13.7-72.6",
         "measure": {"type": "proportion", "response": {"values": ["CR", "PR"]}}},
        {"id": "os", "text": "10.0 months", "ci": "5.0-15.0", "measure": {"type": "km_median", "endpoint": "OS"}},
    ]
}


def test_verify_html_has_verdicts_and_a_km_plot_marking_the_published_median(tmp_path: Path) -> None:
    snapshot = write_snapshot(tmp_path / "snap")
    claims = tmp_path / "claims.yaml"
    claims.write_text(yaml.safe_dump(CLAIMS), encoding="utf-8")
    out = tmp_path / "verify.html"
    result = CliRunner().invoke(app, ["verify", str(snapshot), "--claims", str(claims), "--format", "html",
                                      "--output", str(out)])
    assert result.exit_code in (0, 1), result.output
    page = out.read_text(encoding="utf-8")
    assert "orr" in page and "<svg" in page
    assert "published median 10.0" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
