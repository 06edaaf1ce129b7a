"""funcgrad.numpy's shape manipulation and joining family: values against NumPy (on raw
arrays and on Tensors, and through NumPy's own functions via ``__array_function__``),
derivatives against finite differences (reverse mode to second order, jacrev and jacfwd,
the Hessian by forward over reverse), and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.numpy import _shape
from funcgrad.ops import joining
from funcgrad.testing import check_grads

RNG = np.random.default_rng(11)
A0 = np.array(0.7)
A3 = RNG.standard_normal(3)
A4 = RNG.standard_normal(4)
A23 = RNG.standard_normal((2, 3))
A34 = RNG.standard_normal((3, 4))
A33 = RNG.standard_normal((3, 3))
A234 = RNG.standard_normal((2, 3, 4))
A223 = RNG.standard_normal((2, 2, 3))


def _np(x):
    return x.detach().numpy() if isinstance(x, fg.Tensor) else np.asarray(x)


def _pieces(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _flat(out):
    """One array of a function's output (a list or tuple of arrays concatenated)."""
    parts = [fnp.ravel(p) for p in _pieces(out)]
    return parts[0] if len(parts) == 1 else fnp.concatenate(parts)


# (name, arguments, kwargs, how): how is "args" (f(*arguments), its arrays differentiated),
# "seq" (f(list of arrays)) or "one" (only the first argument differentiated).
CASES = [
    ("ravel", (A234,), {}, "args"),
    ("ravel", (A34,), {"order": "F"}, "args"),
    ("moveaxis", (A234, 0, -1), {}, "one"),
    ("moveaxis", (A234, (0, 1), (2, 0)), {}, "one"),
    ("rollaxis", (A234, 2, 0), {}, "one"),
    ("rollaxis", (A234, 0, 3), {}, "one"),
    ("permute_dims", (A234, (1, 2, 0)), {}, "one"),
    ("matrix_transpose", (A234,), {}, "args"),
    ("atleast_1d", (A0,), {}, "args"),
    ("atleast_1d", (A0, A3), {}, "args"),
    ("atleast_2d", (A3,), {}, "args"),
    ("atleast_2d", (A0, A34), {}, "args"),
    ("atleast_3d", (A3,), {}, "args"),
    ("atleast_3d", (A34, A0, A234), {}, "args"),
    ("broadcast_arrays", (A3, A23[:1].T[:1], A23), {}, "args"),
    ("resize", (A23, (4, 5)), {}, "one"),
    ("resize", (A3, 2), {}, "one"),
    ("concat", (A23, A34[:1, :3]), {}, "seq"),
    ("concat", (A23, A3), {"axis": None}, "seq"),
    ("hstack", (A3, A4), {}, "seq"),
    ("hstack", (A23, A23[:, :1]), {}, "seq"),
    ("vstack", (A3, A23), {}, "seq"),
    ("vstack", (A0, A0[None]), {}, "seq"),
    ("dstack", (A3, A3), {}, "seq"),
    ("dstack", (A23, A223[0], A234[:, :, :2]), {}, "seq"),
    ("column_stack", (A3, A33, A0 * np.ones(3)), {}, "seq"),
    ("append", (A23, A34[:1, :3]), {"axis": 0}, "args"),
    ("append", (A23, A4), {}, "args"),
    ("split", (A34, 2), {"axis": 1}, "one"),
    ("split", (A4, [1, 3, 10]), {}, "one"),
    ("array_split", (A234, 3), {"axis": -1}, "one"),
    ("array_split", (A34, [2, 1]), {}, "one"),
    ("hsplit", (A34, 2), {}, "one"),
    ("hsplit", (A4, [3]), {}, "one"),
    ("vsplit", (A34, [1]), {}, "one"),
    ("dsplit", (A234, [1, 2]), {}, "one"),
    ("unstack", (A234,), {"axis": 1}, "args"),
    ("tile", (A23, (2, 1, 2)), {}, "one"),
    ("tile", (A234, 2), {}, "one"),
    ("tile", (A3, (2, 0)), {}, "one"),
    ("tile", (A3, 1), {}, "one"),
    ("repeat", (A23, 2), {}, "one"),
    ("repeat", (A23, [2, 0, 1]), {"axis": 1}, "one"),
    ("repeat", (A234, 3), {"axis": -2}, "one"),
    ("repeat", (A23, [3]), {"axis": 0}, "one"),
    ("repeat", (A23, 0), {"axis": 0}, "one"),
    ("flip", (A234,), {}, "args"),
    ("flip", (A234,), {"axis": (0, -1)}, "args"),
    ("flip", (A3,), {"axis": 0}, "args"),
    ("fliplr", (A234,), {}, "args"),
    ("flipud", (A34,), {}, "args"),
    ("roll", (A34, 2), {}, "one"),
    ("roll", (A34, (1, -2)), {"axis": (0, 1)}, "one"),
    ("roll", (A234, (1, 2)), {"axis": (2, 2)}, "one"),
    ("roll", (A234, 1), {"axis": (0, 2)}, "one"),
    ("roll", (A34, (1, 5)), {}, "one"),
    ("rot90", (A34,), {}, "args"),
    ("rot90", (A34, 2), {}, "one"),
    ("rot90", (A34, -1), {}, "one"),
    ("rot90", (A234, 3, (2, 0)), {}, "one"),
    ("rot90", (A34, 4), {}, "one"),
    ("diag", (A3,), {}, "args"),
    ("diag", (A3, 2), {}, "one"),
    ("diag", (A34, -1), {}, "one"),
    ("diag", (A34, 2), {}, "one"),
    ("diagflat", (A23, -1), {}, "one"),
    ("diagonal", (A234,), {}, "args"),
    ("diagonal", (A234, 1, 2, 1), {}, "one"),
    ("diagonal", (A234, -1, -1, 0), {}, "one"),
    ("triu", (A34,), {}, "args"),
    ("triu", (A234, 1), {}, "one"),
    ("tril", (A34, -1), {}, "one"),
    ("tril", (A4,), {}, "args"),
    ("meshgrid", (A3, A4), {}, "args"),
    ("meshgrid", (A3, A4, A0[None]), {"indexing": "ij"}, "args"),
    ("meshgrid", (A3, A4), {"sparse": True}, "args"),
    ("meshgrid", (A3, A23), {"copy": False}, "args"),
    ("delete", (A34, 1), {"axis": 1}, "one"),
    ("delete", (A34, [0, 5, -1]), {}, "one"),
    ("delete", (A34, slice(0, 3, 2)), {"axis": 1}, "one"),
    ("delete", (A34, np.array([True, False, True])), {"axis": 0}, "one"),
    ("insert", (A34, 1, A3), {"axis": 1}, "args"),
    ("insert", (A34, [1, 1, 3], A3), {}, "args"),
    ("insert", (A34, 2, A0), {"axis": 0}, "args"),
    ("pad", (A34, 2), {}, "one"),
    ("pad", (A34, ((1, 0), (2, 3)), "edge"), {}, "one"),
    ("pad", (A34, (3, 5), "reflect"), {}, "one"),
    ("pad", (A34, {1: (4, 1)}, "symmetric"), {"reflect_type": "odd"}, "one"),
    ("pad", (A3, 7, "wrap"), {}, "one"),
    ("pad", (A34, ((1,), (2,))), {"constant_values": ((1.0, 2.0), (3.0, 4.0))}, "one"),
    ("pad", (A34, 2, "linear_ramp"), {"end_values": (5.0, -1.0)}, "one"),
    ("pad", (A34, (1, 2), "mean"), {"stat_length": 2}, "one"),
    ("pad", (A34, (2, 1), "mean"), {}, "one"),
]


