"""funcgrad on a CUDA GPU (CuPy) beside PyTorch CUDA: the two bars of the project's GPU issue.

1. **mlp**: one training step of a 4096-4096-4096-10 MLP (tanh, softmax cross-entropy through
   ``funcgrad.nn.functional.cross_entropy``) on a batch of 8192, float32: forward, backward
   and the update (``funcgrad.optim.SGD`` / ``torch.optim.SGD``). Bar: funcgrad's step takes
   at most 1.05x PyTorch CUDA's. A hand-written CuPy forward, backward and update (the same
   kernels with no autodiff around them) is the limit.
2. **tiny-ops**: a chain of 600 elementwise ops on a float32 vector of 16 elements (150
   blocks of ``y = tanh(sin(y * 0.5 + x))``: mul, add, sin, tanh), then sum and backward;
   reported per op. Bar: funcgrad's time per op is no more than PyTorch CUDA's.

Everything runs in one process, in FP32 with TF32 off on both sides: PyTorch through
``torch.backends.cuda.matmul.allow_tf32 = False``, ``torch.backends.cudnn.allow_tf32 = False``
and ``torch.set_float32_matmul_precision("highest")``; CuPy uses TF32 only when the
environment variable ``CUPY_TF32`` is ``1``, so a ``1`` is turned to ``0`` before CuPy is
imported (and the run refuses to start if CuPy was imported with it). Before anything is
timed, funcgrad's and PyTorch's losses, gradients and updated weights are checked against
the hand-written CuPy step from the same initial weights. A time is the median over
interleaved rounds (each round runs every implementation once, in turn) after warm-up
calls; each sample is a region bracketed by device synchronisation (``fg.cuda.synchronize()``
and ``torch.cuda.synchronize()``) and timed with ``time.perf_counter``.

    python benchmarks/bench_gpu.py                       # full sizes
    python benchmarks/bench_gpu.py --batch 1024 --width 1024 --ops 200 --repeats 5
    python benchmarks/bench_gpu.py --json results.json --markdown gpu-results.md
    python benchmarks/bench_gpu.py --fake                # smoke test on the CPU stand-in

Exit status: 0 after a run (bars may fail; add ``--fail-on-bar`` to make a failed bar exit
1), and 0 too where there is nothing to measure (CuPy missing, or no CUDA device): one line
says which. 1 when funcgrad could not run a workload or disagreed with the hand-written
step; 2 for a bad setting (CuPy already imported with ``CUPY_TF32=1``).

``--fake`` runs the same code on ``tests/_fake_cupy.py`` (a CPU stand-in for CuPy) with
tiny sizes, and PyTorch on the CPU if it is installed: it checks this script's code paths,
its numbers say nothing about a GPU. Without PyTorch (or with ``--no-torch``), funcgrad and
the hand-written CuPy step alone are timed and the bars against PyTorch are skipped.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402

# the harness first: it finds funcgrad in this clone when funcgrad is not installed
import _harness  # noqa: E402  # isort: skip
from _harness import FUNCGRAD, LIMIT, PEER, Bar, evaluate_bar, fmt_ratio, fmt_time  # noqa: E402
from bench_tiny_ops import tiny_by_hand  # noqa: E402

import funcgrad as fg  # noqa: E402

HAND, FUNCGRAD_NAME = "hand-written CuPy", "funcgrad (CuPy)"
LR = 0.1
CLASSES = 10
FULL = dict(batch=8192, width=4096, ops=600, repeats=15)
FAKE = dict(batch=8, width=16, ops=20, repeats=3)


# ----------------------------------------------------------------------------- settings

class Setup:
    """Where the run happens: the array module, the synchronisation, PyTorch and its device."""

    def __init__(self, xp, sync, device_name, versions, torch=None, torch_device=None,
                 fake=False):
        self.xp, self.sync, self.device_name, self.versions = xp, sync, device_name, versions
        self.torch, self.torch_device, self.fake = torch, torch_device, fake
        self.torch_name = None if torch is None else \
            ("PyTorch CPU (--fake)" if fake else "PyTorch CUDA")
        self.notes: list[str] = []


def guard_cupy_tf32():
    """Keep CuPy's matrix products in full FP32: ``CUPY_TF32`` must not be ``1``.

    Returns a sentence for the report. Raises SystemExit (2) where CuPy has already been
    imported with TF32 on, since the setting may have been read then.
    """
    value = os.environ.get("CUPY_TF32")
    if value != "1":
        return f"CUPY_TF32 {'unset' if value is None else repr(value)}: CuPy's TF32 is off"
    if "cupy" in sys.modules:
        raise SystemExit("bench_gpu: CUPY_TF32=1 and CuPy is already imported: TF32 may be "
                         "on; run again with CUPY_TF32 unset or 0")
    os.environ["CUPY_TF32"] = "0"
    return "CUPY_TF32 was 1: set to 0 before importing CuPy, so CuPy's TF32 is off"


def torch_tf32_off(torch):
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    return ("PyTorch: backends.cuda.matmul.allow_tf32=False, backends.cudnn.allow_tf32=False, "
            f"float32_matmul_precision={torch.get_float32_matmul_precision()!r}")


def unavailable_reason():
    """Why there is no GPU to measure on, or None where there is one."""
    import importlib.util

    if fg.cuda.is_available():
        return None
    if importlib.util.find_spec("cupy") is None:
        return "CuPy is not installed (pip install funcgrad[gpu])"
    return "CuPy sees no CUDA device"


def _cuda_version(v):
    return f"{v // 1000}.{(v % 1000) // 10}"


def base_versions():
    versions = {"Python": platform.python_version(), "NumPy": np.__version__,
                "funcgrad": getattr(fg, "__version__", "?")}
    try:
        import _peers

        rev = _peers._git_revision()
        if rev:
            versions["funcgrad revision"] = rev
    except Exception:   # noqa: BLE001 - a description, never a reason to stop
        pass
    return versions


def load_torch(use_torch, notes, versions):
    if not use_torch:
        notes.append("PyTorch left out (--no-torch): funcgrad and the hand-written CuPy step "
                     "alone")
        versions["PyTorch"] = "left out (--no-torch)"
        return None
    try:
        import torch
    except ImportError:
        notes.append("PyTorch not installed: funcgrad and the hand-written CuPy step alone; "
                     "the bars against PyTorch are skipped")
        versions["PyTorch"] = "not installed"
        return None
    versions["PyTorch"] = torch.__version__
    return torch


def gpu_setup(args, tf32_note):
    """The real thing: CuPy on the current CUDA device, PyTorch CUDA beside it."""
    xp = fg.backend.cuda_module()
    versions = base_versions()
    versions["CuPy"] = xp.__version__
    versions["CUDA runtime"] = _cuda_version(int(xp.cuda.runtime.runtimeGetVersion()))
    versions["CUDA driver"] = _cuda_version(int(xp.cuda.runtime.driverGetVersion()))
    notes = [tf32_note]
    torch = load_torch(not args.no_torch, notes, versions)
    if torch is not None and not torch.cuda.is_available():
        notes.append(f"PyTorch {torch.__version__} sees no CUDA device: left out")
        versions["PyTorch"] += " (no CUDA: left out)"
        torch = None
    if torch is not None:
        versions["PyTorch CUDA"] = str(torch.version.cuda)
        notes.append(torch_tf32_off(torch))

        def sync():
            fg.cuda.synchronize()
            torch.cuda.synchronize()
    else:
        sync = fg.cuda.synchronize
    setup = Setup(xp, sync, fg.cuda.get_device_name(), versions, torch,
                  None if torch is None else "cuda")
    setup.notes = notes
    return setup


def fake_setup(args, cp, tf32_note):
    """The CPU stand-in for CuPy; PyTorch on the CPU when installed."""
    versions = base_versions()
    versions["CuPy"] = "none: tests/_fake_cupy.py (CPU stand-in)"
    versions["CUDA runtime"] = "none"
    notes = ["--fake: CuPy is the CPU stand-in tests/_fake_cupy.py and PyTorch (if installed) "
             "runs on the CPU; this checks the script's code paths, the times and bars say "
             "nothing about a GPU", tf32_note]
    torch = load_torch(not args.no_torch, notes, versions)
    if torch is not None:
        versions["PyTorch"] += " (CPU)"
        torch.set_num_threads(1)
        notes.append(torch_tf32_off(torch))
    setup = Setup(cp, lambda: cp.cuda.Device(0).synchronize(), "fake device (CPU stand-in)",
                  versions, torch, None if torch is None else "cpu", fake=True)
    setup.notes = notes
    return setup


# ----------------------------------------------------------------------------- checking

def host(value):
    """A NumPy copy of a device array, a funcgrad or torch Tensor, or a dict of them."""
    if isinstance(value, dict):
        return {k: host(v) for k, v in value.items()}
    if isinstance(value, fg.Tensor):
        return value.detach().cpu().numpy()
    if type(value).__module__.startswith("torch"):
        return value.detach().cpu().numpy()
    if hasattr(value, "get") and not isinstance(value, np.ndarray):
        return value.get()          # CuPy (and the stand-in): device to host
    return np.asarray(value)


def agree(name, got, want, rtol):
    """Raise AssertionError unless ``got`` is within ``rtol`` of ``want``, entrywise, with an
    absolute slack of ``rtol`` times the largest entry (float32 sums on a GPU round in
    another order than the reference's, so tiny entries cannot be held to a relative bar)."""
    if isinstance(want, dict):
        for key in want:
            agree(f"{name}[{key!r}]", got[key], want[key], rtol)
        return
    got, want = host(got).astype(np.float64), host(want).astype(np.float64)
    if got.shape != want.shape:
        raise AssertionError(f"{name}: shape {got.shape}, the hand-written one {want.shape}")
    atol = rtol * float(np.max(np.abs(want))) if want.size else 0.0
    diff = np.abs(got - want)
    bad = ~(diff <= atol + rtol * np.abs(want))       # NaN counts as bad
    if bad.any():
        worst = float(np.nanmax(diff)) if not np.isnan(diff).all() else float("nan")
        raise AssertionError(
            f"{name} disagrees with the hand-written result: {int(bad.sum())} of {bad.size} "
            f"entries off, worst |difference| {worst:.3g} (allowed: rtol {rtol:g} + {atol:.3g})")


# ----------------------------------------------------------------------------- timing

def time_cases(cases, sync, repeat, warmup, min_sample_s):
    """Median seconds per call of each ``(name, fn)``, over ``repeat`` interleaved rounds.

    A sample is ``number`` calls between two synchronisations of the device, so queued GPU
    work is counted in full; ``number`` makes a sample last about ``min_sample_s``.
    """
    def sample(fn, number):
        sync()
        start = time.perf_counter()
        for _ in range(number):
            fn()
        sync()
        return (time.perf_counter() - start) / number

    numbers = {}
    for name, fn in cases:
        for _ in range(max(1, warmup)):
            one = sample(fn, 1)
        numbers[name] = max(1, min(10_000, math.ceil(min_sample_s / max(one, 1e-9))))
    samples = {name: [] for name, _ in cases}
    for _ in range(repeat):
        gc.collect()
        for name, fn in cases:
            samples[name].append(sample(fn, numbers[name]))
    return {name: {"median_s": statistics.median(ts), "min_s": min(ts),
                   "spread": _harness._spread(ts), "samples": len(ts), "number": numbers[name]}
            for name, ts in samples.items()}


class Workload:
    """One workload's cases (hand-written first), failures, bars and notes."""

    def __init__(self, key, title, per=None, unit=None):
        self.key, self.title, self.per, self.unit = key, title, per, unit
        self.cases: list[tuple[str, str, object]] = []   # (name, kind, fn)
        self.failed: dict[str, str] = {}
        self.bars: list[Bar] = []
        self.notes: list[str] = []

    def add(self, name, kind, fn):
        self.cases.append((name, kind, fn))

    def measure(self, setup, args):
        timed = time_cases([(n, fn) for n, _, fn in self.cases], setup.sync, args.repeats,
                           args.warmup, 0.002 if setup.fake else 0.01)
        value = {n: r["median_s"] for n, r in timed.items()}
        rows = {}
        for name, kind, _ in self.cases:
            row = {"kind": kind, **timed[name], "ratio": value[name] / value[HAND]}
            if setup.torch_name in value:
                row["vs_torch"] = value[name] / value[setup.torch_name]
            if self.per:
                row["per_unit_s"] = row["median_s"] / self.per
            rows[name] = row
        for name, error in self.failed.items():
            rows[name] = {"kind": FUNCGRAD, "error": error}
        bars = [evaluate_bar(b, value, self) for b in self.bars]
        return {"title": self.title, "unit": self.unit, "per": self.per, "rows": rows,
                "bars": bars, "notes": self.notes}


def _first_line(exc):
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200] if text else ''}"


