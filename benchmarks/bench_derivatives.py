"""Full Jacobians and Hessians: funcgrad beside hand-written derivatives and the peers.

Workloads (DESIGN.md's performance table):

- ``jacobian``: the full 512x512 Jacobian of ``f(x) = tanh(W @ x + b) * x``; the
  hand-written Jacobian is ``diag(x (1 - t^2)) W + diag(t)`` with ``t = tanh(W @ x + b)``;
- ``hessian``: the full 256x256 Hessian of ``g(x) = sum(tanh(A @ x))``; the hand-written
  Hessian is ``A^T diag(-2 t (1 - t^2)) A`` with ``t = tanh(A @ x)``.

Each is timed for funcgrad (``jacrev``, ``jacfwd``, ``hessian``), the hand-written NumPy
derivative (the limit), and, when installed, PyTorch (``torch.func``, one CPU thread), JAX
(eager, and jit for reference) and HIPS autograd. float64 throughout.

Run: ``python benchmarks/bench_derivatives.py`` (the suite's options apply:
``--repeat N``, ``--json``, ``--quick``, ...).
"""

from __future__ import annotations

import numpy as np

# the harness first: it finds funcgrad in this clone when funcgrad is not installed
from _harness import (  # isort: skip
    FUNCGRAD, LIMIT, REFERENCE, Bar, Built, Case, Peers, Workload, check_close, guarded,
)

import funcgrad as fg
import funcgrad.numpy as fnp


TOL = dict(rtol=1e-10, atol=1e-12)


def jacobian_problem(n=512, seed=0):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((n, n)) / np.sqrt(n)
    b = rng.standard_normal(n)
    x = rng.standard_normal(n)
    return W, b, x


def jacobian_numpy(W, b, x):
    t = np.tanh(W @ x + b)
    jac = (x * (1 - t * t))[:, None] * W
    jac[np.diag_indices(len(x))] += t
    return jac


def build_jacobian(cfg):
    n = 512                       # --quick too: cheap, and the bar is about this size
    W, b, x = jacobian_problem(n)
    want = jacobian_numpy(W, b, x)
    built = Built(cases=[Case("hand-written NumPy", lambda: jacobian_numpy(W, b, x), LIMIT)],
                  baseline="hand-written NumPy", repeat=5 if cfg.quick else 15,
                  title=f"full {n}x{n} Jacobian of tanh(W@x+b)*x (float64)")

    def f(x):
        return fnp.tanh(W @ x + b) * x

    def transform_case(name, transform):
        def make():
            jac = transform(f)
            check_close(name, jac(x), want, **TOL)
            return Case(name, lambda: jac(x), FUNCGRAD)
        guarded(built, name, make)

    transform_case("funcgrad jacrev", fg.jacrev)
    transform_case("funcgrad jacfwd", fg.jacfwd)
    peers = Peers(cfg, built.cases, built.notes)

    def torch_cases(torch):
        from torch.func import jacfwd, jacrev

        Wt, bt, xt = (torch.from_numpy(a) for a in (W, b, x))

        def tf(v):
            return torch.tanh(Wt @ v + bt) * v

        check_close("torch.func.jacrev", jacrev(tf)(xt), want, **TOL)
        check_close("torch.func.jacfwd", jacfwd(tf)(xt), want, **TOL)
        return [Case("torch.func.jacrev", lambda: jacrev(tf)(xt)),
                Case("torch.func.jacfwd", lambda: jacfwd(tf)(xt))]

    def jax_cases(jax):
        import jax.numpy as jnp

        Wj, bj, xj = (jnp.asarray(a) for a in (W, b, x))

        def jf(v):
            return jnp.tanh(Wj @ v + bj) * v

        jitted = jax.jit(jax.jacrev(jf))
        check_close("JAX jacrev", jax.jacrev(jf)(xj), want, **TOL)
        check_close("JAX jacrev jit", jitted(xj), want, **TOL)
        return [Case("JAX jacrev (eager)", lambda: jax.jacrev(jf)(xj).block_until_ready()),
                Case("JAX jacfwd (eager)", lambda: jax.jacfwd(jf)(xj).block_until_ready()),
                Case("JAX jacrev (jit, reference)",
                     lambda: jitted(xj).block_until_ready(), REFERENCE)]

    def autograd_cases(autograd):
        import autograd.numpy as anp

        def af(v):
            return anp.tanh(W @ v + b) * v

        check_close("HIPS autograd", autograd.jacobian(af)(x), want, **TOL)
        return [Case("HIPS autograd jacobian", lambda: autograd.jacobian(af)(x))]

    peers.add("torch", torch_cases)
    peers.add("jax", jax_cases)
    peers.add("autograd", autograd_cases)
    built.bars += [Bar("funcgrad jacrev within 45x of the hand-written Jacobian",
                       "funcgrad jacrev", "hand-written NumPy", 45),
                   Bar("funcgrad jacfwd within 45x of the hand-written Jacobian",
                       "funcgrad jacfwd", "hand-written NumPy", 45)]
    return built