def _split_case(arrays, how):
    """The differentiable arrays of a case, and a builder of the call's arguments."""
    if how == "one":
        diff, rest = [arrays[0]], list(arrays[1:])
        return diff, lambda xs: [xs[0]] + rest
    positions = [i for i, a in enumerate(arrays) if isinstance(a, np.ndarray)]
    diff = [arrays[i] for i in positions]
    if how == "seq":
        return diff, lambda xs: [list(xs)]

    def build(xs):  # the arrays in their places, the other arguments as they are
        args = list(arrays)
        for i, x in zip(positions, xs):
            args[i] = x
        return args

    return diff, build


def _case_id(case):
    name, arrays, kwargs, how = case
    return name + "-" + "x".join(str(np.shape(a)) for a in arrays if isinstance(a, np.ndarray)) + (
        "-" + ",".join(f"{k}" for k in kwargs) if kwargs else "")


IDS = [f"{i}-{_case_id(c)}" for i, c in enumerate(CASES)]


def _call(module, name, args, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return getattr(module, name)(*args, **kwargs)


def _assert_same(got, want, tensor):
    got_pieces, want_pieces = _pieces(got), _pieces(want)
    assert type(got) is type(want) or tensor, (type(got), type(want))
    assert len(got_pieces) == len(want_pieces)
    for g, w in zip(got_pieces, want_pieces):
        if tensor:
            assert isinstance(g, fg.Tensor)
        else:
            assert type(g) is type(w)
        g = _np(g)
        assert g.shape == np.shape(w) and g.dtype == np.asarray(w).dtype
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_values_match_numpy(case):
    name, arrays, kwargs, how = case
    diff, build = _split_case(arrays, how)
    want = _call(np, name, build(diff), kwargs)
    _assert_same(_call(fnp, name, build(diff), kwargs), want, tensor=False)
    tensors = [fg.tensor(a) for a in diff]
    _assert_same(_call(fnp, name, build(tensors), kwargs), want, tensor=True)
    if name not in ("concat", "permute_dims"):  # NumPy's own function dispatches to funcgrad
        _assert_same(_call(np, name, build(tensors), kwargs), want, tensor=True)


def fd_jacobian(f, xs, eps=1e-6):
    """Finite-difference Jacobians of ``f`` with respect to each of ``xs``."""
    out = np.asarray(f(*xs))
    jacs = []
    for k, x in enumerate(xs):
        jac = np.zeros(out.shape + x.shape)
        flat = jac.reshape(out.size, x.size)
        for i in range(x.size):
            plus = [a.copy() for a in xs]
            minus = [a.copy() for a in xs]
            plus[k].reshape(-1)[i] += eps
            minus[k].reshape(-1)[i] -= eps
            flat[:, i] = (np.asarray(f(*plus)) - np.asarray(f(*minus))).reshape(-1) / (2 * eps)
        jacs.append(jac)
    return jacs


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_derivatives_match_finite_differences(case):
    name, arrays, kwargs, how = case
    diff, build = _split_case(arrays, how)
    diff = [np.array(a, dtype=np.float64) for a in diff]

    def f(*xs):
        return _flat(_call(fnp, name, build(xs), kwargs))

    if np.asarray(f(*diff)).size == 0:
        return
    check_grads(f, diff, order=2)
    argnums = tuple(range(len(diff)))
    numeric = fd_jacobian(f, diff)
    for transform in (fg.jacrev, fg.jacfwd):
        jacs = transform(f, argnums=argnums)(*diff)
        for jac, num in zip(jacs, numeric):
            np.testing.assert_allclose(jac, num, rtol=1e-6, atol=1e-8, err_msg=transform.__name__)

    def cubed(x):  # a nonlinear scalar of the first input: its Hessian by forward over reverse
        return fnp.sum(f(x, *diff[1:]) ** 3)

    hess = fg.hessian(cubed)(diff[0])
    num = fd_jacobian(fg.grad(cubed), [diff[0]])[0]
    np.testing.assert_allclose(hess, num, rtol=1e-5, atol=1e-6)


# ---- block ------------------------------------------------------------------------------


def test_block_values_and_derivatives():
    def f(a, b, c):
        return fnp.block([[a, b], [c]])

    a, b, c = A33[:2, :2], A23[:, :1], A34[:1, :3]
    want = np.block([[a, b], [c]])
    got = f(fg.tensor(a), fg.tensor(b), fg.tensor(c))
    np.testing.assert_array_equal(_np(got), want)
    np.testing.assert_array_equal(np.block([[fg.tensor(a), b], [c]]).detach().numpy(), want)
    check_grads(f, [a, b, c], order=2)
    # scalars and 1-D blocks are promoted; a 3-D block raises the result's rank
    np.testing.assert_array_equal(_np(fnp.block([fg.tensor(A0), A3])), np.block([A0, A3]))
    np.testing.assert_array_equal(_np(fnp.block([[fg.tensor(A223)], [A223]])), np.block([[A223], [A223]]))
    np.testing.assert_array_equal(_np(fnp.block(fg.tensor(A3))), A3)
    with pytest.raises(TypeError, match="tuple"):
        fnp.block((fg.tensor(A3), A3))
    with pytest.raises(ValueError, match="depths are mismatched"):
        fnp.block([[fg.tensor(A3)], A3])
    with pytest.raises(ValueError, match="cannot be empty"):
        fnp.block([fg.tensor(A3), []])


# ---- details ----------------------------------------------------------------------------


def test_ravel_orders():
    t = fg.tensor(A34)
    np.testing.assert_array_equal(_np(fnp.ravel(t, "F")), np.ravel(A34, "F"))
    np.testing.assert_array_equal(_np(fnp.ravel(t, "A")), np.ravel(A34, "A"))
    np.testing.assert_array_equal(_np(fnp.ravel(t, "K")), np.ravel(A34, "K"))
    tt = fnp.transpose(t)  # Fortran-contiguous data
    np.testing.assert_array_equal(_np(fnp.ravel(tt, "A")), np.ravel(A34.T, "A"))
    np.testing.assert_array_equal(_np(fnp.ravel(tt, "K")), np.ravel(A34.T, "K"))
    with pytest.raises(NotImplementedError, match="ravel"):
        fnp.ravel(fnp.transpose(fg.tensor(A234), (1, 0, 2)), "K")
    with pytest.raises(ValueError, match="order"):
        fnp.ravel(t, "X")
    check_grads(lambda x: fnp.ravel(x, "F"), [A34], order=2)


def test_pad_every_mode_and_width_form_matches_numpy():
    x = RNG.standard_normal((3, 5))
    widths = [1, (2,), (1, 3), ((2, 1),), ((0, 4), (6, 2)), {0: 2}, {-1: (1, 7)}, np.array([[1, 2], [3, 0]])]
    modes = [("constant", {}), ("constant", {"constant_values": 2.5}), ("edge", {}),
             ("reflect", {}), ("reflect", {"reflect_type": "odd"}), ("symmetric", {}),
             ("symmetric", {"reflect_type": "odd"}), ("wrap", {}),
             ("linear_ramp", {"end_values": ((1, 2), (3, 4))}), ("mean", {"stat_length": ((1, 2), (3, 1))})]
    for k, width in enumerate(widths):
        for mode, kw in modes:
            want = np.pad(x, width, mode, **kw)
            got = fnp.pad(fg.tensor(x), width, mode, **kw)
            np.testing.assert_allclose(_np(got), want, rtol=1e-13, atol=1e-13, err_msg=f"{width} {mode} {kw}")
            if mode in ("reflect", "wrap", "mean") and k in (0, 6):
                check_grads(lambda a: fnp.pad(a, width, mode, **kw), [x], order=2)


def test_pad_transpose_is_the_adjoint_of_the_linear_part():
    # <pad(x), g> = <x, pad_transpose(g)> for every mode, pads wider than the array included
    x = RNG.standard_normal((3, 2))
    for mode, options in [("constant", (("constant_values", 0),)), ("edge", ()), ("wrap", ()),
                          ("reflect", (("reflect_type", "odd"),)), ("symmetric", ()),
                          ("linear_ramp", (("end_values", 0),)), ("mean", (("stat_length", ((2, 1), (1, 1))),))]:
        pw = ((7, 4), (3, 5))
        y = joining.pad(x, pw, mode, options)
        g = RNG.standard_normal(y.shape)
        back = joining.pad_transpose(g, pw, mode, options, x.shape)
        assert np.isclose(np.sum(y * g), np.sum(x * back)), mode


def test_pad_complex():
    z = A23 + 1j * A23[::-1]
    np.testing.assert_array_equal(_np(fnp.pad(fg.tensor(z), (1, 2), "wrap")), np.pad(z, (1, 2), "wrap"))
    check_grads(lambda a: fnp.pad(a, ((2, 0), (1, 1)), "reflect"), [z], order=2)


def test_pad_errors():
    t = fg.tensor(A34)
    for mode in ("maximum", "minimum", "median", "empty"):
        with pytest.raises(NotImplementedError, match=mode):
            fnp.pad(t, 1, mode)
    with pytest.raises(NotImplementedError, match="function"):
        fnp.pad(t, 1, lambda vector, width, axis, kwargs: None)
    with pytest.raises(ValueError, match="not supported"):
        fnp.pad(t, 1, "bogus")
    with pytest.raises(ValueError, match="unsupported keyword"):
        fnp.pad(t, 1, "edge", constant_values=1)
    with pytest.raises(ValueError, match="negative"):
        fnp.pad(t, -1)
    with pytest.raises(TypeError, match="integral"):
        fnp.pad(t, 1.5)
    with pytest.raises(TypeError, match="constant_values"):
        fnp.pad(t, 1, constant_values=fg.tensor(1.0, requires_grad=True))


def test_repeat_details_and_errors():
    t = fg.tensor(A23, requires_grad=True)
    fnp.sum(fnp.repeat(t, [1, 0, 4], axis=1) * 2.0).backward()
    np.testing.assert_array_equal(t.grad.numpy(), np.broadcast_to([2.0, 0.0, 8.0], (2, 3)))
    np.testing.assert_array_equal(_np(fnp.repeat(t, fg.tensor([1, 2]), axis=0)), np.repeat(A23, [1, 2], axis=0))
    np.testing.assert_array_equal(_np(fnp.repeat(fg.tensor(A0), 3)), np.repeat(A0, 3))
    with pytest.raises(ValueError, match="negative"):
        fnp.repeat(t, -1)
    with pytest.raises(TypeError, match="cast"):
        fnp.repeat(t, 1.5)
    with pytest.raises(ValueError, match="broadcast"):
        fnp.repeat(t, [1, 2], axis=1)
    with pytest.raises(np.exceptions.AxisError):
        fnp.repeat(t, 2, axis=2)


def test_split_details_and_errors():
    t = fg.tensor(A34)
    with pytest.raises(ValueError, match="equal division"):
        fnp.split(t, 3, axis=1)
    with pytest.raises(ValueError, match="larger than 0"):
        fnp.array_split(t, 0)
    with pytest.raises(ValueError, match="1 or more"):
        fnp.hsplit(fg.tensor(A0), 1)
    with pytest.raises(ValueError, match="2 or more"):
        fnp.vsplit(fg.tensor(A3), 1)
    with pytest.raises(ValueError, match="3 or more"):
        fnp.dsplit(t, 1)
    with pytest.raises(ValueError, match="1-d"):
        fnp.unstack(fg.tensor(A0))
    # pieces are differentiable on their own; unused pieces contribute nothing
    x = fg.tensor(A34, requires_grad=True)
    first, second = fnp.split(x, [1])
    fnp.sum(second * 3.0).backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.vstack([np.zeros((1, 4)), 3.0 * np.ones((2, 4))]))