# ----------------------------------------------------------------------------- 1. mlp

def mlp_problem(batch, width, classes=CLASSES, seed=0):
    """Host float32 weights of a width-width-width-classes MLP, inputs and class targets."""
    rng = np.random.default_rng(seed)
    dims = [width, width, width, classes]
    params = {}
    for i, (m, n) in enumerate(zip(dims[:-1], dims[1:]), 1):
        params[f"W{i}"] = (rng.standard_normal((m, n), dtype=np.float32) / np.float32(np.sqrt(m)))
        params[f"b{i}"] = (0.1 * rng.standard_normal(n, dtype=np.float32))
    X = rng.standard_normal((batch, width), dtype=np.float32)
    y = rng.integers(0, classes, batch)
    return params, X, y


def mlp_by_hand(xp, P, X, target, probabilities=False):
    """Hand-written forward and backward pass of the MLP: ``(loss, grads)``.

    ``target``: class indices, or (``probabilities=True``) one-hot rows. Works on any array
    module ``xp`` (CuPy, NumPy, the stand-in).
    """
    layers = len(P) // 2
    n = X.shape[0]
    hs = [X]
    for i in range(1, layers):
        hs.append(xp.tanh(hs[-1] @ P[f"W{i}"] + P[f"b{i}"]))
    z = hs[-1] @ P[f"W{layers}"] + P[f"b{layers}"]
    z = z - z.max(axis=1, keepdims=True)
    e = xp.exp(z)
    s = e.sum(axis=1, keepdims=True)
    dz = e / s
    if probabilities:       # one-hot rows: each sums to 1, so d loss / dz = (p - Y) / n
        loss = -((z - xp.log(s)) * target).sum() / n
        dz = (dz - target) / n
    else:
        rows = xp.arange(n)
        loss = -(z[rows, target] - xp.log(s[:, 0])).sum() / n
        dz[rows, target] -= 1
        dz /= n
    grads, g = {}, dz
    for i in range(layers, 0, -1):
        grads[f"W{i}"] = hs[i - 1].T @ g
        grads[f"b{i}"] = g.sum(axis=0)
        if i > 1:
            g = (g @ P[f"W{i}"].T) * (1 - hs[i - 1] * hs[i - 1])
    return loss, grads


