"""Case studies that exercise the data layer: text categories, missing values, names with
spaces, and a front-door treatment with 11 integer values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

from rung.datasets.case_study import CaseStudy
from rung.graph import CausalGraph

__all__ = ["frontdoor_eleven", "survey"]

#: blood-pressure shift by smoking status: not monotone in the (alphabetical) codes
_SMOKING_SHIFT = {"current": 3.0, "former": -2.0, "never": 0.0}
_SMOKING_LOGIT = {"current": -1.0, "former": 1.2, "never": 0.0}


def survey(n: int = 3000, seed: int = 0, missing: float = 0.05) -> CaseStudy:
    """A survey as a first-day user has it: text categories, blanks, spaces in names.

    ``"smoking status"`` (text: current / former / never) and ``age`` confound
    ``exercise`` (text: no / yes) and ``"blood pressure"``; a share ``missing`` of
    ``age`` and of ``"blood pressure"`` is blank (completely at random). The smoking shift
    of the outcome is not monotone in the codes, so treating them as numbers biases the
    estimate; one-hot adjustment does not. True effect of yes vs no: 2.5.

    Examples
    --------
    >>> cs = survey(n=200)
    >>> cs.data.columns.tolist()
    ['smoking status', 'age', 'exercise', 'blood pressure']
    >>> sorted(cs.data["exercise"].dropna().unique())
    ['no', 'yes']
    """
    rng = np.random.default_rng(seed)
    smoking = rng.choice(list(_SMOKING_SHIFT), size=n, p=[0.25, 0.3, 0.45])
    age = rng.uniform(20, 70, size=n)
    logit = np.array([_SMOKING_LOGIT[s] for s in smoking]) + 0.03 * (age - 45)
    exercise = rng.binomial(1, expit(logit))
    bp = (2.5 * exercise + np.array([_SMOKING_SHIFT[s] for s in smoking])
          + 0.1 * (age - 45) + rng.normal(size=n))
    df = pd.DataFrame({
        "smoking status": smoking,
        "age": np.round(age, 1).astype(object),
        "exercise": np.where(exercise == 1, "yes", "no"),
        "blood pressure": np.round(bp, 3).astype(object),
    })
    for col in ("age", "blood pressure"):
        df.loc[rng.random(n) < missing, col] = None
    return CaseStudy(
        name="survey",
        data=df,
        graph=CausalGraph.from_edges('"smoking status" -> exercise -> "blood pressure"; '
                                     '"smoking status" -> "blood pressure"; age -> exercise; '
                                     'age -> "blood pressure"'),
        treatment="exercise",
        outcome="blood pressure",
        contrast=(1.0, 0.0),
        true_effect=2.5,
        tolerance=0.25,
        description="smoking (text) and age confound exercise (text) and blood pressure; "
                    f"{missing:.0%} of age and blood pressure missing at random",
    )


def frontdoor_eleven(n: int = 20000, seed: int = 0) -> CaseStudy:
    """A front-door model whose treatment takes 11 integer values (0..10).

    U ~ Bernoulli(0.5) latent; X ~ Binomial(10, 0.3 + 0.4 U); M ~ Bernoulli(0.1 + 0.8
    [X >= 5]); Y = 3 M + 2 U + N(0, 1). So E[Y | do(X=x)] = 3 P(M=1 | x) + 1 and the
    effect of X=5 against X=4 is 3 · 0.8 = 2.4, which a linear front-door fit misses.

    Examples
    --------
    >>> cs = frontdoor_eleven(n=500)
    >>> int(cs.data["X"].nunique()) >= 10, cs.true_effect
    (True, 2.4)
    """
    rng = np.random.default_rng(seed)
    u = rng.binomial(1, 0.5, n)
    x = rng.binomial(10, 0.3 + 0.4 * u)
    m = rng.binomial(1, 0.1 + 0.8 * (x >= 5))
    y = 3.0 * m + 2.0 * u + rng.normal(size=n)
    return CaseStudy(
        name="frontdoor_eleven",
        data=pd.DataFrame({"X": x.astype(float), "M": m.astype(float), "Y": y}),
        graph=CausalGraph.from_edges("X -> M -> Y; X <-> Y"),
        treatment="X",
        outcome="Y",
        contrast=(5.0, 4.0),
        true_effect=2.4,
        tolerance=0.2,
        description="U latent; X ~ Binomial(10, 0.3 + 0.4 U); M ~ Bernoulli(0.1 + 0.8 "
                    "[X >= 5]); Y = 3 M + 2 U + e",
        true_mean=lambda s: 3.0 * (0.1 + 0.8 * (s >= 5)) + 1.0,
    )
