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
from funcgrad.ops import REGISTRY

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
def _real_in_and_out(name, k):
    sample = REGISTRY[name].samples[k]
    if sample.dtype.kind != "f":
        return False
    inputs = iter(sample.draw(np.random.default_rng(0)))
    args = [next(inputs) if isinstance(spec, tuple) else spec.value for spec in sample.args]
    args = ((tuple(args),) if REGISTRY[name].nin == -1 else tuple(args)) + sample.params
    return np.asarray(REGISTRY[name](*args)).dtype.kind == "f"


# Real inputs and outputs only: the Jacobian of a function of complex values is a different
# object (holomorphic or not); complex samples are checked by tests/test_registry.py under
# the pairing Re sum(a * b).
CASES = [
    pytest.param(name, k, id=f"{name}-{k}")
    for name in DIFFERENTIABLE
    for k in range(len(REGISTRY[name].samples))
    if _real_in_and_out(name, k)
]


def _primitive_case(name, k):
    prim = REGISTRY[name]
    sample = prim.samples[k]
    rng = np.random.default_rng(1234 + k)
    xs = sample.draw(rng)

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


def test_vjp_function_can_be_called_several_times():
    out, f_vjp = fg.vjp(lambda x: layer(W, x, B), X)
    assert_close(out, np.tanh(W @ X + B) * X)
    jac = layer_jac_x(W, X, B)
    u1, u2 = RNG.standard_normal(N), RNG.standard_normal(N)
    for u in (u1, u2, u1):
        (g,) = f_vjp(u)
        assert type(g) is np.ndarray
        assert_close(g, jac.T @ u)
        g[:] = 1e9  # the caller owns the result: writing it changes nothing later


def test_vjp_with_two_primals():
    _, f_vjp = fg.vjp(lambda W, x: layer(W, x, B), W, X)
    u = RNG.standard_normal(N)
    gW, gx = f_vjp(u)
    assert gW.shape == W.shape and gx.shape == X.shape
    assert_close(gW, np.einsum("i,ijk->jk", u, layer_jac_W(W, X, B)))
    assert_close(gx, layer_jac_x(W, X, B).T @ u)


def test_jvp_closed_form():
    out, t = fg.jvp(lambda x: layer(W, x, B), (X,), (V,))
    assert_close(out, np.tanh(W @ X + B) * X)
    assert_close(t, layer_jac_x(W, X, B) @ V)


def test_jvp_with_two_primals():
    dW = RNG.standard_normal(W.shape)
    _, t = fg.jvp(lambda W, x: layer(W, x, B), (W, X), (dW, V))
    want = np.einsum("ijk,jk->i", layer_jac_W(W, X, B), dW) + layer_jac_x(W, X, B) @ V
    assert_close(t, want)


@pytest.mark.parametrize("transform", [fg.jacrev, fg.jacfwd, fg.jacobian], ids=["jacrev", "jacfwd", "jacobian"])
def test_jacobian_closed_form(transform):
    jac = transform(lambda x: layer(W, x, B))(X)
    assert jac.shape == (N, N)
    assert_close(jac, layer_jac_x(W, X, B))
    jac_W = transform(lambda W: layer(W, X, B))(W)
    assert jac_W.shape == (N, N, N)
    assert_close(jac_W, layer_jac_W(W, X, B))


@pytest.mark.parametrize("transform", [fg.jacrev, fg.jacfwd], ids=["jacrev", "jacfwd"])
@pytest.mark.parametrize("chunk", [1, 3, N, 100])
def test_jacobian_chunk_size(transform, chunk):
    jac = transform(lambda x: layer(W, x, B), chunk_size=chunk)(X)
    assert_close(jac, layer_jac_x(W, X, B))
    jac_W = transform(lambda W: layer(W, X, B), chunk_size=chunk)(W)  # 16 input elements
    assert_close(jac_W, layer_jac_W(W, X, B))


@pytest.mark.parametrize("transform", [fg.jacrev, fg.jacfwd], ids=["jacrev", "jacfwd"])
def test_jacobian_shape_is_out_shape_plus_in_shape(transform):
    Xm = RNG.standard_normal((2, 3))
    Am = RNG.standard_normal((3, 4))
    jac = transform(lambda x: x @ Am)(Xm)
    assert jac.shape == (2, 4, 2, 3)
    want = np.einsum("ik,lj->ijkl", np.eye(2), Am)
    assert_close(jac, want)
    # scalar in, vector out; vector in, scalar out
    assert_close(transform(lambda s: s * X)(2.0), X)
    g = transform(tanh_sum)(X)
    assert g.shape == (N,)
    assert_close(g, A.T @ (1 - np.tanh(A @ X) ** 2))


@pytest.mark.parametrize("transform", [fg.jacrev, fg.jacfwd], ids=["jacrev", "jacfwd"])
@pytest.mark.parametrize("chunk", [1, 2, 5])
def test_chunks_crossing_pytree_leaves(transform, chunk):
    y = RNG.standard_normal(3)
    jac = transform(lambda p: (p["a"] ** 2, fnp.sum(p["b"]) * p["a"][0], 3 * p["b"]), chunk_size=chunk)({"a": X, "b": y})
    assert_close(jac[0]["a"], np.diag(2 * X))
    assert_close(jac[0]["b"], np.zeros((N, 3)))
    assert_close(jac[1]["a"], np.eye(N)[0] * y.sum())
    assert_close(jac[1]["b"], np.full(3, X[0]))
    assert_close(jac[2]["a"], np.zeros((3, N)))
    assert_close(jac[2]["b"], 3 * np.eye(3))


def test_jacfwd_runs_one_forward_pass_per_chunk_and_jacrev_one_trace():
    calls = []

    def f(x):
        calls.append(1)
        return fnp.tanh(W @ x + B) * x

    for chunk, passes in ((None, 1), (1, N), (3, 2), (N, 1)):
        calls.clear()
        assert_close(fg.jacfwd(f, chunk_size=chunk)(X), layer_jac_x(W, X, B))
        assert len(calls) == passes, chunk
        calls.clear()
        assert_close(fg.jacrev(f, chunk_size=chunk)(X), layer_jac_x(W, X, B))
        assert len(calls) == 1, chunk


def test_hessian_closed_form():
    h = fg.hessian(tanh_sum)(X)
    assert h.shape == (N, N)
    assert_close(h, tanh_sum_hessian(X))


