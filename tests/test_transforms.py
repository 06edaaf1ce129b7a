"""The function transforms (grad, vjp, jvp, jacrev, jacfwd, hessian, ...), custom rules,
autograd.Function, gradcheck and autograd.functional.

Derivatives are compared with closed forms or central finite differences, never with
funcgrad itself, except where two independent code paths of funcgrad (one batched backward
pass vs one ``Tensor.backward`` per output element) are compared, and then also with finite
differences.
"""

from __future__ import annotations

import collections

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.autograd import functional as AF
from funcgrad.ops import REGISTRY, Const

# ---- helpers --------------------------------------------------------------------------


def _np(x):
    """A Tensor, array or number as a float64 NumPy array (for comparisons)."""
    if isinstance(x, fg.Tensor):
        x = x.detach().numpy()
    return np.asarray(x, dtype=np.float64)


def assert_close(got, want, rtol=1e-7, atol=1e-9):
    np.testing.assert_allclose(_np(got), _np(want), rtol=rtol, atol=atol)


def fd_jacobian(f, xs, eps=1e-6):
    """Central finite differences: one Jacobian (out.shape + x.shape) per input in ``xs``."""
    xs = [np.array(x, dtype=np.float64) for x in xs]
    out = np.asarray(f(*xs))
    jacs = []
    for k, x in enumerate(xs):
        jac = np.zeros(out.shape + x.shape)
        flat_jac = jac.reshape(out.size, x.size)
        for i in range(x.size):
            plus = [a.copy() for a in xs]
            minus = [a.copy() for a in xs]
            plus[k].reshape(-1)[i] += eps
            minus[k].reshape(-1)[i] -= eps
            diff = np.asarray(f(*plus), dtype=np.float64) - np.asarray(f(*minus), dtype=np.float64)
            flat_jac[:, i] = diff.reshape(-1) / (2 * eps)
        jacs.append(jac)
    return jacs


def backward_jacobian(f, xs):
    """The Jacobian built row by row: one ``Tensor.backward`` per output element, with a
    one-hot gradient, reading the leaves' ``.grad``."""
    leaves = [fg.from_numpy(np.array(x, dtype=np.float64)).requires_grad_() for x in xs]
    out = f(*leaves)
    out_shape = tuple(out.shape)
    jacs = [np.zeros(out_shape + tuple(x.shape)) for x in leaves]
    if not out.requires_grad:
        return jacs
    size = int(np.prod(out_shape))
    for i in range(size):
        onehot = np.zeros(size)
        onehot[i] = 1.0
        for leaf in leaves:
            leaf.grad = None
        out.backward(fg.from_numpy(onehot.reshape(out_shape)), retain_graph=True)
        for jac, leaf in zip(jacs, leaves):
            if leaf.grad is not None:
                jac.reshape(size, -1)[i] = leaf.grad.numpy().reshape(-1)
    return jacs


# ---- 1. every differentiable primitive: jacrev and jacfwd --------------------------------

DIFFERENTIABLE = sorted(name for name, p in REGISTRY.items() if p.differentiable)
CASES = [
    pytest.param(name, k, id=f"{name}-{k}")
    for name in DIFFERENTIABLE
    for k in range(len(REGISTRY[name].samples))
]


def _primitive_case(name, k):
    prim = REGISTRY[name]
    sample = prim.samples[k]
    rng = np.random.default_rng(1234 + k)
    xs = [np.asarray(rng.uniform(sample.low, sample.high, size=spec), dtype=np.float64)
          for spec in sample.args if isinstance(spec, tuple)]

    def build(*diff):
        it = iter(diff)
        inputs = [next(it) if isinstance(spec, tuple) else spec.value for spec in sample.args]
        if prim.nin == -1:  # variadic: a tuple of arrays first, then the parameters
            return (tuple(inputs),) + sample.params
        return tuple(inputs) + sample.params

    def f(*diff):
        return prim(*build(*diff))

    return prim, sample, xs, f


def test_registry_cases_cover_every_differentiable_primitive():
    assert len(DIFFERENTIABLE) > 40
    assert all(REGISTRY[name].samples for name in DIFFERENTIABLE)
    assert {"stack", "cat"} <= set(DIFFERENTIABLE)
    assert REGISTRY["stack"].nin == -1


