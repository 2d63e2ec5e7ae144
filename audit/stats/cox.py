"""Cox proportional-hazards hazard ratio of one arm against a reference, with CI and three p-values.

statsmodels PHReg (0.14) gives the Breslow and Efron partial likelihoods, with
strata, and their score and Hessian; it lacks the exact partial likelihood (R's
ties = "exact", SAS's TIES=DISCRETE), a score test and a likelihood-ratio test.
Those are computed here: the tests at beta = 0 from PHReg's own loglike, score
and Hessian, the exact likelihood in closed form for the binary arm covariate.
Every result is checked against R survival 3.5-3 coxph to 1e-6.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from audit.stats.bands import z_value
from audit.stats.km import validated_observations

TIES = ("efron", "breslow", "exact")
TIES_LABELS = {
    "efron": "Efron ties (R coxph default)",
    "breslow": "Breslow ties (SAS PHREG, Stata stcox default)",
    "exact": "exact partial likelihood (R ties='exact', SAS TIES=DISCRETE)",
}
P_VALUES = ("wald", "score", "lr")
P_VALUE_LABELS = {"wald": "Wald test", "score": "score test", "lr": "likelihood-ratio test"}


@dataclass(frozen=True)
class CoxFit:
    """Hazard ratio with its Wald CI, and the Wald, score and likelihood-ratio p-values (two-sided)."""

    hr: float
    lower: float
    upper: float
    log_hr: float
    se: float
    p_wald: float
    p_score: float
    p_lr: float
    converged: bool


def cox_hazard_ratio(time: Sequence[float] | np.ndarray, event: Sequence[int] | np.ndarray,
                     experimental: Sequence[bool] | np.ndarray, strata: Sequence | np.ndarray | None = None,
                     ties: str = "efron", level: float = 0.95) -> CoxFit:
    """HR of experimental (True) against reference (False) as R's summary(coxph(Surv ~ arm [+ strata]))."""
    from scipy.stats import chi2, norm

    if ties not in TIES:
        raise ValueError(f"unknown ties method {ties!r} (known: {', '.join(TIES)})")
    times, events = validated_observations(time, event)
    arm = np.asarray(experimental, dtype=np.float64)
    layers = np.zeros(times.size, dtype=np.int64) if strata is None else np.unique(
        np.asarray(strata).astype(str), return_inverse=True)[1]
    likelihood = (_ExactLikelihood(times, events, arm, layers) if ties == "exact"
                  else _PHRegLikelihood(times, events, arm, layers, ties))
    beta, converged = _newton(likelihood)
    se = float(1 / np.sqrt(likelihood.information(beta)))
    half = z_value(level) * se
    score_statistic = likelihood.score(0.0) ** 2 / likelihood.information(0.0)
    lr_statistic = max(2 * (likelihood.loglike(beta) - likelihood.loglike(0.0)), 0.0)
    return CoxFit(float(np.exp(beta)), float(np.exp(beta - half)), float(np.exp(beta + half)), float(beta), se,
                  float(2 * norm.sf(abs(beta / se))), float(chi2.sf(score_statistic, 1)),
                  float(chi2.sf(lr_statistic, 1)), converged)


def _newton(likelihood: _PHRegLikelihood | _ExactLikelihood, max_iter: int = 50) -> tuple[float, bool]:
    """Newton-Raphson on the one log-HR with step halving, to |step| < 1e-12 (R's coxph: 1e-9 on loglik)."""
    beta, current = 0.0, likelihood.loglike(0.0)
    for _ in range(max_iter):
        step = likelihood.score(beta) / likelihood.information(beta)
        if abs(step) < 1e-12:
            return beta, True
        candidate = likelihood.loglike(beta + step)
        while candidate < current - 1e-12 and abs(step) > 1e-12:
            step /= 2
            candidate = likelihood.loglike(beta + step)
        beta, current = beta + step, candidate
    return beta, False