def test_hessian_shape_is_in_shape_twice():
    Xm = RNG.standard_normal((2, 3))
    h = fg.hessian(lambda x: fnp.sum(x ** 3))(Xm)
    assert h.shape == (2, 3, 2, 3)
    assert_close(h.reshape(6, 6), np.diag(6 * Xm.reshape(-1)))


def test_hvp_closed_form():
    hv = fg.hvp(tanh_sum, (X,), (V,))
    assert hv.shape == (N,)
    assert_close(hv, tanh_sum_hessian(X) @ V)


def test_linearize_closed_form():
    out, f_jvp = fg.linearize(lambda x: layer(W, x, B), X)
    assert_close(out, np.tanh(W @ X + B) * X)
    jac = layer_jac_x(W, X, B)
    V2 = RNG.standard_normal(N)
    assert_close(f_jvp(V), jac @ V)
    assert_close(f_jvp(V2), jac @ V2)
    assert_close(f_jvp(V), jac @ V)


# ---- 3. pytrees, has_aux, argnums --------------------------------------------------------

Params = collections.namedtuple("Params", ["w", "b"])


def _loss(W, b, x):
    return fnp.sum(fnp.tanh(W @ x + b))


def _loss_grads(W, b, x):
    s = 1 - np.tanh(W @ x + b) ** 2
    return np.outer(s, x), s


def test_grad_of_dict_params():
    g = fg.grad(lambda p, x: _loss(p["W"], p["b"], x))({"W": W, "b": B}, X)
    assert isinstance(g, dict) and set(g) == {"W", "b"}
    gW, gb = _loss_grads(W, B, X)
    assert_close(g["W"], gW)
    assert_close(g["b"], gb)


def test_grad_of_namedtuple_list_tuple_and_none():
    gW, gb = _loss_grads(W, B, X)
    g = fg.grad(lambda p: _loss(p.w, p.b, X))(Params(W, B))
    assert type(g) is Params
    assert_close(g.w, gW)
    assert_close(g.b, gb)
    g = fg.grad(lambda p: _loss(p[0][0], p[1]["b"], X))(([W], {"b": B, "unused": None}))
    assert isinstance(g, tuple) and isinstance(g[0], list) and isinstance(g[1], dict)
    assert g[1]["unused"] is None
    assert_close(g[0][0], gW)
    assert_close(g[1]["b"], gb)


def test_grad_of_unused_leaf_is_zero():
    g = fg.grad(lambda p: fnp.sum(p["a"] ** 2))({"a": X, "b": V})
    assert_close(g["a"], 2 * X)
    assert type(g["b"]) is np.ndarray
    assert_close(g["b"], np.zeros(N))


@pytest.mark.parametrize("transform", [fg.jacrev, fg.jacfwd], ids=["jacrev", "jacfwd"])
def test_jacobian_of_pytree_output(transform):
    jac = transform(lambda x: {"sq": x ** 2, "pair": (fnp.sum(x), 3 * x), "none": None})(X)
    assert set(jac) == {"sq", "pair", "none"}
    assert jac["none"] is None
    assert_close(jac["sq"], np.diag(2 * X))
    assert isinstance(jac["pair"], tuple)
    assert jac["pair"][0].shape == (N,)
    assert_close(jac["pair"][0], np.ones(N))
    assert_close(jac["pair"][1], 3 * np.eye(N))


@pytest.mark.parametrize("transform", [fg.jacrev, fg.jacfwd], ids=["jacrev", "jacfwd"])
def test_jacobian_of_namedtuple_output_and_list_input(transform):
    jac = transform(lambda p: Params(p[0] * p[1], fnp.sum(p[0])))([X, V])
    assert type(jac) is Params
    assert isinstance(jac.w, list) and isinstance(jac.b, list)
    assert_close(jac.w[0], np.diag(V))
    assert_close(jac.w[1], np.diag(X))
    assert_close(jac.b[0], np.ones(N))
    assert_close(jac.b[1], np.zeros(N))


def test_vjp_and_jvp_with_pytrees():
    u = RNG.standard_normal(N)
    out, f_vjp = fg.vjp(lambda p: (p["a"] ** 2, {"s": fnp.sum(p["a"] * p["b"])}), {"a": X, "b": V})
    assert_close(out[0], X ** 2)
    assert_close(out[1]["s"], np.sum(X * V))
    (g,) = f_vjp((u, {"s": 2.0}))
    assert set(g) == {"a", "b"}
    assert_close(g["a"], 2 * X * u + 2 * V)
    assert_close(g["b"], 2 * X)
    dA, dB = RNG.standard_normal(N), RNG.standard_normal(N)
    out, t = fg.jvp(lambda p, c: {"y": p[0] * p[1] * c}, ((X, V), 3.0), ((dA, dB), 0.5))
    assert set(t) == {"y"}
    assert_close(out["y"], 3 * X * V)
    assert_close(t["y"], 3 * (dA * V + X * dB) + 0.5 * X * V)


@pytest.mark.parametrize("transform", [fg.jacrev, fg.jacfwd], ids=["jacrev", "jacfwd"])
def test_jacobian_nesting_output_outside_input_inside(transform):
    u, v = X, V

    def f(p):
        return p["u"] * p["v"], fnp.sum(p["u"])

    jac = transform(f)({"u": u, "v": v})
    assert isinstance(jac, tuple) and len(jac) == 2
    assert set(jac[0]) == {"u", "v"} and set(jac[1]) == {"u", "v"}
    assert_close(jac[0]["u"], np.diag(v))
    assert_close(jac[0]["v"], np.diag(u))
    assert_close(jac[1]["u"], np.ones(N))
    assert_close(jac[1]["v"], np.zeros(N))


@pytest.mark.parametrize("transform", [fg.jacrev, fg.jacfwd], ids=["jacrev", "jacfwd"])
def test_jacobian_argnums_tuple(transform):
    jac = transform(lambda W, x: layer(W, x, B), argnums=(0, 1))(W, X)
    assert isinstance(jac, tuple) and len(jac) == 2
    assert_close(jac[0], layer_jac_W(W, X, B))
    assert_close(jac[1], layer_jac_x(W, X, B))
    y = RNG.standard_normal(N)
    jac = transform(lambda x, y: {"a": x * y, "b": fnp.sum(y)}, argnums=(0, 1))(X, y)
    assert isinstance(jac["a"], tuple) and isinstance(jac["b"], tuple)
    assert_close(jac["a"][0], np.diag(y))
    assert_close(jac["a"][1], np.diag(X))
    assert_close(jac["b"][0], np.zeros(N))
    assert_close(jac["b"][1], np.ones(N))


