"""benchmarks/bench_gpu.py without a GPU: its hand-written references against finite
differences, and its code paths on the CPU stand-in for CuPy (``--fake``), with and without
a PyTorch (here a stand-in built on funcgrad, so the PyTorch code path runs everywhere)."""

from __future__ import annotations

import importlib.util
import json
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import funcgrad as fg

ROOT = Path(__file__).resolve().parents[1]
TINY = ["--fake", "--batch", "8", "--width", "16", "--ops", "20", "--repeats", "3",
        "--warmup", "1"]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_gpu", ROOT / "benchmarks" / "bench_gpu.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ----------------------------------------------------------------------------- references

def _fd_check(f, params, key, h=1e-6, picks=6, seed=0):
    """Central differences of the scalar ``f()`` in a few entries of ``params[key]``."""
    rng = np.random.default_rng(seed)
    p = params[key]
    out = []
    for flat in rng.choice(p.size, size=min(picks, p.size), replace=False):
        idx = np.unravel_index(flat, p.shape)
        old = p[idx]
        p[idx] = old + h
        up = f()
        p[idx] = old - h
        down = f()
        p[idx] = old
        out.append((idx, (up - down) / (2 * h)))
    return out


@pytest.mark.parametrize("probabilities", [False, True])
def test_hand_written_mlp_matches_closed_form_loss_and_finite_differences(bench, probabilities):
    P32, X32, y = bench.mlp_problem(batch=5, width=4, seed=3)
    P = {k: v.astype(np.float64) for k, v in P32.items()}
    X = X32.astype(np.float64)
    target = np.eye(bench.CLASSES)[y] if probabilities else y
    loss, grads = bench.mlp_by_hand(np, P, X, target.copy(), probabilities)

    def forward_loss():
        h = np.tanh(np.tanh(X @ P["W1"] + P["b1"]) @ P["W2"] + P["b2"])
        z = h @ P["W3"] + P["b3"]
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return -logp[np.arange(len(y)), y].mean()

    assert loss == pytest.approx(forward_loss(), rel=1e-12)
    assert set(grads) == set(P)
    for key in P:
        assert grads[key].shape == P[key].shape
        for idx, fd in _fd_check(forward_loss, P, key):
            assert grads[key][idx] == pytest.approx(fd, rel=1e-5, abs=1e-8), (key, idx)


def test_hand_written_chain_gradient_matches_finite_differences(bench):
    x = bench.tiny_input().astype(np.float64)
    blocks = 3

    def f():
        y = x
        for _ in range(blocks):
            y = np.tanh(np.sin(y * 0.5 + x))
        return y.sum()

    got = bench.tiny_by_hand(np, x.copy(), blocks)
    fd = np.empty_like(x)
    for i in range(x.size):
        old = x[i]
        x[i] = old + 1e-6
        up = f()
        x[i] = old - 1e-6
        down = f()
        x[i] = old
        fd[i] = (up - down) / 2e-6
    np.testing.assert_allclose(got, fd, rtol=1e-6, atol=1e-9)


# ----------------------------------------------------------------------------- --fake runs

def _run(bench, capsys, tmp_path, extra=()):
    path = tmp_path / "out.json"
    md = tmp_path / "out.md"
    status = bench.main(TINY + list(extra) + ["--json", str(path), "--markdown", str(md)])
    text = capsys.readouterr().out
    return status, text, json.loads(path.read_text()), md.read_text()


