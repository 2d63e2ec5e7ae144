"""Assemble the reference study's SDTM and ADaM datasets from one subject plan."""

from __future__ import annotations

import numpy as np
import polars as pl

from audit.synth import adam, safety, tumour_domains
from audit.synth import subjects as subject_domains
from audit.synth.design import DEFAULT_SEED, REFERENCE_SUBJECTS, build_subjects

SDTM = ("DM", "DS", "EX", "AE", "LB", "TU", "SUPPTU", "TR", "RS", "TS")
ADAM = ("ADSL", "ADRS", "ADTTE", "ADAE")


def generate_escc(subjects: int = REFERENCE_SUBJECTS, seed: int = DEFAULT_SEED) -> dict[str, pl.DataFrame]:
    """SDTM DM..TS and ADaM ADSL, ADRS, ADTTE, ADAE for `subjects` subjects, deterministic for a seed."""
    plan = subject_plan(subjects, seed)
    rng = np.random.default_rng([seed, 1])
    tumours = tumour_domains.build_tumours(plan, rng)
    ae_plan = safety.adverse_event_plan(plan)
    ae = safety.ae(plan, ae_plan)
    tu, supptu = tumour_domains.tu_and_supptu(plan, tumours)
    datasets = {
        "DM": subject_domains.dm(plan),
        "DS": subject_domains.ds(plan),
        "EX": subject_domains.ex(plan),
        "AE": ae,
        "LB": safety.lb(plan, ae_plan, np.random.default_rng([seed, 2])),
        "TU": tu,
        "SUPPTU": supptu,
        "TR": tumour_domains.tr(plan, tumours),
        "RS": tumour_domains.rs(plan, tumours),
        "TS": subject_domains.ts(plan.height),
        "ADSL": adam.adsl(plan, tumours),
        "ADRS": adam.adrs(plan, tumours),
        "ADTTE": adam.adtte(plan, tumours),
        "ADAE": adam.adae(ae, plan),
    }
    return {name: datasets[name] for name in (*SDTM, *ADAM)}


def subject_plan(n: int, seed: int) -> pl.DataFrame:
    """The subject plan with its treatment schedule."""
    return subject_domains.with_treatment_stop(build_subjects(n, seed))
