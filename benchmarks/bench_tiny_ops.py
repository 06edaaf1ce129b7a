"""Per-operation overhead: many tiny elementwise ops, and a long chain's backward pass.

- ``tiny-ops``: 600 elementwise ops on a float32 vector of 4 elements (150 blocks of
  ``y = tanh(sin(y * 0.5 + x))``: mul, add, sin, tanh), then ``sum`` and backward; the
  arrays are so small that the time is all bookkeeping, reported per op.
- ``chain``: the backward pass alone of a 10,000-op chain (2,500 blocks of
  ``y = tanh(sin(y * 1.02 - 0.01))`` on a float64 vector of 4 elements), the graph built
  beforehand; it must also run without a RecursionError.

Run: ``python benchmarks/bench_tiny_ops.py`` (the suite's options apply).
"""

from __future__ import annotations

import numpy as np

# the harness first: it finds funcgrad in this clone when funcgrad is not installed
from _harness import (  # isort: skip
    FUNCGRAD, LIMIT, REFERENCE, Bar, Built, Case, Peers, Workload, check_close, guarded,
)

import funcgrad as fg


# ----------------------------------------------------------------------------- tiny ops

TINY_BLOCKS = 150                    # 4 ops a block: 600 ops
TINY_X = np.array([0.3, -0.7, 1.1, 0.05], dtype=np.float32)


def tiny_by_hand(xp, x, blocks):
    """Hand-written forward and reverse pass of ``blocks`` blocks of
    ``y = tanh(sin(y * 0.5 + x))`` from ``y = x`` (the limit), in the array module ``xp``
    (NumPy here, CuPy in bench_gpu.py): the gradient of ``sum(y)`` in ``x``."""
    y, saved = x, []
    for _ in range(blocks):
        u = y * 0.5 + x
        t = xp.tanh(xp.sin(u))
        saved.append((u, t))
        y = t
    g = xp.ones_like(x)
    gx = xp.zeros_like(x)
    for u, t in reversed(saved):
        g = g * (1 - t * t) * xp.cos(u)
        gx = gx + g
        g = g * 0.5
    return gx + g  # the chain starts at y = x: its cotangent reaches x too


def build_tiny_ops(cfg):
    blocks = TINY_BLOCKS
    x0 = TINY_X
    want = tiny_by_hand(np, x0, blocks)
    built = Built(cases=[Case("hand-written NumPy", lambda: tiny_by_hand(np, x0, blocks), LIMIT)],
                  baseline="hand-written NumPy", per=4 * blocks, unit="op",
                  repeat=5 if cfg.quick else 15)

    def funcgrad_case():
        x = fg.tensor(x0, requires_grad=True)

        def run():
            x.grad = None
            y = x
            for _ in range(blocks):
                y = fg.tanh(fg.sin(y * 0.5 + x))
            y.sum().backward()
            return x.grad

        check_close("funcgrad", run(), want, rtol=1e-4, atol=1e-6)
        return Case("funcgrad Tensor.backward", run, FUNCGRAD)

    guarded(built, "funcgrad Tensor.backward", funcgrad_case)
    peers = Peers(cfg, built.cases, built.notes)

    def torch_cases(torch):
        x = torch.tensor(x0, requires_grad=True)

        def run():
            x.grad = None
            y = x
            for _ in range(blocks):
                y = torch.tanh(torch.sin(y * 0.5 + x))
            y.sum().backward()
            return x.grad

        check_close("PyTorch", run(), want, rtol=1e-4, atol=1e-6)
        return [Case("PyTorch eager", run)]

    def autograd_cases(autograd):
        import autograd.numpy as anp

        def f(x):
            y = x
            for _ in range(blocks):
                y = anp.tanh(anp.sin(y * 0.5 + x))
            return anp.sum(y)

        g = autograd.grad(f)
        check_close("HIPS autograd", g(x0), want, rtol=1e-4, atol=1e-6)
        return [Case("HIPS autograd", lambda: g(x0))]

    def mygrad_cases(mg):
        def run():
            x = mg.tensor(x0)
            y = x
            for _ in range(blocks):
                y = mg.tanh(mg.sin(y * 0.5 + x))
            y.sum().backward()
            return x.grad

        check_close("MyGrad", run(), want, rtol=1e-4, atol=1e-6)
        return [Case("MyGrad", run)]

    def jax_cases(jax):
        import jax.numpy as jnp

        def f(x):
            y = x
            for _ in range(blocks):
                y = jnp.tanh(jnp.sin(y * 0.5 + x))
            return jnp.sum(y)

        xj = jnp.asarray(x0)
        g = jax.grad(f)
        jitted = jax.jit(g)
        check_close("JAX", g(xj), want, rtol=1e-4, atol=1e-6)
        check_close("JAX jit", jitted(xj), want, rtol=1e-4, atol=1e-6)
        return [Case("JAX eager grad", lambda: g(xj).block_until_ready()),
                Case("JAX jit (reference)", lambda: jitted(xj).block_until_ready(), REFERENCE)]

    peers.add("torch", torch_cases)
    peers.add("autograd", autograd_cases)
    peers.add("mygrad", mygrad_cases)
    peers.add("jax", jax_cases)
    built.bars.append(Bar("funcgrad per op no slower than PyTorch eager",
                          "funcgrad Tensor.backward", "PyTorch eager", 1.0))
    return built


