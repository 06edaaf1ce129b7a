"""funcgrad.numpy's products: dot, vdot, inner, outer, tensordot, einsum, kron, cross.

Values are compared with NumPy (on raw arrays, where NumPy itself answers, and on Tensors);
derivatives with central finite differences: reverse mode to second order (check_grads),
and forward mode and batches through jacfwd and jacrev against a finite-difference
Jacobian. The einsum primitive's own rules are checked by tests/test_registry.py.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.ops import Sample
from funcgrad.ops import products as P
from funcgrad.testing import check_grads, check_primitive

RNG = np.random.default_rng(0)


def rand(*shape, dtype=np.float64):
    a = RNG.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * RNG.standard_normal(shape)
    return a.astype(dtype)


def _np(x):
    return x.detach().numpy() if isinstance(x, fg.Tensor) else np.asarray(x)


def fd_jacobian(f, xs, eps=1e-6):
    """Central finite differences, one Jacobian (out.shape + x.shape) per input."""
    xs = [np.array(x, dtype=np.float64) for x in xs]
    out = np.asarray(f(*xs))
    jacs = []
    for k, x in enumerate(xs):
        jac = np.zeros(out.shape + x.shape)
        flat = jac.reshape(out.size, x.size)
        for i in range(x.size):
            plus, minus = [a.copy() for a in xs], [a.copy() for a in xs]
            plus[k].reshape(-1)[i] += eps
            minus[k].reshape(-1)[i] -= eps
            flat[:, i] = (np.asarray(f(*plus)) - np.asarray(f(*minus))).reshape(-1) / (2 * eps)
        jacs.append(jac)
    return jacs


def check_all_modes(f, args, order=2):
    """``f`` (of Tensors, or arrays) vs finite differences in every mode.

    Reverse mode to ``order`` through the tape; for real inputs also jacrev (a batch of
    cotangents) and jacfwd (a batch of tangents) against a finite-difference Jacobian.
    """
    check_grads(f, args, order=order)
    if any(np.iscomplexobj(a) for a in args):
        return
    argnums = tuple(range(len(args)))
    numeric = fd_jacobian(f, args)
    for transform in (fg.jacrev, fg.jacfwd):
        jac = transform(f, argnums=argnums)(*args)
        for j, num in zip(jac, numeric):
            np.testing.assert_allclose(_np(j), num, rtol=1e-6, atol=1e-7, err_msg=transform.__name__)


def assert_same(got, want):
    """A Tensor result equals NumPy's result (value, shape, dtype kind)."""
    assert isinstance(got, fg.Tensor)
    g = _np(got)
    assert g.shape == np.shape(want)
    assert g.dtype == np.asarray(want).dtype
    np.testing.assert_allclose(g, want, rtol=1e-12, atol=1e-12)


def assert_numpy(fn, np_fn, *args, **kwargs):
    """On raw arrays fn returns exactly NumPy's result (type included); on Tensors, the same
    values as a Tensor."""
    want = np_fn(*args, **kwargs)
    got = fn(*args, **kwargs)
    assert type(got) is type(want)
    np.testing.assert_array_equal(got, want)
    tensors = [fg.tensor(a) if isinstance(a, np.ndarray) else a for a in args]
    assert_same(fn(*tensors, **kwargs), want)


# ---- dot --------------------------------------------------------------------------------

DOT_SHAPES = [((), ()), ((), (3, 2)), ((4,), ()), ((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 2)),
              ((3, 4), (4, 2)), ((2, 3, 4), (4,)), ((4,), (2, 4, 3)), ((2, 3, 4), (4, 5)),
              ((3, 4), (2, 4, 5)), ((2, 3, 4), (2, 4, 5)), ((2, 1, 3, 4), (3, 4, 2))]


@pytest.mark.parametrize("sa, sb", DOT_SHAPES)
def test_dot(sa, sb):
    a, b = rand(*sa), rand(*sb)
    assert_numpy(fnp.dot, np.dot, a, b)
    check_all_modes(fnp.dot, [a, b])


