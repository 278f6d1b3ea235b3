"""The boundary contract (tests/_contract.py) for the training part of lrnn: loss, optimisers, training, sampled,
plateau, reparam, ssm_init, memory and nonlinear.

One line per public function or method: the harness varies each argument alone through bad and extreme values and
asserts a finite answer or a clear ValueError/TypeError naming the argument, in bounded time and memory.

Some results contain documented infinities: a training record is ``inf``/``nan`` after the step at which a run left
the stable region (``crossed_at``/``stopped_at``), :func:`lrnn.escape_time` returns ``inf`` when the curve never
drops far enough, the perturbation error is ``inf`` once a perturbed rate is ≤ 0, and the reduced-model estimates
are ``inf``/``nan`` where the docstring says so. The wrappers below check those documented values and hand the
harness the part that must be finite.
"""

import math

import numpy as np
import pytest
from _contract import Contract

import lrnn
from lrnn import LinearRNN, kernels, loss, memory, nonlinear, optimisers, plateau, reparam, sampled, ssm_init, training

TARGET = kernels.Exponential(1.0) + kernels.Delayed(2.0)
INIT = LinearRNN.diagonal([0.5, 2.0], [1.0, 0.1])
NET = nonlinear.TanhRNN(-np.eye(2) + 0.1 * np.array([[0.0, 1.0], [-1.0, 0.0]]), np.array([1.0, 0.5]),
                        np.array([1.0, -1.0]))


def _run_part(run, stop):
    """A training record up to its documented stop; the records after it must be inf (loss) and nan (iterates)."""
    end = run.loss.size if stop is None else stop
    assert np.all(np.isinf(run.loss[end:])) and np.all(np.isnan(run.rates[end:]))
    return run.loss[:end], run.rates[:end], run.weights[:end], run.model


def _train(**kw):
    run = lrnn.train(**kw)
    return _run_part(run, run.crossed_at)


def _train_many(**kw):
    return [_run_part(r, r.stopped_at) for r in reparam.train_reparameterised_many(**kw)]


def _sampled(**kw):
    run = sampled.train_sampled(**kw)
    part = _run_part(run, run.crossed_at)
    return part, run.exact_loss[:part[0].size]


def _flow(run, kw):
    """gradient_flow: escape is nan without drop and inf when the loss never drops that far (documented)."""
    escape = run.escape
    assert not math.isnan(escape) or kw.get("drop") is None
    return run.times, run.loss, run.rates, run.weights, run.model, 0.0 if not math.isfinite(escape) else escape


def _finite_or_inf(value):
    """escape_time: a time, or inf (documented: the curve never drops that far)."""
    return 0.0 if value == math.inf else value


def _estimates(**kw):
    est = plateau.reduced_escape_estimates(**kw)
    slaved = _finite_or_inf(est["slaved"])
    lower = 0.0 if math.isnan(est["lower"]) and kw.get("lower", True) is False else _finite_or_inf(est["lower"])
    w_drop = 0.0 if math.isnan(est["w_drop"]) and est["slaved"] == math.inf else est["w_drop"]
    return slaved, lower, w_drop


def _perturbation(**kw):
    E = memory.perturbation_error(**kw)
    return np.where(np.isinf(E), 0.0, E)


def _perturbed(**kw):
    E = memory.perturbed_errors(**kw)
    return np.where(np.isinf(E), 0.0, E)


EXP = reparam.parameterisation("exp")