def test_fake_run_without_torch(bench, capsys, tmp_path):
    status, text, doc, md = _run(bench, capsys, tmp_path, ["--no-torch"])
    assert status == 0
    assert doc["fake"] is True and doc["torch_name"] is None
    assert doc["settings"] == {"batch": 8, "width": 16, "ops": 20, "repeats": 3, "warmup": 1}
    assert list(doc["workloads"]) == ["mlp", "tiny-ops"]
    for key, entry in doc["workloads"].items():
        rows = entry["rows"]
        assert list(rows) == ["hand-written CuPy", "funcgrad (CuPy)"], key
        for row in rows.values():
            assert row["median_s"] > 0 and row["samples"] == 3
        bars = {b["label"]: b for b in entry["bars"]}
        agreement = [b for label, b in bars.items() if "agree" in label]
        assert [b["status"] for b in agreement] == ["PASS"], key
        assert [b["status"] for b in entry["bars"] if b["limit"]] == ["SKIP"], key
    tiny = doc["workloads"]["tiny-ops"]
    assert tiny["per"] == 20
    assert tiny["rows"]["funcgrad (CuPy)"]["per_unit_s"] == pytest.approx(
        tiny["rows"]["funcgrad (CuPy)"]["median_s"] / 20)
    # the printed report: versions, the rows, the verdicts
    assert "GPU: fake device (CPU stand-in)" in text
    assert "NumPy " + np.__version__ in text and "Python " in text
    assert "[1] mlp: MLP training step (batch 8, 16-16-16-10" in text
    assert "[2] tiny-ops: 20 tiny elementwise ops on 16 float32 elements" in text
    assert "PASS  funcgrad's loss, gradients and update agree with the hand-written step" in text
    assert "PASS  funcgrad's gradient agrees with the hand-written one" in text
    assert "bars: 2 pass, 0 fail, 2 skipped" in text
    assert "| implementation | median | vs hand-written CuPy | IQR |" in md
    assert "#### 2. tiny-ops" in md and "### Measured on fake device" in md


def test_fake_run_with_a_torch(bench, capsys, tmp_path, monkeypatch):
    """A stand-in 'torch' (funcgrad on the CPU, with PyTorch's names) runs the PyTorch code
    path: its agreement check, its rows, and bars that are evaluated rather than skipped."""
    import funcgrad.nn.functional as F

    calls = {}
    stub = types.ModuleType("torch")
    stub.__version__ = "stand-in"
    stub.tensor = lambda v, device=None, requires_grad=False: fg.tensor(
        v, device=device, requires_grad=requires_grad)
    stub.tanh, stub.sin = fg.tanh, fg.sin
    stub.nn = types.SimpleNamespace(functional=F)
    stub.optim = types.SimpleNamespace(SGD=fg.optim.SGD)
    stub.backends = types.SimpleNamespace(cuda=types.SimpleNamespace(
        matmul=types.SimpleNamespace(allow_tf32=True)), cudnn=types.SimpleNamespace(allow_tf32=True))
    stub.set_num_threads = lambda n: None
    stub.set_float32_matmul_precision = lambda p: calls.update(precision=p)
    stub.get_float32_matmul_precision = lambda: calls["precision"]
    monkeypatch.setitem(sys.modules, "torch", stub)
    status, text, doc, md = _run(bench, capsys, tmp_path)
    assert status == 0
    assert stub.backends.cuda.matmul.allow_tf32 is False
    assert stub.backends.cudnn.allow_tf32 is False
    assert calls["precision"] == "highest"
    name = "PyTorch CPU (--fake)"
    assert doc["torch_name"] == name
    for key, entry in doc["workloads"].items():
        assert list(entry["rows"]) == ["hand-written CuPy", "funcgrad (CuPy)", name], key
        assert entry["rows"][name]["vs_torch"] == pytest.approx(1.0)
        timing = [b for b in entry["bars"] if b["limit"]]
        assert len(timing) == 1 and timing[0]["against"] == name
        assert timing[0]["status"] in ("PASS", "FAIL") and timing[0]["ratio"] > 0
        assert not any(name in n for n in entry["notes"]), entry["notes"]   # not left out
    assert f"vs {name}" in text and f"| vs {name} |" in md


