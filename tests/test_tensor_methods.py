"""PyTorch's further Tensor methods and top-level functions: values (against NumPy and
PyTorch's documented examples), gradients (against finite differences) and errors (in
PyTorch's words)."""

import numpy as np
import pytest

import _fake_cupy
import funcgrad as fg
from funcgrad.tensor import _from_array
from funcgrad.testing import check_grads

RNG = np.random.default_rng(7)
A = RNG.standard_normal((3, 4))
POS = np.abs(A) + 0.5


def T(x, **kw):
    return fg.tensor(x, **kw)


def close(t, expected, **kw):
    np.testing.assert_allclose(np.asarray(t.detach()), expected, **kw)


# ---- shape and indexing: values ----------------------------------------------------------


def test_flip_roll_values():
    x = T(A)
    close(x.flip(0, 1), A[::-1, ::-1])
    close(x.flip([1]), A[:, ::-1])
    close(fg.flip(x, (0,)), A[::-1])
    close(x.roll(1, 0), np.roll(A, 1, 0))
    close(x.roll((1, -2), (0, 1)), np.roll(A, (1, -2), (0, 1)))
    close(x.roll(5), np.roll(A, 5))  # no dims: the flattened Tensor, shape kept
    assert fg.roll(x, 5).shape == (3, 4)


def test_gather_follows_pytorchs_documented_example():
    t = T([[1, 2], [3, 4]])
    out = fg.gather(t, 1, T([[0, 0], [1, 0]]))
    assert out.tolist() == [[1, 1], [4, 3]] and out.dtype == fg.int64
    # An index smaller than input in the other dimensions reads the leading block.
    x = T(A)
    idx = np.array([[2, 0], [1, 1]])
    close(x.gather(0, T(idx)), np.take_along_axis(A[:, :2], idx, 0))


def test_scatter_and_scatter_add_follow_pytorchs_documented_examples():
    src = fg.arange(1, 11).reshape((2, 5))
    index = T([[0, 1, 2, 0]])
    out = fg.zeros(3, 5, dtype=src.dtype).scatter(0, index, src)
    assert out.tolist() == [[1, 0, 0, 4, 0], [0, 2, 0, 0, 0], [0, 0, 3, 0, 0]]
    index = T([[0, 1, 2], [0, 1, 4]])
    out = fg.zeros(3, 5, dtype=src.dtype).scatter(1, index, src)
    assert out.tolist() == [[1, 2, 3, 0, 0], [6, 7, 0, 0, 8], [0, 0, 0, 0, 0]]
    out = fg.full((2, 4), 2.0).scatter(1, T([[2], [3]]), 1.23)
    close(out, [[2, 2, 1.23, 2], [2, 2, 2, 1.23]], rtol=1e-6)
    # scatter_add: repeated indices add up.
    out = fg.ones(3, 5).scatter_add(0, T([[0, 1, 2, 0, 0]]), fg.ones(2, 5))
    close(out, [[2, 1, 1, 2, 2], [1, 2, 1, 1, 1], [1, 1, 2, 1, 1]])
    out = fg.zeros(3).scatter_add(0, T([0, 0, 2]), T([1.0, 2.0, 3.0]))
    close(out, [3.0, 0.0, 3.0])
    out = fg.zeros(3).scatter(0, T([0, 0, 2]), T([1.0, 2.0, 3.0]), reduce="add")
    close(out, [3.0, 0.0, 3.0])


def test_index_select_index_add_take():
    x = T(A)
    close(x.index_select(1, T([3, 0, 3])), A[:, [3, 0, 3]])
    close(fg.index_select(x, 0, T(2)), A[[2]])
    src = RNG.standard_normal((3, 2))
    expected = A.copy()
    np.add.at(expected, (slice(None), [1, 1]), 2.0 * src)
    close(x.index_add(1, T([1, 1]), T(src), alpha=2.0), expected)
    close(x.take(T([[0, 11], [5, 5]])), A.reshape(-1)[[[0, 11], [5, 5]]])


def test_masked_fill_out_of_place_and_in_place():
    x = T(A)
    mask = T(A > 0)
    out = x.masked_fill(mask, -1.0)
    close(out, np.where(A > 0, -1.0, A))
    assert out.dtype == x.dtype
    close(x, A)  # unchanged
    row_mask = T([True, False, False, True])  # broadcast over rows
    close(fg.masked_fill(x, row_mask, 0.0), np.where([True, False, False, True], 0.0, A))
    y = T(A.copy())
    version = y._version[0]
    assert y.masked_fill_(mask, T(5.0)) is y
    close(y, np.where(A > 0, 5.0, A))
    assert y._version[0] > version


def test_narrow_select_unbind_unflatten():
    x = T(A)
    close(x.narrow(1, 1, 2), A[:, 1:3])
    close(x.narrow(0, -2, 2), A[1:])
    close(x.select(1, -1), A[:, -1])
    assert [u.tolist() for u in fg.unbind(T([[1, 2], [3, 4]]), 1)] == [[1, 3], [2, 4]]
    assert x.unflatten(1, (2, -1)).shape == (3, 2, 2)
    close(x.unflatten(1, (2, 2)), A.reshape(3, 2, 2))
    # narrow and select are views, as in PyTorch: writes show through.
    y = T(A.copy())
    y.select(0, 1).fill_(0.0)
    assert float(y[1].abs().sum()) == 0.0


