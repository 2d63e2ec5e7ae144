"""HTML reports and their figures: self-contained, escaped, deterministic, with published medians marked."""

from __future__ import annotations

from audit.claims.curves import PublishedMedian, WaterfallBar, km_curve
from audit.report.html import render_verification_html
from audit.report.plots import km_svg, waterfall_svg
from tests.report_support import Outline, km_figure, survival_curve, verification_result


def test_km_median_follows_r_rule_midpoint_when_survival_is_exactly_one_half():
    curve = km_curve("OS", [10, 20, 30, 40], [1, 1, 1, 1])
    assert curve.median_days == 25
    assert curve.survival == (0.75, 0.5, 0.25, 0.0)


def test_km_curve_keeps_censored_times_off_the_steps():
    curve = km_curve("OS", [10, 20, 30], [1, 0, 1])
    assert curve.times == (10, 30)
    assert curve.censored == (20,)


def test_same_curve_gives_byte_identical_svg():
    published = PublishedMedian("6.9 (4.6-9.3)", 6.9, (4.6, 9.3))
    assert km_svg(survival_curve(), published) == km_svg(survival_curve(), published)


def test_km_svg_marks_published_median_and_ci_next_to_recomputed_median():
    svg = km_svg(survival_curve(), PublishedMedian("6.9 (4.6-9.3)", 6.9, (4.6, 9.3)))
    assert svg.startswith("<svg")
    assert "published median 6.9" in svg
    assert "published 95% CI 4.6-9.3" in svg
    assert "recomputed median" in svg


def test_km_svg_carries_no_date():
    assert "<dc:date>" not in km_svg(survival_curve())


def test_waterfall_legend_names_only_responses_present():
    svg = waterfall_svg([WaterfallBar("S1", -45.0, "PR"), WaterfallBar("S2", 30.0, "PD")])
    assert ">PR<" in svg and ">PD<" in svg
    assert ">CR<" not in svg
    assert "n = 2" in svg


def test_verify_page_has_one_row_per_claim():
    page = Outline(render_verification_html(verification_result()))
    assert page.rows("verdict-table") == 2
    assert {"claim-pfs", "claim-orr"} <= page.ids()


def test_verify_page_shows_hostile_claim_text_as_text_not_markup():
    html = render_verification_html(verification_result("<script>alert(1)</script>"))
    page = Outline(html)
    assert "<script>alert(1)</script>" not in html
    assert any("<script>alert(1)</script>" in t for t in page.text)
    assert page.count("script") == 1  # only the table filter


def test_verify_page_inlines_figures_and_loads_nothing_remote():
    html = render_verification_html(verification_result(), [km_figure()])
    page = Outline(html)
    assert page.count("svg") == 1 and "figure-km-pfs" in page.ids()
    assert page.remote_references() == []
    assert page.count("link") == 0


def test_two_figures_on_one_page_share_no_element_id():
    first, second = km_figure(), km_figure()
    second = type(second)("km-os", "OS", second.svg)
    page = Outline(render_verification_html(verification_result(), [first, second]))
    ids = [a["id"] for _, a in page.tags if a.get("id")]
    assert len(ids) == len(set(ids))


def _audit_page(compared: bool = False, **kwargs) -> tuple[str, Outline]:
    from audit.report.html import render_audit_html
    from tests.report_support import SITES, audit_result

    html = render_audit_html(audit_result(compared=compared), sites=SITES, **kwargs)
    return html, Outline(html)


def test_audit_page_has_trail_summary_and_one_section_per_rule():
    _, page = _audit_page()
    assert {"trail", "summary", "rules", "rule-DATE003", "rule-CTCAE003", "rule-RECIST001"} <= page.ids()
    assert page.rows("findings-DATE003") == 2
    assert page.rows("findings-CTCAE003") == 1


def test_audit_page_lists_failed_rules_before_not_applicable():
    html, _ = _audit_page()
    assert html.index('id="rule-CTCAE003"') < html.index('id="rule-DATE003"') < html.index('id="rule-RECIST001"')


def test_audit_page_shows_hostile_aeterm_as_text():
    html, page = _audit_page()
    assert "<script>alert(1)</script>" not in html
    assert any("AETERM=<script>alert(1)</script>" in t for t in page.text)
    assert page.count("script") == 1


def test_audit_page_summary_counts_by_pack_and_severity():
    _, page = _audit_page()
    assert page.rows("summary-table") == 3


def test_audit_page_without_comparison_has_no_change_section():
    _, page = _audit_page()
    assert "changes" not in page.ids()


def test_compared_audit_page_marks_new_findings_and_lists_resolved():
    html, page = _audit_page(compared=True)
    assert "changes" in page.ids()
    assert page.rows("resolved-table") == 1
    assert ">new</td>" in html and ">persisting</td>" in html


def test_audit_page_with_claims_has_verdicts_and_km_figure():
    _, page = _audit_page(verification=verification_result(), figures=[km_figure()])
    assert page.rows("verdict-table") == 2
    assert "figure-km-pfs" in page.ids()
    assert page.remote_references() == []
