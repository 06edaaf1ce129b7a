"""The benchmark suite's machinery: cases, bars, timing, peak memory, result checks.

A workload module (``bench_*.py``) lists ``Workload`` objects. A workload's ``build(cfg)``
returns a ``Built``: the cases to measure (the hand-written NumPy limit first), the bars the
project holds funcgrad to, and notes (peers left out and why). Every case has been checked
against the hand-written result before ``build`` returns, so what is timed is the same
computation everywhere.

Timing is interleaved: each round runs every case once, in turn, and a case's time is the
median over rounds. On a noisy machine a slow spell then hits every case alike instead of
whichever case happened to be running, which keeps the ratios steadier than the times.
The garbage collector stays on, as users run with it; a collection is made before each round.
"""

from __future__ import annotations

import gc
import math
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

try:
    import funcgrad  # noqa: F401 - only: is it importable?
except ImportError:   # run from a clone without installing it: use the clone's funcgrad
    sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

# kinds of case, in the order tables list them
LIMIT, FUNCGRAD, PEER, REFERENCE = "limit", "funcgrad", "peer", "reference"
_KIND_ORDER = {LIMIT: 0, FUNCGRAD: 1, PEER: 2, REFERENCE: 3}


@dataclass
class Config:
    """What a workload is built for: the suite's options."""

    quick: bool = False          # small sizes, few repeats (CI)
    repeat: int | None = None    # rounds of timing; None: the workload's own default
    peers: dict = field(default_factory=dict)   # name -> module, from _peers.load_peers
    min_sample_s: float = 0.01   # a short case is looped until one sample lasts this long


@dataclass
class Case:
    """One implementation of a workload.

    ``fn()`` is timed; with ``setup``, ``fn(setup())`` is timed and the setup is not (used to
    time a backward pass alone, on a graph built beforehand).
    """

    name: str
    fn: Callable
    kind: str = PEER
    setup: Callable | None = None


@dataclass
class Bar:
    """A target: ``case`` must take at most ``limit`` times what ``against`` takes.

    A check bar (``limit=None``) holds a verdict decided while building (``passed``,
    ``detail``), e.g. that a 10,000-op backward raises no RecursionError.
    """

    label: str
    case: str | None = None
    against: str | None = None
    limit: float | None = None
    passed: bool | None = None
    detail: str = ""


@dataclass
class Built:
    cases: list[Case]
    baseline: str                       # the hand-written NumPy case
    bars: list[Bar] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    per: float | None = None            # divide a time by this to report it per ``unit``
    unit: str | None = None             # e.g. "op", "step"
    metric: str = "time"                # or "memory" (peak bytes, via tracemalloc)
    repeat: int = 15
    failed: dict = field(default_factory=dict)   # case -> error text (funcgrad cases only)
    title: str | None = None            # overrides the workload's title (e.g. --quick sizes)


@dataclass
class Workload:
    key: str                           # --only NAME
    title: str
    description: str
    build: Callable[[Config], Built]


def run_as_script(workloads):
    """``python benchmarks/bench_X.py [options]``: the suite's runner on these workloads.

    A fresh process, so that the runner can pin thread counts before NumPy is imported.
    """
    import subprocess

    runner = Path(__file__).resolve().parent / "run.py"
    only = ",".join(w.key for w in workloads)
    sys.exit(subprocess.call([sys.executable, str(runner), "--only", only] + sys.argv[1:]))


# ---------------------------------------------------------------------------- checking

def check_close(name, got, want, rtol=1e-6, atol=0.0):
    """Raise AssertionError naming the case when ``got`` differs from ``want``.

    ``got`` may be an array, a Tensor-like (``.numpy()``/``.detach()``), or a dict/list of them.
    """
    if isinstance(want, dict):
        for key in want:
            check_close(f"{name}[{key!r}]", got[key], want[key], rtol, atol)
        return
    if isinstance(want, (list, tuple)):
        assert len(got) == len(want), f"{name}: {len(got)} results, expected {len(want)}"
        for i, (g, w) in enumerate(zip(got, want)):
            check_close(f"{name}[{i}]", g, w, rtol, atol)
        return
    np.testing.assert_allclose(to_numpy(got), to_numpy(want), rtol=rtol, atol=atol,
                               err_msg=f"{name} disagrees with the hand-written result")