def test_hessian_argnums_tuple_and_dict_nesting():
    y = RNG.standard_normal(N)
    h = fg.hessian(lambda x, y: fnp.sum(x ** 2 * y), argnums=(0, 1))(X, y)
    assert isinstance(h, tuple) and isinstance(h[0], tuple) and isinstance(h[1], tuple)
    assert_close(h[0][0], np.diag(2 * y))
    assert_close(h[0][1], np.diag(2 * X))
    assert_close(h[1][0], np.diag(2 * X))
    assert_close(h[1][1], np.zeros((N, N)))
    h = fg.hessian(lambda p: fnp.sum(p["a"] ** 2 * p["b"]))({"a": X, "b": y})
    assert set(h) == {"a", "b"} and set(h["a"]) == {"a", "b"}
    assert_close(h["a"]["a"], np.diag(2 * y))
    assert_close(h["a"]["b"], np.diag(2 * X))
    assert_close(h["b"]["a"], np.diag(2 * X))
    assert_close(h["b"]["b"], np.zeros((N, N)))


def test_grad_argnums_int_and_tuple():
    def f(W, x):
        return fnp.sum(layer(W, x, B))

    ones = np.ones(N)
    gx = fg.grad(f, argnums=1)(W, X)
    assert_close(gx, layer_jac_x(W, X, B).T @ ones)
    gW, gx2 = fg.grad(f, argnums=(0, 1))(W, X)
    assert_close(gW, np.einsum("i,ijk->jk", ones, layer_jac_W(W, X, B)))
    assert_close(gx2, layer_jac_x(W, X, B).T @ ones)
    (only,) = fg.grad(f, argnums=(1,))(W, X)
    assert_close(only, gx)


def test_has_aux_for_grad_and_value_and_grad():
    def f(x):
        return fnp.sum(x ** 2), {"mean": fnp.mean(x), "x": x, "none": None}

    g, aux = fg.grad(f, has_aux=True)(X)
    assert_close(g, 2 * X)
    assert aux["none"] is None
    assert not isinstance(aux["x"], fg.Tensor)
    assert_close(aux["mean"], X.mean())
    assert_close(aux["x"], X)
    (value, aux), g = fg.value_and_grad(f, has_aux=True)(X)
    assert_close(value, np.sum(X ** 2))
    assert_close(aux["mean"], X.mean())
    assert_close(g, 2 * X)


@pytest.mark.parametrize("transform", [fg.jacrev, fg.jacfwd], ids=["jacrev", "jacfwd"])
def test_has_aux_for_jacobians(transform):
    jac, aux = transform(lambda x: (x ** 3, [fnp.sum(x), "label"]), has_aux=True)(X)
    assert_close(jac, np.diag(3 * X ** 2))
    assert_close(aux[0], X.sum())
    assert aux[1] == "label"


def test_has_aux_for_vjp_and_jvp():
    out, f_vjp, aux = fg.vjp(lambda x: (fnp.sin(x), fnp.cos(x)), X, has_aux=True)
    assert_close(out, np.sin(X))
    assert_close(aux, np.cos(X))
    assert_close(f_vjp(V)[0], np.cos(X) * V)
    out, t, aux = fg.jvp(lambda x: (fnp.sin(x), fnp.cos(x)), (X,), (V,), has_aux=True)
    assert_close(out, np.sin(X))
    assert_close(t, np.cos(X) * V)
    assert_close(aux, np.cos(X))


# ---- nesting -----------------------------------------------------------------------------


def test_grad_to_third_order():
    f = lambda x: x * fnp.sin(x)  # noqa: E731
    x = 0.7
    assert fg.grad(f)(x) == pytest.approx(np.sin(x) + x * np.cos(x))
    assert fg.grad(fg.grad(f))(x) == pytest.approx(2 * np.cos(x) - x * np.sin(x))
    third = fg.grad(fg.grad(fg.grad(f)))(x)
    assert type(third) is float
    assert third == pytest.approx(-3 * np.sin(x) - x * np.cos(x))
    assert fg.grad(fg.grad(fg.grad(fg.grad(f))))(x) == pytest.approx(-4 * np.cos(x) + x * np.sin(x))


def _tanh_map_second(x):
    t = np.tanh(A @ x)
    return np.einsum("i,ij,ik->ijk", -2 * t * (1 - t ** 2), A, A)


@pytest.mark.parametrize("outer", [fg.jacrev, fg.jacfwd], ids=["rev", "fwd"])
@pytest.mark.parametrize("inner", [fg.jacrev, fg.jacfwd], ids=["rev", "fwd"])
def test_second_order_jacobians_all_combinations(outer, inner):
    second = outer(inner(lambda x: fnp.tanh(A @ x)))(X)
    assert second.shape == (3, N, N)
    assert_close(second, _tanh_map_second(X))


@pytest.mark.parametrize(
    "third",
    [
        lambda f: fg.jacrev(fg.hessian(f)),
        lambda f: fg.jacfwd(fg.hessian(f)),
        lambda f: fg.jacrev(fg.jacrev(fg.jacrev(f))),
        lambda f: fg.jacfwd(fg.jacfwd(fg.jacfwd(f))),
        lambda f: fg.jacfwd(fg.jacrev(fg.grad(f))),
    ],
    ids=["rev-hessian", "fwd-hessian", "rev-rev-rev", "fwd-fwd-fwd", "fwd-rev-grad"],
)
def test_third_order_tensors(third):
    t = third(tanh_sum)(X)
    assert t.shape == (N, N, N)
    assert_close(t, tanh_sum_third(X))


def test_transform_inside_a_differentiated_function():
    def f(x):
        return fnp.sum(fg.grad(lambda y: fnp.sum(fnp.sin(y)))(x) * x)  # sum(cos(x) x)

    assert_close(fg.grad(f)(X), -np.sin(X) * X + np.cos(X))
    assert_close(fg.jacfwd(f)(X), -np.sin(X) * X + np.cos(X))


def test_jvp_inside_reverse_mode():
    def directional(x):
        return fg.jvp(tanh_sum, (x,), (V,))[1]  # grad(x) . V

    assert_close(fg.grad(directional)(X), tanh_sum_hessian(X) @ V)
    assert_close(fg.jacrev(directional)(X), tanh_sum_hessian(X) @ V)