# ----------------------------------------------------------------------------- long chain

CHAIN_BLOCKS = 2500                  # 4 ops a block: 10,000 ops
CHAIN_X = np.array([0.1, 0.5, -0.3, 0.9])


def _chain_forward_numpy(x, blocks):
    y, saved = x, []
    for _ in range(blocks):
        u = y * 1.02 - 0.01
        t = np.tanh(np.sin(u))
        saved.append((u, t))
        y = t
    return saved


def _chain_backward_numpy(saved):
    g = np.ones(saved[0][0].shape)
    for u, t in reversed(saved):
        g = g * (1 - t * t) * np.cos(u) * 1.02
    return g


def build_chain(cfg):
    blocks = CHAIN_BLOCKS
    x0 = CHAIN_X
    want = _chain_backward_numpy(_chain_forward_numpy(x0, blocks))
    built = Built(cases=[Case("hand-written NumPy", _chain_backward_numpy, LIMIT,
                              setup=lambda: _chain_forward_numpy(x0, blocks))],
                  baseline="hand-written NumPy", per=4 * blocks, unit="op",
                  repeat=3 if cfg.quick else 9)
    recursion = Bar("no RecursionError in funcgrad's 10,000-op backward", passed=True,
                    detail="backward ran")

    def funcgrad_case():
        x = fg.tensor(x0, requires_grad=True)

        def setup():
            x.grad = None
            y = x
            for _ in range(blocks):
                y = fg.tanh(fg.sin(y * 1.02 - 0.01))
            return y.sum()

        def backward(s):
            s.backward()
            return x.grad

        try:
            got = backward(setup())
        except RecursionError as exc:
            recursion.passed, recursion.detail = False, f"RecursionError: {exc}"
            raise
        check_close("funcgrad", got, want, rtol=1e-9)
        return Case("funcgrad Tensor.backward", backward, FUNCGRAD, setup=setup)

    guarded(built, "funcgrad Tensor.backward", funcgrad_case)
    peers = Peers(cfg, built.cases, built.notes)

    def torch_cases(torch):
        x = torch.tensor(x0, requires_grad=True)

        def setup():
            x.grad = None
            y = x
            for _ in range(blocks):
                y = torch.tanh(torch.sin(y * 1.02 - 0.01))
            return y.sum()

        def backward(s):
            s.backward()
            return x.grad

        check_close("PyTorch", backward(setup()), want, rtol=1e-9)
        return [Case("PyTorch eager", backward, setup=setup)]

    def autograd_cases(autograd):
        import autograd.numpy as anp

        def f(x):
            y = x
            for _ in range(blocks):
                y = anp.tanh(anp.sin(y * 1.02 - 0.01))
            return anp.sum(y)

        make = autograd.make_vjp(f)

        def setup():
            return make(x0)[0]

        check_close("HIPS autograd", setup()(1.0), want, rtol=1e-9)
        return [Case("HIPS autograd", lambda vjp: vjp(1.0), setup=setup)]

    def mygrad_cases(mg):
        def setup():
            x = mg.tensor(x0)
            y = x
            for _ in range(blocks):
                y = mg.tanh(mg.sin(y * 1.02 - 0.01))
            return x, y.sum()

        def backward(state):
            x, s = state
            s.backward()
            return x.grad

        check_close("MyGrad", backward(setup()), want, rtol=1e-9)
        return [Case("MyGrad", backward, setup=setup)]

    def jax_cases(jax):
        import jax.numpy as jnp

        def f(x):
            y = x
            for _ in range(blocks):
                y = jnp.tanh(jnp.sin(y * 1.02 - 0.01))
            return jnp.sum(y)

        xj = jnp.asarray(x0)

        def setup():
            return jax.vjp(f, xj)[1]

        def backward(vjp):
            return vjp(jnp.float64(1.0))[0].block_until_ready()

        check_close("JAX", backward(setup()), want, rtol=1e-9)
        return [Case("JAX eager vjp", backward, setup=setup)]

    peers.add("torch", torch_cases)
    peers.add("autograd", autograd_cases)
    peers.add("mygrad", mygrad_cases)
    peers.add("jax", jax_cases)
    built.bars.append(Bar("funcgrad backward no slower than PyTorch's",
                          "funcgrad Tensor.backward", "PyTorch eager", 1.0))
    built.bars.append(recursion)
    return built


WORKLOADS = [
    Workload("tiny-ops", "600 tiny elementwise ops, forward + backward (per op)",
             "150 blocks of y = tanh(sin(y * 0.5 + x)) on a float32 vector of 4 elements, "
             "then sum and backward; time per op, op bookkeeping dominates.", build_tiny_ops),
    Workload("chain", "backward of a 10,000-op chain",
             "2,500 blocks of y = tanh(sin(y * 1.02 - 0.01)) on a float64 vector of 4 "
             "elements; the graph is built untimed, the backward pass alone is timed.",
             build_chain),
]

if __name__ == "__main__":
    from _harness import run_as_script

    run_as_script(WORKLOADS)
