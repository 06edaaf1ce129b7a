"""Reductions and statistics (funcgrad.numpy: nansum ... quantile, trace) and SciPy's special
functions (funcgrad.scipy.special): values against NumPy / SciPy, on arrays and on Tensors;
derivatives against finite differences (reverse mode to second order, forward mode, forward
over reverse and forward over forward) or closed forms; errors.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
import funcgrad.scipy.special as fsp
from funcgrad.numpy import _stats
from funcgrad.testing import check_grads

RNG = np.random.default_rng(7)


# ---- helpers ----------------------------------------------------------------------------


def _np(x):
    if isinstance(x, fg.Tensor):
        x = x.detach().numpy()
    return np.asarray(x)


def T(x, grad=False):
    t = fg.from_numpy(np.array(x, dtype=np.float64))
    return t.requires_grad_() if grad else t


def fd_jacobian(f, xs, eps=1e-6):
    xs = [np.array(x, dtype=np.float64) for x in xs]
    out = np.asarray(_np(f(*xs)), dtype=np.float64)
    jacs = []
    for k, x in enumerate(xs):
        jac = np.zeros(out.shape + x.shape)
        flat = jac.reshape(out.size, x.size)
        for i in range(x.size):
            plus = [a.copy() for a in xs]
            minus = [a.copy() for a in xs]
            plus[k].reshape(-1)[i] += eps
            minus[k].reshape(-1)[i] -= eps
            flat[:, i] = (np.asarray(_np(f(*plus)), dtype=np.float64)
                          - np.asarray(_np(f(*minus)), dtype=np.float64)).reshape(-1) / (2 * eps)
        jacs.append(jac)
    return jacs


def check_all(f, *xs, order=2, rtol=1e-5, atol=1e-6, hessian=True):
    """Reverse mode to ``order``, jacrev and jacfwd vs finite differences, and the Hessian
    of a random projection by forward over reverse and forward over forward vs finite
    differences of the exact gradient."""
    xs = [np.array(x, dtype=np.float64) for x in xs]
    check_grads(f, xs, order=order, rtol=rtol, atol=atol)
    argnums = tuple(range(len(xs)))
    numeric = fd_jacobian(f, xs)
    for transform in (fg.jacrev, fg.jacfwd):
        jac = transform(f, argnums=argnums)(*xs)
        for j, num in zip(jac, numeric):
            np.testing.assert_allclose(j, num, rtol=rtol, atol=atol, err_msg=transform.__name__)
    if not hessian:
        return
    w = RNG.standard_normal(np.shape(_np(f(*xs))))

    def scalar(x0):
        return fnp.sum(f(x0, *xs[1:]) * w)

    gradient = fg.grad(scalar)
    numeric_h = fd_jacobian(lambda x0: gradient(x0), [xs[0]])[0]
    np.testing.assert_allclose(fg.hessian(scalar)(xs[0]), numeric_h, rtol=1e-4, atol=1e-5,
                               err_msg="forward over reverse")
    np.testing.assert_allclose(fg.jacfwd(fg.jacfwd(scalar))(xs[0]), numeric_h, rtol=1e-4,
                               atol=1e-5, err_msg="forward over forward")


def same(got, want, rtol=1e-12, atol=0):
    """Equal values and dtype (a Tensor's value against NumPy's)."""
    g, w = _np(got), np.asarray(want)
    assert g.shape == w.shape, (g.shape, w.shape)
    assert g.dtype == w.dtype, (g.dtype, w.dtype)
    np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, equal_nan=True)


A = RNG.standard_normal((3, 4))
B = RNG.standard_normal((2, 3, 4))
NAN = A.copy()
NAN[0, 1] = NAN[2, 3] = np.nan
NAN_ROW = A.copy()
NAN_ROW[1, :] = np.nan
EVEN = RNG.standard_normal((4, 6))


# ---- values: arrays give NumPy's result, Tensors the same values -------------------------

VALUE_CASES = [
    ("nansum", (NAN,), {}), ("nansum", (NAN,), {"axis": 1, "keepdims": True}),
    ("nansum", (NAN,), {"axis": 0, "initial": 2.0}),
    ("nansum", (A,), {"where": A > 0}), ("nansum", (A.astype(np.float32),), {"dtype": np.float64}),
    ("nanmean", (NAN,), {}), ("nanmean", (NAN,), {"axis": 0}), ("nanmean", (B,), {"axis": (0, 2)}),
    ("nanmean", (A,), {"axis": 1, "where": A > -0.5}),
    ("nanprod", (NAN,), {"axis": 1}),
    ("var", (A,), {}), ("var", (B,), {"axis": (0, 2), "ddof": 1, "keepdims": True}),
    ("var", (A,), {"axis": 1, "correction": 1}), ("var", (A,), {"axis": 0, "where": A > -1}),
    ("var", (A.astype(np.float32),), {"axis": 1}), ("var", (A.astype(np.float32),), {"dtype": np.float64}),
    ("std", (A,), {}), ("std", (B,), {"axis": -1, "ddof": 2}), ("std", (A,), {"axis": 0, "keepdims": True}),
    ("nanvar", (NAN,), {"axis": 1}), ("nanstd", (NAN,), {"axis": 0, "ddof": 1}),
    ("cumsum", (A,), {}), ("cumsum", (B,), {"axis": 1}), ("cumsum", (A,), {"axis": -1, "dtype": np.float32}),
    ("cumprod", (A,), {}), ("cumprod", (B,), {"axis": 2}),
    ("nancumsum", (NAN,), {"axis": 1}), ("nancumprod", (NAN,), {}),
    ("cumulative_sum", (A[0],), {"include_initial": True}), ("cumulative_sum", (A,), {"axis": 1}),
    ("cumulative_prod", (A,), {"axis": 0, "include_initial": True}),
    ("average", (A,), {}), ("average", (A,), {"axis": 1, "weights": np.arange(1.0, 5.0)}),
    ("average", (B,), {"axis": (0, 2), "weights": RNG.random((2, 4))}),
    ("average", (B,), {"axis": (2, 0), "weights": RNG.random((4, 2)), "keepdims": True}),
    ("average", (A,), {"weights": RNG.random((3, 4))}),
    ("ptp", (A,), {}), ("ptp", (B,), {"axis": 1, "keepdims": True}),
    ("trace", (A,), {}), ("trace", (A,), {"offset": 1}), ("trace", (A,), {"offset": -2}),
    ("trace", (A,), {"offset": 7}), ("trace", (B,), {"axis1": 2, "axis2": 0, "offset": 1}),
    ("trace", (B,), {"axis1": -1, "axis2": 1}),
    ("nanmax", (NAN,), {}), ("nanmax", (NAN,), {"axis": 1}), ("nanmin", (NAN,), {"axis": 0, "keepdims": True}),
    ("nanmax", (NAN,), {"axis": 1, "initial": 0.5}), ("nanmin", (A,), {"axis": 1, "initial": 9.0, "where": A > 0}),
    ("median", (A,), {}), ("median", (EVEN,), {"axis": 1}), ("median", (B,), {"axis": (0, 2), "keepdims": True}),
    ("median", (NAN,), {"axis": 1}), ("nanmedian", (NAN,), {"axis": 1}), ("nanmedian", (NAN,), {}),
    ("quantile", (EVEN, 0.3), {}), ("quantile", (EVEN, np.array([0.0, 0.25, 0.9, 1.0])), {"axis": 1}),
    ("quantile", (B, np.array([[0.1], [0.7]])), {"axis": (2, 0), "keepdims": True}),
    ("quantile", (A.astype(np.float32), 0.4), {"axis": 0}),
    ("percentile", (EVEN, np.array([10.0, 50.0, 95.0])), {"axis": 0}),
    ("percentile", (NAN, 40.0), {"axis": 1}),
    ("nanquantile", (NAN, np.array([0.2, 0.8])), {"axis": 1}),
    ("nanpercentile", (NAN, 60.0), {"axis": 0, "method": "hazen"}),
    ("quantile", (EVEN, np.array([0.2, 0.5])), {"axis": 1, "method": "inverted_cdf", "weights": RNG.random(6)}),
    ("quantile", (EVEN, 0.5), {"method": "inverted_cdf", "weights": RNG.random((4, 6))}),
    ("nanquantile", (NAN, 0.6), {"axis": 1, "method": "inverted_cdf", "weights": RNG.random((3, 4))}),
    ("count_nonzero", (np.array([[0.0, 1.0], [2.0, 0.0]]),), {}),
    ("count_nonzero", (np.array([[0.0, 1.0], [2.0, 3.0]]),), {"axis": 0, "keepdims": True}),
] + [("quantile", (EVEN, np.array([0.0, 0.13, 0.5, 0.77, 1.0])), {"axis": 1, "method": m})
     for m in _stats._METHODS]


def _case_id(case):
    name, args, kwargs = case
    return name + "-" + "-".join(f"{k}" for k in kwargs)


@pytest.mark.parametrize("name, args, kwargs", VALUE_CASES, ids=[_case_id(c) for c in VALUE_CASES])
def test_values_match_numpy(name, args, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = getattr(np, name)(*args, **kwargs)
        got_raw = getattr(fnp, name)(*args, **kwargs)
        tensor_kwargs = dict(kwargs)
        if "weights" in kwargs:
            tensor_kwargs["weights"] = T(kwargs["weights"])
        got = getattr(fnp, name)(T(args[0]) if args[0].dtype == np.float64 else fg.from_numpy(args[0]),
                                 *args[1:], **tensor_kwargs)
    assert type(got_raw) is type(want)
    same(got_raw, want)
    assert isinstance(got, fg.Tensor)
    same(got, want, rtol=1e-6 if _np(got).dtype == np.float32 else 1e-12, atol=1e-14)


def test_numpy_dispatch_records():
    x = T(EVEN, grad=True)
    for fn in (np.median, np.var, np.std, np.nansum, np.ptp, np.trace, np.cumsum):
        out = fn(x)
        assert isinstance(out, fg.Tensor) and out.requires_grad, fn.__name__
    assert isinstance(np.percentile(x, 30.0, axis=1), fg.Tensor)
    for np_fn, fn in _stats.NUMPY_FUNCTIONS.items():
        assert fn.__name__ == np_fn.__name__
    assert np.average in _stats.NUMPY_FUNCTIONS and np.count_nonzero in _stats.NUMPY_FUNCTIONS


# ---- derivatives ------------------------------------------------------------------------


def test_nan_reductions_give_nans_zero_gradient():
    check_all(lambda x: fnp.nansum(x * 1.0, axis=1), NAN)
    check_all(lambda x: fnp.nanmean(x, axis=0), NAN)
    check_all(lambda x: fnp.nanprod(x, axis=1), NAN)
    check_all(lambda x: fnp.nanvar(x, axis=1, ddof=1), NAN)
    check_all(lambda x: fnp.nanstd(x, axis=0), NAN)
    check_all(lambda x: fnp.nancumsum(x, axis=1), NAN)
    check_all(lambda x: fnp.nancumprod(x), NAN)
    for fn in (fnp.nansum, fnp.nanmean, fnp.nanvar, fnp.nanstd, fnp.nanmax, fnp.nanmin,
               fnp.nanmedian, fnp.nanprod):
        g = fg.grad(lambda x: fnp.sum(fn(x, axis=1)))(NAN)
        assert g[0, 1] == 0 and g[2, 3] == 0 and np.all(np.isfinite(g)), fn.__name__
    with pytest.warns(RuntimeWarning):
        g = fg.grad(lambda x: fnp.nansum(fnp.nanmean(x, axis=1)))(NAN_ROW)
    assert np.all(g[1] == 0) and np.all(np.isfinite(g))


def test_nanmean_where_and_nansum_initial_where():
    mask = A > -0.3
    check_all(lambda x: fnp.nanmean(x, axis=1, where=mask), A)
    check_all(lambda x: fnp.nansum(x, axis=0, initial=1.5, where=mask), A)


@pytest.mark.parametrize("kwargs", [{}, {"axis": 1}, {"axis": 0, "ddof": 1, "keepdims": True},
                                    {"axis": (0, 2)}, {"axis": -1, "correction": 2},
                                    {"axis": 1, "where": B > -0.8}])
def test_var_std_derivatives(kwargs):
    check_all(lambda x: fnp.var(x, **kwargs), B)
    check_all(lambda x: fnp.std(x, **kwargs), B)


def test_var_with_given_mean_is_differentiable_in_it():
    m = A.mean(axis=1, keepdims=True) + 0.1
    check_all(lambda x, mu: fnp.var(x, axis=1, mean=mu), A, m, hessian=False)
    same(fnp.var(T(A), axis=1, mean=T(m)), np.var(A, axis=1, mean=m))


def test_std_gradient_is_zero_at_zero_spread():
    const = np.array([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]])
    g = fg.grad(lambda x: fnp.sum(fnp.std(x, axis=1)))(const)
    assert np.all(np.isfinite(g)) and np.all(g[0] == 0)
    np.testing.assert_allclose(g[1], fd_jacobian(lambda x: np.std(x), [const[1]])[0])
    _, tangent = fg.jvp(lambda x: fnp.std(x, axis=1), (const,), (np.ones_like(const),))
    assert np.all(np.isfinite(tangent)) and tangent[0] == 0
    h = fg.hessian(lambda x: fnp.std(x))(np.full(3, 5.0))
    assert np.all(np.isfinite(h))
    g = fg.grad(lambda x: fnp.nanstd(x))(np.array([1.0, np.nan, 1.0]))
    assert np.array_equal(g, [0.0, 0.0, 0.0])


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_cumsum_cumprod_derivatives(axis):
    check_all(lambda x: fnp.cumsum(x, axis=axis), A)
    check_all(lambda x: fnp.cumprod(x, axis=axis), A)
    x = T(A)
    assert fnp.cumsum(x, axis=axis).shape == np.cumsum(A, axis=axis).shape


def _cumprod_gradient(x, g):
    """sum_i g_i prod_{j <= i, j != k} x_j, by brute force (exact at zeros)."""
    n = len(x)
    out = np.zeros(n)
    for k in range(n):
        for i in range(k, n):
            out[k] += g[i] * np.prod([x[j] for j in range(i + 1) if j != k])
    return out


@pytest.mark.parametrize("x", [[0.0, 2.0, 3.0, 0.5], [1.5, 0.0, 2.0, -1.0], [2.0, 0.0, 3.0, 0.0],
                               [0.0, 0.0, 0.0, 2.0], [1.0, 2.0, 3.0, 0.0]])
def test_cumprod_exact_at_zeros(x):
    x = np.array(x)
    g = RNG.standard_normal(4)
    grad = fg.grad(lambda t: fnp.sum(fnp.cumprod(t) * g))(x)
    np.testing.assert_allclose(grad, _cumprod_gradient(x, g), atol=1e-14)
    # forward mode: the Jacobian's columns
    jac = fg.jacfwd(fnp.cumprod)(x)
    np.testing.assert_allclose(g @ jac, _cumprod_gradient(x, g), atol=1e-14)
    # second order (the gradient is a polynomial: finite differences of the exact one)
    numeric = fd_jacobian(lambda t: _cumprod_gradient(t, g), [x])[0]
    f = lambda t: fnp.sum(fnp.cumprod(t) * g)  # noqa: E731
    np.testing.assert_allclose(fg.hessian(f)(x), numeric, atol=1e-7)
    np.testing.assert_allclose(fg.jacfwd(fg.jacfwd(f))(x), numeric, atol=1e-7)
    np.testing.assert_allclose(fg.jacrev(fg.grad(f))(x), numeric, atol=1e-7)


def test_cumulative_sum_prod_include_initial():
    check_all(lambda x: fnp.cumulative_sum(x, axis=1, include_initial=True), A)
    check_all(lambda x: fnp.cumulative_prod(x, axis=0, include_initial=True), A)
    with pytest.raises(ValueError, match="axis"):
        fnp.cumulative_sum(T(A))


def test_average_derivatives_in_data_and_weights():
    w = RNG.random(4) + 0.2
    check_all(lambda x, v: fnp.average(x, axis=1, weights=v), A, w)
    check_all(lambda x, v: fnp.average(x, weights=v), A, RNG.random((3, 4)) + 0.1)
    check_all(lambda x, v: fnp.average(x, axis=(0, 2), weights=v, keepdims=True), B,
              RNG.random((2, 4)) + 0.1, hessian=False)
    check_all(lambda v: fnp.average(A, axis=1, weights=v, returned=True)[1], w)
    check_all(lambda x: fnp.average(x, axis=0), A)
    avg, total = fnp.average(T(A), axis=1, weights=T(w), returned=True)
    want_avg, want_total = np.average(A, axis=1, weights=w, returned=True)
    same(avg, want_avg)
    same(total, want_total)
    avg, total = fnp.average(T(A), axis=1, returned=True)
    same(total, np.average(A, axis=1, returned=True)[1])


def test_array_like_data_with_tensor_parameters():
    w = T([1.0, 2.0, 3.0], grad=True)
    same(fnp.average([1.0, 2.0, 4.0], weights=w), np.average([1.0, 2.0, 4.0], weights=[1, 2, 3.0]))
    same(fnp.var([1.0, 2.0, 4.0], mean=T(2.0)), np.var([1.0, 2.0, 4.0], mean=2.0))
    q = fnp.quantile([1.0, 2.0, 4.0], T(0.3, grad=True))
    assert isinstance(q, fg.Tensor) and q.requires_grad
    same(q, np.quantile([1.0, 2.0, 4.0], np.array(0.3)))


def test_average_errors():
    with pytest.raises(ZeroDivisionError):
        fnp.average(T(A), axis=1, weights=T(np.zeros(4)))
    with pytest.raises(TypeError, match="Axis must be specified"):
        fnp.average(T(A), weights=T(np.ones(4)))
    with pytest.raises(ValueError, match="consistent"):
        fnp.average(T(A), axis=0, weights=T(np.ones(4)))


def test_ptp_trace_derivatives():
    check_all(lambda x: fnp.ptp(x, axis=1), A)
    check_all(lambda x: fnp.ptp(x), A)
    check_all(lambda x: fnp.trace(x), A)
    check_all(lambda x: fnp.trace(x, offset=-1), A)
    check_all(lambda x: fnp.trace(x, offset=2, axis1=2, axis2=0), B)
    check_all(lambda x: fnp.trace(x, axis1=1, axis2=2), B)
    g = fg.grad(lambda x: fnp.trace(x, offset=1))(A)
    np.testing.assert_array_equal(g, np.eye(3, 4, 1))
    assert float(fnp.trace(T(A), offset=9)) == 0.0


def test_ptp_and_nanmax_share_ties():
    x = np.array([[1.0, 3.0, np.nan, 3.0], [np.nan, -1.0, -1.0, 0.5]])
    np.testing.assert_array_equal(fg.grad(lambda t: fnp.sum(fnp.nanmax(t, axis=1)))(x),
                                  [[0, 0.5, 0, 0.5], [0, 0, 0, 1]])
    np.testing.assert_array_equal(fg.grad(lambda t: fnp.sum(fnp.nanmin(t, axis=1)))(x),
                                  [[1, 0, 0, 0], [0, 0.5, 0.5, 0]])
    y = np.array([2.0, 5.0, 2.0, 5.0])
    np.testing.assert_array_equal(fg.grad(fnp.ptp)(y), [-0.5, 0.5, -0.5, 0.5])
    check_all(lambda t: fnp.nanmax(t, axis=0), NAN)
    check_all(lambda t: fnp.nanmin(t, axis=1, keepdims=True), NAN)
    _, tangent = fg.jvp(lambda t: fnp.nanmax(t, axis=1), (x,), (np.ones_like(x),))
    np.testing.assert_array_equal(tangent, [1.0, 1.0])


def test_nanmax_all_nan_slice_and_where():
    with pytest.warns(RuntimeWarning, match="All-NaN"):
        out = fnp.nanmax(T(NAN_ROW, grad=True), axis=1)
    assert np.isnan(_np(out)[1]) and not np.isnan(_np(out)[0])
    with pytest.warns(RuntimeWarning):
        g = fg.grad(lambda t: fnp.nansum(fnp.nanmax(t, axis=1)))(NAN_ROW)
    assert np.all(g[1] == 0) and np.all(np.isfinite(g))
    with pytest.raises(ValueError, match="initial"):
        fnp.nanmax(T(A), where=A > 0)
    check_all(lambda t: fnp.nanmax(t, axis=1, initial=-0.2, where=A > 0), A)


def test_count_nonzero_has_no_gradient():
    x = T([[0.0, 1.0], [2.0, 0.0]], grad=True)
    out = fnp.count_nonzero(x, axis=1)
    assert isinstance(out, fg.Tensor) and not out.requires_grad
    np.testing.assert_array_equal(_np(out), [1, 1])
    assert int(fnp.count_nonzero(x)) == 2


# ---- order statistics -------------------------------------------------------------------


def test_median_gradient_goes_to_middle_elements():
    x = np.array([5.0, 1.0, 4.0, 2.0, 3.0])
    np.testing.assert_array_equal(fg.grad(fnp.median)(x), [0, 0, 0, 0, 1])
    x = np.array([5.0, 1.0, 4.0, 2.0])
    np.testing.assert_array_equal(fg.grad(fnp.median)(x), [0, 0, 0.5, 0.5])
    check_all(lambda t: fnp.median(t, axis=1), EVEN)
    check_all(lambda t: fnp.median(t, axis=(0, 2), keepdims=True), B)
    check_all(lambda t: fnp.nanmedian(t, axis=0), NAN)


def test_quantile_linear_weights():
    x = np.array([4.0, 1.0, 3.0, 2.0, 0.0])
    # q = 0.3: position 1.2 of the sorted values (0, 1, 2, 3, 4): 0.8 to "1", 0.2 to "2"
    np.testing.assert_allclose(fg.grad(lambda t: fnp.quantile(t, 0.3))(x), [0, 0.8, 0, 0.2, 0])
    np.testing.assert_allclose(fg.grad(lambda t: fnp.percentile(t, 30.0))(x), [0, 0.8, 0, 0.2, 0])
    _, tangent = fg.jvp(lambda t: fnp.quantile(t, 0.3), (x,), (np.arange(5.0),))
    np.testing.assert_allclose(tangent, 0.8 * 1 + 0.2 * 3)


@pytest.mark.parametrize("method", _stats._METHODS)
def test_quantile_every_method_differentiable_in_data(method):
    q = np.array([0.1, 0.45, 0.8])
    check_all(lambda t: fnp.quantile(t, q, axis=1, method=method), EVEN, hessian=False)


def test_quantile_derivatives_multi_axis_and_nan_versions():
    check_all(lambda t: fnp.quantile(t, np.array([0.2, 0.9]), axis=(2, 0), keepdims=True), B)
    check_all(lambda t: fnp.percentile(t, 63.0, axis=0, method="weibull"), EVEN)
    check_all(lambda t: fnp.nanquantile(t, np.array([0.3, 0.6]), axis=1), NAN)
    check_all(lambda t: fnp.nanpercentile(t, 25.0, method="median_unbiased"), NAN)
    w = RNG.random(6)
    check_all(lambda t: fnp.quantile(t, 0.4, axis=1, method="inverted_cdf", weights=w), EVEN)


@pytest.mark.parametrize("method", ["linear", "hazen", "weibull", "median_unbiased",
                                    "normal_unbiased", "interpolated_inverted_cdf"])
def test_quantile_differentiable_in_q(method):
    check_all(lambda q: fnp.quantile(EVEN, q, axis=1, method=method), np.array([0.15, 0.55, 0.83]),
              hessian=False)
    check_all(lambda q: fnp.percentile(EVEN, q, axis=0, method=method), np.array(37.0), hessian=False)


def test_quantile_discrete_methods_piecewise_constant_in_q():
    g = fg.grad(lambda q: fnp.sum(fnp.quantile(EVEN, q, axis=1, method="nearest")))(np.array(0.3))
    assert g == 0
    out = fnp.quantile(EVEN, T(0.3, grad=True), method="lower")
    assert isinstance(out, fg.Tensor)
    same(out, np.quantile(EVEN, np.array(0.3), method="lower"))


def test_quantile_nan_slices_give_nan_and_zero_gradient():
    out = fnp.quantile(T(NAN), 0.5, axis=1)
    np.testing.assert_array_equal(np.isnan(_np(out)), [True, False, True])
    g = fg.grad(lambda t: fnp.nansum(fnp.quantile(t, 0.5, axis=1)))(NAN)
    assert np.all(g[[0, 2]] == 0) and g[1].sum() == pytest.approx(1.0)
    g = fg.grad(lambda q: fnp.nansum(fnp.quantile(NAN, q, axis=1)))(np.array(0.3))
    assert np.isfinite(g)
    with pytest.warns(RuntimeWarning, match="All-NaN"):
        out = fnp.nanmedian(T(NAN_ROW), axis=1)
    assert np.isnan(_np(out)[1])


def test_quantile_errors():
    x = T(EVEN, grad=True)
    with pytest.raises(ValueError, match="not a valid method"):
        fnp.quantile(x, 0.5, method="cubic")
    with pytest.raises(ValueError, match=r"range \[0, 1\]"):
        fnp.quantile(x, 1.5)
    with pytest.raises(ValueError, match=r"range \[0, 100\]"):
        fnp.percentile(x, -1.0)
    with pytest.raises(ValueError, match="Only method 'inverted_cdf' supports weights"):
        fnp.quantile(x, 0.5, weights=np.ones((4, 6)))
    with pytest.raises(ValueError, match="non-negative"):
        fnp.quantile(x, 0.5, method="inverted_cdf", weights=-np.ones((4, 6)))
    with pytest.raises(TypeError, match="real"):
        fnp.median(fg.from_numpy(np.ones(3) + 1j))


def test_integer_tensors_give_numpy_results():
    ints = np.array([[3, 1, 2], [7, 5, 9]])
    x = fg.from_numpy(ints)
    same(fnp.median(x, axis=1), np.median(ints, axis=1))
    same(fnp.percentile(x, 30, axis=0), np.percentile(ints, 30, axis=0))
    same(fnp.nanmax(x, axis=1), np.nanmax(ints, axis=1))
    same(fnp.var(x), np.var(ints))


@pytest.mark.parametrize("call", [
    lambda x: fnp.nansum(x, out=np.empty(())), lambda x: fnp.var(x, out=np.empty(())),
    lambda x: fnp.cumsum(x, out=np.empty(12)), lambda x: fnp.median(x, out=np.empty(())),
    lambda x: fnp.quantile(x, 0.5, out=np.empty(())), lambda x: fnp.trace(x, out=np.empty(())),
    lambda x: fnp.nanmax(x, out=np.empty(())), lambda x: fnp.ptp(x, out=np.empty(())),
])
def test_out_is_rejected(call):
    with pytest.raises(TypeError, match="out="):
        call(T(A, grad=True))


def test_other_errors():
    with pytest.raises(ValueError, match="ddof and correction"):
        fnp.var(T(A), ddof=1, correction=1)
    with pytest.raises(NotImplementedError, match="complex"):
        fnp.var(fg.from_numpy(A + 1j))
    with pytest.raises(ValueError, match="two dimensions"):
        fnp.trace(T(A[0]))
    with pytest.raises(ValueError, match="repeated axis"):
        fnp.median(T(A), axis=(1, 1))


# ---- scipy.special ----------------------------------------------------------------------


def test_special_values_match_scipy():
    sp = pytest.importorskip("scipy.special")
    p = RNG.random((3, 4)) * 0.9 + 0.05
    x = np.array([0.0, 0.0, 1.5, 0.0, 2.0, -1.0, 0.0])
    y = np.array([0.0, 3.0, 0.5, np.nan, 0.0, 2.0, -2.0])
    cases = [
        (fsp.expit, sp.expit, (A,)), (fsp.logit, sp.logit, (p,)),
        (fsp.logit, sp.logit, (np.array([0.0, 1.0, 1.5]),)),
        (fsp.xlogy, sp.xlogy, (x, y)), (fsp.xlog1py, sp.xlog1py, (x, y - 1)),
        (fsp.entr, sp.entr, (np.array([0.0, 0.5, 1.0, -1.0, 3.0]),)),
        (fsp.rel_entr, sp.rel_entr, (np.abs(x), np.array([0.0, 3.0, 0.5, 1.0, 0.0, 2.0, -2.0]))),
        (fsp.kl_div, sp.kl_div, (np.abs(x), np.array([0.0, 3.0, 0.5, 1.0, 0.0, 2.0, -2.0]))),
        (fsp.softmax, sp.softmax, (A,)), (fsp.log_softmax, sp.log_softmax, (A,)),
        (lambda a: fsp.softmax(a, axis=1), lambda a: sp.softmax(a, axis=1), (A,)),
        (lambda a: fsp.log_softmax(a, axis=(0, 2)), lambda a: sp.log_softmax(a, axis=(0, 2)), (B,)),
        (fsp.logsumexp, sp.logsumexp, (A,)),
        (lambda a: fsp.logsumexp(a, axis=(0, 2), keepdims=True),
         lambda a: sp.logsumexp(a, axis=(0, 2), keepdims=True), (B,)),
    ]
    for ours, theirs, args in cases:
        with np.errstate(all="ignore"):
            want = theirs(*args)
        same(ours(*args), want, rtol=1e-12, atol=1e-15)
        got = ours(*[T(a) for a in args])
        assert isinstance(got, fg.Tensor)
        same(got, want, rtol=1e-12, atol=1e-15)
    assert fsp.xlogy(0.0, 0.0) == 0 and type(fsp.xlogy(0.0, 0.0)) is type(sp.xlogy(0.0, 0.0))


@pytest.mark.parametrize("kwargs", [
    {"b": np.array([1.0, -2.0, 0.5, 0.0])}, {"b": np.array([1.0, -2.0, 0.5, 3.0]), "axis": 1},
    {"b": RNG.random((3, 4)) + 0.1, "axis": 0, "keepdims": True},
    {"b": np.array([0.0, 0.0, 1.0, 2.0]), "axis": 1, "return_sign": True},
    {"b": np.array([-1.0, -2.0, 0.5, 0.0]), "axis": 1},
    {"axis": 1, "return_sign": True}, {"b": np.zeros(4), "axis": 1, "return_sign": True},
])
def test_logsumexp_with_b_and_sign_matches_scipy(kwargs):
    sp = pytest.importorskip("scipy.special")
    with np.errstate(all="ignore"):
        want = sp.logsumexp(A, **kwargs)
    got_raw = fsp.logsumexp(A, **kwargs)
    tk = {k: (T(v) if k == "b" else v) for k, v in kwargs.items()}
    got = fsp.logsumexp(T(A), **tk)
    if kwargs.get("return_sign"):
        for g, w in zip(got_raw, want):
            same(g, w, rtol=1e-12)
        same(got[0], want[0], rtol=1e-12)
        same(got[1], want[1])
    else:
        same(got_raw, want, rtol=1e-12)
        same(got, want, rtol=1e-12)


def test_logsumexp_derivatives_in_a_and_b():
    b = np.array([1.0, -0.5, 2.0, 0.0])
    check_all(lambda a: fsp.logsumexp(a, axis=1), A)
    check_all(lambda a: fsp.logsumexp(a), A)
    check_all(lambda a, w: fsp.logsumexp(a, axis=1, b=w), A, RNG.random(4) + 0.1)
    check_all(lambda a, w: fsp.logsumexp(a, axis=1, b=w, return_sign=True)[0], A, b)
    # at b = 0 the derivative in b is exp(a - logsumexp), not 0
    g = fg.grad(lambda w: fnp.sum(fsp.logsumexp(A, axis=1, b=w, return_sign=True)[0]))(b)
    assert g[3] > 0


def test_special_derivatives():
    p = RNG.random((3, 4)) * 0.8 + 0.1
    check_all(fsp.expit, A)
    check_all(fsp.logit, p)
    check_all(fsp.xlogy, A, p + 0.5)
    check_all(fsp.xlog1py, A, p)
    check_all(fsp.entr, p)
    check_all(fsp.rel_entr, p, p[::-1] + 0.1)
    check_all(fsp.kl_div, p, p[::-1] + 0.1)
    check_all(lambda a: fsp.softmax(a, axis=0), A)
    check_all(fsp.softmax, A)
    check_all(lambda a: fsp.log_softmax(a, axis=-1), A)
    check_all(lambda a: fsp.log_softmax(a, axis=(0, 2)), B)


def test_xlogy_at_zero_has_a_nan_free_gradient():
    x = np.array([0.0, 0.0, 2.0])
    y = np.array([0.0, 3.0, 0.5])
    gx, gy = fg.grad(lambda a, b: fnp.sum(fsp.xlogy(a, b)), argnums=(0, 1))(x, y)
    assert not np.any(np.isnan(gx)) and not np.any(np.isnan(gy))
    np.testing.assert_allclose(gy, [0.0, 0.0, 4.0])
    np.testing.assert_allclose(gx[1:], np.log(y[1:]))
    # entropy of a distribution with a zero: d/dp sum(xlogy(p, p)) is log p + 1 where p > 0
    p = np.array([0.0, 0.25, 0.75])
    g = fg.grad(lambda t: fnp.sum(fsp.xlogy(p, t)))(p)
    np.testing.assert_allclose(g, [0.0, 1.0, 1.0])
    _, tangent = fg.jvp(lambda t: fsp.xlogy(p, t), (p,), (np.ones(3),))
    np.testing.assert_allclose(tangent, [0.0, 1.0, 1.0])
    h = fg.hessian(lambda t: fnp.sum(fsp.xlogy(p, t)))(p)
    assert not np.any(np.isnan(h))