def test_dot_uses_matmul_where_it_is_one():
    a, b = fg.tensor(rand(3, 4), requires_grad=True), fg.tensor(rand(4, 2), requires_grad=True)
    assert type(fnp.dot(a, b).grad_fn).__name__ == "MmBackward0"
    a3 = fg.tensor(rand(2, 3, 4), requires_grad=True)
    b3 = fg.tensor(rand(2, 4, 5), requires_grad=True)
    assert type(fnp.dot(a3, b3).grad_fn).__name__ == "EinsumBackward0"


def test_dot_complex_and_mixed():
    a, b = rand(2, 3, dtype=np.complex128), rand(3, 2, dtype=np.complex128)
    assert_same(fnp.dot(fg.tensor(a), fg.tensor(b)), np.dot(a, b))
    check_grads(fnp.dot, [a, b])
    # A Tensor with an array or a list.
    assert_same(fnp.dot(fg.tensor(a.real), [1.0, 2.0, 3.0]), np.dot(a.real, [1.0, 2.0, 3.0]))


def test_dot_float32_keeps_dtype():
    a, b = rand(3, 4, dtype=np.float32), rand(2, 4, 5, dtype=np.float32)
    got = fnp.dot(fg.tensor(a), fg.tensor(b))
    assert got.dtype == np.float32
    np.testing.assert_allclose(_np(got), np.dot(a, b), rtol=1e-5)


def test_dot_errors():
    with pytest.raises(ValueError, match="dot"):
        fnp.dot(fg.tensor(rand(3, 4)), fg.tensor(rand(3, 4)))
    with pytest.raises(ValueError, match="dot"):
        fnp.dot(fg.tensor(rand(2, 3, 4)), fg.tensor(rand(2, 3, 4)))
    with pytest.raises(TypeError, match="out="):
        fnp.dot(fg.tensor(rand(3)), fg.tensor(rand(3)), out=np.empty(()))


# ---- vdot, inner, outer -----------------------------------------------------------------


@pytest.mark.parametrize("sa, sb", [((4,), (4,)), ((2, 3), (3, 2)), ((6,), (2, 3)), ((), ())])
def test_vdot(sa, sb):
    a, b = rand(*sa), rand(*sb)
    assert_numpy(fnp.vdot, np.vdot, a, b)
    check_all_modes(fnp.vdot, [a, b])


def test_vdot_conjugates_its_first_argument():
    a, b = rand(2, 3, dtype=np.complex128), rand(6, dtype=np.complex128)
    assert_numpy(fnp.vdot, np.vdot, a, b)
    assert_numpy(fnp.vdot, np.vdot, a, b.real)
    assert_numpy(fnp.vdot, np.vdot, a.real, b)
    check_grads(fnp.vdot, [a, b], order=2)
    # d vdot / d b = conj(a) (holomorphic in b); the VJP with a unit cotangent gives it.
    ta, tb = fg.tensor(a), fg.tensor(b, requires_grad=True)
    fnp.vdot(ta, tb).backward(fg.tensor(np.array(1.0 + 0j)))
    np.testing.assert_allclose(_np(tb.grad), np.conj(a).ravel())


def test_vdot_errors():
    with pytest.raises(ValueError, match="vdot"):
        fnp.vdot(fg.tensor(rand(3)), fg.tensor(rand(4)))


def test_conj_rules():
    check_primitive(P.conj, Sample((3, 2), dtype=np.complex128))
    check_primitive(P.conj, Sample((3,)))


@pytest.mark.parametrize("sa, sb", [((), (3,)), ((4,), ()), ((4,), (4,)), ((3, 4), (4,)), ((4,), (2, 4)),
                                    ((2, 3, 4), (5, 4)), ((3, 4), (2, 5, 4)), ((2, 4), (3, 2, 4))])
