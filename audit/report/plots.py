"""Figures a reviewer holds next to the paper, as inline SVG text: Kaplan-Meier and waterfall.

The curves arrive computed (audit.claims.curves): this module only draws them.

matplotlib runs with the Agg backend and writes SVG with a fixed hash salt
and no date, so the same data always gives the same bytes (golden tests,
diffable reports). Text stays text (svg.fonttype none): the page is
searchable and the published figures can be found in it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from audit.claims.curves import ClaimedMedianCurve, PublishedMedian, StudyCurves, SurvivalCurve, WaterfallBar

# Days per month used for the time axis: the Julian year / 12, the convention
# of R's survival package and of most oncology publications.
DAYS_PER_MONTH = 30.4375

_RC = {
    "svg.hashsalt": "trial-audit",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}

# No date, creator or links in the SVG: identical bytes for identical data, nothing remote to resolve.
_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}

# Best overall response categories in RECIST order, with colour-blind-safe colours (Okabe-Ito).
BOR_COLOURS: dict[str, str] = {
    "CR": "#009E73", "PR": "#56B4E9", "SD": "#E69F00", "NON-CR/NON-PD": "#F0E442",
    "PD": "#D55E00", "NE": "#999999",
}


def _render(draw: Callable[[Any], None], width: float, height: float) -> str:
    """Draw on fresh axes under the house style; the <svg> element, no XML prolog, no date."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    buffer = io.StringIO()
    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(width, height), dpi=96)
        draw(figure.add_subplot(1, 1, 1))
        figure.savefig(buffer, format="svg", metadata=_NO_METADATA, bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _step_points(curve: SurvivalCurve) -> tuple[np.ndarray, np.ndarray]:
    times = np.concatenate(([0.0], np.asarray(curve.times))) / DAYS_PER_MONTH
    return times, np.concatenate(([1.0], np.asarray(curve.survival)))


def _survival_at(curve: SurvivalCurve, months: np.ndarray) -> np.ndarray:
    times, survival = _step_points(curve)
    return survival[np.searchsorted(times, months, side="right") - 1]


def _mark_published(axes, published: PublishedMedian) -> None:
    if published.ci is not None:
        low, high = published.ci
        axes.axvspan(low, high, color="#CC79A7", alpha=0.18, lw=0, label=f"published 95% CI {low:g}-{high:g}")
    if published.median is not None:
        axes.axvline(published.median, color="#CC79A7", lw=1.5, label=f"published median {published.median:g}")


def _draw_km(axes, curve: SurvivalCurve, published: PublishedMedian | None) -> None:
    times, survival = _step_points(curve)
    axes.step(times, survival, where="post", color="#0072B2", lw=1.6, label="recomputed Kaplan-Meier")
    censored = np.asarray(curve.censored) / DAYS_PER_MONTH
    if censored.size:
        axes.plot(censored, _survival_at(curve, censored), "|", color="#0072B2", ms=7, label="censored")
    axes.axhline(0.5, color="#555555", lw=0.8, ls="--")
    if curve.median_days is not None:
        recomputed = curve.median_days / DAYS_PER_MONTH
        axes.axvline(recomputed, color="#0072B2", lw=0.9, ls=":", label=f"recomputed median {recomputed:.1f}")
    if published is not None:
        _mark_published(axes, published)
    axes.set(xlabel="months", ylabel=f"{curve.endpoint} probability", ylim=(0, 1.02), xlim=(0, None),
             title=f"{curve.endpoint}: recomputed curve and published median")
    axes.legend(loc="upper right", frameon=False, fontsize=8)


def km_svg(curve: SurvivalCurve, published: PublishedMedian | None = None) -> str:
    """Recomputed KM curve with the 0.5 line, the published median and its shaded CI."""
    return _render(lambda axes: _draw_km(axes, curve, published), 6.4, 3.6)


def _draw_waterfall(axes, bars: Sequence[WaterfallBar]) -> None:
    from matplotlib.patches import Patch

    ordered = sorted(bars, key=lambda b: (-b.best_change, b.usubjid))
    colours = [BOR_COLOURS.get(b.bor, BOR_COLOURS["NE"]) for b in ordered]
    axes.bar(range(len(ordered)), [b.best_change for b in ordered], color=colours, width=0.85)
    # RECIST 1.1 thresholds: +20 % over the nadir (PD), -30 % from baseline (PR).
    for level in (20, -30):
        axes.axhline(level, color="#555555", lw=0.8, ls="--")
    axes.axhline(0, color="black", lw=0.6)
    present = [bor for bor in BOR_COLOURS if any(b.bor == bor for b in ordered)]
    handles = [Patch(color=BOR_COLOURS[bor], label=bor) for bor in present]
    axes.set(xticks=[], xlabel=f"subjects (n = {len(ordered)})", ylabel="best change in target sum (%)",
             title="Best percentage change in target-lesion sum, by best overall response")
    if handles:
        axes.legend(handles=handles, loc="upper right", frameon=False, fontsize=8, ncols=len(handles))


def waterfall_svg(bars: Sequence[WaterfallBar]) -> str:
    """Best percentage change per subject, largest increase first, coloured by BOR."""
    return _render(lambda axes: _draw_waterfall(axes, bars), 6.4, 3.4)


@dataclass(frozen=True)
class Figure:
    """A rendered figure for a report: an anchor key, a caption, the <svg> text."""

    key: str
    caption: str
    svg: str


def km_figures(medians: Sequence[ClaimedMedianCurve]) -> list[Figure]:
    """One KM figure per claimed median (PFS, OS): the recomputed curve beside the printed figure."""
    return [
        Figure(f"km-{m.claim_id}",
               f"{m.curve.endpoint} ({m.claim_id}): Kaplan-Meier recomputed from {m.source}, "
               f"n = {m.subjects}; published median {m.published.text} months.",
               km_svg(m.curve, m.published))
        for m in medians
    ]


def waterfall_figures(bars: Sequence[WaterfallBar]) -> list[Figure]:
    """The waterfall of best change in target sum per subject, when there are bars to draw."""
    if not bars:
        return []
    caption = f"Best percentage change in target-lesion sum from baseline per subject (n = {len(bars)}), by BOR."
    return [Figure("waterfall", caption, waterfall_svg(bars))]


def study_figures(curves: StudyCurves) -> list[Figure]:
    """Every figure a reviewer holds next to the paper: KM curves of claimed medians, then the waterfall."""
    return [*km_figures(curves.medians), *waterfall_figures(curves.waterfall)]