def test_chunk_sizes_follow_pytorch():
    assert [c.tolist() for c in fg.arange(5).chunk(3)] == [[0, 1], [2, 3], [4]]
    # ceil(6 / 4) = 2: only three chunks come back.
    assert [c.tolist() for c in fg.arange(6).chunk(4)] == [[0, 1], [2, 3], [4, 5]]
    assert [c.shape for c in fg.chunk(fg.zeros(2, 7), 3, dim=1)] == [(2, 3), (2, 3), (2, 1)]
    assert isinstance(fg.arange(3).chunk(2), tuple)


def test_split_with_a_size_and_with_a_list():
    assert [c.tolist() for c in fg.arange(5).split(2)] == [[0, 1], [2, 3], [4]]
    assert [c.tolist() for c in fg.split(fg.arange(5), [1, 4])] == [[0], [1, 2, 3, 4]]
    assert [c.shape for c in T(A).split([1, 3], dim=1)] == [(3, 1), (3, 3)]
    assert [c.tolist() for c in fg.arange(5).tensor_split(2)] == [[0, 1, 2], [3, 4]]
    assert [c.shape for c in fg.zeros(0).split(2)] == [(0,)]  # one empty piece, as PyTorch


def test_repeat_is_tile_and_repeat_interleave_repeats_each_element():
    x = T([1, 2, 3])
    assert x.repeat(2).tolist() == [1, 2, 3, 1, 2, 3]
    assert x.repeat(2, 2).tolist() == [[1, 2, 3, 1, 2, 3], [1, 2, 3, 1, 2, 3]]
    assert x.repeat_interleave(2).tolist() == [1, 1, 2, 2, 3, 3]
    y = T([[1, 2], [3, 4]])
    assert fg.repeat_interleave(y, 2).tolist() == [1, 1, 2, 2, 3, 3, 4, 4]  # flattened
    assert y.repeat_interleave(3, dim=1).tolist() == [[1, 1, 1, 2, 2, 2], [3, 3, 3, 4, 4, 4]]
    assert y.repeat_interleave(T([1, 2]), dim=0).tolist() == [[1, 2], [3, 4], [3, 4]]
    assert x.tile((2,)).tolist() == [1, 2, 3, 1, 2, 3]
    assert y.tile((2,)).tolist() == [[1, 2, 1, 2], [3, 4, 3, 4]]  # missing counts are 1
    assert fg.tile(x, (2, 1)).shape == (2, 3)


def test_movedim_triangles_diagonals():
    z = fg.zeros(2, 3, 4)
    assert z.movedim(0, -1).shape == (3, 4, 2) and z.moveaxis((0, 1), (2, 0)).shape == (3, 4, 2)
    x = T(A)
    close(x.tril(), np.tril(A))
    close(fg.triu(x, 1), np.triu(A, 1))
    batch = RNG.standard_normal((2, 3, 3))
    close(fg.tril(T(batch), -1), np.tril(batch, -1))  # each matrix of a batch
    close(x.diag(), np.diag(A))
    close(x.diag(1), np.diag(A, 1))
    close(T([1.0, 2.0]).diag(-1), np.diag([1.0, 2.0], -1))
    close(x.diagonal(), np.diagonal(A))
    b = RNG.standard_normal((2, 3, 3))
    close(T(b).diagonal(0, -2, -1), np.diagonal(b, 0, -2, -1))
    close(x.trace(), np.trace(A))
    close(fg.trace(T([[1, 2], [3, 4]])), 5)


def test_take_along_dim_and_broadcast_to():
    x = T([[10.0, 30.0, 20.0], [60.0, 40.0, 50.0]])
    idx = fg.argsort(x, dim=1)
    assert fg.take_along_dim(x, idx, dim=1).tolist() == [[10, 20, 30], [40, 50, 60]]
    assert fg.take_along_dim(x, T([0, 5])).tolist() == [10, 50]  # no dim: flattened
    # The other dimensions broadcast.
    assert x.take_along_dim(T([[0, 2]]), 1).tolist() == [[10, 20], [60, 50]]
    assert fg.broadcast_to(T([1, 2]), (2, 2)).tolist() == [[1, 2], [1, 2]]


def test_top_level_fliplr_flipud_unflatten():
    x = T(A)
    close(fg.fliplr(x), np.fliplr(A))
    close(fg.flipud(x), np.flipud(A))
    close(fg.unflatten(x, 0, (1, 3)), A.reshape(1, 3, 4))


def test_rot90_matches_numpy():
    x = T(A)
    close(x.rot90(), np.rot90(A))
    close(fg.rot90(x, 3, [1, 0]), np.rot90(A, 3, (1, 0)))


# ---- sorting and selection ---------------------------------------------------------------