def test_inner(sa, sb):
    a, b = rand(*sa), rand(*sb)
    assert_numpy(fnp.inner, np.inner, a, b)
    check_all_modes(fnp.inner, [a, b])


def test_inner_complex_does_not_conjugate():
    a, b = rand(2, 3, dtype=np.complex128), rand(4, 3, dtype=np.complex128)
    assert_same(fnp.inner(fg.tensor(a), fg.tensor(b)), np.inner(a, b))
    check_grads(fnp.inner, [a, b])
    with pytest.raises(ValueError, match="inner"):
        fnp.inner(fg.tensor(rand(3)), fg.tensor(rand(4)))


@pytest.mark.parametrize("sa, sb", [((3,), (4,)), ((2, 2), (3,)), ((), (2,))])
def test_outer(sa, sb):
    a, b = rand(*sa), rand(*sb)
    assert_numpy(fnp.outer, np.outer, a, b)
    check_all_modes(fnp.outer, [a, b])
    with pytest.raises(TypeError, match="out="):
        fnp.outer(fg.tensor(a), b, out=np.empty((1,)))


def test_outer_complex():
    a, b = rand(3, dtype=np.complex128), rand(2, dtype=np.complex128)
    assert_same(fnp.outer(fg.tensor(a), fg.tensor(b)), np.outer(a, b))
    check_grads(fnp.outer, [a, b])


# ---- tensordot ---------------------------------------------------------------------------

TENSORDOT_CASES = [((3, 4, 5), (4, 5, 2), 2), ((3, 4), (4, 2), 1), ((3,), (2,), 0), ((2, 3), (2, 3), 2),
                   ((3, 4, 5), (5, 4, 2), ([1, 2], [1, 0])), ((3, 4, 5), (2, 3), (0, 1)),
                   ((3, 4, 5), (4, 3), ([-2, 0], [0, -1])), ((2, 3), (3, 2), ((1,), (0,)))]


@pytest.mark.parametrize("sa, sb, axes", TENSORDOT_CASES)
def test_tensordot(sa, sb, axes):
    a, b = rand(*sa), rand(*sb)
    assert_numpy(fnp.tensordot, np.tensordot, a, b, axes=axes)
    check_all_modes(lambda x, y: fnp.tensordot(x, y, axes), [a, b])


def test_tensordot_default_axes_and_complex():
    a, b = rand(2, 3, 4, dtype=np.complex128), rand(3, 4, 2, dtype=np.complex128)
    assert_same(fnp.tensordot(fg.tensor(a), fg.tensor(b)), np.tensordot(a, b))
    check_grads(fnp.tensordot, [a, b])


def test_tensordot_errors():
    a, b = fg.tensor(rand(3, 4)), fg.tensor(rand(5, 4))
    with pytest.raises(ValueError, match="shape-mismatch"):
        fnp.tensordot(a, b, 1)
    with pytest.raises(ValueError, match="tensordot"):
        fnp.tensordot(a, b, 3)
    with pytest.raises(ValueError, match="shape-mismatch"):
        fnp.tensordot(a, b, ([1], [1, 0]))
    with pytest.raises(np.exceptions.AxisError):
        fnp.tensordot(a, b, ([2], [1]))


# ---- einsum ------------------------------------------------------------------------------

