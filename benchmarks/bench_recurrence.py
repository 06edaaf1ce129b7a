"""Python-loop-heavy user code: ``fg.grad`` through a 1,000-step scalar recurrence.

``x_{t+1} = sin(x_t) * a + 0.1 * x_t`` from ``x_0 = 0.5``; the derivative of ``x_T`` with
respect to ``a`` at ``a = 0.8``, a Python float in and out. Every step is a handful of
scalar operations, so the time is the framework's per-op cost on 0-d values. The
hand-written reference runs the same loop on NumPy float64 scalars, then the adjoint loop.

Run: ``python benchmarks/bench_recurrence.py`` (the suite's options apply).
"""

from __future__ import annotations

import numpy as np

# the harness first: it finds funcgrad in this clone when funcgrad is not installed
from _harness import (  # isort: skip
    FUNCGRAD, LIMIT, REFERENCE, Built, Case, Peers, Workload, check_close, guarded,
)

import funcgrad as fg
import funcgrad.numpy as fnp


A, X0 = 0.8, 0.5


def recurrence_numpy(a, steps):
    """Forward loop keeping x_t, then the adjoint loop: d x_T / d a."""
    a = np.float64(a)
    x = np.float64(X0)
    xs = []
    for _ in range(steps):
        xs.append(x)
        x = np.sin(x) * a + 0.1 * x
    gx, ga = np.float64(1.0), np.float64(0.0)
    for x in reversed(xs):
        ga = ga + gx * np.sin(x)
        gx = gx * (np.cos(x) * a + 0.1)
    return float(ga)


def build_recurrence(cfg):
    steps = 200 if cfg.quick else 1000
    want = recurrence_numpy(A, steps)
    built = Built(cases=[Case("hand-written NumPy", lambda: recurrence_numpy(A, steps), LIMIT)],
                  baseline="hand-written NumPy", per=steps, unit="step",
                  repeat=5 if cfg.quick else 15,
                  title=f"fg.grad of a {steps:,}-step scalar recurrence")
    tol = dict(rtol=1e-10)

    def make():
        def f(a):
            x = X0
            for _ in range(steps):
                x = fnp.sin(x) * a + 0.1 * x
            return x

        g = fg.grad(f)
        got = g(A)
        assert isinstance(got, float), f"fg.grad gave {type(got).__name__} for a float input"
        check_close("funcgrad", got, want, **tol)
        return Case("funcgrad fg.grad", lambda: g(A), FUNCGRAD)

    guarded(built, "funcgrad fg.grad", make)
    peers = Peers(cfg, built.cases, built.notes)

    def torch_cases(torch):
        def run():
            a = torch.tensor(A, dtype=torch.float64, requires_grad=True)
            x = torch.tensor(X0, dtype=torch.float64)
            for _ in range(steps):
                x = torch.sin(x) * a + 0.1 * x
            x.backward()
            return a.grad.item()

        check_close("PyTorch", run(), want, **tol)
        return [Case("PyTorch eager", run)]

    def autograd_cases(autograd):
        import autograd.numpy as anp

        def f(a):
            x = X0
            for _ in range(steps):
                x = anp.sin(x) * a + 0.1 * x
            return x

        g = autograd.grad(f)
        check_close("HIPS autograd", g(A), want, **tol)
        return [Case("HIPS autograd grad", lambda: g(A))]

    def mygrad_cases(mg):
        def run():
            a = mg.tensor(A)
            x = mg.tensor(X0)
            for _ in range(steps):
                x = mg.sin(x) * a + 0.1 * x
            x.backward()
            return float(a.grad)

        check_close("MyGrad", run(), want, **tol)
        return [Case("MyGrad", run)]

    def jax_cases(jax):
        import jax.numpy as jnp

        def f(a):
            x = X0
            for _ in range(steps):
                x = jnp.sin(x) * a + 0.1 * x
            return x

        def f_loop(a):     # what a JAX user would jit: the loop as lax.fori_loop
            return jax.lax.fori_loop(0, steps, lambda _, x: jnp.sin(x) * a + 0.1 * x,
                                     jnp.float64(X0))

        g = jax.grad(f)
        jitted = jax.jit(jax.grad(f_loop))
        check_close("JAX", g(A), want, **tol)
        check_close("JAX jit", jitted(A), want, **tol)
        return [Case("JAX eager grad", lambda: g(A).block_until_ready()),
                Case("JAX jit, fori_loop (reference)",
                     lambda: jitted(A).block_until_ready(), REFERENCE)]

    peers.add("torch", torch_cases)
    peers.add("autograd", autograd_cases)
    peers.add("mygrad", mygrad_cases)
    peers.add("jax", jax_cases)
    built.notes.append("no bar: a comparison with the peers only")
    return built


WORKLOADS = [
    Workload("recurrence", "fg.grad of a 1,000-step scalar recurrence",
             "x_{t+1} = sin(x_t) * a + 0.1 * x_t; d x_T / d a with a a Python float; "
             "Python-loop-heavy user code, reported per step.", build_recurrence),
]

if __name__ == "__main__":
    from _harness import run_as_script

    run_as_script(WORKLOADS)