CASES = [
    # lrnn.loss
    Contract(loss.laplace_pair, dict(target=TARGET, s=[0.5, 2.0])),
    Contract(loss.white_noise_loss, dict(target=TARGET, rates=[0.5, 2.0], weights=[1.0, 0.1])),
    Contract(loss.loss_and_gradient, dict(target=TARGET, rates=[0.5, 2.0], weights=[1.0, 0.1])),
    Contract(lambda **kw: loss.WhiteNoiseLoss(**kw).norm2, dict(target=TARGET), name="WhiteNoiseLoss"),
    # lrnn.optimisers (the checks the trainers use)
    Contract(optimisers.as_optimizer, dict(optimizer="adam")),
    Contract(optimisers.as_momentum, dict(momentum=0.9)),
    Contract(optimisers.as_adam_parameters, dict(betas=(0.9, 0.999), eps=1e-8)),
    Contract(optimisers.freeze_mask, dict(freeze=[0], m=2), kinds={"freeze": "array"}),
    # lrnn.training
    Contract(_train, dict(target=TARGET, init=INIT, steps=20, lr=0.05, optimizer="gd", betas=(0.9, 0.999),
                          eps=1e-8, momentum=0.9, until=0.01), name="lrnn.train"),
    Contract(_train, dict(target=TARGET, init=INIT, steps=20, lr=0.05, optimizer="adam", freeze=[1],
                          reparam="softplus"), kinds={"freeze": "array"}, name="lrnn.train(reparam)"),
    Contract(lambda **kw: _flow(training.gradient_flow(**kw), kw),
             dict(target=TARGET, init=INIT, t_max=50.0, n_points=20, t_min=1e-2, method="LSODA", rtol=1e-8,
                  atol=1e-12, max_evaluations=20_000, drop=0.01, level=0.5), name="lrnn.gradient_flow",
             time_bound=30.0),
    # lrnn.plateau
    Contract(lambda **kw: _finite_or_inf(plateau.escape_time(**kw)),
             dict(loss=[1.0, 1.0, 0.5, 0.2], times=[0.0, 1.0, 2.0, 3.0], drop=0.2, level=1.0),
             name="lrnn.escape_time"),
    Contract(plateau.plateau_problem, dict(lag=5.0, rate=1.0, width=3, start_rate=2.0, start_weight=0.01)),
    Contract(_estimates, dict(long_part=kernels.Delayed(5.0), w0=1.0, drop=0.01, lower=True),
             name="lrnn.plateau.reduced_escape_estimates", time_bound=30.0),
    # lrnn.sampled
    Contract(_sampled, dict(target=TARGET, init=INIT, steps=5, lr=0.05, optimizer="gd", dt=0.2, horizon=3.0,
                            n_eval=10, batch=4, seed=0, momentum=0.9), name="lrnn.sampled.train_sampled",
             kinds={"seed": "seed"}),
    # lrnn.reparam
    Contract(reparam.parameterisation, dict(name="best", a0=1.0, b0=0.1)),
    Contract(lambda **kw: EXP.forward(**kw), dict(v=[-1.0, 2.0]), name="Parameterisation.forward"),
    Contract(lambda **kw: EXP.derivative(**kw), dict(v=[-1.0, 2.0]), name="Parameterisation.derivative"),
    Contract(lambda **kw: EXP.inverse(**kw), dict(rates=[0.5, 2.0]), name="Parameterisation.inverse"),
    Contract(lambda **kw: reparam.parameterisation("best").initial(**kw), dict(rates=[0.5, 2.0]),
             name="Parameterisation.initial"),
    Contract(reparam.gradient_weight_ratio, dict(param="softplus", v=[-1.0, 2.0])),
    Contract(reparam.initial_free, dict(param=EXP, rates=[0.5, 2.0], name="rates"), skip=("name",)),
    Contract(lambda **kw: _train_many(**kw)[0], dict(target=TARGET, init=INIT, params=["exp", "best"],
                                                     lrs=[0.05, 0.1], steps=20, optimizer="gd", betas=(0.9, 0.99),
                                                     eps=1e-8, momentum=0.5),
             kinds={"params": "array", "lrs": "array"}, name="reparam.train_reparameterised_many"),
    Contract(lambda **kw: _run_part(r := reparam.train_reparameterised(**kw), r.stopped_at),
             dict(target=TARGET, init=INIT, param="exp", steps=20, lr=0.05, optimizer="adam"),
             name="reparam.train_reparameterised"),
    Contract(reparam.hessian, dict(target=kernels.Exponential(0.7, 1.3), model=LinearRNN.diagonal([0.7], [1.3]),
                                   param="exp", h=1e-6)),
    Contract(reparam.stable_learning_rate, dict(target=kernels.Exponential(0.7, 1.3),
                                                model=LinearRNN.diagonal([0.7], [1.3]), param="softplus")),
    # lrnn.ssm_init
    Contract(ssm_init.ssm_eigenvalues, dict(scheme="s4d-lin", m=8, dt=0.1)),
    Contract(ssm_init.ssm_eigenvalues, dict(scheme="lru", m=8, r_min=0.9, r_max=0.999, max_phase=3.0, seed=1),
             name="ssm_eigenvalues(lru)", kinds={"seed": "seed"}),
    Contract(ssm_init.ssm_eigenvalues, dict(scheme="s4d-lin-layer", m=8, dt_min=1e-3, dt_max=0.1),
             name="ssm_eigenvalues(s4d-lin-layer)"),
    Contract(ssm_init.ssm_eigenvalues, dict(scheme="geometric", m=8, rate_range=(1e-3, 10.0)),
             name="ssm_eigenvalues(geometric)"),
    Contract(ssm_init.lru_normalisation, dict(mu=np.array([-0.1 + 1.0j, -0.5 + 0.0j])), kinds={"mu": "array"}),
    Contract(ssm_init.hippo_legs, dict(n=6)),
    # lrnn.memory
    Contract(memory.memory_function, dict(system=kernels.PowerLaw(0.5), t=[0.0, 0.5, 3.0], amplitudes=[1.0],
                                          h=1e-4), kinds={"system": "system"}),
    Contract(memory.memory_function, dict(system=NET, t=[0.0, 0.5, 3.0], amplitudes=[0.5, 2.0]),
             skip=("system",), name="memory_function(TanhRNN)"),
    Contract(_perturbed, dict(target=kernels.PowerLaw(0.5), model=INIT, rate_perturbations=[[0.1, -0.2]]),
             name="lrnn.memory.perturbed_errors"),
    Contract(_perturbation, dict(target=kernels.PowerLaw(0.5), model=INIT, deltas=[0.0, 0.1, 1.0], n_samples=4,
                                 seed=0), kinds={"seed": "seed"}, name="lrnn.memory.perturbation_error"),
    # lrnn.nonlinear
    Contract(nonlinear.TanhRNN, dict(W=-np.eye(2), U=[1.0, 0.5], c=[1.0, -1.0])),
    Contract(lambda **kw: NET.step_response(**kw), dict(t=[0.0, 1.0, 4.0], amplitudes=[0.5, -2.0]),
             name="TanhRNN.step_response"),
    Contract(lambda **kw: NET.step_derivative(**kw), dict(t=[0.0, 1.0, 4.0], amplitudes=[0.5, -2.0]),
             name="TanhRNN.step_derivative"),
    Contract(lambda **kw: nonlinear.TanhRNN(**kw).linearisation(), dict(W=-np.eye(2), U=[1.0, 0.5], c=[1.0, 1.0]),
             name="TanhRNN.linearisation"),
    Contract(nonlinear.train_tanh_rnn, dict(target=kernels.Exponential(0.5), hidden_size=2, steps=3, lr=0.01,
                                            dt=0.25, horizon=2.0, n_eval=4, batch=2, seed=0), time_bound=30.0),
]


@pytest.mark.parametrize("contract", CASES, ids=str)
def test_contract(contract):
    contract.check()
