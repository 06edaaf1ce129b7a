"""funcgrad.numpy.linalg on a CUDA device gives what it gives on the CPU: values, reverse-mode
gradients and forward-mode tangents; the CPU's derivatives are checked against central
finite differences of NumPy itself, so both sides are tied to an independent reference.

The two devices are those of tests/test_devices.py: ``cuda`` (a real GPU through CuPy, a
clean skip without one) and ``fake-cuda`` (tests/_fake_cupy.py, the strict CPU stand-in
that refuses any mixing of host and device arrays).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad import backend
from funcgrad.tensor import _from_array
from _devices import Device  # (the `device` fixture is in conftest.py)

LA = fnp.linalg


# ---- inputs --------------------------------------------------------------------------------

RNG = np.random.default_rng(11)


def well_conditioned(*shape: int) -> np.ndarray:
    x = RNG.uniform(-1, 1, shape)
    m, n = shape[-2:]
    return x + 2 * max(m, n) * np.eye(m, n)


def spd(*shape: int) -> np.ndarray:
    x = RNG.uniform(-1, 1, shape)
    return x @ np.swapaxes(x, -1, -2) + shape[-1] * np.eye(shape[-1])


def spread_spectrum(n: int) -> np.ndarray:
    q = np.linalg.qr(RNG.standard_normal((n, n)))[0]
    return (q * np.array([-2.3, -0.6, 1.1, 2.9, 4.4])[:n]) @ q.T


def spread_singular_values(*shape: int) -> np.ndarray:
    u, _, vh = np.linalg.svd(RNG.standard_normal(shape), full_matrices=False)
    return (u * np.linspace(3, 1, min(shape[-2:]))) @ vh


def _outputs(result: Any) -> list[Any]:
    """The differentiable outputs of a linalg function (a result tuple's arrays; no ints)."""
    if isinstance(result, tuple):
        return [r for r in result if not isinstance(r, (int, np.integer))
                and np.size(r._data if isinstance(r, fg.Tensor) else r) > 0]
    return [result]


def _raw(x: Any) -> np.ndarray:
    if isinstance(x, fg.Tensor):
        x = x._data
    return np.asarray(x, dtype=np.float64)


# Each case: a function of some matrices (the ones differentiated) and its inputs.
CASES: dict[str, tuple[Callable[..., Any], tuple[np.ndarray, ...]]] = {
    "inv": (LA.inv, (well_conditioned(3, 3),)),
    "inv-stack": (LA.inv, (well_conditioned(2, 3, 3),)),
    "det": (LA.det, (well_conditioned(3, 3),)),
    "det-stack": (LA.det, (well_conditioned(2, 3, 3),)),
    "slogdet": (LA.slogdet, (well_conditioned(3, 3) - 7 * np.eye(3),)),
    "solve": (LA.solve, (well_conditioned(3, 3), RNG.standard_normal((3, 2)))),
    "solve-vector": (LA.solve, (well_conditioned(3, 3), RNG.standard_normal(3))),
    "solve-broadcast": (LA.solve, (well_conditioned(3, 3), RNG.standard_normal((2, 3, 2)))),
    "tensorsolve": (LA.tensorsolve, (well_conditioned(6, 6).reshape(6, 2, 3),
                                     RNG.standard_normal(6))),
    "tensorinv": (lambda a: LA.tensorinv(a, ind=1), (well_conditioned(4, 4).reshape(4, 2, 2),)),
    "pinv-tall": (LA.pinv, (well_conditioned(4, 3),)),
    "pinv-wide": (LA.pinv, (well_conditioned(3, 4),)),
    "pinv-stack": (LA.pinv, (well_conditioned(2, 3, 3),)),
    "pinv-hermitian": (lambda a: LA.pinv(a, hermitian=True), (spd(3, 3),)),
    "lstsq": (LA.lstsq, (well_conditioned(4, 2), RNG.standard_normal(4))),
    "lstsq-matrix": (LA.lstsq, (well_conditioned(4, 3), RNG.standard_normal((4, 2)))),
    "lstsq-wide": (LA.lstsq, (well_conditioned(2, 3), RNG.standard_normal(2))),
    "matrix_power-3": (lambda a: LA.matrix_power(a, 3), (RNG.standard_normal((3, 3)),)),
    "matrix_power--2": (lambda a: LA.matrix_power(a, -2), (well_conditioned(3, 3),)),
    "matrix_power-0": (lambda a: LA.matrix_power(a, 0), (RNG.standard_normal((2, 3, 3)),)),
    "multi_dot": (lambda a, b, c: LA.multi_dot([a, b, c]),
                  (RNG.standard_normal(3), RNG.standard_normal((3, 4)), RNG.standard_normal((4, 2)))),
    "norm": (LA.norm, (RNG.standard_normal((3, 4)),)),
    "norm-nuc": (lambda a: LA.norm(a, "nuc"), (spread_singular_values(3, 4),)),
    "norm-2": (lambda a: LA.norm(a, 2), (spread_singular_values(4, 3),)),
    "norm--2": (lambda a: LA.norm(a, -2), (spread_singular_values(3, 3),)),
    "norm-1": (lambda a: LA.norm(a, 1), (RNG.standard_normal((3, 4)),)),
    "norm-inf-axis": (lambda a: LA.norm(a, np.inf, axis=(0, 2)), (RNG.standard_normal((3, 2, 4)),)),
    "norm-vector-3": (lambda a: LA.norm(a, 3, axis=-1, keepdims=True), (RNG.standard_normal((2, 5)),)),
    "matrix_norm": (lambda a: LA.matrix_norm(a, ord="fro"), (RNG.standard_normal((2, 3, 3)),)),
    "vector_norm": (lambda a: LA.vector_norm(a, ord=1.5, axis=(0, 1)), (RNG.standard_normal((2, 3, 2)),)),
    "cond": (LA.cond, (well_conditioned(3, 3),)),
    "cond-1": (lambda a: LA.cond(a, 1), (well_conditioned(3, 3),)),
    "cholesky": (LA.cholesky, (spd(3, 3),)),
    "cholesky-upper-stack": (lambda a: LA.cholesky(a, upper=True), (spd(2, 4, 4),)),
    "qr-tall": (LA.qr, (well_conditioned(4, 3),)),
    "qr-wide": (LA.qr, (well_conditioned(3, 5),)),
    "qr-stack-r": (lambda a: LA.qr(a, mode="r"), (well_conditioned(2, 4, 2),)),
    "eigh": (LA.eigh, (spread_spectrum(4),)),
    "eigh-upper": (lambda a: LA.eigh(a, UPLO="U"), (RNG.standard_normal((3, 3)),)),
    "eigvalsh": (LA.eigvalsh, (RNG.standard_normal((3, 3)),)),
    "svd": (lambda a: LA.svd(a, full_matrices=False), (spread_singular_values(4, 3),)),
    "svd-square": (LA.svd, (spread_singular_values(3, 3),)),
    "svd-stack-values": (lambda a: LA.svd(a, compute_uv=False), (spread_singular_values(2, 3, 5),)),
    "svdvals": (LA.svdvals, (spread_singular_values(3, 4),)),
    "trace": (lambda a: LA.trace(a, offset=1), (RNG.standard_normal((2, 3, 3)),)),
    "diagonal": (lambda a: LA.diagonal(a, offset=-1), (RNG.standard_normal((3, 4)),)),
}


def _weights(case: str, outs: list[Any]) -> list[np.ndarray]:
    """Fixed random cotangents, one per output (the loss is sum(w_i * out_i))."""
    rng = np.random.default_rng(len(case))
    return [rng.standard_normal(np.shape(_raw(o))) for o in outs]


def _fd_gradient(loss: Callable[..., float], xs: tuple[np.ndarray, ...], i: int,
                 eps: float = 1e-6) -> np.ndarray:
    x = xs[i]
    grad = np.zeros_like(x)
    for j in range(x.size):
        plus, minus = x.copy(), x.copy()
        plus.reshape(-1)[j] += eps
        minus.reshape(-1)[j] -= eps
        args_p = xs[:i] + (plus,) + xs[i + 1:]
        args_m = xs[:i] + (minus,) + xs[i + 1:]
        grad.reshape(-1)[j] = (loss(*args_p) - loss(*args_m)) / (2 * eps)
    return grad


@pytest.mark.parametrize("case", sorted(CASES))
def test_values_and_gradients_match_the_cpu(device: Device, case: str) -> None:
    f, xs = CASES[case]
    ws = _weights(case, _outputs(f(*xs)))

    def numpy_loss(*args: np.ndarray) -> float:
        return float(sum(np.sum(w * _raw(o)) for w, o in zip(ws, _outputs(f(*args)))))

    # The CPU: values against NumPy's, gradients against finite differences.
    cpu_leaves = [fg.tensor(x, requires_grad=True) for x in xs]
    cpu_outs = _outputs(f(*cpu_leaves))
    want_outs = _outputs(f(*xs))
    assert len(cpu_outs) == len(want_outs) == len(ws)
    for got, want in zip(cpu_outs, want_outs):
        np.testing.assert_allclose(_raw(got), _raw(want), rtol=1e-10, atol=1e-12)
    cpu_loss = fg.tensor(0.0, dtype=fg.float64)
    for w, o in zip(ws, cpu_outs):
        cpu_loss = cpu_loss + (o * w).sum()
    cpu_loss.backward()
    for i, leaf in enumerate(cpu_leaves):
        # No gradient (None) where the output does not depend on the input: a zero one.
        got = np.zeros_like(xs[i]) if leaf.grad is None else leaf.grad.numpy()
        np.testing.assert_allclose(got, _fd_gradient(numpy_loss, xs, i),
                                   rtol=1e-5, atol=1e-6, err_msg=f"CPU gradient {i} of {case}")

    # The device: the same values and gradients, on the device.
    dev_leaves = [_from_array(device.put(x)).requires_grad_(True) for x in xs]
    dev_outs = _outputs(f(*dev_leaves))
    assert len(dev_outs) == len(cpu_outs)
    for k, (got, want) in enumerate(zip(dev_outs, cpu_outs)):
        device.close(got, want, f"output {k} of {case}")
    dev_loss = None
    for w, o in zip(ws, dev_outs):
        term = (o * _from_array(device.put(w))).sum()
        dev_loss = term if dev_loss is None else dev_loss + term
    assert dev_loss is not None
    dev_loss.backward()
    for i, (c, d) in enumerate(zip(cpu_leaves, dev_leaves)):
        if c.grad is None:
            assert d.grad is None, f"gradient {i} of {case} is zero on the CPU only"
            continue
        assert d.grad is not None and d.grad.device.type == "cuda", f"gradient {i} of {case}"
        device.close(d.grad, c.grad, f"gradient {i} of {case}")


@pytest.mark.parametrize("case", sorted(CASES))
def test_forward_mode_matches_the_cpu(device: Device, case: str) -> None:
    f, xs = CASES[case]
    ws = _weights(case, _outputs(f(*xs)))
    rng = np.random.default_rng(3)
    vs = tuple(rng.standard_normal(x.shape) for x in xs)

    def loss(*args: Any) -> Any:
        total = None
        for w, o in zip(ws, _outputs(f(*args))):
            w_here = w if backend.namespace(_raw_data(o)) is np else device.put(w)
            term = fnp.sum(o * w_here)
            total = term if total is None else total + term
        return total

    cpu_value, cpu_tangent = fg.jvp(loss, xs, vs)
    eps = 1e-6
    numeric = (float(loss(*(x + eps * v for x, v in zip(xs, vs))))
               - float(loss(*(x - eps * v for x, v in zip(xs, vs))))) / (2 * eps)
    np.testing.assert_allclose(float(cpu_tangent), numeric, rtol=1e-5, atol=1e-6)
    dev_value, dev_tangent = fg.jvp(loss, tuple(device.put(x) for x in xs),
                                    tuple(device.put(v) for v in vs))
    device.close(dev_value, cpu_value, f"value of {case}")
    device.close(dev_tangent, cpu_tangent, f"tangent of {case}")


def _raw_data(x: Any) -> Any:
    return x._data if isinstance(x, fg.Tensor) else x


# ---- device arrays without a tape ----------------------------------------------------------


def test_device_arrays_give_device_arrays(device: Device) -> None:
    a, s = well_conditioned(3, 3), spd(3, 3)
    b = RNG.standard_normal(3)
    da, ds, db = device.put(a), device.put(s), device.put(b)
    device.close(LA.inv(da), np.linalg.inv(a), "inv")
    device.close(LA.solve(da, db), np.linalg.solve(a, b), "solve")
    device.close(LA.det(da), np.linalg.det(a), "det")
    sign, logdet = LA.slogdet(da)
    device.close(logdet, np.linalg.slogdet(a).logabsdet, "slogdet")
    device.close(LA.cholesky(ds), np.linalg.cholesky(s), "cholesky")
    device.close(LA.cholesky(ds, upper=True), np.linalg.cholesky(s, upper=True), "cholesky upper")
    device.close(LA.eigh(ds).eigenvalues, np.linalg.eigh(s).eigenvalues, "eigh")
    device.close(LA.eigvalsh(ds, UPLO="U"), np.linalg.eigvalsh(s, UPLO="U"), "eigvalsh")
    device.close(LA.svd(da, compute_uv=False), np.linalg.svd(a, compute_uv=False), "svd values")
    device.close(LA.svd(ds, compute_uv=False, hermitian=True),
                 np.linalg.svd(s, compute_uv=False, hermitian=True), "svd hermitian")
    device.close(LA.svdvals(da), np.linalg.svdvals(a), "svdvals")
    device.close(LA.pinv(da[:, :2]), np.linalg.pinv(a[:, :2]), "pinv")
    device.close(LA.pinv(ds, hermitian=True), np.linalg.pinv(s, hermitian=True), "pinv hermitian")
    device.close(LA.pinv(da, rtol=1e-3), np.linalg.pinv(a, rtol=1e-3), "pinv rtol")
    device.close(LA.matrix_power(da, -2), np.linalg.matrix_power(a, -2), "matrix_power")
    device.close(LA.norm(da, "nuc"), np.linalg.norm(a, "nuc"), "norm")
    device.close(LA.cond(da), np.linalg.cond(a), "cond")
    device.close(LA.cond(da, 1), np.linalg.cond(a, 1), "cond 1")
    x, res, rank, sv = LA.lstsq(da[:, :2], db)
    want = np.linalg.lstsq(a[:, :2], b)
    device.close(x, want[0], "lstsq x")
    device.close(res, want[1], "lstsq residuals")
    device.close(sv, want[3], "lstsq s")
    assert int(rank) == want[2]
    assert int(LA.matrix_rank(da)) == 3
    assert int(LA.matrix_rank(ds, hermitian=True)) == 3
    q, r = LA.qr(da)
    device.close(q @ r, a, "qr")
    device.close(LA.multi_dot([da, da, db]), np.linalg.multi_dot([a, a, b]), "multi_dot")
    device.close(LA.trace(da, offset=1), np.linalg.trace(a, offset=1), "trace")
    device.close(LA.matrix_norm(da, ord=1), np.linalg.matrix_norm(a, ord=1), "matrix_norm")
    device.close(LA.vector_norm(db, ord=3), np.linalg.vector_norm(b, ord=3), "vector_norm")


def test_lstsq_rank_is_an_int_on_the_device(device: Device) -> None:
    a = well_conditioned(4, 2)
    x = _from_array(device.put(a)).requires_grad_(True)
    _, _, rank, _ = LA.lstsq(x, _from_array(device.put(RNG.standard_normal(4))))
    assert rank == 2 and isinstance(rank, (int, np.integer)), type(rank)


# ---- transforms over linalg on the device --------------------------------------------------


def test_hessian_of_logdet_on_the_device(device: Device) -> None:
    a = spd(3, 3)
    hess = fg.hessian(lambda m: LA.slogdet(m).logabsdet)(device.put(a))
    inv = np.linalg.inv(a)
    # d^2 log det A / dA_ij dA_kl = -(A^-1)_li (A^-1)_jk
    device.close(hess, -np.einsum("li,jk->ijkl", inv, inv), "Hessian of log det")


@pytest.mark.parametrize("name", ["cholesky", "eigvalsh", "qr-r", "svdvals", "solve", "pinv"])
def test_jacobians_on_the_device_match_the_cpu(device: Device, name: str) -> None:
    f = {"cholesky": LA.cholesky, "eigvalsh": LA.eigvalsh, "qr-r": lambda m: LA.qr(m).R,
         "svdvals": LA.svdvals, "solve": lambda m: LA.solve(m, m[:, 0]), "pinv": LA.pinv}[name]
    a = spd(3, 3)
    for transform in (fg.jacrev, fg.jacfwd):
        want = transform(f)(a)
        assert np.abs(want).max() > 0
        device.close(transform(f)(device.put(a)), want, f"{transform.__name__} of {name}")