def test_sort_returns_values_and_indices():
    x = T([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    out = x.sort()
    assert out.values.tolist() == [[1, 2, 3], [0, 4, 5]]
    assert out.indices.tolist() == [[1, 2, 0], [0, 2, 1]] and out.indices.dtype == fg.int64
    values, indices = fg.sort(x, dim=0, descending=True)
    assert values.tolist() == [[3, 5, 4], [0, 1, 2]] and indices.tolist() == [[0, 1, 1], [1, 0, 0]]
    assert repr(out).startswith("funcgrad.return_types.sort(")
    # Ties keep their order, ascending and descending (stable).
    t = T([1.0, 2.0, 1.0, 2.0])
    assert t.sort().indices.tolist() == [0, 2, 1, 3]
    assert t.sort(descending=True).indices.tolist() == [1, 3, 0, 2]
    assert t.argsort(descending=True).tolist() == [1, 3, 0, 2]
    # NaN sorts as the largest value.
    n = T([1.0, float("nan"), 0.0])
    assert n.argsort().tolist() == [2, 0, 1] and n.argsort(descending=True).tolist() == [1, 0, 2]


def test_topk_order_and_indices():
    x = T([1.0, 4.0, 2.0, 5.0, 3.0])
    top = x.topk(3)
    assert top.values.tolist() == [5, 4, 3] and top.indices.tolist() == [3, 1, 4]
    low = fg.topk(x, 2, largest=False)
    assert low.values.tolist() == [1, 2] and low.indices.tolist() == [0, 2]
    m = T(A)
    close(m.topk(2, dim=0).values, -np.sort(-A, axis=0)[:2])


def test_median_kthvalue_quantile():
    assert float(T([1.0, 3.0, 2.0, 4.0]).median()) == 2.0  # the lower middle value
    x = T(A)
    med = x.median(1)
    expected_idx = np.argsort(A, 1, kind="stable")[:, 1]
    assert med.indices.tolist() == expected_idx.tolist()
    close(med.values, A[np.arange(3), expected_idx])
    assert fg.median(x, 0, keepdim=True).values.shape == (1, 4)
    # NaN propagates through median, its index the NaN's, as in PyTorch.
    nan = float("nan")
    assert np.isnan(float(T([1.0, nan, 2.0]).median()))
    m = T([[1.0, nan, 2.0, nan], [3.0, 1.0, 2.0, 0.0]]).median(1)
    assert np.isnan(m.values[0].item()) and m.values[1].item() == 1.0
    assert m.indices.tolist() == [1, 1]
    kth = T([3.0, 1.0, 2.0]).kthvalue(2)
    assert float(kth.values) == 2.0 and int(kth.indices) == 2
    close(x.quantile(0.3), np.quantile(A, 0.3))
    q = T([0.2, 0.9], dtype=fg.float64)
    close(fg.quantile(x, q, dim=1, keepdim=True), np.quantile(A, [0.2, 0.9], axis=1, keepdims=True))
    close(x.quantile(0.5, dim=0, interpolation="lower"), np.quantile(A, 0.5, axis=0, method="lower"))
    close(fg.nanquantile(T([0.0, float("nan"), 2.0]), 0.5), 1.0)


def test_unique_with_inverse_and_counts_follows_pytorch():
    values, inverse, counts = fg.unique(T([2, 1, 2, 3]), return_inverse=True, return_counts=True)
    assert values.tolist() == [1, 2, 3] and inverse.tolist() == [1, 0, 1, 2]
    assert counts.tolist() == [1, 2, 1] and inverse.dtype == counts.dtype == fg.int64
    assert T([[1, 3], [2, 3]]).unique().tolist() == [1, 2, 3]
    assert T([[1, 3], [2, 3]]).unique(return_inverse=True)[1].tolist() == [[0, 2], [1, 2]]
    rows = T([[1, 2], [0, 5], [1, 2]]).unique(dim=0)
    assert rows.tolist() == [[0, 5], [1, 2]]


def test_nonzero_argwhere_count_nonzero():
    x = T([[0, 1], [2, 0]])
    assert x.nonzero().tolist() == [[0, 1], [1, 0]] and x.nonzero().dtype == fg.int64
    rows, cols = fg.nonzero(x, as_tuple=True)
    assert rows.tolist() == [0, 1] and cols.tolist() == [1, 0]
    assert fg.argwhere(x).tolist() == [[0, 1], [1, 0]]
    assert int(x.count_nonzero()) == 2 and x.count_nonzero(0).tolist() == [1, 1]
    assert fg.nonzero(T([0, 3, 4])).shape == (2, 1)


def test_scans_and_nan_reductions():
    x = T([1.0, 3.0, 3.0, 2.0, 4.0])
    cm = x.cummax(0)
    # Ties take the latest index, as in PyTorch.
    assert cm.values.tolist() == [1, 3, 3, 3, 4] and cm.indices.tolist() == [0, 1, 2, 2, 4]
    cmin = fg.cummin(T([3.0, 1.0, 2.0, 0.0]), 0)
    assert cmin.values.tolist() == [3, 1, 1, 0] and cmin.indices.tolist() == [0, 1, 1, 3]
    m = T(A)
    close(m.cummax(1).values, np.maximum.accumulate(A, 1))
    close(m.logcumsumexp(1), np.log(np.cumsum(np.exp(A), 1)))
    close(T([1000.0, 1000.0]).logcumsumexp(0), [1000.0, 1000.0 + np.log(2.0)])  # no overflow
    close(fg.cumsum(m, dim=0), np.cumsum(A, 0))
    n = T([1.0, float("nan"), 2.0])
    assert float(n.nansum()) == 3.0 and float(fg.nanmean(n)) == 1.5
    close(m.diff(), np.diff(A))
    close(fg.diff(m, 2, dim=0), np.diff(A, 2, axis=0))
    close(m.diff(dim=1, prepend=fg.zeros(3, 1, dtype=fg.float64)), np.diff(A, axis=1, prepend=0))


# ---- elementwise -------------------------------------------------------------------------


ELEMENTWISE = [
    ("absolute", lambda a: a, np.abs), ("acos", lambda a: np.tanh(a), np.arccos),
    ("acosh", lambda a: np.abs(a) + 1.5, np.arccosh), ("asin", lambda a: np.tanh(a), np.arcsin),
    ("asinh", lambda a: a, np.arcsinh), ("atan", lambda a: a, np.arctan),
    ("atanh", lambda a: np.tanh(a), np.arctanh), ("cosh", lambda a: a, np.cosh),
    ("sinh", lambda a: a, np.sinh), ("log10", lambda a: np.abs(a) + 0.5, np.log10),
    ("log1p", lambda a: np.abs(a), np.log1p), ("log2", lambda a: np.abs(a) + 0.5, np.log2),
    ("expm1", lambda a: a, np.expm1), ("exp2", lambda a: a, np.exp2),
    ("rsqrt", lambda a: np.abs(a) + 0.5, lambda a: 1 / np.sqrt(a)), ("sinc", lambda a: a, np.sinc),
    ("deg2rad", lambda a: a, np.deg2rad), ("rad2deg", lambda a: a, np.rad2deg),
    ("frac", lambda a: 3 * a, lambda a: a - np.trunc(a)),
]


@pytest.mark.parametrize("name, domain, reference", ELEMENTWISE, ids=[e[0] for e in ELEMENTWISE])
def test_unary_values_and_gradients(name, domain, reference):
    a = domain(A)
    close(getattr(T(a), name)(), reference(a), rtol=1e-12)
    close(getattr(fg, name)(T(a)), reference(a), rtol=1e-12)
    check_grads(lambda x: getattr(x, name)(), [a], order=2)


def test_unary_functions_promote_integers_to_the_default_float():
    assert T([1, 4]).rsqrt().dtype == fg.float32
    assert T([1, 2]).log2().dtype == fg.float32 and T([1, 2]).erf().dtype == fg.float32
    assert T([2]).float_power(3).dtype == fg.float64


def test_erf_and_special_values():
    close(T([0.0, 1.0, -1.0], dtype=fg.float64).erf(), [0.0, 0.8427007929497149, -0.8427007929497149])
    check_grads(lambda x: x.erf(), [A * 0.5], order=2)
    close(T([-2.0, 0.0, 3.0]).sgn(), [-1, 0, 1])
    z = T([3 + 4j, 0j])
    close(z.sgn(), [0.6 + 0.8j, 0])
    assert T([-0.0, 0.0, -1.0]).signbit().tolist() == [True, False, True]
    assert T([-1.5, 1.5]).trunc().tolist() == [-1.0, 1.0] and fg.fix(T([-1.5])).tolist() == [-1.0]
    assert T([-1.5, 1.25]).frac().tolist() == [-0.5, 0.25]  # the sign of x, as PyTorch


def test_binary_values_and_gradients():
    b = RNG.standard_normal((3, 4))
    x, y = T(A), T(b)
    close(x.atan2(y), np.arctan2(A, b))
    close(fg.atan2(x, y), np.arctan2(A, b))
    close(x.hypot(y), np.hypot(A, b))
    close(x.logaddexp(y), np.logaddexp(A, b))
    close(x.xlogy(T(POS)), A * np.log(POS))
    assert fg.xlogy(T([0.0]), T([0.0])).tolist() == [0.0]
    close(T(5 * A).fmod(1.5), np.fmod(5 * A, 1.5))
    close(T(5 * A).remainder(-1.5), np.remainder(5 * A, -1.5))
    assert T([-3, 3]).floor_divide(2).tolist() == [-2, 1]
    close(T(POS).float_power(1.5), POS ** 1.5)
    close(x.lerp(y, 0.3), A + 0.3 * (b - A))
    close(fg.lerp(x, y, T(POS)), A + POS * (b - A))
    for f in (lambda p, q: p.atan2(q), lambda p, q: p.hypot(q), lambda p, q: p.logaddexp(q),
              lambda p, q: p.lerp(q, 0.3), lambda p, q: p.lerp(q, p.sigmoid()),
              lambda p, q: p.xlogy(q.abs() + 0.5), lambda p, q: p.float_power(2.0)):
        check_grads(f, [A, b], order=2)


def test_logic_and_float_classification():
    p, q = T([True, False, True]), T([True, True, False])
    assert p.logical_and(q).tolist() == [True, False, False]
    assert fg.logical_not(p).tolist() == [False, True, False]
    assert fg.logical_or(p, q).tolist() == [True, True, True]
    assert fg.logical_xor(p, q).tolist() == [False, True, True]
    v = T([1.0, float("inf"), -float("inf"), float("nan")])
    assert v.isinf().tolist() == [False, True, True, False]
    assert fg.isposinf(v).tolist() == [False, True, False, False]
    assert fg.isneginf(v).tolist() == [False, False, True, False]
    assert v.nan_to_num().tolist() == [1.0, np.finfo(np.float32).max, np.finfo(np.float32).min, 0.0]
    assert v.nan_to_num(nan=2.0, posinf=5.0, neginf=-5.0).tolist() == [1.0, 5.0, -5.0, 2.0]


def test_isclose_allclose():
    a, b = T([1.0, 2.0, float("nan")]), T([1.0, 2.1, float("nan")])
    assert a.isclose(b).tolist() == [True, False, False]
    assert fg.isclose(a, b, equal_nan=True).tolist() == [True, False, True]
    assert fg.isclose(a, b, atol=0.2, equal_nan=True).tolist() == [True, True, True]
    assert fg.allclose(T([1.0, 2.0]), T([1.0, 2.0 + 1e-9])) is True
    assert fg.allclose(T([1.0]), T([1.1])) is False


def test_clamp_min_max():
    x = T(A)
    close(x.clamp_min(0.1), np.maximum(A, 0.1))
    close(fg.clamp_max(x, 0.1), np.minimum(A, 0.1))
    check_grads(lambda t: t.clamp_min(0.1) + t.clamp_max(-0.2), [A], order=1)


# ---- products ----------------------------------------------------------------------------


def test_products_values():
    b = RNG.standard_normal((4, 3))
    x = T(A)
    v = RNG.standard_normal(4)
    close(x.mv(T(v)), A @ v)
    bat1, bat2 = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((2, 4, 5))
    close(T(bat1).bmm(T(bat2)), bat1 @ bat2)
    c = RNG.standard_normal((3, 3))
    close(T(c).addmm(x, T(b), beta=0.5, alpha=2.0), 0.5 * c + 2.0 * A @ b)
    close(fg.addmm(T(c), x, T(b)), c + A @ b)
    close(fg.addmm(T([float("nan")] * 3), x, T(b), beta=0), A @ b)  # beta=0 ignores input
    c3 = RNG.standard_normal((2, 3, 5))
    close(fg.baddbmm(T(c3), T(bat1), T(bat2), alpha=0.5), c3 + 0.5 * bat1 @ bat2)
    close(fg.outer(T(v), T(A[0])), np.outer(v, A[0]))
    close(fg.kron(x, T(c)), np.kron(A, c))
    close(fg.cross(T(A[:, :3]), T(b[:3]), dim=1), np.cross(A[:, :3], b[:3], axis=1))
    close(T(A[:, :3]).cross(T(b[:3])), np.cross(A[:, :3], b[:3], axis=0))  # first dim of size 3
    close(fg.vdot(T(v), T(A[1])), np.vdot(v, A[1]))
    close(fg.einsum("ij,kj->ik", x, x), A @ A.T)
    close(fg.einsum("ij,jk", [x, T(b)]), A @ b)


def test_product_gradients():
    b = RNG.standard_normal((4, 3))
    check_grads(lambda p, q: p.mv(q), [A, b[:, 0]], order=2)
    check_grads(lambda p, q: p.reshape(1, 3, 4).bmm(q.reshape(1, 4, 3)), [A, b], order=2)
    check_grads(lambda p, q: p[:, :3].addmm(p, q, beta=0.5, alpha=2.0), [A, b], order=2)
    check_grads(lambda p, q: p[0].outer(q[:, 0]), [A, b], order=2)
    check_grads(lambda p, q: p.kron(q[:2, :2]), [A, b], order=2)
    check_grads(lambda p, q: p[:, :3].cross(q[:3], dim=1), [A, b], order=2)
    check_grads(lambda p, q: fg.einsum("ij,jk->ik", p, q), [A, b], order=2)


def test_cdist_values_and_gradient():
    a, b = RNG.standard_normal((3, 2)), RNG.standard_normal((4, 2))
    pairwise = a[:, None, :] - b[None, :, :]
    close(fg.cdist(T(a), T(b)), np.sqrt((pairwise ** 2).sum(-1)))
    close(fg.cdist(T(a), T(b), p=1.0), np.abs(pairwise).sum(-1))
    close(fg.cdist(T(a), T(b), p=3.0), (np.abs(pairwise) ** 3).sum(-1) ** (1 / 3))
    close(fg.cdist(T(a), T(b), p=float("inf")), np.abs(pairwise).max(-1))
    check_grads(lambda p, q: fg.cdist(p, q), [a, b], order=2)
    check_grads(lambda p, q: fg.cdist(p, q, p=3.0), [a, b], order=1)
    # Coinciding rows: zero distance, zero gradient (not NaN).
    x = T(a, requires_grad=True)
    fg.cdist(x, x).sum().backward()
    assert np.isfinite(np.asarray(x.grad)).all()


def test_meshgrid_broadcast_tensors():
    x, y = fg.meshgrid(T([1, 2, 3]), T([4, 5]), indexing="ij")
    assert x.shape == y.shape == (3, 2) and x.tolist() == [[1, 1], [2, 2], [3, 3]]
    x, y = fg.meshgrid([T([1, 2, 3]), T([4, 5])], indexing="xy")
    assert x.shape == (2, 3)
    a, b = fg.broadcast_tensors(T([1, 2]), T([[0], [10]]))
    assert a.tolist() == [[1, 2], [1, 2]] and b.tolist() == [[0, 0], [10, 10]]
    assert fg.broadcast_shapes((2, 1), (3,)) == (2, 3)
    check_grads(lambda p, q: fg.broadcast_tensors(p, q)[0] * fg.broadcast_tensors(p, q)[1],
                [A[0], A[:, :1]], order=2)


# ---- gradients of the shape and selection group ------------------------------------------


INDEX = np.array([[2, 0, 1, 1], [0, 2, 2, 0]])
SHAPE_FNS = {
    "flip": lambda x: x.flip(0, 1),
    "roll": lambda x: x.roll((1, -1), (0, 1)),
    "gather": lambda x: x.gather(0, T(INDEX)),
    "scatter": lambda x: x.scatter(0, T([[0, 1], [1, 2]]), x[:2, :2] * 3),
    "scatter_add": lambda x: x.scatter_add(0, T(INDEX), x[:2] ** 2),
    "index_select": lambda x: x.index_select(1, T([3, 0, 3])),
    "index_add": lambda x: x.index_add(1, T([1, 1]), x[:, :2] ** 2, alpha=0.5),
    "masked_fill": lambda x: x.masked_fill(T(A > 0), 2.0),
    "masked_fill_value": lambda x: x.masked_fill(T(A > 0), x[0, 0] ** 2),
    "narrow": lambda x: x.narrow(1, 1, 2),
    "select": lambda x: x.select(1, 2),
    "chunk": lambda x: x.chunk(3, 1)[1] * x.chunk(3, 1)[0],
    "split": lambda x: x.split([1, 3], 1)[1] * x.split([1, 3], 1)[0],
    "unbind": lambda x: x.unbind(1)[0] * x.unbind(1)[3],
    "unflatten": lambda x: x.unflatten(1, (2, 2)),
    "repeat": lambda x: x.repeat(2, 1, 2) ** 2,
    "repeat_interleave": lambda x: x.repeat_interleave(T([1, 0, 2]), dim=0) ** 2,
    "tile": lambda x: x.tile((2,)) ** 2,
    "movedim": lambda x: x.reshape(3, 2, 2).movedim(0, -1),
    "tril": lambda x: x.tril(1),
    "triu": lambda x: x.triu(-1),
    "diag": lambda x: x.diag(1),
    "diag_vector": lambda x: x[0].diag(),
    "diagonal": lambda x: x.diagonal(1),
    "trace": lambda x: x[:, :3].trace(),
    "take": lambda x: x.take(T([[0, 11], [5, 5]])),
    "take_along_dim": lambda x: x.take_along_dim(T([[0, 2]]), 1),
    "broadcast_to": lambda x: x[0].broadcast_to((2, 4)) ** 2,
    "rot90": lambda x: x.rot90(1, [0, 1]),
    "sort": lambda x: x.sort(1, descending=True).values,
    "topk": lambda x: x.topk(2, 0).values,
    "median": lambda x: x.median(1).values + x.median(),
    "kthvalue": lambda x: x.kthvalue(2, 0).values,
    "quantile": lambda x: x.quantile(0.3, dim=1),
    "cummax": lambda x: x.cummax(1).values,
    "cummin": lambda x: x.cummin(0).values,
    "logcumsumexp": lambda x: x.logcumsumexp(1),
    "diff": lambda x: x.diff(2, 1) ** 2,
    "nansum": lambda x: x.nansum(0),
}


@pytest.mark.parametrize("name", sorted(SHAPE_FNS))
def test_shape_and_selection_gradients(name):
    check_grads(SHAPE_FNS[name], [A], order=2)


def test_gather_gradient_adds_over_repeated_indices():
    x = T([1.0, 2.0, 3.0], requires_grad=True)
    x.gather(0, T([0, 0, 2])).sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 1.0]


def test_scatter_gradient_skips_overwritten_places():
    x = T([1.0, 2.0, 3.0], requires_grad=True)
    s = T([5.0, 6.0], requires_grad=True)
    (x.scatter(0, T([2, 0]), s) * T([1.0, 10.0, 100.0])).sum().backward()
    assert x.grad.tolist() == [0.0, 10.0, 0.0] and s.grad.tolist() == [100.0, 1.0]


# ---- creation and in place -----------------------------------------------------------------


def test_new_creation_takes_dtype_and_device_from_self():
    x = T([1, 2])  # int64
    assert x.new_zeros(2, 3).dtype == fg.int64 and x.new_zeros((2, 3)).shape == (2, 3)
    assert x.new_ones(2).tolist() == [1, 1]
    assert x.new_full((2,), 7).tolist() == [7, 7] and x.new_full((2,), 7).dtype == fg.int64
    assert x.new_empty(4).shape == (4,)
    assert x.new_tensor([1.5]).tolist() == [1] and x.new_tensor([1.5]).dtype == fg.int64
    f = fg.ones(1, dtype=fg.float64)
    assert f.new_zeros(2).dtype == fg.float64
    assert f.new_zeros(2, dtype=fg.float32).dtype == fg.float32
    r = f.new_ones(2, requires_grad=True)
    assert r.requires_grad and r.is_leaf
    y = T([1.0], requires_grad=True)
    with pytest.warns(UserWarning, match="clone"):  # as PyTorch warns
        copy = y.new_tensor(y)
    assert not copy.requires_grad and copy.is_leaf  # a detached copy


def test_sqrt_abs_in_place_record_their_gradients():
    x = T([4.0, 9.0], requires_grad=True)
    y = x * 1.0
    y.sqrt_()
    assert type(y.grad_fn).__name__ == "SqrtBackward0"
    y.sum().backward()
    close(x.grad, [0.25, 1 / 6])
    x = T([-2.0, 3.0], requires_grad=True)
    y = x * 2.0
    y.abs_().sum().backward()
    assert x.grad.tolist() == [-2.0, 2.0]
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        T([1.0], requires_grad=True).sqrt_()


def test_masked_fill_in_place_on_a_leaf_that_requires_grad_errors():
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        T([1.0, 2.0], requires_grad=True).masked_fill_(T([True, False]), 0.0)
    x = T([1.0, 2.0], requires_grad=True)
    y = x * 3.0
    y.masked_fill_(T([True, False]), 0.0)
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 3.0]


