"""funcgrad.numpy's indexing, selection and sorting family: values against NumPy (on raw
arrays and on Tensors), derivatives against finite differences (reverse mode to second
order, jacfwd and jacrev against a finite-difference Jacobian), and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.numpy import _indexing
from funcgrad.ops.sorting import inverse_permutation, permute_along_axis
from funcgrad.testing import check_grads

RNG = np.random.default_rng(7)
X34 = RNG.standard_normal((3, 4))
X5 = RNG.standard_normal(5)
X234 = RNG.standard_normal((2, 3, 4))


def _np(x):
    return x.detach().numpy() if isinstance(x, fg.Tensor) else np.asarray(x)


def fd_jacobian(f, x, eps=1e-6):
    x = np.array(x, dtype=np.float64)
    out = np.asarray(f(x), dtype=np.float64)
    jac = np.zeros(out.shape + x.shape)
    flat = jac.reshape(out.size, x.size)
    for i in range(x.size):
        plus, minus = x.copy(), x.copy()
        plus.reshape(-1)[i] += eps
        minus.reshape(-1)[i] -= eps
        flat[:, i] = (np.asarray(f(plus)) - np.asarray(f(minus))).reshape(-1) / (2 * eps)
    return jac


def check_all_modes(f, x):
    """``f`` (one array in, one out) on raw arrays and Tensors agrees; its reverse-mode
    derivatives to second order, jacrev, jacfwd and the Hessian (forward over reverse) of a
    function of it agree with finite differences."""
    raw = f(x)
    assert type(raw) is np.ndarray or np.isscalar(raw)
    traced = f(fg.tensor(x))
    assert isinstance(traced, fg.Tensor)
    np.testing.assert_array_equal(_np(traced), raw)
    check_grads(f, [x], order=2)
    numeric = fd_jacobian(f, x)
    for transform in (fg.jacrev, fg.jacfwd):
        np.testing.assert_allclose(transform(f)(x), numeric, rtol=1e-6, atol=1e-8,
                                   err_msg=transform.__name__)

    # forward over reverse: the Hessian of a scalar function of f's output
    def cubed(a):
        return fnp.sum(f(a) ** 3)

    np.testing.assert_allclose(fg.hessian(cubed)(x), fd_jacobian(fg.grad(cubed), x),
                               rtol=1e-6, atol=1e-7)


def assert_no_grad_tensor(t, want):
    assert isinstance(t, fg.Tensor) and not t.requires_grad
    np.testing.assert_array_equal(t.numpy(), want)


# ---- the permutation primitive ----------------------------------------------------------


def test_inverse_permutation_undoes_the_permutation():
    perm = np.argsort(X234, axis=1)
    inv = inverse_permutation(perm, 1)
    np.testing.assert_array_equal(np.take_along_axis(perm, inv, 1),
                                  np.broadcast_to(np.arange(3)[:, None], perm.shape))
    y = permute_along_axis(X234, perm, inv, -2)
    np.testing.assert_array_equal(permute_along_axis(y, inv, perm, -2), X234)


# ---- take / take_along_axis / compress / extract -----------------------------------------


@pytest.mark.parametrize("indices, axis, mode", [
    ([0, 2, 2, 5], None, "raise"),
    ([[1, -1], [0, 0]], 1, "raise"),
    ([0, 4, -5, 7], 1, "wrap"),
    ([0, 4, -5, 7], 0, "clip"),
    (2, 1, "raise"),
    (np.array(1), 0, "raise"),
    ([True, False], -1, "raise"),
])
def test_take(indices, axis, mode):
    def f(a):
        return fnp.take(a, indices, axis=axis, mode=mode)

    want = np.take(X34, indices, axis=axis, mode=mode)
    np.testing.assert_array_equal(f(X34), want)
    check_all_modes(f, X34)


def test_take_gradient_adds_over_repeats_and_tensor_indices():
    x = fg.tensor(X5, requires_grad=True)
    idx = fg.tensor([4, 0, 4, 4])
    fnp.sum(fnp.take(x, idx)).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1, 0, 0, 0, 3])
    # Only the indices are a Tensor: NumPy's values, as a Tensor without gradient.
    assert_no_grad_tensor(fnp.take(X5, idx), np.take(X5, [4, 0, 4, 4]))


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_take_along_axis(axis):
    if axis is None:
        idx = np.argsort(X34, axis=None)[::-1][:7]
    else:
        idx = np.concatenate([np.argsort(X34, axis=axis), np.argsort(X34, axis=axis)], axis=axis)

    def f(a):
        return fnp.take_along_axis(a, idx, axis=axis)

    np.testing.assert_array_equal(f(X34), np.take_along_axis(X34, idx, axis=axis))
    check_all_modes(f, X34)


def test_take_along_axis_broadcasts_index_dims():
    idx = np.array([[2], [0], [1]])  # one index per row, broadcast over nothing else
    f = lambda a: fnp.take_along_axis(a, idx, axis=1)  # noqa: E731
    check_all_modes(f, X34)
    idx0 = np.array([[1, 0, 2, 2]])
    check_all_modes(lambda a: fnp.take_along_axis(a, idx0, axis=0), X34)


@pytest.mark.parametrize("condition, axis", [
    ([True, False, True], 0), ([False, True, True, False], 1), ([0, 1, 1], 0),
    ([True, False, False, True, False, True], None), ([True, True], 1),
])
def test_compress(condition, axis):
    f = lambda a: fnp.compress(condition, a, axis=axis)  # noqa: E731
    np.testing.assert_array_equal(f(X34), np.compress(condition, X34, axis=axis))
    check_all_modes(f, X34)


def test_extract():
    cond = X34 > 0
    f = lambda a: fnp.extract(cond, a)  # noqa: E731
    np.testing.assert_array_equal(f(X34), np.extract(cond, X34))
    check_all_modes(f, X34)
    # a nonzero (not boolean) condition, given as a Tensor
    cond_num = fg.tensor(np.arange(12).reshape(3, 4) % 3)
    np.testing.assert_array_equal(_np(fnp.extract(cond_num, fg.tensor(X34))),
                                  np.extract(np.arange(12).reshape(3, 4) % 3, X34))


# ---- choose / select -------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
def test_choose(mode):
    a = np.array([[0, 1, 2, 1], [2, 2, 0, 0], [1, 0, 1, 2]])
    if mode != "raise":
        a = a + np.array([[0], [3], [-4]])  # out of range: wrapped or clipped

    def f(x):
        return fnp.choose(a, [x, fnp.sin(x), x[0]], mode=mode)

    want = np.choose(a, [X34, np.sin(X34), X34[0]], mode=mode)
    np.testing.assert_array_equal(f(X34), want)
    check_all_modes(f, X34)


def test_choose_gradient_is_zero_where_not_chosen_and_broadcasts():
    x = fg.tensor(X5, requires_grad=True)
    y = fnp.choose([[0], [1]], [x, 2.0])  # (2, 1) with (5,) and a scalar: (2, 5)
    assert y.shape == (2, 5)
    np.testing.assert_array_equal(_np(y), np.choose([[0], [1]], [X5, 2.0]))
    fnp.sum(y).backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones(5))
    # choices given as one array: the first axis enumerates them
    stacked = fg.tensor(np.stack([X5, -X5]), requires_grad=True)
    z = fnp.choose([0, 1, 1, 0, 1], stacked)
    np.testing.assert_array_equal(_np(z), np.choose([0, 1, 1, 0, 1], np.stack([X5, -X5])))
    fnp.sum(z).backward()
    np.testing.assert_array_equal(stacked.grad.numpy(), [[1, 0, 0, 1, 0], [0, 1, 1, 0, 1]])
    # a single choice is broadcast to the index's shape as a new array
    w = fnp.choose(np.zeros((2, 5), int), [x])
    assert w.shape == (2, 5)


def test_choose_dtype_follows_numpy():
    x = fg.tensor(X5.astype(np.float32))
    out = fnp.choose([0, 1, 0, 1, 0], [x, 2.5])
    assert out.dtype == np.choose([0, 1, 0, 1, 0], [X5.astype(np.float32), 2.5]).dtype


def test_select():
    conds = [X34 > 0.5, X34 < -0.5, X34 > 0]

    def f(x):
        return fnp.select(conds, [x * x, fnp.exp(x), x[1]], default=fnp.cos(x))

    want = np.select(conds, [X34 * X34, np.exp(X34), X34[1]], default=np.cos(X34))
    np.testing.assert_array_equal(f(X34), want)
    check_all_modes(f, X34)


def test_select_unselected_branches_get_exactly_zero_gradient():
    x = fg.tensor([-1.0, 0.0, 4.0, 9.0], dtype=fg.float64, requires_grad=True)
    with np.errstate(all="ignore"):
        # sqrt has a NaN derivative at -1 and an infinite one at 0; log likewise at 0 and 4
        y = fnp.select([x > 0, x > 5], [fnp.sqrt(x), fnp.log(x - 4.0)], default=x * 2)
        fnp.sum(y).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, 0.25, 1 / 6])
    assert np.all(np.isfinite(x.grad.numpy()))


def test_select_conditions_as_tensors_and_default_tensor():
    x = fg.tensor(X5, requires_grad=True)
    y = fnp.select([x > 0], [x], default=-x)  # abs
    np.testing.assert_allclose(_np(y), np.abs(X5))
    check_all_modes(lambda a: fnp.select([_np(a) > 0], [a], default=a * 3.0), X5)
    # only a condition is a Tensor: NumPy's values as a Tensor without gradient
    assert_no_grad_tensor(fnp.select([fg.tensor(X5 > 0)], [X5]), np.select([X5 > 0], [X5]))


def test_select_dtype_and_broadcasting_follow_numpy():
    x32 = fg.tensor(X5.astype(np.float32))
    for default in (0, 2.5, np.float64(2.5)):
        assert fnp.select([X5 > 0], [x32], default).dtype == \
            np.select([X5 > 0], [X5.astype(np.float32)], default).dtype
    y = fnp.select([X34 > 0], [fg.tensor(X5[:4])], default=0.0)
    assert y.shape == (3, 4)


# ---- sort / partition ------------------------------------------------------------------


@pytest.mark.parametrize("axis, kind", [(-1, None), (0, None), (1, "stable"), (None, None),
                                        (-2, "mergesort"), (0, "heapsort")])
def test_sort(axis, kind):
    f = lambda a: fnp.sort(a, axis=axis, kind=kind)  # noqa: E731
    np.testing.assert_array_equal(f(X34), np.sort(X34, axis=axis, kind=kind))
    check_all_modes(f, X34)


def test_sort_second_order_and_hessian():
    w = np.arange(1.0, 6.0)

    def f(x):
        s = fnp.sort(x)
        return fnp.sum(w * s * s)

    # d/dx sum(w s^2) = 2 w[rank] x; Hessian diag(2 w[rank])
    rank = np.argsort(np.argsort(X5))
    np.testing.assert_allclose(fg.grad(f)(X5), 2 * w[rank] * X5)
    np.testing.assert_allclose(fg.hessian(f)(X5), np.diag(2 * w[rank]))


def test_sort_via_numpy_dispatch_and_ties():
    x = fg.tensor([2.0, 1.0, 2.0, 0.0], requires_grad=True)
    y = np.sort(x)  # __array_function__
    assert isinstance(y, fg.Tensor)
    np.testing.assert_array_equal(_np(y), [0.0, 1.0, 2.0, 2.0])
    (y * fg.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    # ties: each tied element gets one place's gradient, in argsort's (stable) order
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 2.0, 4.0, 1.0])


def test_sort_complex_values_and_gradient():
    z = X5 + 1j * X5[::-1]
    f = lambda a: fnp.sort(a)  # noqa: E731
    np.testing.assert_array_equal(_np(f(fg.tensor(z))), np.sort(z))
    check_grads(f, [z], order=2)
    np.testing.assert_array_equal(fnp.sort_complex(X5), np.sort_complex(X5))
    out = fnp.sort_complex(fg.tensor(X5))
    assert out.dtype == np.complex128
    np.testing.assert_array_equal(_np(out), np.sort_complex(X5))
    with warnings.catch_warnings():  # to_copy's rule casts the complex cotangent to real
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        check_grads(lambda a: fnp.sort_complex(a), [X5], order=2)


@pytest.mark.parametrize("kth, axis", [(1, -1), ([0, 3], -1), (1, 0), (-1, 1), (4, None)])
def test_partition(kth, axis):
    f = lambda a: fnp.partition(a, kth, axis=axis)  # noqa: E731
    np.testing.assert_array_equal(f(X34), np.partition(X34, kth, axis=axis))
    check_all_modes(f, X34)


def test_partition_matches_numpy_where_argpartition_arranges_differently():
    # For long rows NumPy's partition and argpartition may order the non-kth elements
    # differently; the values on Tensors must still be numpy.partition's, and the gradient
    # must be that of the same permutation.
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 1000))
    w = rng.standard_normal((2, 1000))
    for kth in (0, 500, [10, 990]):
        want = np.partition(x, kth, axis=-1)
        t = fg.tensor(x, requires_grad=True)
        y = fnp.partition(t, kth)
        np.testing.assert_array_equal(_np(y), want)
        fnp.sum(y * w).backward()
        g = t.grad.numpy()
        # y = P x for a permutation P, so the gradient P^T w pairs with x as w with y
        np.testing.assert_allclose(np.sum(g * x, axis=-1), np.sum(w * want, axis=-1))
        np.testing.assert_array_equal(np.sort(g, axis=-1), np.sort(w, axis=-1))


# ---- index-valued functions: no gradient --------------------------------------------------


@pytest.mark.parametrize("name, args, kwargs", [
    ("argsort", (X34,), {"axis": 0}),
    ("argsort", (X34,), {"axis": None, "kind": "stable"}),
    ("argpartition", (X34, 2), {}),
    ("argpartition", (X34, [0, 1]), {"axis": 0}),
    ("searchsorted", (np.sort(X5), X34), {"side": "right"}),
    ("searchsorted", (X5, [0.0, 1.0]), {"sorter": np.argsort(X5)}),
    ("flatnonzero", (X34 > 0,), {}),
    ("argwhere", (X34 > 0,), {}),
    ("lexsort", ((X5, X5 > 0),), {}),
])
def test_index_functions(name, args, kwargs):
    ours, theirs = getattr(fnp, name), getattr(np, name)
    want = theirs(*args, **kwargs)
    got = ours(*args, **kwargs)
    assert type(got) is np.ndarray
    np.testing.assert_array_equal(got, want)
    # With a Tensor (requiring grad) in: Tensors without gradient, NumPy's values.
    first = args[0]
    if isinstance(first, tuple):
        targs = (tuple(fg.tensor(k.astype(float), requires_grad=True) for k in first),) + args[1:]
    else:
        targs = (fg.tensor(np.asarray(first, dtype=float), requires_grad=True),) + args[1:]
    assert_no_grad_tensor(ours(*targs, **kwargs), want)
    # through NumPy's own function (__array_function__)
    assert_no_grad_tensor(theirs(*targs, **kwargs), want)


def test_nonzero_and_one_argument_where():
    got = fnp.nonzero(X34 > 0)
    want = np.nonzero(X34 > 0)
    assert isinstance(got, tuple) and len(got) == 2
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    t = fg.tensor(X34, requires_grad=True)
    for g, w in zip(np.nonzero(t > 0), want):
        assert_no_grad_tensor(g, w)
    # indexing with nonzero's Tensors records
    fnp.sum(t[fnp.nonzero(t > 0)]).backward()
    np.testing.assert_array_equal(t.grad.numpy(), (X34 > 0).astype(float))
    # where: one argument gives nonzero's indices; three select
    for g, w in zip(_indexing.where(X34 > 0), want):
        np.testing.assert_array_equal(g, w)
    np.testing.assert_array_equal(_np(_indexing.where(X34 > 0, t, 0.0)), np.where(X34 > 0, X34, 0.0))
    with pytest.raises(ValueError, match="both or neither"):
        _indexing.where(X34 > 0, t)


def test_unique():
    x = np.array([[3.0, 1.0, 3.0], [2.0, 1.0, 5.0]])
    np.testing.assert_array_equal(fnp.unique(x), np.unique(x))
    t = fg.tensor(x, requires_grad=True)
    values, index, inverse, counts = fnp.unique(t, return_index=True, return_inverse=True,
                                                return_counts=True)
    want = np.unique(x, return_index=True, return_inverse=True, return_counts=True)
    np.testing.assert_array_equal(_np(values), want[0])
    for got, w in zip((index, inverse, counts), want[1:]):
        assert_no_grad_tensor(got, w)
    # the first occurrence of each value gets its gradient; repeats get zero
    fnp.sum(values * fg.tensor([1.0, 10.0, 100.0, 1000.0])).backward()
    np.testing.assert_array_equal(t.grad.numpy(), [[100.0, 1.0, 0.0], [10.0, 0.0, 1000.0]])
    # only the inverse asked for
    v2, inv2 = fnp.unique(fg.tensor(x), return_inverse=True)
    np.testing.assert_array_equal(_np(inv2), np.unique(x, return_inverse=True)[1])
    # along an axis: unique rows
    rows = np.array([[1.0, 2.0], [0.0, 5.0], [1.0, 2.0]])
    f = lambda a: fnp.unique(a, axis=0)  # noqa: E731
    np.testing.assert_array_equal(_np(f(fg.tensor(rows))), np.unique(rows, axis=0))
    r = fg.tensor(rows, requires_grad=True)
    fnp.sum(f(r)).backward()
    np.testing.assert_array_equal(r.grad.numpy(), [[1, 1], [1, 1], [0, 0]])
    # distinct values: unique is a sort, differentiable to second order
    check_all_modes(lambda a: fnp.unique(a), X5)
    # NaNs collapse to one (equal_nan) and sorted=False still gives valid values
    n = np.array([np.nan, 1.0, np.nan])
    np.testing.assert_array_equal(_np(fnp.unique(fg.tensor(n))), np.unique(n))
    np.testing.assert_array_equal(np.sort(_np(fnp.unique(fg.tensor(x), sorted=False)).ravel()),
                                  np.unique(x))


# ---- dispatch and errors ------------------------------------------------------------------


def test_numpy_functions_dispatch_to_funcgrad():
    t = fg.tensor(X34, requires_grad=True)
    for func, args in [(np.take, ([1, 0],)), (np.take_along_axis, (np.argsort(X34, 1), 1)),
                       (np.sort, ()), (np.partition, (1,)), (np.compress, ()),
                       (np.extract, ()), (np.unique, ())]:
        if func in (np.compress, np.extract):
            out = func([True, False, True], t, axis=0) if func is np.compress else func(X34 > 0, t)
        else:
            out = func(t, *args)
        assert isinstance(out, fg.Tensor) and out.requires_grad, func.__name__
    assert np.choose([0, 1, 0], [t[0, :3], t[1, :3]]).requires_grad
    assert np.select([X34 > 0], [t]).requires_grad
    for func in (np.take, np.take_along_axis, np.choose, np.compress, np.select, np.extract,
                 np.sort, np.partition, np.argsort, np.argpartition, np.searchsorted,
                 np.nonzero, np.flatnonzero, np.argwhere, np.unique, np.lexsort, np.sort_complex):
        assert func in _indexing.NUMPY_FUNCTIONS
        assert func.__name__ in _indexing.__all__ and hasattr(fnp, func.__name__)


def test_errors():
    t = fg.tensor(X34, requires_grad=True)
    with pytest.raises(TypeError, match="out="):
        fnp.take(t, [0], out=np.empty(1))
    with pytest.raises(TypeError, match="out="):
        fnp.compress([True], t, out=np.empty(1))
    with pytest.raises(TypeError, match="out="):
        fnp.choose([0], [t], out=np.empty(1))
    with pytest.raises(ValueError, match="clipmode"):
        fnp.take(t, [0], mode="bad")
    with pytest.raises(TypeError, match="Cannot cast"):
        fnp.take(t, np.array([0.5]))
    with pytest.raises(IndexError):
        fnp.take(t, [12])
    with pytest.raises(IndexError, match="integer array"):
        fnp.take_along_axis(t, np.zeros((3, 4)), axis=1)
    with pytest.raises(ValueError, match="same number of dimensions"):
        fnp.take_along_axis(t, np.array([0]), axis=1)
    with pytest.raises(ValueError, match="single dimension"):
        fnp.take_along_axis(t, np.zeros((1, 1), int), axis=None)
    with pytest.raises(ValueError, match="1-d"):
        fnp.compress(np.ones((2, 2), bool), t)
    with pytest.raises(ValueError, match="invalid entry in choice array"):
        fnp.choose([0, 2], [t[0, :2], t[1, :2]])
    with pytest.raises(TypeError, match="Cannot cast"):
        fnp.choose(np.array([0.0, 1.0]), [t[0, :2], t[1, :2]])
    with pytest.raises(TypeError, match="should be boolean"):
        fnp.select([np.ones(4, int)], [t])
    with pytest.raises(ValueError, match="same length"):
        fnp.select([X34 > 0], [t, t])
    with pytest.raises(ValueError, match="empty condition list"):
        fnp.select([], [], default=t)
    with pytest.raises(NotImplementedError, match="order="):
        fnp.sort(t, order="f")
    with pytest.raises(NotImplementedError, match="order="):
        fnp.partition(t, 1, order="f")
    with pytest.raises(np.exceptions.AxisError):
        fnp.sort(t, axis=2)
    with pytest.raises(np.exceptions.AxisError):
        fnp.sort(fg.tensor(1.0, requires_grad=True))
    with pytest.raises(ValueError):
        fnp.partition(t, 7)