def to_numpy(value):
    """A NumPy array from any framework's array or tensor."""
    if hasattr(value, "detach") and hasattr(value, "numpy"):      # torch, funcgrad Tensors
        value = value.detach()
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        try:
            return np.asarray(value.numpy())
        except TypeError:
            pass
    if hasattr(value, "data") and type(value).__module__.startswith("mygrad"):
        return np.asarray(value.data)
    return np.asarray(value)


class Peers:
    """Adds peers' cases to a workload, turning any failure into a note instead of a crash.

    ``with peers.case("torch", cases, notes) as torch:`` yields the module, or skips the block
    (with a note) when the peer is not installed; an exception inside the block (an API that
    moved, a disagreement) drops that peer's cases from this workload and becomes a note.
    """

    LABELS = {"torch": "PyTorch", "jax": "JAX", "autograd": "HIPS autograd", "mygrad": "MyGrad"}

    def __init__(self, cfg: Config, cases: list[Case], notes: list[str]):
        self.cfg, self.cases, self.notes = cfg, cases, notes

    def add(self, name: str, build: Callable[[Any], list[Case]]):
        module = self.cfg.peers.get(name)
        if module is None:
            return
        try:
            new = build(module)
        except Exception as exc:   # noqa: BLE001 - a peer's failure must not stop the suite
            self.notes.append(f"{self.LABELS.get(name, name)} left out: "
                              f"{type(exc).__name__}: {_first_line(exc)}")
            return
        self.cases.extend(new)


def guarded(built: Built, name: str, make: Callable[[], Case]):
    """Add funcgrad's case, or record why it could not run (a failed bar, not a crash)."""
    try:
        case = make()
    except Exception as exc:       # noqa: BLE001
        built.failed[name] = f"{type(exc).__name__}: {_first_line(exc)}"
        return None
    built.cases.append(case)
    return case


def _first_line(exc):
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else ""


# ---------------------------------------------------------------------------- timing

def warm_allocator():
    """Put glibc's malloc in its steady state: large blocks are kept for reuse.

    glibc serves a large block with mmap, and returns freed memory at the heap's top to the
    OS, until a freed mmapped block raises both thresholds to its size. Until then, every
    call that allocates a few megabytes of temporaries page-faults them in again, at a cost
    several times that of the arithmetic (the 512x512 Jacobian: 6 ms instead of 0.9 ms).
    Which library ran earlier in the process would decide; allocating and freeing one block
    just under glibc's 32 MiB cap settles it the same way for every run. Harmless elsewhere.
    """
    block = np.empty(31 * 2**20, dtype=np.uint8)
    block[::4096] = 1
    del block



def _call(case, number):
    if case.setup is not None:
        state = case.setup()
        start = time.perf_counter()
        case.fn(state)
        return time.perf_counter() - start
    fn = case.fn
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def time_cases(cases: list[Case], repeat: int, min_sample_s: float = 0.01, warmup: int = 2):
    """Median seconds per call of each case, over ``repeat`` interleaved rounds."""
    warm_allocator()
    numbers = {}
    for case in cases:
        for _ in range(warmup):
            one = _call(case, 1)
        numbers[case.name] = 1 if case.setup is not None else \
            max(1, min(10_000, math.ceil(min_sample_s / max(one, 1e-9))))
    samples = {case.name: [] for case in cases}
    for _ in range(repeat):
        gc.collect()
        for case in cases:
            samples[case.name].append(_call(case, numbers[case.name]))
    return {name: {"median_s": statistics.median(ts), "min_s": min(ts),
                   "spread": _spread(ts), "samples": len(ts), "number": numbers[name]}
            for name, ts in samples.items()}


def _spread(ts):
    """Interquartile range over median: how noisy the samples were."""
    if len(ts) < 4:
        return (max(ts) - min(ts)) / statistics.median(ts)
    q = statistics.quantiles(ts, n=4)
    return (q[2] - q[0]) / statistics.median(ts)


