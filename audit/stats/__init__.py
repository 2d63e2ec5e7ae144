"""Statistics that recompute published figures under every common convention.

Submodules: binomial (proportion CIs), km (Kaplan-Meier tables), median (KM
median and its CIs), followup (median follow-up), units (month lengths), landmark (KM
survival at t), cox (hazard ratios), logrank (log-rank tests), twobytwo
(rate differences, odds ratios, relative risks),
precision (comparing with printed numbers). Importing this package is cheap:
scipy and statsmodels are imported inside the functions that need them.
"""
