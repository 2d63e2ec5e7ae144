"""The figures of a verification page: curves recomputed by audit.claims, drawn by audit.report.plots.

It sits above both so that the report never computes a statistic and the
claims never know how they are drawn.
"""

from __future__ import annotations


def study_figures(study, claims) -> list:
    """KM curves of the claimed medians, then the waterfall, as audit.report.plots.Figure values."""
    from audit.claims.curves import study_curves
    from audit.report.plots import study_figures as draw

    return draw(study_curves(study, claims))
