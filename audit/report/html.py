"""Self-contained HTML reports: audit trail, findings by rule, claim verdicts and figures.

One file, nothing loaded at view time (no CDN, no remote font): inline CSS,
inline SVG figures, a few lines of inline JavaScript to filter tables.
Jinja2 autoescapes every value taken from the data, so an AETERM of
"<script>" is shown as text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from audit import __version__
from audit.claims.results import VERDICT_LABELS, VerificationResult
from audit.report.plots import Figure

_TEMPLATES = Path(__file__).with_name("templates")
_SVG_ID = re.compile(r'(\bid="|url\(#|href="#)')


@cache
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _scoped_ids(svg: str, key: str) -> str:
    """Prefix every id inside one SVG (and the references to it) so figures on a page never clash."""
    return _SVG_ID.sub(lambda m: f"{m.group(1)}{key}-", svg)


def _trusted(figures: Sequence[Figure]) -> list[dict[str, Any]]:
    """Figures for the template; their SVG is our own matplotlib output, so it is not escaped."""
    from markupsafe import Markup

    return [{"key": f.key, "caption": f.caption, "svg": Markup(_scoped_ids(f.svg, f.key))} for f in figures]


def render_template(name: str, **context: Any) -> str:
    """Render one report template with the version and shared context."""
    return _environment().get_template(name).render(version=__version__, **context)


def render_verification_html(result: VerificationResult, figures: Sequence[Figure] = ()) -> str:
    """Claim verdicts as a page, with the KM and waterfall figures when given."""
    return render_template(
        "verify.html.j2", title="trial-audit: published figures verified", subtitle=result.claims_file,
        result=result, labels=VERDICT_LABELS, counts=result.counts(), figures=_trusted(figures),
    )