def test_joining_dtype_and_casting():
    t = fg.tensor(A3)
    i = np.arange(3)
    got = fnp.hstack([t, i], dtype=np.float32)
    assert _np(got).dtype == np.float32
    np.testing.assert_array_equal(_np(got), np.hstack([A3, i], dtype=np.float32))
    assert _np(fnp.vstack([fg.tensor(i), i], dtype=float)).dtype == np.float64
    with pytest.raises(TypeError, match="same_kind"):
        fnp.vstack([t, i], dtype=int)
    with pytest.raises(TypeError, match="'no'"):
        fnp.concat([t, i], casting="no")
    with pytest.raises(TypeError, match="out="):
        fnp.concat([t, t], out=np.zeros(6))
    with pytest.raises(TypeError, match="sequence"):
        fnp.hstack(a for a in [t, t])
    # lists holding Tensors are stacked on the tape
    x = fg.tensor(2.0, requires_grad=True)
    y = fnp.hstack([[x, x * x], A3])
    fnp.sum(y).backward()
    assert x.grad.item() == 5.0


def test_row_stack_warns_as_numpy_does():
    with pytest.warns(DeprecationWarning):
        out = fnp.row_stack([fg.tensor(A3), A3])
    np.testing.assert_array_equal(_np(out), np.vstack([A3, A3]))


