"""The HTML report rendered once in headless Chromium, the way a reviewer opens it.

The screenshot is kept under tests/artifacts/ for a person to look at. When
Chromium is absent the test fails and says why: a rendering check that
silently does not run is no check.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

from audit.report.html import render_audit_html
from tests.report_support import SITES, audit_result, km_figure, verification_result

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")


def _chromium() -> str:
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    raise AssertionError(
        "cannot render the HTML report: no headless Chromium found (looked for "
        f"{', '.join(CHROMIUM_CANDIDATES)} on PATH); install it with `apt-get install -y chromium`"
    )


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_report_renders_in_headless_chromium(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render_audit_html(audit_result(compared=True), sites=SITES,
                                      verification=verification_result(), figures=[km_figure()]),
                    encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    command = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1280,2000",
        page.as_uri(),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert shot.exists(), f"Chromium wrote no screenshot (exit {run.returncode}): {run.stderr[-2000:]}"
    assert _png_size(shot) == (1280, 2000)
    # A blank page compresses to a few kilobytes; text, tables and a plot do not.
    assert shot.stat().st_size > 50_000