def hessian_problem(n=256, seed=1):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n)) / np.sqrt(n)
    x = rng.standard_normal(n)
    return A, x


def hessian_numpy(A, x):
    t = np.tanh(A @ x)
    return A.T @ ((-2 * t * (1 - t * t))[:, None] * A)


def build_hessian(cfg):
    n = 256
    A, x = hessian_problem(n)
    want = hessian_numpy(A, x)
    built = Built(cases=[Case("hand-written NumPy", lambda: hessian_numpy(A, x), LIMIT)],
                  baseline="hand-written NumPy", repeat=5 if cfg.quick else 15,
                  title=f"full {n}x{n} Hessian of sum(tanh(A@x)) (float64)")

    def g(x):
        return fnp.sum(fnp.tanh(A @ x))

    def make():
        hess = fg.hessian(g)
        check_close("funcgrad hessian", hess(x), want, **TOL)
        return Case("funcgrad hessian", lambda: hess(x), FUNCGRAD)

    guarded(built, "funcgrad hessian", make)
    peers = Peers(cfg, built.cases, built.notes)

    def torch_cases(torch):
        from torch.func import hessian

        At, xt = torch.from_numpy(A), torch.from_numpy(x)

        def tg(v):
            return torch.tanh(At @ v).sum()

        check_close("torch.func.hessian", hessian(tg)(xt), want, **TOL)
        return [Case("torch.func.hessian", lambda: hessian(tg)(xt))]

    def jax_cases(jax):
        import jax.numpy as jnp

        Aj, xj = jnp.asarray(A), jnp.asarray(x)

        def jg(v):
            return jnp.sum(jnp.tanh(Aj @ v))

        jitted = jax.jit(jax.hessian(jg))
        check_close("JAX hessian", jax.hessian(jg)(xj), want, **TOL)
        check_close("JAX hessian jit", jitted(xj), want, **TOL)
        return [Case("JAX hessian (eager)", lambda: jax.hessian(jg)(xj).block_until_ready()),
                Case("JAX hessian (jit, reference)",
                     lambda: jitted(xj).block_until_ready(), REFERENCE)]

    def autograd_cases(autograd):
        import autograd.numpy as anp

        def ag(v):
            return anp.sum(anp.tanh(A @ v))

        check_close("HIPS autograd", autograd.hessian(ag)(x), want, **TOL)
        return [Case("HIPS autograd hessian", lambda: autograd.hessian(ag)(x))]

    peers.add("torch", torch_cases)
    peers.add("jax", jax_cases)
    peers.add("autograd", autograd_cases)
    built.bars.append(Bar("funcgrad hessian within 4x of the hand-written Hessian",
                          "funcgrad hessian", "hand-written NumPy", 4))
    return built


WORKLOADS = [
    Workload("jacobian", "full 512x512 Jacobian of tanh(W@x+b)*x (float64)",
             "the whole Jacobian in one call; the hand-written one is "
             "diag(x(1-t^2)) W + diag(t), t = tanh(W@x+b).", build_jacobian),
    Workload("hessian", "full 256x256 Hessian of sum(tanh(A@x)) (float64)",
             "the whole Hessian in one call; the hand-written one is "
             "A^T diag(-2t(1-t^2)) A, t = tanh(A@x).", build_hessian),
]

if __name__ == "__main__":
    from _harness import run_as_script

    run_as_script(WORKLOADS)
