"""Performance guards: funcgrad against hand-written NumPy, in this process, with wide margins.

These catch a change that makes funcgrad several times slower (or hungrier), not a few
percent: the margins are far above the bars of DESIGN.md's performance budget, which the
benchmark suite (``python benchmarks/run.py``) measures against the peers. Each guard
compares a ratio of medians over interleaved rounds, so a slow spell on a busy machine
touches both sides alike, and measures once more before failing. The workloads are the
suite's own (``benchmarks/bench_*.py``), so what is guarded is what is benchmarked.

Deselect with ``-m "not perf"``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import _harness  # noqa: E402
import bench_derivatives  # noqa: E402
import bench_mlp  # noqa: E402
import bench_tiny_ops  # noqa: E402
from _harness import Case, Config  # noqa: E402

pytestmark = pytest.mark.perf  # registered in pyproject.toml; runs in CI

NUMPY = "hand-written NumPy"
CFG = Config(quick=False, peers={}, min_sample_s=0.005)   # funcgrad and NumPy only


def _built(build):
    built = build(CFG)
    if built.failed:
        pytest.fail("; ".join(f"{name}: {error}" for name, error in built.failed.items()))
    return built


def _ratios(cases, against, repeat):
    times = _harness.time_cases(cases, repeat=repeat, min_sample_s=CFG.min_sample_s, warmup=1)
    return {name: t["median_s"] / times[against]["median_s"] for name, t in times.items()}


def assert_within(cases, against, limits, repeat=7):
    """Each case in ``limits`` takes at most ``limit`` times ``against``; one retry."""
    ratios = _ratios(cases, against, repeat)
    if any(ratios[name] > limit for name, limit in limits.items()):
        again = _ratios(cases, against, repeat)
        ratios = {name: min(r, again[name]) for name, r in ratios.items()}
    slow = {name: f"{ratios[name]:.2f}x (guard {limit}x)" for name, limit in limits.items()
            if ratios[name] > limit}
    assert not slow, f"slower than hand-written NumPy by more than the guard: {slow}"
    return ratios


def test_tiny_op_overhead_against_a_numpy_op_loop():
    """600 recorded ops forward and backward, per op, against one NumPy call on the same
    four-element array."""
    built = _built(bench_tiny_ops.build_tiny_ops)
    funcgrad = next(c for c in built.cases if c.kind == _harness.FUNCGRAD)
    x, ops = bench_tiny_ops.TINY_X, built.per

    def numpy_loop():       # one NumPy call per op, same mix, no derivative
        y = x
        for _ in range(int(ops) // 4):
            y = np.tanh(np.sin(y * 0.5 + x))
        return y

    assert_within([Case("numpy op loop", numpy_loop, _harness.LIMIT), funcgrad],
                  "numpy op loop", {funcgrad.name: 40})


def test_mlp_gradient_step_within_2x_of_hand_written():
    built = _built(bench_mlp.build_mlp)
    assert_within(built.cases, NUMPY, {bench_mlp.TENSOR: 2.0, bench_mlp.GRAD: 2.0})


def test_full_jacobian_within_100x_of_hand_written():
    built = _built(bench_derivatives.build_jacobian)
    assert_within(built.cases, NUMPY, {"funcgrad jacrev": 100, "funcgrad jacfwd": 100},
                  repeat=5)


def test_full_hessian_within_12x_of_hand_written():
    built = _built(bench_derivatives.build_hessian)
    assert_within(built.cases, NUMPY, {"funcgrad hessian": 12}, repeat=5)


def test_long_chain_backward_runs_and_keeps_pace():
    """10,000 ops: no RecursionError (checked while building), and the backward pass within
    a wide multiple of the hand-written adjoint loop."""
    built = _built(bench_tiny_ops.build_chain)
    recursion = next(b for b in built.bars if b.limit is None)
    assert recursion.passed, recursion.detail
    assert_within(built.cases, NUMPY, {"funcgrad Tensor.backward": 25}, repeat=3)


def test_peak_memory_of_the_mlp_step_within_1_5x_of_hand_written():
    built = _built(bench_mlp.build_memory)
    peaks = {c.name: _harness.peak_memory(c, repeat=1)["peak_bytes"] for c in built.cases}
    for name in (bench_mlp.TENSOR, bench_mlp.GRAD):
        ratio = peaks[name] / peaks[NUMPY]
        assert ratio <= 1.5, f"{name}: peak {ratio:.2f}x the hand-written step's (guard 1.5x)"