def build_mlp(setup, args):
    xp, torch = setup.xp, setup.torch
    batch, width = args.batch, args.width
    w = Workload("mlp", f"MLP training step (batch {batch:,}, {width}-{width}-{width}-"
                 f"{CLASSES}, tanh, cross-entropy, SGD update; float32, TF32 off)")
    P0, X, y = mlp_problem(batch, width)
    rtol = 2e-3 if not setup.fake else 1e-4
    agreement = Bar("funcgrad's loss, gradients and update agree with the hand-written step",
                    passed=False, detail="not checked")
    w.bars.append(agreement)

    def hand_written(probabilities):
        """The reference's step (on its own copy of the weights) and the target used."""
        target_host = np.eye(CLASSES, dtype=np.float32)[y] if probabilities else y
        Xd, td = xp.asarray(X), xp.asarray(target_host)
        P = {k: xp.asarray(v) for k, v in P0.items()}

        def hand_step():
            loss, grads = mlp_by_hand(xp, P, Xd, td, probabilities)
            for k in P:
                P[k] -= LR * grads[k]
            return loss

        return hand_step, target_host

    def funcgrad_step(probabilities, target_host):
        """funcgrad's step, checked against one hand-written step from the same weights;
        any failure propagates."""
        import funcgrad.nn.functional as F

        want_loss, want_grads = mlp_by_hand(
            xp, {k: xp.asarray(v) for k, v in P0.items()}, xp.asarray(X),
            xp.asarray(target_host), probabilities)
        want_grads = host(want_grads)
        T = {k: fg.tensor(v, device="cuda", requires_grad=True) for k, v in P0.items()}
        Xf = fg.tensor(X, device="cuda")
        tf = fg.tensor(target_host, device="cuda")
        opt = fg.optim.SGD(list(T.values()), lr=LR)
        layers = len(T) // 2

        def fg_step():
            opt.zero_grad()
            h = Xf
            for i in range(1, layers):
                h = fg.tanh(h @ T[f"W{i}"] + T[f"b{i}"])
            loss = F.cross_entropy(h @ T[f"W{layers}"] + T[f"b{layers}"], tf)
            loss.backward()
            opt.step()
            return loss

        loss = fg_step()
        agree(FUNCGRAD_NAME + " loss", loss, want_loss, rtol)
        agree(FUNCGRAD_NAME + " gradient", {k: p.grad for k, p in T.items()}, want_grads,
              rtol)
        agree(FUNCGRAD_NAME + " update", {k: host(p) - P0[k] for k, p in T.items()},
              {k: -LR * g for k, g in want_grads.items()}, rtol * 10)
        return fg_step

    # Class-index targets first; where funcgrad fails on them (an error, not a
    # disagreement), every implementation takes one-hot probability targets instead.
    probabilities, fg_step, error = False, None, None
    try:
        fg_step = funcgrad_step(False, y)
    except AssertionError as exc:
        error = _first_line(exc)
    except Exception as exc:   # noqa: BLE001 - reported, never a crash
        first = _first_line(exc)
        try:
            fg_step = funcgrad_step(True, np.eye(CLASSES, dtype=np.float32)[y])
            probabilities = True
            w.notes.append(f"funcgrad's cross_entropy with class-index targets failed on the "
                           f"device ({first}); every implementation uses one-hot probability "
                           f"targets instead (the same arithmetic on both sides)")
        except Exception as exc2:   # noqa: BLE001
            error = f"{first} (and with one-hot targets: {_first_line(exc2)})"
    if error is not None:
        agreement.detail = w.failed[FUNCGRAD_NAME] = error
    hand_step, target_host = hand_written(probabilities)
    w.add(HAND, LIMIT, hand_step)
    if fg_step is not None:
        agreement.passed = True
        agreement.detail = (f"loss and {len(P0)} gradients within rtol {rtol:g} of the "
                            f"hand-written step, the SGD update within {10 * rtol:g}"
                            + (" (one-hot targets)" if probabilities else ""))
        w.add(FUNCGRAD_NAME, FUNCGRAD, fg_step)

    if torch is not None:
        try:
            w.add(setup.torch_name, PEER, _torch_mlp(setup, P0, X, target_host, probabilities,
                                                     rtol))
        except Exception as exc:   # noqa: BLE001 - a peer's failure is a note
            w.notes.append(f"{setup.torch_name} left out: {_first_line(exc)}")
        w.bars.append(Bar(f"funcgrad's step within 1.05x of {setup.torch_name}'s",
                          FUNCGRAD_NAME, setup.torch_name, 1.05))
    else:
        w.bars.append(Bar("funcgrad's step within 1.05x of PyTorch CUDA's", FUNCGRAD_NAME,
                          "PyTorch CUDA", 1.05))
    return w