def test_uniform_and_normal_follow_the_seed_and_are_allowed_on_leaves_under_no_grad():
    fg.manual_seed(3)
    a = fg.empty(1000).uniform_(2.0, 3.0)
    fg.manual_seed(3)
    b = fg.empty(1000).uniform_(2.0, 3.0)
    assert a.equal(b) and float(a.min()) >= 2.0 and float(a.max()) < 3.0
    assert 2.4 < float(a.mean()) < 2.6
    g = fg.Generator().manual_seed(1)
    n = fg.empty(4000, dtype=fg.float64).normal_(1.0, 2.0, generator=g)
    assert abs(float(n.mean()) - 1.0) < 0.15 and abs(float(n.std()) - 2.0) < 0.15
    assert n.dtype == fg.float64
    w = fg.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        w.uniform_()
    version = w._version[0]
    with fg.no_grad():
        w.normal_()
    assert w.requires_grad and w.is_leaf and w._version[0] > version
    assert float(w.abs().sum()) > 0


def test_fill_diagonal_follows_pytorch():
    x = fg.zeros(3, 3).fill_diagonal_(5.0)
    close(x, np.diag([5.0] * 3))
    tall = fg.zeros(5, 2).fill_diagonal_(1.0, wrap=True)
    assert tall.tolist() == [[1, 0], [0, 1], [0, 0], [1, 0], [0, 1]]
    assert fg.zeros(5, 2).fill_diagonal_(1.0).tolist() == [[1, 0], [0, 1], [0, 0], [0, 0], [0, 0]]
    with pytest.raises(RuntimeError, match="all dimensions of input must be of equal length"):
        fg.zeros(2, 3, 3).fill_diagonal_(1.0)