def test_no_gpu_exits_zero_with_one_line(bench, capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(fg.cuda, "is_available", lambda: False)
    path = tmp_path / "skip.json"
    assert bench.main(["--json", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("bench_gpu: nothing to measure here: CuPy ")
    assert "--fake" in lines[0]
    assert "CuPy" in json.loads(path.read_text())["skipped"]


def test_cupy_tf32_is_turned_off_or_refused(bench, monkeypatch):
    monkeypatch.delitem(sys.modules, "cupy", raising=False)
    monkeypatch.setenv("CUPY_TF32", "1")
    assert "set to 0" in bench.guard_cupy_tf32()
    assert bench.os.environ["CUPY_TF32"] == "0"
    assert "TF32 is off" in bench.guard_cupy_tf32()
    monkeypatch.setenv("CUPY_TF32", "1")
    monkeypatch.setitem(sys.modules, "cupy", types.ModuleType("cupy"))
    with pytest.raises(SystemExit, match="already imported"):
        bench.guard_cupy_tf32()


def test_a_disagreement_is_reported_not_timed(bench, capsys, tmp_path, monkeypatch):
    """The agreement check can fail: with a reference whose gradients are off by 1%,
    funcgrad's rows become errors, its bars FAIL and the run exits 1."""
    right = bench.mlp_by_hand

    def off(xp, P, X, target, probabilities=False):
        loss, grads = right(xp, P, X, target, probabilities)
        return loss, {k: g * 1.01 for k, g in grads.items()}

    monkeypatch.setattr(bench, "mlp_by_hand", off)
    status, text, doc, _ = _run(bench, capsys, tmp_path, ["--no-torch", "--only", "mlp"])
    assert status == 1
    mlp = doc["workloads"]["mlp"]
    assert "disagrees with the hand-written result" in mlp["rows"]["funcgrad (CuPy)"]["error"]
    assert [b["status"] for b in mlp["bars"]] == ["FAIL", "FAIL"]
    assert "failed: AssertionError" in text


def test_index_target_failure_falls_back_to_one_hot_targets(bench, capsys, tmp_path,
                                                            monkeypatch):
    """Where funcgrad's cross_entropy cannot take class indices on the device, every
    implementation switches to one-hot targets, says so, and the check still holds."""
    import funcgrad.nn.functional as F

    real = F.cross_entropy

    def no_indices(input, target, **kwargs):
        if target.dtype.is_floating_point is False:
            raise RuntimeError("index targets refused by the test")
        return real(input, target, **kwargs)

    monkeypatch.setattr(F, "cross_entropy", no_indices)
    status, text, doc, _ = _run(bench, capsys, tmp_path, ["--no-torch", "--only", "mlp"])
    assert status == 0
    mlp = doc["workloads"]["mlp"]
    assert any("index targets refused by the test" in n and "one-hot" in n
               for n in mlp["notes"])
    agreement = mlp["bars"][0]
    assert agreement["status"] == "PASS" and "(one-hot targets)" in agreement["detail"]


def test_gpu_code_path_on_the_stand_in(bench, capsys, tmp_path, monkeypatch):
    """The path a real GPU takes (no --fake): the stand-in posing as CuPy with a device,
    fg.cuda's answers patched; every timed sample is bracketed by fg.cuda.synchronize()."""
    import _fake_cupy

    syncs = []
    monkeypatch.setattr(fg.cuda, "is_available", lambda: True)
    monkeypatch.setattr(fg.cuda, "synchronize", lambda device=None: syncs.append(device))
    monkeypatch.setattr(fg.cuda, "get_device_name", lambda device=None: "Stand-in GPU")
    path = tmp_path / "gpu.json"
    with _fake_cupy.installed() as cp:
        cp.__version__ = "0.0-stand-in"
        cp.cuda.runtime.runtimeGetVersion = lambda: 12040
        cp.cuda.runtime.driverGetVersion = lambda: 12080
        status = bench.main(["--batch", "8", "--width", "16", "--ops", "20", "--repeats", "3",
                             "--warmup", "1", "--no-torch", "--json", str(path)])
    doc = json.loads(path.read_text())
    assert status == 0 and doc["fake"] is False
    assert doc["machine"]["gpu"] == "Stand-in GPU"
    versions = doc["machine"]["versions"]
    assert (versions["CuPy"], versions["CUDA runtime"], versions["CUDA driver"]) == \
        ("0.0-stand-in", "12.4", "12.8")
    # 2 workloads x 2 implementations x (1 warm-up + 3 rounds) samples, 2 syncs each
    assert len(syncs) == 2 * 2 * (1 + 3) * 2
    for entry in doc["workloads"].values():
        assert [b["status"] for b in entry["bars"]] == ["PASS", "SKIP"]
    assert "GPU: Stand-in GPU" in capsys.readouterr().out