def _torch_mlp(setup, P0, X, target_host, probabilities, rtol):
    torch, dev, xp = setup.torch, setup.torch_device, setup.xp
    F = torch.nn.functional
    T = {k: torch.tensor(v, device=dev, requires_grad=True) for k, v in P0.items()}
    Xt = torch.tensor(X, device=dev)
    tt = torch.tensor(target_host, device=dev)
    opt = torch.optim.SGD(list(T.values()), lr=LR)
    layers = len(T) // 2

    def step():
        opt.zero_grad(set_to_none=True)
        h = Xt
        for i in range(1, layers):
            h = torch.tanh(h @ T[f"W{i}"] + T[f"b{i}"])
        loss = F.cross_entropy(h @ T[f"W{layers}"] + T[f"b{layers}"], tt)
        loss.backward()
        opt.step()
        return loss

    P = {k: xp.asarray(v) for k, v in P0.items()}
    want_loss, want_grads = mlp_by_hand(xp, P, xp.asarray(X), xp.asarray(target_host),
                                        probabilities)
    loss = step()
    agree(setup.torch_name + " loss", loss, want_loss, rtol)
    agree(setup.torch_name + " gradient", {k: p.grad for k, p in T.items()}, want_grads, rtol)
    agree(setup.torch_name + " update", {k: host(p) - P0[k] for k, p in T.items()},
          {k: -LR * g for k, g in host(want_grads).items()}, rtol * 10)
    return step