def test_shape_errors_name_the_problem():
    t = fg.tensor(A234)
    with pytest.raises(ValueError, match="same number"):
        fnp.moveaxis(t, (0, 1), 2)
    with pytest.raises(np.exceptions.AxisError):
        fnp.moveaxis(t, 3, 0)
    with pytest.raises(np.exceptions.AxisError):
        fnp.rollaxis(t, 0, 5)
    with pytest.raises(ValueError, match="2-d"):
        fnp.fliplr(fg.tensor(A3))
    with pytest.raises(ValueError, match="1-d"):
        fnp.flipud(fg.tensor(A0))
    with pytest.raises(ValueError, match="different"):
        fnp.rot90(t, 1, (1, 1))
    with pytest.raises(ValueError, match="out of range"):
        fnp.rot90(t, 1, (0, 4))
    with pytest.raises(ValueError, match="len"):
        fnp.rot90(t, 1, (0, 1, 2))
    with pytest.raises(ValueError, match="1- or 2-d"):
        fnp.diag(t)
    with pytest.raises(ValueError, match="same"):
        fnp.diagonal(t, 0, 1, -2)
    with pytest.raises(ValueError, match="two dimensions"):
        fnp.diagonal(fg.tensor(A3))
    with pytest.raises(ValueError, match="2-dimensional"):
        fnp.matrix_transpose(fg.tensor(A3))
    with pytest.raises(ValueError, match="indexing"):
        fnp.meshgrid(fg.tensor(A3), indexing="yx")
    with pytest.raises(ValueError, match="scalars or 1D"):
        fnp.roll(t, [[1]], axis=[[0]])
    with pytest.raises(ValueError, match="negative"):
        fnp.tile(t, -1)
    with pytest.raises(ValueError, match="non-negative"):
        fnp.resize(t, (-1, 2))
    with pytest.raises(IndexError):
        fnp.delete(t, 5, axis=1)


