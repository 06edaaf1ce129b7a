"""Full Jacobians and Hessians: funcgrad beside hand-written derivatives and the peers.

Workloads (DESIGN.md's performance table):

- the full 512x512 Jacobian of ``f(x) = tanh(W @ x + b) * x``; the hand-written Jacobian is
  ``diag(x (1 - t^2)) W + diag(t)`` with ``t = tanh(W @ x + b)``;
- the full 256x256 Hessian of ``g(x) = sum(tanh(A @ x))``; the hand-written Hessian is
  ``A^T diag(-2 t (1 - t^2)) A`` with ``t = tanh(A @ x)``.

Each is timed in one process as the median of repeated runs, for funcgrad (``jacrev``,
``jacfwd``, ``hessian``), the hand-written NumPy derivative (the limit), and, when
installed, PyTorch (``torch.func``, one CPU thread), JAX (eager, and jit for reference) and
HIPS autograd. Ratios are to the hand-written time. float64 throughout.

Run: ``python benchmarks/bench_derivatives.py [--repeat N] [--json]``
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time

import numpy as np

import funcgrad as fg
import funcgrad.numpy as fnp


def median_time(fn, repeat, warmup=2):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def jacobian_workload(n=512, seed=0):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((n, n)) / np.sqrt(n)
    b = rng.standard_normal(n)
    x = rng.standard_normal(n)

    def f(x):
        return fnp.tanh(W @ x + b) * x

    def by_hand():
        t = np.tanh(W @ x + b)
        jac = (x * (1 - t * t))[:, None] * W
        jac[np.diag_indices(n)] += t
        return jac

    cases = {
        "hand-written": by_hand,
        "funcgrad jacrev": lambda: fg.jacrev(f)(x),
        "funcgrad jacfwd": lambda: fg.jacfwd(f)(x),
    }
    reference = by_hand()
    for name, fn in list(cases.items())[1:]:
        np.testing.assert_allclose(fn(), reference, rtol=1e-10, atol=1e-12, err_msg=name)
    cases.update(_peer_jacobians(W, b, x, reference))
    return cases


def hessian_workload(n=256, seed=1):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n)) / np.sqrt(n)
    x = rng.standard_normal(n)

    def g(x):
        return fnp.sum(fnp.tanh(A @ x))

    def by_hand():
        t = np.tanh(A @ x)
        return A.T @ ((-2 * t * (1 - t * t))[:, None] * A)

    cases = {
        "hand-written": by_hand,
        "funcgrad hessian": lambda: fg.hessian(g)(x),
    }
    reference = by_hand()
    np.testing.assert_allclose(fg.hessian(g)(x), reference, rtol=1e-10, atol=1e-12)
    cases.update(_peer_hessians(A, x, reference))
    return cases


def _peer_jacobians(W, b, x, reference):
    cases = {}
    try:
        import torch
        from torch.func import jacfwd as tjacfwd
        from torch.func import jacrev as tjacrev

        torch.set_num_threads(1)
        Wt, bt, xt = (torch.from_numpy(a) for a in (W, b, x))

        def tf(v):
            return torch.tanh(Wt @ v + bt) * v

        np.testing.assert_allclose(tjacrev(tf)(xt).numpy(), reference, rtol=1e-10, atol=1e-12)
        cases["torch.func.jacrev"] = lambda: tjacrev(tf)(xt)
        cases["torch.func.jacfwd"] = lambda: tjacfwd(tf)(xt)
    except ImportError:
        pass
    try:
        import jax
        import jax.numpy as jnp

        jax.config.update("jax_enable_x64", True)
        Wj, bj, xj = (jnp.asarray(a) for a in (W, b, x))

        def jf(v):
            return jnp.tanh(Wj @ v + bj) * v

        np.testing.assert_allclose(np.asarray(jax.jacrev(jf)(xj)), reference, rtol=1e-10, atol=1e-12)
        cases["jax jacrev (eager)"] = lambda: jax.jacrev(jf)(xj).block_until_ready()
        jitted = jax.jit(jax.jacrev(jf))
        cases["jax jacrev (jit, reference)"] = lambda: jitted(xj).block_until_ready()
    except ImportError:
        pass
    try:
        import autograd
        import autograd.numpy as anp

        def af(v):
            return anp.tanh(W @ v + b) * v

        cases["HIPS autograd jacobian"] = lambda: autograd.jacobian(af)(x)
    except ImportError:
        pass
    return cases


def _peer_hessians(A, x, reference):
    cases = {}
    try:
        import torch
        from torch.func import hessian as thessian

        torch.set_num_threads(1)
        At, xt = torch.from_numpy(A), torch.from_numpy(x)

        def tg(v):
            return torch.tanh(At @ v).sum()

        np.testing.assert_allclose(thessian(tg)(xt).numpy(), reference, rtol=1e-10, atol=1e-12)
        cases["torch.func.hessian"] = lambda: thessian(tg)(xt)
    except ImportError:
        pass
    try:
        import jax
        import jax.numpy as jnp

        jax.config.update("jax_enable_x64", True)
        Aj, xj = jnp.asarray(A), jnp.asarray(x)

        def jg(v):
            return jnp.sum(jnp.tanh(Aj @ v))

        cases["jax hessian (eager)"] = lambda: jax.hessian(jg)(xj).block_until_ready()
        jitted = jax.jit(jax.hessian(jg))
        cases["jax hessian (jit, reference)"] = lambda: jitted(xj).block_until_ready()
    except ImportError:
        pass
    try:
        import autograd
        import autograd.numpy as anp

        def ag(v):
            return anp.sum(anp.tanh(A @ v))

        cases["HIPS autograd hessian"] = lambda: autograd.hessian(ag)(x)
    except ImportError:
        pass
    return cases


def run(repeat):
    results = {}
    for title, workload in [("512x512 Jacobian of tanh(W@x+b)*x", jacobian_workload),
                            ("256x256 Hessian of sum(tanh(A@x))", hessian_workload)]:
        cases = workload()
        times = {name: median_time(fn, repeat) for name, fn in cases.items()}
        base = times["hand-written"]
        results[title] = {name: {"median_s": t, "ratio": t / base} for name, t in times.items()}
    return results


def print_table(results):
    print(f"machine: {platform.machine()}, {platform.processor() or platform.platform()}, "
          f"Python {platform.python_version()}, NumPy {np.__version__}")
    for title, rows in results.items():
        print(f"\n{title}")
        print(f"  {'':34s} {'median':>10s} {'vs hand-written':>16s}")
        for name, r in rows.items():
            print(f"  {name:34s} {r['median_s'] * 1e3:8.2f}ms {r['ratio']:15.1f}x")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    results = run(args.repeat)
    if args.json:
        json.dump(results, sys.stdout, indent=2)
        print()
    else:
        print_table(results)
    return results


if __name__ == "__main__":
    main()