# ----------------------------------------------------------------------------- 2. tiny ops

TINY_SIZE = 16


def tiny_input():
    return np.linspace(-1.2, 1.3, TINY_SIZE, dtype=np.float32)


def build_tiny(setup, args):
    xp, torch = setup.xp, setup.torch
    blocks = max(1, args.ops // 4)
    ops = 4 * blocks
    w = Workload("tiny-ops", f"{ops} tiny elementwise ops on {TINY_SIZE} float32 elements, "
                 f"forward + backward (per op)", per=ops, unit="op")
    if ops != args.ops:
        w.notes.append(f"--ops {args.ops} rounded to {ops} (blocks of 4 ops)")
    x0 = tiny_input()
    xd = xp.asarray(x0)
    want = host(tiny_by_hand(xp, xd, blocks))
    rtol = 1e-4
    w.add(HAND, LIMIT, lambda: tiny_by_hand(xp, xd, blocks))
    agreement = Bar("funcgrad's gradient agrees with the hand-written one", passed=False)
    w.bars.append(agreement)
    try:
        x = fg.tensor(x0, device="cuda", requires_grad=True)

        def fg_run():
            x.grad = None
            y = x
            for _ in range(blocks):
                y = fg.tanh(fg.sin(y * 0.5 + x))
            y.sum().backward()
            return x.grad

        agree(FUNCGRAD_NAME, fg_run(), want, rtol)
        agreement.passed, agreement.detail = True, f"within rtol {rtol:g}"
        w.add(FUNCGRAD_NAME, FUNCGRAD, fg_run)
    except Exception as exc:   # noqa: BLE001 - a failed bar, not a crash
        agreement.detail = w.failed[FUNCGRAD_NAME] = _first_line(exc)
    name = setup.torch_name or "PyTorch CUDA"
    if torch is not None:
        try:
            xt = torch.tensor(x0, device=setup.torch_device, requires_grad=True)

            def torch_run():
                xt.grad = None
                y = xt
                for _ in range(blocks):
                    y = torch.tanh(torch.sin(y * 0.5 + xt))
                y.sum().backward()
                return xt.grad

            agree(name, torch_run(), want, rtol)
            w.add(name, PEER, torch_run)
        except Exception as exc:   # noqa: BLE001
            w.notes.append(f"{name} left out: {_first_line(exc)}")
    w.bars.append(Bar(f"funcgrad's time per op no more than {name}'s", FUNCGRAD_NAME, name,
                      1.0))
    return w


BUILDERS = {"mlp": build_mlp, "tiny-ops": build_tiny}


# ----------------------------------------------------------------------------- output

def table_rows(entry, torch_name):
    header = ["implementation", "median"]
    if entry.get("unit"):
        header.append(f"per {entry['unit']}")
    header.append(f"vs {HAND}")
    if torch_name:
        header.append(f"vs {torch_name}")
    header.append("IQR")
    rows = []
    for name, r in entry["rows"].items():
        if "error" in r:
            rows.append([name, "failed: " + r["error"]] + [""] * (len(header) - 2))
            continue
        row = [name, fmt_time(r["median_s"])]
        if entry.get("unit"):
            row.append(fmt_time(r["per_unit_s"]))
        row.append(fmt_ratio(r["ratio"]))
        if torch_name:
            row.append(fmt_ratio(r.get("vs_torch")))
        row.append(f"{100 * r['spread']:.0f}%")
        rows.append(row)
    return header, rows


def print_report(doc, out):
    m = doc["machine"]
    print(f"GPU: {m['gpu']}", file=out)
    print("versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()), file=out)
    print(f"sizes: {doc['settings']}", file=out)
    for note in doc["notes"]:
        print(f"note: {note}", file=out)
    torch_name = doc["torch_name"]
    for i, (key, entry) in enumerate(doc["workloads"].items(), 1):
        print(f"\n[{i}] {key}: {entry['title']}", file=out)
        header, rows = table_rows(entry, torch_name)
        _harness.print_workload(header, rows, entry["notes"], entry["bars"], out)
    bars = [(k, b) for k, e in doc["workloads"].items() for b in e["bars"]]
    counts = {s: sum(b["status"] == s for _, b in bars) for s in ("PASS", "FAIL", "SKIP")}
    print(f"\nbars: {counts['PASS']} pass, {counts['FAIL']} fail"
          + (f", {counts['SKIP']} skipped (PyTorch missing)" if counts["SKIP"] else ""),
          file=out)


def _md_table(header, rows, left=1):
    align = ["---"] * left + ["---:"] * (len(header) - left)
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(doc):
    """The results as Markdown, to paste into docs/gpu.md (third-level headings)."""
    m = doc["machine"]
    parts = [f"### Measured on {m['gpu']}",
             f"Generated by `{m['argv']}` on {m['date']}: funcgrad on CuPy beside "
             f"{doc['torch_name'] or 'no PyTorch'} in one process, FP32 with TF32 off; "
             "medians over interleaved rounds after warm-up, each sample bracketed by "
             "device synchronisation. Regenerate rather than edit."]
    desc = [["GPU", m["gpu"]], ["CPU", m["cpu"]]] + [[k, v] for k, v in m["versions"].items()]
    desc.append(["sizes", ", ".join(f"{k} {v}" for k, v in doc["settings"].items())])
    parts.append(_md_table(["", ""], desc, left=2))
    if doc["notes"]:
        parts.append("\n".join(f"- {n}" for n in doc["notes"]))
    bars = [(i, k, b) for i, (k, e) in enumerate(doc["workloads"].items(), 1) for b in e["bars"]]
    parts.append(_md_table(["workload", "bar", "measured", "result"],
                           [[f"{i}. {k}", b["label"], b["detail"].split(" (bar")[0],
                             f"**{b['status']}**"] for i, k, b in bars], left=2))
    for i, (key, entry) in enumerate(doc["workloads"].items(), 1):
        parts.append(f"#### {i}. {key}: {entry['title']}")
        parts.append(_md_table(*table_rows(entry, doc["torch_name"])))
        if entry["notes"]:
            parts.append("\n".join(f"- note: {n}" for n in entry["notes"]))
    return "\n\n".join(parts) + "\n"


# ----------------------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="\n".join(line for line in __doc__.splitlines()
                                                  if line.startswith("    python")))
    p.add_argument("--batch", type=int, help=f"MLP batch (default {FULL['batch']}; "
                   f"--fake: {FAKE['batch']})")
    p.add_argument("--width", type=int, help=f"MLP input and hidden width (default "
                   f"{FULL['width']}; --fake: {FAKE['width']})")
    p.add_argument("--ops", type=int, help=f"elementwise ops in the chain, a multiple of 4 "
                   f"(default {FULL['ops']}; --fake: {FAKE['ops']})")
    p.add_argument("--repeats", type=int, help=f"timed rounds (default {FULL['repeats']}; "
                   f"--fake: {FAKE['repeats']})")
    p.add_argument("--warmup", type=int, default=3, help="untimed calls of each "
                   "implementation before the rounds (default %(default)s)")
    p.add_argument("--only", choices=list(BUILDERS), action="append",
                   help="run only this workload (repeatable)")
    p.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    p.add_argument("--fake", action="store_true", help="run on the CPU stand-in for CuPy "
                   "(tests/_fake_cupy.py) with tiny sizes: a smoke test of this script")
    p.add_argument("--json", nargs="?", const="-", metavar="PATH",
                   help="write machine-readable results (to stdout, or PATH)")
    p.add_argument("--markdown", metavar="PATH",
                   help="write the results as Markdown tables, to paste into docs/gpu.md")
    p.add_argument("--fail-on-bar", action="store_true",
                   help="exit with status 1 when a bar fails")
    args = p.parse_args(argv)
    sizes = FAKE if args.fake else FULL
    for k, v in sizes.items():
        if getattr(args, k) is None:
            setattr(args, k, v)
    if min(args.batch, args.width, args.ops, args.repeats) < 1:
        p.error("--batch, --width, --ops and --repeats must be positive")
    return args