class _PHRegLikelihood:
    """Breslow or Efron partial likelihood of statsmodels PHReg, as functions of the scalar log-HR."""

    def __init__(self, times: np.ndarray, events: np.ndarray, arm: np.ndarray, layers: np.ndarray,
                 ties: str) -> None:
        from statsmodels.duration.hazard_regression import PHReg

        self._model = PHReg(times, arm[:, None], status=events, strata=layers, ties=ties)

    def loglike(self, beta: float) -> float:
        return float(self._model.loglike(np.array([beta])))

    def score(self, beta: float) -> float:
        return float(self._model.score(np.array([beta]))[0])

    def information(self, beta: float) -> float:
        return float(-self._model.hessian(np.array([beta]))[0, 0])


class _ExactLikelihood:
    """Exact (discrete) partial likelihood for a 0/1 covariate (Kalbfleisch & Prentice 2002, 4.2.3).

    At a time with d events among n at risk, n1 of them experimental, the
    probability that the observed k events fall in the experimental arm is
    C(n1, k) C(n - n1, d - k) e^{k beta} / sum_j C(n1, j) C(n - n1, d - j) e^{j beta}:
    a sum over j = 0..d replaces R's recursion over all subsets.
    """

    def __init__(self, times: np.ndarray, events: np.ndarray, arm: np.ndarray, layers: np.ndarray) -> None:
        from scipy.special import gammaln

        cells = self._event_cells(times, events, arm, layers)
        n_risk, n1_risk, deaths, observed = cells
        j = np.arange(int(deaths.max()) + 1 if deaths.size else 1)[None, :]
        n0 = (n_risk - n1_risk)[:, None]
        d, n1 = deaths[:, None], n1_risk[:, None]
        valid = (j <= d) & (j <= n1) & (d - j <= n0)
        with np.errstate(invalid="ignore"):
            log_ways = (_log_choose(gammaln, n1, j) + _log_choose(gammaln, n0, d - j))
        self._log_ways = np.where(valid, log_ways, -np.inf)
        self._j = j.astype(np.float64)
        self._observed = observed

    @staticmethod
    def _event_cells(times: np.ndarray, events: np.ndarray, arm: np.ndarray,
                     layers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per (stratum, event time): at risk, experimental at risk, events, experimental events."""
        order = np.lexsort((-times, layers))
        t, e, x, s = times[order], events[order], arm[order], layers[order]
        # Within a stratum, sorted by decreasing time, the cumulative count of rows is the risk set
        # once every row tied at that time is included.
        key = np.stack([s, -t], axis=1)
        unique_keys, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.ravel()
        size = np.bincount(inverse)
        ones = np.bincount(inverse, weights=x)
        deaths = np.bincount(inverse, weights=e).astype(np.int64)
        observed = np.bincount(inverse, weights=e * x)
        starts = np.r_[True, unique_keys[1:, 0] != unique_keys[:-1, 0]]
        group = np.cumsum(starts) - 1
        n_risk = _cumsum_by(size, group)
        n1_risk = _cumsum_by(ones, group)
        has_event = deaths > 0
        return n_risk[has_event], n1_risk[has_event], deaths[has_event], observed[has_event]

    def _weights(self, beta: float) -> np.ndarray:
        log_w = self._log_ways + self._j * beta
        log_w -= log_w.max(axis=1, keepdims=True)
        w = np.exp(log_w)
        return w / w.sum(axis=1, keepdims=True)

    def loglike(self, beta: float) -> float:
        from scipy.special import logsumexp

        log_w = self._log_ways + self._j * beta
        ways_observed = np.take_along_axis(self._log_ways, self._observed.astype(np.int64)[:, None], axis=1)[:, 0]
        return float(np.sum(ways_observed + self._observed * beta - logsumexp(log_w, axis=1)))

    def score(self, beta: float) -> float:
        mean = (self._weights(beta) * self._j).sum(axis=1)
        return float(np.sum(self._observed - mean))

    def information(self, beta: float) -> float:
        w = self._weights(beta)
        mean = (w * self._j).sum(axis=1)
        return float(np.sum((w * self._j ** 2).sum(axis=1) - mean ** 2))


def _log_choose(gammaln, n: np.ndarray, k: np.ndarray) -> np.ndarray:
    """log C(n, k) for arrays (invalid cells are masked by the caller)."""
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def _cumsum_by(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Running sum of values restarting at each new group (groups are contiguous)."""
    total = np.cumsum(values)
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    offset = np.repeat(np.r_[0, total[starts[1:] - 1]], np.diff(np.r_[starts, values.size]))
    return total - offset