def test_views_and_copies():
    x = fg.tensor(A34, requires_grad=True)
    assert fnp.flip(x, 0)._base is x  # a view, as NumPy's
    assert fnp.diagonal(x)._base is x
    assert fnp.ravel(x)._base is x
    assert np.shares_memory(_np(fnp.flip(x)), _np(x))
    # meshgrid copies by default, as NumPy does
    X, Y = fnp.meshgrid(x[0], x[1])
    assert not np.shares_memory(_np(X), _np(x))
    assert _np(fnp.resize(fg.tensor(A3), 0)).shape == (0,)
    assert _np(fnp.tile(x, 1)) is not _np(x)


def test_complex_values_and_derivatives():
    z = A34 + 1j * A34[::-1]
    for f in (lambda a: fnp.roll(a, 1, axis=1), lambda a: fnp.diag(fnp.diagonal(a)),
              lambda a: fnp.repeat(a, [1, 2, 0], axis=0), lambda a: fnp.rot90(a),
              lambda a: fnp.tril(a, 1), lambda a: _flat(fnp.array_split(a, 3, axis=1))):
        np.testing.assert_array_equal(_np(f(fg.tensor(z))), f(z))
        check_grads(f, [z], order=2)


def test_batched_jacobians_through_composites():
    # jacrev/jacfwd push a batch of cotangents/tangents through every rule at once
    def f(x):
        parts = fnp.split(fnp.pad(fnp.roll(x, 1, axis=0), 1, "symmetric"), [2], axis=1)
        return fnp.sum(fnp.diagonal(fnp.tile(parts[1], (1, 2)))) * fnp.triu(fnp.flip(parts[0]))

    x = RNG.standard_normal((3, 3))
    numeric = fd_jacobian(f, [x])[0]
    np.testing.assert_allclose(fg.jacrev(f)(x), numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(fg.jacfwd(f)(x), numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(fg.jacfwd(fg.jacrev(lambda a: fnp.sum(f(a))))(x),
                               fg.jacrev(fg.jacfwd(lambda a: fnp.sum(f(a))))(x), rtol=1e-8, atol=1e-10)


def test_every_name_is_exported_and_dispatched():
    for name in _shape.__all__:
        assert getattr(fnp, name) is getattr(_shape, name)
    for func, ours in _shape.NUMPY_FUNCTIONS.items():
        assert func.__name__ in ("row_stack",) or ours.__name__ == func.__name__
    tested = {case[0] for case in CASES} | {"block", "row_stack"}
    assert set(_shape.__all__) <= tested