def test_closure_over_outer_traced_value():
    def h(x):
        return fg.grad(lambda y: fnp.sin(x * y))(1.0)  # x cos(x)

    x = 0.7
    want = np.cos(x) - x * np.sin(x)
    assert fg.grad(h)(x) == pytest.approx(want)
    assert fg.jvp(h, (x,), (1.0,))[1] == pytest.approx(want)
    assert_close(fg.jacfwd(lambda v: fg.grad(lambda y: fnp.sum(fnp.sin(v * y)))(1.0))(X),
                 np.cos(X) - X * np.sin(X))


def test_no_perturbation_confusion():
    assert fg.grad(lambda x: x * fg.grad(lambda y: x + y)(1.0))(1.0) == 1.0
    assert fg.jvp(lambda x: x * fg.jvp(lambda y: x + y, (1.0,), (1.0,))[1], (1.0,), (1.0,))[1] == 1.0
    assert fg.grad(lambda x: x * fg.jvp(lambda y: x + y, (1.0,), (1.0,))[1])(1.0) == 1.0
    assert fg.jvp(lambda x: x * fg.grad(lambda y: x + y)(1.0), (1.0,), (1.0,))[1] == 1.0
    # d/dx [ d/dy (x y) at y = x ] = d/dx x = 1 (not 2)
    assert fg.grad(lambda x: fg.grad(lambda y: x * y)(x))(2.0) == pytest.approx(1.0)


# ---- types -------------------------------------------------------------------------------