EINSUM_CASES = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("ij,jk", [(3, 4), (4, 5)]),
    ("ba,cb", [(3, 4), (5, 3)]),  # implicit: sorted output "ac"
    ("bA", [(3, 4)]),  # implicit: ASCII order, upper case first
    ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]),
    ("iij->ij", [(3, 3, 2)]),
    ("iii->i", [(2, 2, 2)]),
    ("ij->ji", [(3, 4)]),
    ("ij->", [(3, 4)]),
    ("i,i", [(4,), (4,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ij,ij->ij", [(3, 4), (3, 4)]),
    ("ij,kj->ik", [(3, 4), (5, 4)]),
    ("ij,jk->i", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 3)]),
    ("ij,jk,kl->il", [(3, 4), (4, 2), (2, 5)]),
    ("ij,jk,kl,lm->mi", [(2, 3), (3, 2), (2, 4), (4, 2)]),
    ("i,i,i->", [(3,), (3,), (3,)]),
    ("ii,ij,jk->k", [(3, 3), (3, 4), (4, 2)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (4, 2)]),
    ("...ij,...jk", [(1, 3, 4), (5, 4, 2)]),  # ellipsis dims broadcast
    ("...ii->...i", [(2, 3, 3)]),
    ("i...->...", [(2, 3, 4)]),
    ("...", [(2, 3)]),
    ("ij...,j->i...", [(3, 4, 2), (4,)]),
    ("ij,j->ij", [(3, 1), (4,)]),  # a size-1 label broadcasts
    ("ij,ij->i", [(3, 1), (3, 4)]),
    (",ij", [(), (2, 3)]),
    ("", [()]),
]


@pytest.mark.parametrize("spec, shapes", EINSUM_CASES)
def test_einsum(spec, shapes):
    ops = [rand(*s) for s in shapes]
    assert_numpy(fnp.einsum, np.einsum, spec, *ops)
    check_all_modes(lambda *xs: fnp.einsum(spec, *xs), ops)


@pytest.mark.parametrize("spec, shapes", [("ij,jk->ik", [(2, 3), (3, 2)]), ("ii->i", [(3, 3)]),
                                          ("...ij,j", [(2, 2, 3), (3,)]), ("ij,jk,ki", [(2, 3), (3, 2), (2, 2)])])
def test_einsum_complex(spec, shapes):
    ops = [rand(*s, dtype=np.complex128) for s in shapes]
    assert_same(fnp.einsum(spec, *[fg.tensor(o) for o in ops]), np.einsum(spec, *ops))
    check_grads(lambda *xs: fnp.einsum(spec, *xs), ops)


def test_einsum_sublist_form():
    a, b = rand(3, 4), rand(4, 2)
    for args in [(a, [0, 1], b, [1, 2], [0, 2]), (a, [0, 1], b, [1, 2]), (a, [Ellipsis, 1], b, [1, 2], [Ellipsis, 2])]:
        want = np.einsum(*args)
        np.testing.assert_array_equal(fnp.einsum(*args), want)
        targs = tuple(fg.tensor(x) if isinstance(x, np.ndarray) else x for x in args)
        assert_same(fnp.einsum(*targs), want)
    check_all_modes(lambda x, y: fnp.einsum(x, [0, 1], y, [1, 2], [2, 0]), [a, b])


def test_einsum_optimize_is_accepted_and_dtype_honoured():
    a, b = rand(3, 4), rand(4, 5)
    for optimize in (False, True, "greedy", "optimal"):
        assert_same(fnp.einsum("ij,jk", fg.tensor(a), fg.tensor(b), optimize=optimize), np.einsum("ij,jk", a, b))
    a32 = a.astype(np.float32)
    got = fnp.einsum("ij,jk", fg.tensor(a32), fg.tensor(b), dtype=np.float32, casting="same_kind")
    assert got.dtype == np.float32
    np.testing.assert_allclose(_np(got), np.einsum("ij,jk", a32, b, dtype=np.float32, casting="same_kind"), rtol=1e-5)
    with pytest.raises(TypeError, match="cast"):
        fnp.einsum("ij,jk", fg.tensor(a), fg.tensor(b), dtype=np.float32)
    with pytest.raises(TypeError, match="out="):
        fnp.einsum("ij,jk", fg.tensor(a), b, out=np.empty((3, 5)))
    with pytest.raises(TypeError, match="unexpected"):
        fnp.einsum("ij,jk", fg.tensor(a), b, bogus=1)