def run(args, setup, out):
    """Build, check and time the workloads; print the report; return the results."""
    log = sys.stderr
    print(f"bench_gpu: {setup.device_name}", file=log, flush=True)
    results = {}
    for key in args.only or list(BUILDERS):
        print(f"[{key}] building and checking ...", file=log, flush=True)
        workload = BUILDERS[key](setup, args)
        print(f"[{key}] timing {len(workload.cases)} implementations ...", file=log,
              flush=True)
        results[key] = workload.measure(setup, args)
    machine = {"gpu": setup.device_name, "cpu": _cpu(), "versions": setup.versions,
               "platform": platform.platform(),
               "date": datetime.datetime.now().isoformat(timespec="minutes"),
               "argv": " ".join(["python", "benchmarks/bench_gpu.py"] + list(args.argv))}
    settings = {k: getattr(args, k) for k in ("batch", "width", "ops", "repeats", "warmup")}
    doc = {"machine": machine, "settings": settings, "fake": setup.fake,
           "torch_name": setup.torch_name, "notes": setup.notes, "workloads": results}
    if args.json:
        text = json.dumps(doc, indent=2, default=str)
        if args.json == "-":
            print(text, file=out)
        else:
            Path(args.json).write_text(text + "\n")
    if args.json != "-":
        print_report(doc, out)
    if args.markdown:
        Path(args.markdown).write_text(markdown(doc))
    return doc


