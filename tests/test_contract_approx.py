"""The boundary contract (tests/_contract.py) for approximation, rates, hankel and l1fit.

One line per public function; the harness varies each argument alone through bad and extreme values and asserts a
finite answer or a clear ValueError/TypeError naming the argument, in bounded time and memory.
"""

import dataclasses
import math

import numpy as np
import pytest
from _contract import Contract

import lrnn
from lrnn import approximation as A
from lrnn import hankel as H
from lrnn import kernels as K
from lrnn import l1fit as L1
from lrnn import rates as R

P = K.PowerLaw(0.5)
E = K.Exponential(0.7, 2.0)
MODEL = lrnn.LinearRNN.diagonal([0.5, 2.0], [1.0, -0.5])
DENSE = lrnn.LinearRNN([[-1.0, 2.0], [-2.0, -1.0]], [1.0, 0.0], [1.0, 0.5])
RATES = [0.5, 1.0, 2.0, 4.0]


def _width_result(**kw):
    """``required_width`` with its documented NaN sentinels checked and removed (NaN there means 'not reached'
    or 'not applicable'; every other number must be finite)."""
    res = R.required_width(**kw)
    assert res.width is None or math.isfinite(res.log10_width)
    if kw["p"] == 2 or kw["rule"] == "geometric":
        assert math.isnan(res.bound_log10_width)
    return dataclasses.replace(res, log10_width=0.0 if math.isnan(res.log10_width) else res.log10_width,
                               bound_log10_width=0.0 if math.isnan(res.bound_log10_width) else res.bound_log10_width)


def _l1fit_parts(**kw):
    fit = L1.best_l1_fit(**kw)
    return fit.error, fit.lp_value, fit(np.array([0.0, 1.0, 10.0])), fit.model


CASES = [
    # approximation
    Contract(A.fit, dict(target=P, hidden_size=4, exponents=RATES), time_bound=30),
    Contract(A.fit, dict(target=E + P, hidden_size=3), skip=("target",), name="fit (free rates)"),
    Contract(A.fit, dict(target=K.ExponentialSum([0.3, 1.0, 4.0], [1.0, -2.0, 0.5]), hidden_size=2),
             name="fit (free rates, exponential sums)"),
    Contract(A.best_weights, dict(target=P, exponents=RATES, laplace_accuracy=1e-13)),
    Contract(A.blaschke_error, dict(rate=0.37, exponents=RATES)),
    Contract(A.best_error, dict(target=P, rates=RATES, relative=True, method="auto", refine=1)),
    Contract(A.coefficient_floor, dict(target=E, exponents=RATES)),
    Contract(A.l2_error, dict(target=P, model=MODEL, relative=False)),
    Contract(A.l2_error, dict(target=E, model=DENSE, relative=True), name="l2_error (dense model)"),
    Contract(A.l1_error, dict(target=P, model=MODEL, relative=True)),
    Contract(A.error_curve, dict(target=E, widths=[1, 2], exponents=lambda m: np.arange(1.0, m + 1.0), p=2,
                                 relative=True)),
    Contract(A.log_spaced_rates, dict(low=0.1, high=10.0, hidden_size=5)),
    # rates
    Contract(R.blaschke, dict(u=[0.0, 0.5, 3.0], rates=RATES)),
    Contract(R.grid_blaschke, dict(u=[0.0, 0.5, 3.0], width=1e6, beta=1.0)),
    Contract(R.fixed_grid_errors, dict(target=P, widths=[4, 1e6], beta=1.0, relative=True, refine=1)),
    Contract(R.geometric_rates, dict(width=8, ratio=2.0, rate_max=64.0)),
    Contract(R.exact_fit, dict(target=P, rates=RATES, relative=True, dps=40)),
    Contract(R.l1_error, dict(target=P, rates=RATES, weights=[0.1, 0.2, 0.3, 0.4], relative=True, panel=0.05)),
    Contract(_width_result, dict(target=P, epsilon=0.05, rule="fixed", p=2, beta=1.0, ratio=2.0, rate_max=64.0,
                                 max_width=1e6, model_limit=8), name="required_width (fixed, L2)"),
    Contract(_width_result, dict(target=P, epsilon=0.01, rule="geometric", p=2, beta=1.0, ratio=2.0,
                                 rate_max=64.0, max_width=40.0, model_limit=4), name="required_width (geometric, L2)",
             time_bound=30),
    Contract(_width_result, dict(target=P, epsilon=0.05, rule="fixed", p=1, beta=1.0, ratio=2.0, rate_max=64.0,
                                 max_width=1e8, model_limit=0), name="required_width (fixed, L1)", time_bound=30),
    Contract(H.hankel_singular_values, dict(target=P, k=4, refine=1, tol=1e-6)),
    Contract(H.hankel_singular_values, dict(target=E, k=2, refine=1, tol=1e-8), name="hankel (state space)"),
    # l1fit
    Contract(_l1fit_parts, dict(target=P, rates=RATES, relative=True, refine=1), name="best_l1_fit", time_bound=30),
    Contract(L1.fixed_grid_l1_errors, dict(target=P, widths=[4, 1e6], beta=1.0, relative=True)),
    Contract(L1.fixed_grid_best_l1, dict(target=P, widths=[2, 4], beta=1.0, relative=True, certify_up_to=4),
             time_bound=30),
    Contract(L1.markov_certificate, dict(target=P, width=6, beta=1.0, relative=True)),
    Contract(L1.grid_l1_lower_bound, dict(target=P, widths=[4, 64], beta=1.0, relative=True)),
    Contract(L1.grid_l1_width_bound, dict(target=P, epsilon=0.01, beta=1.0)),
]


@pytest.mark.parametrize("contract", CASES, ids=str)
def test_contract(contract):
    contract.check()
