"""Self-contained HTML reports: audit trail, findings by rule, claim verdicts and figures.

One file, nothing loaded at view time (no CDN, no remote font): inline CSS,
inline SVG figures, a few lines of inline JavaScript to filter tables.
Jinja2 autoescapes every value taken from the data, so an AETERM of
"<script>" is shown as text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from audit import __version__
from audit.claims.results import VERDICT_LABELS, VerificationResult
from audit.findings import SEVERITIES, STATUSES, AuditResult, RuleResult
from audit.report.plots import Figure
from audit.report.xlsx import RuleDescription, change_counts, is_compared, pack_severity_counts

_TEMPLATES = Path(__file__).with_name("templates")
_SVG_ID = re.compile(r'(\bid="|url\(#|href="#)')


@cache
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    environment = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=True, undefined=StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    environment.filters["zip"] = lambda first, second: zip(first, second, strict=False)
    return environment


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


def render_verification_html(result: VerificationResult, figures: Sequence[Figure] = (),
                             notes: Sequence[str] = ()) -> str:
    """Claim verdicts as a page, with the KM and waterfall figures and how the snapshot was read."""
    return render_template(
        "verify.html.j2", title="trial-audit: published figures verified", subtitle=result.claims_file,
        verification=result, verdict_labels=VERDICT_LABELS, figures=_trusted(figures), notes=tuple(notes),
    )


def render_audit_html(result: AuditResult, *, rules: Mapping[str, RuleDescription] | None = None,
                      sites: Mapping[str, str] | None = None, verification: VerificationResult | None = None,
                      figures: Sequence[Figure] = ()) -> str:
    """Findings as a page: audit trail, summary by pack and severity, one section per rule."""
    compared = is_compared(result)
    return render_template(
        "check.html.j2", title="trial-audit: data audit", subtitle=result.trail.snapshot,
        trail=result.trail, status_counts=result.status_counts(), severities=SEVERITIES,
        pack_counts=pack_severity_counts(result), compared=compared, changes=change_counts(result),
        resolved=sorted(result.resolved, key=lambda f: (f.usubjid or "", f.record, f.rule_id)),
        not_checked=result.not_checked, strict=result.strict, results=_failing_first(result.results),
        rules=rules or {}, sites=sites or {},
        verification=verification, verdict_labels=VERDICT_LABELS, figures=_trusted(figures),
    )


def _failing_first(results: Sequence[RuleResult]) -> list[RuleResult]:
    """Rules that found something or failed to run first, then by ID: what needs reading leads."""
    order = {status: i for i, status in enumerate(STATUSES)}
    return sorted(results, key=lambda r: (order.get(r.status, len(order)), r.rule_id, r.source))


def descriptions(rules: Mapping[str, Any]) -> dict[str, RuleDescription]:
    """Rule records (audit.engine.models.Rule) as the descriptions the pages and sheets show."""
    return {
        rule_id: RuleDescription(rule_id, re.match(r"[A-Z]*", rule_id).group(0) or rule_id, rule.title,
                                 rule.rationale, f"{rule.reference.document}, {rule.reference.section}")
        for rule_id, rule in rules.items()
    }


def render(result: AuditResult, options: Any) -> str:
    """`check --format html`."""
    return render_audit_html(result, rules=descriptions(options.rules), sites=options.sites,
                             verification=options.verification, figures=options.figures)


def render_diff(result: AuditResult, options: Any) -> str:
    """`diff --format html`: the newer report's page, every finding marked new or persisting."""
    return render_audit_html(result, rules=descriptions(options.rules), sites=options.sites)


def render_verification(result: VerificationResult, options: Any) -> str:
    """`verify --format html`: verdicts, figures and how the snapshot was read."""
    return render_verification_html(result, options.figures, options.notes)