@pytest.mark.parametrize("spec, shapes, match", [
    ("ij,jk->ik", [(3, 4), (5, 2)], "size"),
    ("ij,jk->ik", [(3, 4)], "operand"),
    ("ijk", [(3, 4)], "dimension"),
    ("ii", [(3, 4)], "different sizes"),
    ("ij->ik", [(3, 4)], "appears in no operand"),
    ("ij->ii", [(3, 3)], "more than once"),
    ("i1", [(3, 4)], "invalid subscript"),
    ("...i->i", [(2, 3)], r"\.\.\."),
    ("i..j", [(3, 4)], "ellipsis"),
    ("ij->i->j", [(3, 4)], "once"),
])
def test_einsum_errors(spec, shapes, match):
    ops = [fg.tensor(rand(*s)) for s in shapes]
    with pytest.raises(ValueError, match=match):
        fnp.einsum(spec, *ops)


def test_einsum_hessian_of_a_quadratic_form():
    A = rand(4, 4)
    x = rand(4)
    h = fg.hessian(lambda v: fnp.einsum("i,ij,j", v, A, v))(x)
    np.testing.assert_allclose(_np(h), A + A.T, rtol=1e-12)
    _, t = fg.jvp(lambda v: fnp.einsum("i,ij,j", v, A, v), (x,), (np.ones(4),))
    np.testing.assert_allclose(_np(t), np.ones(4) @ (A + A.T) @ x, rtol=1e-12)


def test_einsum_third_order():
    a, b = rand(3, 3), rand(3, 2)
    check_grads(lambda x, y: fnp.einsum("ii,ij->j", x, y) * fnp.einsum("ij->i", y)[:2], [a, b], order=3)


def test_einsum_result_does_not_alias_its_input():
    x = fg.tensor(rand(3, 3))
    for spec in ("ij", "ij->ji", "ii->i"):
        y = fnp.einsum(spec, x)
        assert not np.shares_memory(_np(y), _np(x))


def test_einsum_path_reads_shapes():
    ops = [rand(2, 3), rand(3, 4), rand(4, 5)]
    want = np.einsum_path("ij,jk,kl", *ops)
    got = fnp.einsum_path("ij,jk,kl", *[fg.tensor(o) for o in ops])
    assert got[0] == want[0]


# ---- kron --------------------------------------------------------------------------------


@pytest.mark.parametrize("sa, sb", [((2,), (3,)), ((2, 3), (2, 2)), ((3,), (2, 2)), ((2, 1, 2), (2,)), ((), (3,)),
                                    ((2, 2), ())])
def test_kron(sa, sb):
    a, b = rand(*sa), rand(*sb)
    assert_numpy(fnp.kron, np.kron, a, b)
    check_all_modes(fnp.kron, [a, b])


def test_kron_complex():
    a, b = rand(2, 2, dtype=np.complex128), rand(2, 3, dtype=np.complex128)
    assert_same(fnp.kron(fg.tensor(a), fg.tensor(b)), np.kron(a, b))
    check_grads(fnp.kron, [a, b])


# ---- cross -------------------------------------------------------------------------------

CROSS_CASES = [((3,), (3,), {}), ((4, 3), (3,), {}), ((2, 1, 3), (4, 3), {}), ((3, 4), (4, 3), {"axisa": 0}),
               ((3, 4), (3, 4), {"axis": 0}), ((4, 3), (4, 3), {"axisc": 0}), ((3, 2, 5), (5, 3), {"axisa": 0, "axisc": 1}),
               ((3,), (2,), {}), ((2,), (3,), {}), ((4, 2), (4, 3), {"axisc": 0})]


@pytest.mark.parametrize("sa, sb, kwargs", CROSS_CASES)
def test_cross(sa, sb, kwargs):
    a, b = rand(*sa), rand(*sb)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert_numpy(fnp.cross, np.cross, a, b, **kwargs)
        check_all_modes(lambda x, y: fnp.cross(x, y, **kwargs), [a, b])