@pytest.mark.parametrize("name, k", CASES)
def test_primitive_jacobians(name, k):
    prim, sample, xs, f = _primitive_case(name, k)
    if not xs:
        pytest.fail(f"sample {name}-{k} has no differentiable input")
    argnums = tuple(range(len(xs)))
    out = np.asarray(f(*xs))
    loose = out.dtype != np.float64  # to_copy: a float32 output
    eps = sample.eps if loose else 1e-6
    rtol = max(sample.rtol, 1e-3) if loose else 1e-5
    atol = 1e-4 if loose else 1e-6
    numeric = fd_jacobian(f, xs, eps)
    rowwise = backward_jacobian(f, xs)
    for transform in (fg.jacrev, fg.jacfwd):
        jac = transform(f, argnums=argnums)(*xs)
        assert isinstance(jac, tuple) and len(jac) == len(xs)
        for j, x, num, row in zip(jac, xs, numeric, rowwise):
            assert type(j) is np.ndarray, transform.__name__
            assert j.shape == out.shape + x.shape, transform.__name__
            if not loose:
                assert j.dtype == np.float64
            np.testing.assert_allclose(j, row, rtol=rtol, atol=atol, err_msg=f"{transform.__name__} vs backward")
            np.testing.assert_allclose(j, num, rtol=rtol, atol=atol, err_msg=f"{transform.__name__} vs finite differences")
    for num, row in zip(numeric, rowwise):
        np.testing.assert_allclose(row, num, rtol=rtol, atol=atol, err_msg="backward vs finite differences")


# ---- 2. analytic forms for every transform -----------------------------------------------

RNG = np.random.default_rng(0)
N = 4
W = RNG.standard_normal((N, N)) * 0.5
B = RNG.standard_normal(N) * 0.3
A = RNG.standard_normal((3, N)) * 0.5
X = RNG.standard_normal(N)
V = RNG.standard_normal(N)


def layer(W, x, b):
    return fnp.tanh(W @ x + b) * x


def layer_jac_x(W, x, b):
    t = np.tanh(W @ x + b)
    return np.diag(x) @ np.diag(1 - t ** 2) @ W + np.diag(t)


def layer_jac_W(W, x, b):
    # d out_i / d W_jk = delta_ij x_i (1 - t_i^2) x_k
    t = np.tanh(W @ x + b)
    jac = np.zeros((N, N, N))
    for i in range(N):
        jac[i, i, :] = x[i] * (1 - t[i] ** 2) * x
    return jac


def tanh_sum(x):
    return fnp.sum(fnp.tanh(A @ x))


def tanh_sum_hessian(x):
    t = np.tanh(A @ x)
    return A.T @ np.diag(-2 * t * (1 - t ** 2)) @ A


def tanh_sum_third(x):
    # d^3 / dx_j dx_k dx_l of sum_i tanh(a_i . x) = sum_i tanh'''(z_i) A_ij A_ik A_il
    t = np.tanh(A @ x)
    d3 = (1 - t ** 2) * (6 * t ** 2 - 2)
    return np.einsum("i,ij,ik,il->jkl", d3, A, A, A)


def test_grad_closed_form():
    g = fg.grad(lambda x: fnp.sum(fnp.sin(x) * x))(X)
    assert type(g) is np.ndarray and g.shape == X.shape
    assert_close(g, np.cos(X) * X + np.sin(X))


def test_grad_of_python_scalar_function():
    g = fg.grad(lambda x: x ** 3)(2.0)
    assert type(g) is float
    assert g == pytest.approx(12.0)


def test_value_and_grad_closed_form():
    value, g = fg.value_and_grad(lambda x: fnp.sum(fnp.exp(x) * x ** 2))(X)
    assert_close(value, np.sum(np.exp(X) * X ** 2))
    assert_close(g, np.exp(X) * X ** 2 + 2 * X * np.exp(X))


def test_value_and_grad_on_floats_returns_floats():
    value, g = fg.value_and_grad(lambda x: x ** 3)(2.0)
    assert type(value) is float and type(g) is float
    assert value == pytest.approx(8.0) and g == pytest.approx(12.0)