def _cpu():
    try:
        import _peers

        return _peers.cpu_model()
    except Exception:   # noqa: BLE001
        return platform.machine()


def main(argv=None, out=None):
    """Run the benchmark; return the exit status (see the module docstring)."""
    out = sys.stdout if out is None else out
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    args.argv = argv
    tf32_note = guard_cupy_tf32()     # before anything imports CuPy
    if args.fake:
        tests = HERE.parent / "tests"
        if str(tests) not in sys.path:
            sys.path.insert(0, str(tests))
        import _fake_cupy

        with _fake_cupy.installed() as cp:
            doc = run(args, fake_setup(args, cp, tf32_note), out)
    else:
        reason = unavailable_reason()
        if reason is not None:
            message = (f"bench_gpu: nothing to measure here: {reason}; "
                       "--fake smoke-tests the script on a CPU stand-in")
            print(message, file=out)
            if args.json and args.json != "-":
                Path(args.json).write_text(json.dumps({"skipped": reason}) + "\n")
            return 0
        doc = run(args, gpu_setup(args, tf32_note), out)
    rows = [r for e in doc["workloads"].values() for r in e["rows"].values()]
    if any("error" in r for r in rows):
        return 1
    failed = any(b["status"] == "FAIL" for e in doc["workloads"].values() for b in e["bars"])
    return 1 if args.fail_on_bar and failed else 0


if __name__ == "__main__":
    sys.exit(main())