def test_cross_two_vectors_warn_as_numpy_does():
    a, b = rand(4, 2), rand(4, 2)
    with pytest.warns(DeprecationWarning):
        got = fnp.cross(fg.tensor(a), fg.tensor(b))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert_same(got, np.cross(a, b))
        check_all_modes(fnp.cross, [a, b])


def test_cross_complex_and_int():
    a, b = rand(2, 3, dtype=np.complex128), rand(3, dtype=np.complex128)
    assert_same(fnp.cross(fg.tensor(a), fg.tensor(b)), np.cross(a, b))
    check_grads(fnp.cross, [a, b])
    ia, ib = np.arange(6).reshape(2, 3), np.array([1, 0, 2])
    assert_same(fnp.cross(fg.tensor(ia), fg.tensor(ib)), np.cross(ia, ib))


def test_cross_errors():
    with pytest.raises(ValueError, match="dimension must be 2 or 3"):
        fnp.cross(fg.tensor(rand(4)), fg.tensor(rand(3)))
    with pytest.raises(np.exceptions.AxisError):
        fnp.cross(fg.tensor(rand(3)), fg.tensor(rand(3)), axisa=1)
    with pytest.raises(np.exceptions.AxisError):
        fnp.cross(fg.tensor(rand(3)), fg.tensor(rand(3)), axisc=1)


# ---- NumPy's own functions on Tensors ----------------------------------------------------


def test_numpy_functions_dispatch_to_funcgrad():
    a, b = rand(3, 3), rand(3, 3)
    x = fg.tensor(a, requires_grad=True)
    cases = [(np.dot, (x, b), {}), (np.vdot, (x, b), {}), (np.inner, (x, b), {}), (np.outer, (x, b), {}),
             (np.tensordot, (x, b), {"axes": 1}), (np.einsum, ("ij,jk", x, b), {}), (np.kron, (x, b), {}),
             (np.cross, (x, b), {})]
    for fn, args, kwargs in cases:
        got = fn(*args, **kwargs)
        assert isinstance(got, fg.Tensor) and got.requires_grad, fn.__name__
        raw = tuple(a if arg is x else arg for arg in args)
        np.testing.assert_allclose(_np(got), fn(*raw, **kwargs), rtol=1e-12, err_msg=fn.__name__)
    fnp.sum(np.einsum("ij,jk->ik", x, b)).backward()
    np.testing.assert_allclose(_np(x.grad), np.ones((3, 3)) @ b.T, rtol=1e-12)


def test_einsum_matches_numpy_on_large_operands():
    a, b = rand(64, 80), rand(80, 96)
    c = rand(96, 8)
    want = np.einsum("ij,jk,kl->il", a, b, c)
    np.testing.assert_allclose(_np(fnp.einsum("ij,jk,kl->il", fg.tensor(a), b, c)), want, rtol=1e-10)


@pytest.mark.parametrize("name", ["vecdot", "matvec", "vecmat"])
def test_numpy2_vector_gufuncs(name):
    import funcgrad.numpy as fnp
    from funcgrad.testing import check_grads

    rng = np.random.default_rng(3)
    a = rng.standard_normal((2, 3, 4)) if name != "vecmat" else rng.standard_normal((2, 4))
    b = rng.standard_normal((2, 4)) if name != "vecmat" else rng.standard_normal((2, 4, 3))
    if name == "vecdot":
        b = rng.standard_normal((3, 4))
    ours, theirs = getattr(fnp, name), getattr(np, name)
    np.testing.assert_allclose(ours(a, b), theirs(a, b))
    np.testing.assert_allclose(theirs(fg.tensor(a), b).numpy(), theirs(a, b))  # dispatch records
    check_grads(lambda x, y: fnp.sum(ours(x, y) ** 2), [a, b], order=2)