def test_float32_arrays_stay_float32():
    x = X.astype(np.float32)
    f = lambda x: fnp.sum(fnp.sin(x) * x)  # noqa: E731
    results = {
        "grad": fg.grad(f)(x),
        "value": fg.value_and_grad(f)(x)[0],
        "jacrev": fg.jacrev(fnp.sin)(x),
        "jacfwd": fg.jacfwd(fnp.sin)(x),
        "hessian": fg.hessian(f)(x),
        "vjp": fg.vjp(fnp.sin, x)[1](np.ones(N, np.float32))[0],
        "jvp": fg.jvp(fnp.sin, (x,), (np.ones(N, np.float32),))[1],
        "hvp": fg.hvp(f, (x,), (np.ones(N, np.float32),)),
    }
    for name, r in results.items():
        assert type(r) is np.ndarray, name
        assert r.dtype == np.float32, name
    assert_close(results["grad"], np.cos(X) * X + np.sin(X), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_zero_dimensional_array_in_array_out(dtype):
    x = np.array(0.7, dtype=dtype)
    f = lambda x: fnp.sin(x) * x  # noqa: E731
    results = {
        "grad": fg.grad(f)(x),
        "value_and_grad": fg.value_and_grad(f)(x)[1],
        "vjp": fg.vjp(f, x)[1](np.array(1.0, dtype=dtype))[0],
        "jacrev": fg.jacrev(f)(x),
        "jvp": fg.jvp(f, (x,), (np.array(1.0, dtype=dtype),))[1],
    }
    for name, r in results.items():
        assert type(r) is np.ndarray and r.shape == () and r.dtype == dtype, (name, type(r))
        assert_close(r, np.cos(0.7) * 0.7 + np.sin(0.7), rtol=1e-6)


def test_tensor_in_tensor_out():
    x = fg.from_numpy(X.copy())
    f = lambda x: fnp.sum(fnp.sin(x) * x)  # noqa: E731
    results = {
        "grad": fg.grad(f)(x),
        "value": fg.value_and_grad(f)(x)[0],
        "value_and_grad": fg.value_and_grad(f)(x)[1],
        "jacrev": fg.jacrev(fnp.sin)(x),
        "jacfwd": fg.jacfwd(fnp.sin)(x),
        "hessian": fg.hessian(f)(x),
        "vjp_out": fg.vjp(fnp.sin, x)[0],
        "vjp": fg.vjp(fnp.sin, x)[1](fg.ones(N, dtype=fg.float64))[0],
        "jvp_out": fg.jvp(fnp.sin, (x,), (fg.ones(N, dtype=fg.float64),))[0],
        "jvp": fg.jvp(fnp.sin, (x,), (fg.ones(N, dtype=fg.float64),))[1],
        "hvp": fg.hvp(f, (x,), (fg.ones(N, dtype=fg.float64),)),
    }
    for name, r in results.items():
        assert isinstance(r, fg.Tensor), name
        assert r.dtype == fg.float64, name
    assert_close(results["grad"], np.cos(X) * X + np.sin(X))
    assert_close(results["jacfwd"], np.diag(np.cos(X)))


def test_numpy_in_numpy_out_per_leaf():
    x32, v32 = X.astype(np.float32), V.astype(np.float32)
    g = fg.grad(lambda p: fnp.sum(p["a"] * p["b"]))({"a": x32, "b": fg.from_numpy(v32.copy())})
    assert type(g["a"]) is np.ndarray and g["a"].dtype == np.float32
    assert isinstance(g["b"], fg.Tensor) and g["b"].dtype == fg.float32
    assert_close(g["a"], V, rtol=1e-6)
    assert_close(g["b"], X, rtol=1e-6)
    out, t = fg.jvp(fnp.exp, (X,), (V,))
    assert type(out) is np.ndarray and type(t) is np.ndarray


def test_gradient_has_the_inputs_dtype_when_the_function_promotes():
    # float32 input, float64 computation: the gradient (a cotangent of the input) is float32,
    # as Tensor.backward gives and as in JAX.
    x32 = X.astype(np.float32)
    g = fg.grad(lambda a: fnp.sum(a * V))(x32)
    assert type(g) is np.ndarray and g.dtype == np.float32
    assert_close(g, V.astype(np.float32))
    (ct,) = fg.vjp(lambda a: a * V, x32)[1](np.ones(N))
    assert ct.dtype == np.float32
    t = fg.from_numpy(x32.copy()).requires_grad_()
    fnp.sum(t * fg.from_numpy(V.copy())).backward()
    assert t.grad.dtype == fg.float32  # the tape already does so


def test_transforms_never_write_grad():
    x = fg.from_numpy(X.copy()).requires_grad_()
    w = fg.from_numpy(W.copy()).requires_grad_()  # a closed-over parameter
    f = lambda x: fnp.sum(fnp.tanh(w @ x) * x)  # noqa: E731
    m = lambda x: fnp.tanh(w @ x) * x  # noqa: E731
    fg.grad(f)(x)
    fg.value_and_grad(f)(x)
    fg.jacrev(m)(x)
    fg.jacfwd(m)(x)
    fg.hessian(f)(x)
    fg.hvp(f, (x,), (fg.from_numpy(V.copy()),))
    out, f_vjp = fg.vjp(m, x)
    f_vjp(fg.from_numpy(V.copy()))
    fg.jvp(m, (x,), (fg.from_numpy(V.copy()),))
    fg.grad(lambda w, x: fnp.sum(w @ x), argnums=(0, 1))(w, x)
    assert x.grad is None
    assert w.grad is None


def test_callers_graph_survives_a_transform():
    x = fg.from_numpy(X.copy()).requires_grad_()
    z = x * x  # saves x for its backward
    s = fnp.sin(z)  # saves z
    fg.grad(lambda t: fnp.sum(t ** 3))(s)
    fg.jacrev(lambda t: t * 2.0)(z)
    fg.jacfwd(fnp.exp)(s)
    fg.hessian(lambda t: fnp.sum(t ** 3))(z)
    fg.grad(lambda t: fnp.sum(t * z))(X)  # the caller's graph, closed over
    fg.jvp(lambda t: t * s, (X,), (V,))
    s.sum().backward()
    assert_close(x.grad, np.cos(X * X) * 2 * X)


# ---- transforms and Tensor.backward ------------------------------------------------------


def test_grad_result_can_be_backpropagated():
    w = fg.from_numpy(X.copy()).requires_grad_()
    g = fg.grad(lambda t: fnp.sum(t ** 3))(w)
    assert isinstance(g, fg.Tensor)
    assert_close(g, 3 * X ** 2)
    g.sum().backward()
    assert_close(w.grad, 6 * X)


def test_jacobians_and_hessian_can_be_backpropagated():
    w = fg.from_numpy(X.copy()).requires_grad_()
    fg.jacrev(lambda t: fnp.sin(t) * t)(w).sum().backward()
    assert_close(w.grad, -np.sin(X) * X + 2 * np.cos(X))
    w.grad = None
    fg.jacfwd(lambda t: t ** 3)(w).sum().backward()
    assert_close(w.grad, 6 * X)
    w.grad = None
    fg.hessian(lambda t: fnp.sum(t ** 4))(w).sum().backward()
    assert_close(w.grad, 24 * X)


def test_grad_wrt_input_backpropagates_to_closed_over_parameter():
    p = fg.from_numpy(V.copy()).requires_grad_()
    g = fg.grad(lambda x: fnp.sum(p * x ** 2))(fg.from_numpy(X.copy()))  # 2 p x
    assert isinstance(g, fg.Tensor)
    assert_close(g, 2 * V * X)
    g.sum().backward()
    assert_close(p.grad, 2 * X)


def test_vjp_and_jvp_results_can_be_backpropagated():
    x = fg.from_numpy(X.copy()).requires_grad_()
    out, f_vjp = fg.vjp(lambda a: a ** 3, x)
    (g,) = f_vjp(fg.from_numpy(V.copy()))
    g.sum().backward()
    assert_close(x.grad, 6 * X * V)
    x.grad = None
    out, t = fg.jvp(lambda a: fnp.sin(a) * a, (x,), (fg.from_numpy(V.copy()),))
    t.sum().backward(retain_graph=True)  # t's graph runs through out's
    assert_close(x.grad, (-np.sin(X) * X + 2 * np.cos(X)) * V)
    x.grad = None
    out.sum().backward()
    assert_close(x.grad, np.cos(X) * X + np.sin(X))


def test_vjp_result_backpropagates_to_a_cotangent_requiring_grad():
    # vjp_fn is linear in its cotangent: given a Tensor that requires grad, the result
    # depends on it (the tangent of jvp already does; see the next assertion).
    c = fg.from_numpy(V.copy()).requires_grad_()
    _, f_vjp = fg.vjp(lambda a: a ** 3, fg.from_numpy(X.copy()))
    (g,) = f_vjp(c)
    assert_close(g, 3 * X ** 2 * V)
    g.sum().backward()
    assert_close(c.grad, 3 * X ** 2)
    v = fg.from_numpy(V.copy()).requires_grad_()
    fg.jvp(lambda a: a ** 3, (fg.from_numpy(X.copy()),), (v,))[1].sum().backward()
    assert_close(v.grad, 3 * X ** 2)


def test_transforms_of_vjp_and_jvp_as_functions_of_the_direction():
    f = lambda a: fnp.sin(a) * a  # noqa: E731
    jac = np.diag(np.cos(X) * X + np.sin(X))
    f_vjp = fg.vjp(f, X)[1]
    assert_close(fg.jacrev(lambda u: f_vjp(u)[0])(V), jac.T)
    assert_close(fg.jacfwd(lambda u: f_vjp(u)[0])(V), jac.T)
    assert_close(fg.jacrev(lambda v: fg.jvp(f, (X,), (v,))[1])(V), jac)
    assert_close(fg.jacfwd(lambda v: fg.linearize(f, X)[1](v))(V), jac)


def test_autograd_grad_inside_a_transformed_function():
    def f(x):
        y = fnp.sum(x ** 3)
        (g,) = fg.autograd.grad(y, x, create_graph=True)  # 3 x^2
        return fnp.sum(g * x)  # 3 sum x^3

    assert_close(fg.grad(f)(X), 9 * X ** 2)


def test_backward_inside_a_transformed_function():
    def f(x):
        y = fnp.sum(x ** 3)
        y.backward(create_graph=True)
        return fnp.sum(x.grad * x)

    assert_close(fg.grad(f)(X), 9 * X ** 2)


# ---- custom_vjp, custom_jvp, stop_gradient -----------------------------------------------


@fg.custom_vjp
def csin(x):
    return fnp.sin(x)


csin.defvjp(lambda x: (fnp.sin(x), x), lambda x, g: (g * fnp.cos(x),))


@fg.custom_vjp
def ident_sq_rule(x):
    """The identity, with the (deliberately different) derivative x**2: shows the rule is used."""
    return x


ident_sq_rule.defvjp(lambda x: (x, x), lambda x, g: (g * x ** 2,))


def test_custom_vjp_rule_is_used_first_and_second_order():
    x = 0.8
    assert fg.grad(ident_sq_rule)(x) == pytest.approx(x ** 2)
    assert fg.grad(fg.grad(ident_sq_rule))(x) == pytest.approx(2 * x)
    assert_close(fg.grad(lambda v: fnp.sum(ident_sq_rule(v)))(X), X ** 2)
    assert_close(fg.hessian(lambda v: fnp.sum(ident_sq_rule(v)))(X), np.diag(2 * X))


def test_custom_vjp_higher_order():
    x = 0.8
    assert fg.grad(csin)(x) == pytest.approx(np.cos(x))
    assert fg.grad(fg.grad(csin))(x) == pytest.approx(-np.sin(x))
    assert fg.grad(fg.grad(fg.grad(csin)))(x) == pytest.approx(-np.cos(x))
    assert_close(fg.hessian(lambda v: fnp.sum(csin(v)))(X), np.diag(-np.sin(X)))


def _diag3(d):
    """The third-order tensor with ``d`` on its diagonal (second derivative of an elementwise map)."""
    eye = np.eye(len(d))
    return np.einsum("i,ij,ik->ijk", d, eye, eye)


def test_custom_vjp_forward_mode_by_transposition():
    _, t = fg.jvp(ident_sq_rule, (X,), (V,))
    assert_close(t, X ** 2 * V)
    assert_close(fg.jacfwd(ident_sq_rule)(X), np.diag(X ** 2))
    assert_close(fg.jacfwd(csin)(X), np.diag(np.cos(X)))
    assert_close(fg.jacfwd(fg.jacrev(lambda v: fnp.sum(csin(v))))(X), np.diag(-np.sin(X)))
    assert_close(fg.jacrev(fg.jacfwd(csin))(X), _diag3(-np.sin(X)))
    assert_close(fg.jacfwd(fg.jacfwd(csin))(X), _diag3(-np.sin(X)))
    assert_close(fg.jacfwd(fg.jacfwd(ident_sq_rule))(X), _diag3(2 * X))


def test_custom_vjp_two_arguments_with_none_cotangent():
    @fg.custom_vjp
    def scaled(x, y):
        return x * y

    scaled.defvjp(lambda x, y: (x * y, y), lambda y, g: (g * y, None))
    gx, gy = fg.grad(lambda x, y: fnp.sum(scaled(x, y)), argnums=(0, 1))(X, V)
    assert_close(gx, V)
    assert_close(gy, np.zeros(N))


@fg.custom_jvp
def softplus(x):
    return fnp.log(1 + fnp.exp(x))


@softplus.defjvp
def _softplus_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return softplus(x), t * (1 - 1 / (1 + fnp.exp(x)))


@fg.custom_jvp
def ident_jsq(x):
    return x


@ident_jsq.defjvp
def _ident_jsq_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return x, t * x ** 2


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def test_custom_jvp_reverse_mode_by_transposition():
    assert fg.grad(softplus)(0.3) == pytest.approx(_sigmoid(0.3))
    assert_close(fg.jacrev(softplus)(X), np.diag(_sigmoid(X)))
    assert fg.grad(ident_jsq)(0.8) == pytest.approx(0.64)
    assert_close(fg.jacrev(ident_jsq)(X), np.diag(X ** 2))
    _, t = fg.jvp(ident_jsq, (X,), (V,))
    assert_close(t, X ** 2 * V)


def test_custom_jvp_second_order():
    s = _sigmoid(0.3)
    assert fg.grad(fg.grad(softplus))(0.3) == pytest.approx(s * (1 - s))
    assert fg.grad(fg.grad(ident_jsq))(0.8) == pytest.approx(1.6)
    assert_close(fg.hessian(lambda v: fnp.sum(ident_jsq(v)))(X), np.diag(2 * X))
    assert_close(fg.jacfwd(fg.jacfwd(ident_jsq))(X), _diag3(2 * X))
    assert_close(fg.jacrev(fg.jacrev(ident_jsq))(X), _diag3(2 * X))
    assert fg.grad(fg.grad(fg.grad(ident_jsq)))(0.8) == pytest.approx(2.0)


def test_stop_gradient_in_every_mode():
    f = lambda x: fnp.sum(x ** 2 * fg.stop_gradient(x))  # noqa: E731
    assert_close(fg.grad(f)(X), 2 * X * X)  # not 3 x^2
    assert_close(fg.jacrev(lambda x: x * fg.stop_gradient(x))(X), np.diag(X))
    assert_close(fg.jacfwd(lambda x: x * fg.stop_gradient(x))(X), np.diag(X))
    assert_close(fg.jvp(lambda x: x * fg.stop_gradient(x), (X,), (V,))[1], X * V)
    assert_close(fg.hessian(f)(X), np.diag(2 * X))  # not 6 x
    assert fg.grad(lambda x: fg.stop_gradient(x) ** 2)(3.0) == 0.0
    assert fg.grad(fg.grad(lambda x: x ** 3 * fg.stop_gradient(x)))(2.0) == pytest.approx(24.0)  # 6 x * x
    assert_close(fg.jvp(fg.stop_gradient, (X,), (V,))[1], np.zeros(N))
    x = fg.from_numpy(X.copy()).requires_grad_()
    (x * fg.stop_gradient(x)).sum().backward()
    assert_close(x.grad, X)


# ---- autograd.Function -------------------------------------------------------------------


class Exp(fg.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        result = x.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        return grad_output * result


class Cube(fg.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 3 * x ** 2


class CubeWrongBackward(fg.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 2 * x ** 2


class CubeWrongSecondOrder(fg.autograd.Function):
    """Right first derivative, but written so its own derivative in x is zero."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 3 * x.detach() ** 2


class TooManyGrads(fg.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 2, grad_output


def test_function_backward():
    x = fg.from_numpy(X.copy()).requires_grad_()
    y = Exp.apply(x)
    assert y.grad_fn.name() == "ExpBackward"
    y.backward(fg.from_numpy(V.copy()))
    assert_close(x.grad, np.exp(X) * V)


def test_function_double_backward_with_create_graph():
    x = fg.from_numpy(X.copy()).requires_grad_()
    (g,) = fg.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    assert_close(g, 3 * X ** 2)
    g.sum().backward()
    assert_close(x.grad, 6 * X)


def test_function_saving_its_output_second_order():
    # Exp saves its output (PyTorch's documented example): double backward differentiates
    # through the saved output, as in PyTorch.
    x = fg.from_numpy(X.copy()).requires_grad_()
    (g,) = fg.autograd.grad(Exp.apply(x).sum(), x, create_graph=True)
    assert_close(g, np.exp(X))
    g.sum().backward()
    assert_close(x.grad, np.exp(X))


def test_function_saving_its_output_hessian():
    assert_close(fg.hessian(lambda v: fnp.sum(Exp.apply(v)))(X), np.diag(np.exp(X)))


def test_function_under_transforms():
    assert_close(fg.jacrev(Cube.apply)(X), np.diag(3 * X ** 2))
    assert_close(fg.jacfwd(Cube.apply)(X), np.diag(3 * X ** 2))
    assert_close(fg.jacfwd(Exp.apply)(X), np.diag(np.exp(X)))
    assert_close(fg.hessian(lambda v: fnp.sum(Cube.apply(v)))(X), np.diag(6 * X))
    assert fg.grad(fg.grad(Cube.apply))(0.5) == pytest.approx(3.0)


def test_function_saved_tensors_freed_after_backward():
    x = fg.from_numpy(X.copy()).requires_grad_()
    y = Exp.apply(x)
    y.sum().backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.sum().backward()
    # retain_graph keeps them
    x2 = fg.from_numpy(X.copy()).requires_grad_()
    y2 = Exp.apply(x2)
    y2.sum().backward(retain_graph=True)
    y2.sum().backward()
    assert_close(x2.grad, 2 * np.exp(X))


def test_function_wrong_number_of_gradients():
    x = fg.from_numpy(X.copy()).requires_grad_()
    with pytest.raises(RuntimeError, match="returned an incorrect number of gradients"):
        TooManyGrads.apply(x).sum().backward()


# ---- gradcheck ---------------------------------------------------------------------------


def _leaf(a):
    return fg.from_numpy(np.array(a, dtype=np.float64)).requires_grad_()


def test_gradcheck_accepts_correct_functions():
    x, w = _leaf(X), _leaf(W)
    assert fg.autograd.gradcheck(lambda x: (fnp.sin(x) * x).sum(), (x,)) is True
    assert fg.autograd.gradcheck(lambda w, x: fnp.tanh(w @ x) * x, (w, x)) is True
    assert fg.autograd.gradcheck(Cube.apply, (x,)) is True
    assert fg.autograd.gradgradcheck(lambda x: fnp.sin(x) * x ** 2, (x,)) is True
    assert fg.autograd.gradgradcheck(Cube.apply, (x,)) is True


def test_gradcheck_catches_a_wrong_backward():
    x = _leaf(X)
    with pytest.raises(fg.autograd.GradcheckError, match="Jacobian mismatch") as info:
        fg.autograd.gradcheck(CubeWrongBackward.apply, (x,))
    assert isinstance(info.value, RuntimeError)
    assert fg.autograd.gradcheck(CubeWrongBackward.apply, (x,), raise_exception=False) is False


def test_gradgradcheck_catches_a_wrong_second_derivative():
    x = _leaf(X)
    assert fg.autograd.gradcheck(CubeWrongSecondOrder.apply, (x,)) is True
    with pytest.raises(fg.autograd.GradcheckError, match="Jacobian mismatch"):
        fg.autograd.gradgradcheck(CubeWrongSecondOrder.apply, (x,))


# ---- autograd.functional -----------------------------------------------------------------


def test_functional_jacobian():
    x = fg.from_numpy(X.copy())
    for strategy in ("reverse-mode", "forward-mode"):
        jac = AF.jacobian(lambda x: fnp.tanh(W @ x + B) * x, x, strategy=strategy)
        assert isinstance(jac, fg.Tensor) and tuple(jac.shape) == (N, N)
        assert_close(jac, layer_jac_x(W, X, B))
    w = fg.from_numpy(W.copy())
    jw, jx = AF.jacobian(lambda w, x: fnp.tanh(w @ x + B) * x, (w, x))
    assert_close(jw, layer_jac_W(W, X, B))
    assert_close(jx, layer_jac_x(W, X, B))
    # tuple outputs, tuple inputs: jac[i][j] is d out_i / d in_j
    y = fg.from_numpy(V.copy())
    jac = AF.jacobian(lambda a, b: (a * b, a + b), (x, y))
    assert isinstance(jac, tuple) and isinstance(jac[0], tuple)
    assert_close(jac[0][0], np.diag(V))
    assert_close(jac[0][1], np.diag(X))
    assert_close(jac[1][0], np.eye(N))
    assert_close(jac[1][1], np.eye(N))
    # one input, tuple outputs: a tuple of Tensors
    j0, j1 = AF.jacobian(lambda a: (a ** 2, a.sum()), x)
    assert_close(j0, np.diag(2 * X))
    assert_close(j1, np.ones(N))


def test_functional_hessian():
    x = fg.from_numpy(X.copy())
    h = AF.hessian(lambda x: fnp.sum(fnp.tanh(A @ x)), x)
    assert isinstance(h, fg.Tensor)
    assert_close(h, tanh_sum_hessian(X))
    y = fg.from_numpy(V.copy())
    h = AF.hessian(lambda a, b: fnp.sum(a ** 2 * b), (x, y))
    assert isinstance(h, tuple) and isinstance(h[0], tuple)
    assert_close(h[0][0], np.diag(2 * V))
    assert_close(h[0][1], np.diag(2 * X))
    assert_close(h[1][0], np.diag(2 * X))
    assert_close(h[1][1], np.zeros((N, N)))


def test_functional_vjp_jvp_hvp_vhp():
    x, v = fg.from_numpy(X.copy()), fg.from_numpy(V.copy())
    f = lambda x: fnp.tanh(W @ x + B) * x  # noqa: E731
    out, g = AF.vjp(f, x, v)
    assert isinstance(out, fg.Tensor) and isinstance(g, fg.Tensor)
    assert_close(out, np.tanh(W @ X + B) * X)
    assert_close(g, layer_jac_x(W, X, B).T @ V)
    out, t = AF.jvp(f, x, v)
    assert_close(t, layer_jac_x(W, X, B) @ V)
    out, hv = AF.hvp(lambda x: fnp.sum(fnp.tanh(A @ x)), x, v)
    assert_close(out, np.sum(np.tanh(A @ X)))
    assert_close(hv, tanh_sum_hessian(X) @ V)
    out, vh = AF.vhp(lambda x: fnp.sum(fnp.tanh(A @ x)), x, v)
    assert_close(vh, V @ tanh_sum_hessian(X))
    # v may be omitted for a one-element output (vjp)
    _, g = AF.vjp(lambda x: fnp.sum(x ** 2), x)
    assert_close(g, 2 * X)
    # tuple inputs give tuples
    _, (ga, gb) = AF.vjp(lambda a, b: a * b, (x, v), fg.ones(N, dtype=fg.float64))
    assert_close(ga, V)
    assert_close(gb, X)


def test_functional_results_are_cut_from_the_graph_unless_create_graph():
    x = fg.from_numpy(X.copy()).requires_grad_()
    jac = AF.jacobian(lambda x: x ** 3, x)
    assert not jac.requires_grad
    jac = AF.jacobian(lambda x: x ** 3, x, create_graph=True)
    assert jac.requires_grad
    jac.sum().backward()
    assert_close(x.grad, 6 * X)


# ---- errors ------------------------------------------------------------------------------


def test_grad_of_non_scalar_output_raises():
    with pytest.raises(TypeError) as info:
        fg.grad(lambda x: x * 2)(np.ones(3))
    msg = str(info.value)
    assert "(3,)" in msg and "jacrev" in msg and "vjp" in msg


def test_grad_of_integer_input_raises():
    with pytest.raises(TypeError, match="int64"):
        fg.grad(lambda x: fnp.sum(x * 2))(np.array([1, 2], dtype=np.int64))
    with pytest.raises(TypeError, match="int32"):
        fg.grad(lambda x: fnp.sum(x * 2))(np.array([1, 2], dtype=np.int32))


@pytest.mark.parametrize("transform", [fg.grad, fg.value_and_grad, fg.jacrev, fg.jacfwd, fg.hessian],
                         ids=["grad", "value_and_grad", "jacrev", "jacfwd", "hessian"])
def test_argnums_out_of_range_raises(transform):
    f = lambda x, y: fnp.sum(x * y)  # noqa: E731
    with pytest.raises(ValueError):
        transform(f, argnums=2)(X, V)
    with pytest.raises(ValueError):
        transform(f, argnums=(0, 5))(X, V)


def test_vjp_cotangent_of_wrong_shape_raises():
    _, f_vjp = fg.vjp(fnp.sin, np.ones(3))
    with pytest.raises(ValueError) as info:
        f_vjp(np.ones(2))
    assert "(2,)" in str(info.value) and "(3,)" in str(info.value)


def test_jvp_tangent_of_wrong_shape_raises():
    with pytest.raises(ValueError) as info:
        fg.jvp(fnp.sin, (np.ones(3),), (np.ones((2, 2)),))
    assert "(2, 2)" in str(info.value) and "(3,)" in str(info.value)


def test_function_returning_a_string_raises():
    with pytest.raises(TypeError):
        fg.grad(lambda x: "not a number")(1.0)


def test_holomorphic_derivatives_of_complex_functions():
    z = np.array([1 + 2j, 0.5 - 1j])
    np.testing.assert_allclose(fg.grad(lambda v: fnp.sum(fnp.sin(v)), holomorphic=True)(z), np.cos(z))
    for transform in (fg.jacrev, fg.jacfwd):
        np.testing.assert_allclose(transform(fnp.exp, holomorphic=True)(z), np.diag(np.exp(z)))
    # a real-valued loss of complex inputs: JAX's convention, d/dx - i d/dy (= 2 conj(z) here)
    np.testing.assert_allclose(fg.grad(lambda v: fnp.sum(fnp.abs(v) ** 2))(z), 2 * np.conj(z))


def test_complex_outputs_need_holomorphic():
    z = np.array([1 + 2j, 0.5 - 1j])
    with pytest.raises(TypeError, match="requires real-valued .*holomorphic=True"):
        fg.grad(lambda v: fnp.sum(fnp.exp(v)))(z)
    with pytest.raises(TypeError, match="holomorphic=True"):
        fg.jacrev(fnp.exp)(z)
    with pytest.raises(TypeError, match="requires real-valued inputs"):
        fg.jacfwd(fnp.exp)(z)
    with pytest.raises(TypeError, match="requires complex-valued outputs"):
        fg.grad(lambda v: fnp.sum(v), holomorphic=True)(np.array([1.0]))
    with pytest.raises(TypeError, match="requires complex-valued inputs"):
        fg.grad(lambda v: fnp.sum(v * 1j), holomorphic=True)(np.array([1.0]))


def test_custom_vjp_fwd_may_call_the_function_it_defines():
    # JAX's own examples write fwd with a call of the decorated function.
    calls = []

    @fg.custom_vjp
    def f(x, y):
        calls.append(1)
        return fnp.sin(x) * y

    def f_fwd(x, y):
        return f(x, y), (fnp.cos(x), fnp.sin(x), y)

    def f_bwd(res, g):
        cos_x, sin_x, y = res
        return (cos_x * g * y, sin_x * g)

    f.defvjp(f_fwd, f_bwd)
    gx, gy = fg.grad(f, argnums=(0, 1))(2.0, 3.0)
    assert gx == pytest.approx(3.0 * np.cos(2.0)) and gy == pytest.approx(np.sin(2.0))
    assert fg.hessian(lambda x: f(x, 3.0))(2.0) == pytest.approx(-3.0 * np.sin(2.0))
    x = fg.tensor(2.0, dtype=fg.float64, requires_grad=True)
    f(x, 3.0).backward()
    assert x.grad.item() == pytest.approx(3.0 * np.cos(2.0))
    assert len(calls) == 3  # once per forward: fwd's call is the plain function


def test_value_and_grad_of_a_plain_tensor_returns_a_plain_value():
    x = fg.tensor([1.0, 2.0])
    value, g = fg.value_and_grad(lambda x: (x * x).sum())(x)
    assert value.grad_fn is None and not value.requires_grad and value.item() == 5.0
    np.testing.assert_allclose(g.numpy(), [2.0, 4.0])
    out, pullback = fg.vjp(lambda x: x * 2.0, x)
    assert out.grad_fn is None
    np.testing.assert_allclose(pullback(fg.ones(2))[0].numpy(), [2.0, 2.0])


def test_value_and_grad_keeps_the_graph_to_outer_leaves():
    # A value connected to leaves outside the transform stays differentiable, as in torch.func.
    w = fg.tensor(3.0, requires_grad=True)
    value, _ = fg.value_and_grad(lambda x: (x * w).sum())(fg.tensor(2.0))
    assert value.grad_fn is not None
    value.backward()
    assert w.grad.item() == 2.0
    x = fg.tensor(2.0, requires_grad=True)
    value, g = fg.value_and_grad(lambda x: x ** 3)(x)
    value.backward()
    assert x.grad.item() == 12.0 and g.item() == 12.0