# ---- errors, in PyTorch's words --------------------------------------------------------------


X = fg.arange(6.0).reshape(2, 3)
ERRORS = [
    (lambda: X.flip(2), IndexError, r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"),
    (lambda: X.roll(1, 5), IndexError, "Dimension out of range"),
    (lambda: X.gather(1, T([0, 1])), RuntimeError,
     "Index tensor must have the same number of dimensions as input tensor"),
    (lambda: X.gather(1, T([[0], [1], [0]])), RuntimeError,
     r"Size does not match at dimension 0 expected index \[3, 1\] to be no larger than self "
     r"\[2, 3\] apart from dimension 1"),
    (lambda: X.gather(1, T([[0.0]])), RuntimeError, r"gather\(\): Expected dtype int32/int64 for index"),
    (lambda: X.gather(1, T([[5]])), RuntimeError, "index 5 is out of bounds for dimension 1 with size 3"),
    (lambda: X.scatter(1, T([[0, 1, 2, 0]]), X), RuntimeError,
     r"Expected index \[1, 4\] to be no larger than self \[2, 3\] apart from dimension 1 and to "
     r"be no larger size than src \[2, 3\]"),
    (lambda: X.scatter(1, T([[0, 1]]), fg.ones(1, 1)), RuntimeError, r"no larger size than src \[1, 1\]"),
    (lambda: X.scatter_add(1, T([0, 1]), X), RuntimeError,
     "Index tensor must have the same number of dimensions as self tensor"),
    (lambda: X.masked_fill(T([1.0, 0.0, 1.0]), 0), RuntimeError,
     "masked_fill_ only supports boolean masks, but got mask with dtype float"),
    (lambda: X.masked_fill(T([1, 0, 1]), 0), RuntimeError,
     "masked_fill_ only supports boolean masks, but got mask with dtype long int"),
    (lambda: X.masked_fill(T([True, False, True]), T([1.0, 2.0])), RuntimeError,
     r"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension\(s\)."),
    (lambda: X.narrow(1, 2, 2), RuntimeError, r"start \(2\) \+ length \(2\) exceeds dimension size \(3\)."),
    (lambda: X.select(1, 5), IndexError, r"select\(\): index 5 out of range for tensor of size \[2, 3\] at dimension 1"),
    (lambda: X.index_select(1, T([[0]])), IndexError, r"index_select\(\): Index is supposed to be a vector"),
    (lambda: X.index_add(1, T([0, 0]), fg.ones(3, 2)), RuntimeError,
     r"source tensor shape must match self tensor shape, excluding the specified dimension. Got "
     r"self.shape = \[2, 3\] source.shape = \[3, 2\]"),
    (lambda: X.split([1, 1], 1), RuntimeError,
     r"split_with_sizes expects split_sizes to sum exactly to 3 \(input tensor's size at dimension "
     r"1\), but got split_sizes=\[1, 1\]"),
    (lambda: X.chunk(0), RuntimeError, "chunk expects `chunks` to be greater than 0, got: 0"),
    (lambda: X.unbind(3), IndexError, "Dimension out of range"),
    (lambda: X.unflatten(1, (2, 2)), RuntimeError,
     r"unflatten: Provided sizes \[2, 2\] don't multiply up to the size of dim 1 \(3\) in the input tensor"),
    (lambda: X.repeat(2), RuntimeError,
     "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"),
    (lambda: X.repeat_interleave(T([1, 2, 3]), dim=0), RuntimeError,
     r"repeats must have the same size as input along dim, but got repeats.size\(0\) = 3 and input.size\(0\) = 2"),
    (lambda: X.movedim(0, 2), IndexError, "Dimension out of range"),
    (lambda: fg.ones(3).tril(), RuntimeError, "tril: input tensor must have at least 2 dimensions"),
    (lambda: fg.ones(3, 3, 3).diag(), RuntimeError, r"diag\(\): Supports 1D or 2D tensors. Got 3D"),
    (lambda: fg.ones(3, 3, 3).trace(), RuntimeError, "trace: expected a matrix, but got tensor with dim 3"),
    (lambda: X.diagonal(0, 1, 1), RuntimeError, "diagonal dimensions cannot be identical 1, 1"),
    (lambda: X.topk(4), RuntimeError, "selected index k out of range"),
    (lambda: X.kthvalue(4), RuntimeError, r"kthvalue\(\): selected number k out of range for dimension 1"),
    (lambda: X.sort(3), IndexError, "Dimension out of range"),
    (lambda: X.cummax(2), IndexError, "Dimension out of range"),
    (lambda: X.quantile(1.5), RuntimeError, r"quantile\(\) q must be in the range \[0, 1\] but got 1.5"),
    (lambda: X.bmm(X), RuntimeError, "batch1 must be a 3D tensor"),
    (lambda: X.mv(X), RuntimeError, "vector \\+ matrix @ vector expected, got 1, 2, 2"),
    (lambda: X.vdot(X), RuntimeError, "1D tensors expected, but got 2D and 2D tensors"),
    (lambda: fg.cdist(fg.zeros(2, 3), fg.ones(4, 2)), RuntimeError,
     "X1 and X2 must have the same number of columns. X1: 3 X2: 2"),
    (lambda: T([1, 2]).lerp(T([3, 4]), 0.5), NotImplementedError, "\"lerp_kernel_scalar\" not implemented for 'Long'"),
    (lambda: X.roll((1, 2), (0,)), RuntimeError, "shifts and dimensions must align"),
    (lambda: X.rot90(1, [0]), RuntimeError, "expected total rotation dims == 2, but got dims = 1"),
    (lambda: X[:, :2].cross(X[:, :2], dim=1), RuntimeError,
     "linalg.cross: inputs dimension 1 must have length 3. Got 2 and 2"),
    (lambda: X.take_along_dim(T([0]), 1), RuntimeError,
     r"funcgrad.take_along_dim\(\): input and indices should have the same number of dimensions"),
    (lambda: fg.meshgrid(T([1, 2]), indexing="yx"), RuntimeError, "funcgrad.meshgrid: indexing must be one of"),
]


@pytest.mark.parametrize("call, kind, message", ERRORS, ids=[f"error{i}" for i in range(len(ERRORS))])
def test_errors_match_pytorch(call, kind, message):
    with pytest.raises(kind, match=message):
        call()


# ---- on a device: values, indices and gradients stay there ---------------------------------


DEVICE_FNS = {
    "gather": lambda x, d: x.gather(0, d(INDEX)),
    "scatter_add": lambda x, d: x.scatter_add(0, d(INDEX), x[:2]),
    "index_select": lambda x, d: x.index_select(1, d(np.array([3, 0]))),
    "masked_fill": lambda x, d: x.masked_fill(x > 0, 2.0),
    "sort": lambda x, d: x.sort(1).values * x.sort(1).indices,
    "topk": lambda x, d: x.topk(2, 0).values * x.topk(2, 0).indices,
    "median": lambda x, d: x.median(1).values * x.median(1).indices,
    "cummax": lambda x, d: x.cummax(1).values * x.cummax(1).indices,
    "take_along_dim": lambda x, d: x.take_along_dim(d(np.array([[0, 2]])), 1),
    "repeat_interleave": lambda x, d: x.repeat_interleave(2, 0),
    "logcumsumexp": lambda x, d: x.logcumsumexp(1),
    "cdist": lambda x, d: fg.cdist(x, x.flip(0)),
    "addmm": lambda x, d: x[:, :3].addmm(x, x.T[:, :3]),
    "nonzero": lambda x, d: (x > 0).nonzero() * 1.0,
    "unique": lambda x, d: (x > 0).unique(return_counts=True)[1] * 1.0,
}


@pytest.mark.parametrize("name", sorted(DEVICE_FNS))
def test_methods_keep_values_indices_and_gradients_on_the_device(name):
    f = DEVICE_FNS[name]
    cpu_x = _from_array(A.copy()).requires_grad_(True)
    want = f(cpu_x, lambda a: _from_array(a))
    with _fake_cupy.installed() as cp:
        x = _from_array(cp.asarray(A)).requires_grad_(True)
        got = f(x, lambda a: _from_array(cp.asarray(a)))
        assert isinstance(got._data, cp.ndarray)
        np.testing.assert_allclose(got._data.get(), np.asarray(want.detach()))
        if got.requires_grad:
            got.sum().backward()
            want.sum().backward()
            assert isinstance(x.grad._data, cp.ndarray)
            np.testing.assert_allclose(x.grad._data.get(), np.asarray(cpu_x.grad))


FORWARD_FNS = ["gather", "scatter", "scatter_add", "index_add", "masked_fill", "masked_fill_value",
               "repeat_interleave", "sort", "topk", "median", "cummax", "logcumsumexp", "diff",
               "quantile", "take_along_dim"]


@pytest.mark.parametrize("name", FORWARD_FNS)
def test_forward_mode_agrees_with_reverse_mode(name):
    # Reverse mode is checked against finite differences above; forward mode must agree.
    f = SHAPE_FNS[name]
    x = T(A)
    np.testing.assert_allclose(np.asarray(fg.jacfwd(f)(x)), np.asarray(fg.jacrev(f)(x)),
                               rtol=1e-12, atol=1e-12)


def test_forward_mode_through_cdist_and_in_place_fill():
    def f(x):
        return fg.cdist(x, x.flip(0) * 2.0) + (x * 1.0).masked_fill_(T(A > 0), 1.0).sum()

    x = T(A)
    np.testing.assert_allclose(np.asarray(fg.jacfwd(f)(x)), np.asarray(fg.jacrev(f)(x)),
                               rtol=1e-10, atol=1e-12)