def peak_memory(case: Case, repeat: int = 3):
    """Peak bytes allocated (through tracemalloc) by one call, above what was live before.

    NumPy reports its array buffers to tracemalloc, so this sees arrays and Python objects;
    it does not see allocators that bypass it (PyTorch's, XLA's).
    """
    peaks = []
    for _ in range(repeat):
        state = case.setup() if case.setup is not None else None
        gc.collect()
        started = not tracemalloc.is_tracing()
        if started:
            tracemalloc.start()
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        result = case.fn(state) if case.setup is not None else case.fn()
        peak = tracemalloc.get_traced_memory()[1] - base
        del result
        if started:
            tracemalloc.stop()
        peaks.append(peak)
    return {"median_s": None, "peak_bytes": statistics.median(peaks), "samples": len(peaks)}


# ---------------------------------------------------------------------------- evaluation

def measure(built: Built, cfg: Config):
    """Measure every case; return ``{"rows": {...}, "bars": [...]}`` ready to print."""
    cases = sorted(built.cases, key=lambda c: _KIND_ORDER.get(c.kind, 9))
    repeat = cfg.repeat or built.repeat
    if built.metric == "memory":
        raw = {c.name: peak_memory(c) for c in cases}
        value = {name: r["peak_bytes"] for name, r in raw.items()}
    else:
        raw = time_cases(cases, repeat, cfg.min_sample_s, warmup=1 if cfg.quick else 2)
        value = {name: r["median_s"] for name, r in raw.items()}
    base = value[built.baseline]
    rows = {}
    for case in cases:
        row = {"kind": case.kind, **raw[case.name], "ratio": value[case.name] / base}
        if built.per and built.metric == "time":
            row["per_unit_s"] = row["median_s"] / built.per
        rows[case.name] = row
    for name, error in built.failed.items():
        rows[name] = {"kind": FUNCGRAD, "error": error}
    bars = [evaluate_bar(bar, value, built) for bar in built.bars]
    return {"rows": rows, "bars": bars}


def evaluate_bar(bar: Bar, value: dict, built: Built):
    out = {"label": bar.label, "limit": bar.limit, "case": bar.case, "against": bar.against}
    if bar.limit is None:                       # a check decided while building
        out.update(status="PASS" if bar.passed else "FAIL", ratio=None, detail=bar.detail)
        return out
    if bar.case not in value:
        error = built.failed.get(bar.case, "not measured")
        out.update(status="FAIL", ratio=None, detail=error)
    elif bar.against not in value:
        out.update(status="SKIP", ratio=None, detail=f"{bar.against} not available")
    else:
        ratio = value[bar.case] / value[bar.against]
        out.update(status="PASS" if ratio <= bar.limit else "FAIL", ratio=ratio,
                   detail=f"{ratio:.3f}x (bar {bar.limit:g}x)" if ratio < 2
                   else f"{ratio:.1f}x (bar {bar.limit:g}x)")
    return out


# ---------------------------------------------------------------------------- formatting

def fmt_time(seconds):
    if seconds is None:
        return "-"
    for scale, unit in ((1, "s"), (1e-3, "ms"), (1e-6, "us")):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}" if seconds / scale < 100 \
                else f"{seconds / scale:.0f} {unit}"
    return f"{seconds * 1e9:.0f} ns"


def fmt_bytes(n):
    return f"{n / 2**20:.2f} MiB"


def fmt_ratio(r):
    if r is None:
        return "-"
    return f"{r:.2f}x" if r < 10 else f"{r:.1f}x" if r < 100 else f"{r:.0f}x"


def print_workload(header, rows, notes, bars, out):
    """One workload's table (name column left, figures right), its notes and its bars.

    A row whose second cell starts with "failed" is printed as a message across the table.
    """
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    fmt = "  " + "  ".join(f"{{:<{widths[0]}}}" if i == 0 else f"{{:>{w}}}"
                           for i, w in enumerate(widths))
    print(fmt.format(*header), file=out)
    for row in rows:
        if row[1].startswith("failed"):
            print(f"  {row[0]:<{widths[0]}}  {row[1]}", file=out)
        else:
            print(fmt.format(*row), file=out)
    for note in notes:
        print(f"  note: {note}", file=out)
    for bar in bars:
        print(f"  {bar['status']:4s}  {bar['label']}: {bar['detail']}", file=out)
