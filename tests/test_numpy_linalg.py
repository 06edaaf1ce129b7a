"""funcgrad.numpy.linalg: values against NumPy, derivatives against finite differences of
NumPy itself (reverse and forward mode, second order), conventions, errors.

The primitives' rules are also checked by tests/test_registry.py on their samples; here the
public functions (NumPy's signatures, composites, packing and unpacking) are.
"""

from __future__ import annotations

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad.testing import check_grads

LA = fnp.linalg
RNG = np.random.default_rng(7)


def _np(x):
    if isinstance(x, fg.Tensor):
        x = x.detach().numpy()
    return np.asarray(x)


def assert_close(got, want, rtol=1e-9, atol=1e-11):
    np.testing.assert_allclose(_np(got), np.asarray(want), rtol=rtol, atol=atol)


def well_conditioned(*shape):
    x = RNG.uniform(-1, 1, shape)
    m, n = shape[-2:]
    return x + 2 * max(m, n) * np.eye(m, n)


def spd(*shape):
    x = RNG.uniform(-1, 1, shape)
    return x @ np.swapaxes(x, -1, -2) + shape[-1] * np.eye(shape[-1])


def symmetric(n, spectrum=(-2.3, -0.6, 1.1, 2.9, 4.4)):
    q = np.linalg.qr(RNG.standard_normal((n, n)))[0]
    return (q * np.array(spectrum[:n])) @ q.T


def separated_singular_values(m, n):
    u, _, vh = np.linalg.svd(RNG.standard_normal((m, n)), full_matrices=False)
    return (u * np.linspace(3, 1, min(m, n))) @ vh


def fd_jacobian(f, x, eps=1e-6):
    """Central finite differences of ``f`` (run on arrays: NumPy itself)."""
    x = np.array(x, dtype=np.float64)
    out = np.asarray(f(x))
    jac = np.zeros(out.shape + x.shape)
    flat = jac.reshape(out.size, x.size)
    for i in range(x.size):
        plus, minus = x.copy(), x.copy()
        plus.reshape(-1)[i] += eps
        minus.reshape(-1)[i] -= eps
        flat[:, i] = (np.asarray(f(plus)) - np.asarray(f(minus))).reshape(-1) / (2 * eps)
    return jac


def check_jacobians(f, x, rtol=1e-5, atol=1e-6):
    """jacrev (reverse) and jacfwd (forward) of ``f`` against finite differences of NumPy."""
    want = fd_jacobian(f, x)
    for transform in (fg.jacrev, fg.jacfwd):
        got = transform(f)(x)
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=transform.__name__)


def check(f, *args, order=2):
    check_grads(f, [np.asarray(a) for a in args], order=order)


def tensor(x):
    return fg.tensor(np.asarray(x, dtype=np.float64))


# ---- arrays pass through to NumPy --------------------------------------------------------


def test_arrays_give_numpys_results():
    a, b = well_conditioned(3, 3), RNG.standard_normal(3)
    s = spd(3, 3)
    assert_close(LA.inv(a), np.linalg.inv(a))
    assert_close(LA.det(a), np.linalg.det(a))
    assert type(LA.slogdet(a)) is type(np.linalg.slogdet(a))
    assert_close(LA.solve(a, b), np.linalg.solve(a, b))
    assert_close(LA.cholesky(s, upper=True), np.linalg.cholesky(s, upper=True))
    assert type(LA.qr(a)) is type(np.linalg.qr(a))
    assert type(LA.eigh(s)) is type(np.linalg.eigh(s))
    assert type(LA.svd(a)) is type(np.linalg.svd(a))
    assert_close(LA.norm(a, "nuc"), np.linalg.norm(a, "nuc"))
    assert_close(LA.pinv(a[:, :2]), np.linalg.pinv(a[:, :2]))
    assert_close(LA.matrix_power(a, -2), np.linalg.matrix_power(a, -2))
    x, res, rank, sv = LA.lstsq(a[:, :2], b)
    for got, want in zip((x, res, rank, sv), np.linalg.lstsq(a[:, :2], b)):
        assert_close(got, want)
    assert_close(LA.multi_dot([a, a, b]), np.linalg.multi_dot([a, a, b]))
    assert_close(LA.cond(a, 1), np.linalg.cond(a, 1))
    assert LA.matrix_rank(a) == 3
    assert isinstance(LA.inv([[2.0, 0.0], [0.0, 4.0]]), np.ndarray)


# ---- inverses, determinants, powers ------------------------------------------------------


def test_inv_values_and_derivatives():
    a = well_conditioned(2, 3, 3)
    out = LA.inv(tensor(a))
    assert isinstance(out, fg.Tensor)
    assert_close(out, np.linalg.inv(a))
    check(LA.inv, a)
    check_jacobians(LA.inv, a[0])


def test_det_and_slogdet():
    a = well_conditioned(2, 3, 3)
    a[1] = -a[1]  # a negative determinant: slogdet's sign is -1
    assert_close(LA.det(tensor(a)), np.linalg.det(a))
    sign, logdet = LA.slogdet(tensor(a))
    want = np.linalg.slogdet(a)
    assert_close(sign, want.sign)
    assert_close(logdet, want.logabsdet)
    check(LA.det, a)
    check(lambda a: LA.slogdet(a).logabsdet, a)
    check_jacobians(LA.det, a[1])
    check_jacobians(lambda a: LA.slogdet(a)[1], a[1])
    # The sign is piecewise constant: its gradient is exactly zero.
    assert np.all(fg.grad(lambda a: LA.slogdet(a).sign.sum())(a) == 0)


def test_det_of_a_singular_matrix_raises_for_the_gradient():
    a = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert_close(LA.det(tensor(a)), 0.0)
    with pytest.raises(np.linalg.LinAlgError):
        fg.grad(LA.det)(a)


def test_complex_inv_det_solve_are_holomorphic():
    a = well_conditioned(3, 3) + 1j * RNG.uniform(-1, 1, (3, 3))
    b = RNG.standard_normal((3, 2)) + 1j * RNG.standard_normal((3, 2))
    assert_close(LA.inv(fg.tensor(a)), np.linalg.inv(a))
    check(LA.inv, a)
    check(LA.det, a)
    check(LA.solve, a, b)
    # d det / dA = det(A) A^-T, not conjugated (JAX's convention)
    ta = fg.tensor(a, requires_grad=True)
    LA.det(ta).backward(fg.tensor(np.array(1.0 + 0j)))
    assert_close(ta.grad, np.linalg.det(a) * np.linalg.inv(a).T)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, -1, -3])
def test_matrix_power(n):
    a = well_conditioned(2, 3, 3) / 6
    out = LA.matrix_power(tensor(a), n)
    assert_close(out, np.linalg.matrix_power(a, n), rtol=1e-8)
    check(lambda a: LA.matrix_power(a, n), a)
    if n == 0:
        assert np.all(fg.grad(lambda a: LA.matrix_power(a, 0).sum())(a) == 0)


def test_matrix_power_errors():
    with pytest.raises(TypeError, match="integer"):
        LA.matrix_power(tensor(np.eye(2)), 1.5)
    with pytest.raises(np.linalg.LinAlgError, match="square"):
        LA.matrix_power(tensor(np.ones((2, 3))), 2)


def test_pinv_full_rank_tall_wide_and_stacked():
    for shape in [(4, 3), (3, 5), (2, 3, 3)]:
        a = well_conditioned(*shape)
        assert_close(LA.pinv(tensor(a)), np.linalg.pinv(a))
        check(LA.pinv, a)
    a = well_conditioned(4, 3)
    check_jacobians(LA.pinv, a)
    # rcond / rtol / hermitian follow NumPy
    s = symmetric(3)
    lower = np.tril(s) + np.triu(RNG.standard_normal((3, 3)), 1)  # upper triangle ignored
    assert_close(LA.pinv(tensor(lower), hermitian=True), np.linalg.pinv(lower, hermitian=True))
    check_jacobians(lambda a: LA.pinv(a, hermitian=True), lower)
    assert_close(LA.pinv(tensor(a), rtol=None), np.linalg.pinv(a, rtol=None))
    with pytest.raises(ValueError, match="both"):
        LA.pinv(tensor(a), rcond=1e-3, rtol=1e-3)


def test_pinv_rank_deficient_cuts_and_differentiates_on_constant_rank():
    u = np.linalg.qr(RNG.standard_normal((4, 4)))[0][:, :2]
    v = np.linalg.qr(RNG.standard_normal((3, 3)))[0][:, :2]
    a = u @ np.diag([2.0, 1.0]) @ v.T  # rank 2
    assert_close(LA.pinv(tensor(a), rcond=1e-10), np.linalg.pinv(a, rcond=1e-10), atol=1e-9)
    # Along a rank-preserving direction the derivative matches finite differences.
    direction = u @ np.diag([0.3, -0.7]) @ v.T
    eps = 1e-6
    numeric = (np.linalg.pinv(a + eps * direction, rcond=1e-10)
               - np.linalg.pinv(a - eps * direction, rcond=1e-10)) / (2 * eps)
    _, tangent = fg.jvp(lambda a: LA.pinv(a, rcond=1e-10), (a,), (direction,))
    assert_close(tangent, numeric, rtol=1e-5, atol=1e-7)


# ---- linear systems ----------------------------------------------------------------------


@pytest.mark.parametrize("a_shape, b_shape", [
    ((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (3,)), ((2, 3, 3), (2, 3, 1)),
    ((3, 3), (2, 3, 2)), ((2, 1, 3, 3), (4, 3, 2)),
])
def test_solve_shapes_as_numpy_2(a_shape, b_shape):
    a, b = well_conditioned(*a_shape), RNG.standard_normal(b_shape)
    out = LA.solve(tensor(a), tensor(b))
    assert out.shape == np.linalg.solve(a, b).shape
    assert_close(out, np.linalg.solve(a, b))
    check(LA.solve, a, b)


def test_solve_takes_lists_beside_tensors():
    a = [[2.0, 1.0], [1.0, 3.0]]
    assert_close(LA.solve(a, tensor([1.0, 2.0])), np.linalg.solve(a, [1.0, 2.0]))
    assert_close(LA.solve(tensor(a), [[1.0], [2.0]]), np.linalg.solve(a, [[1.0], [2.0]]))
    assert_close(LA.lstsq(a, tensor([1.0, 2.0]))[0], np.linalg.solve(a, [1.0, 2.0]))
    assert_close(LA.multi_dot([a, tensor(a), [1.0, 0.0]]), np.linalg.multi_dot([a, a, [1.0, 0.0]]))


def test_solve_jacobians_both_arguments():
    a, b = well_conditioned(3, 3), RNG.standard_normal(3)
    check_jacobians(lambda a: LA.solve(a, b), a)
    check_jacobians(lambda b: LA.solve(a, b), b)


@pytest.mark.parametrize("m, n, b_ndim", [(5, 3, 1), (5, 3, 2), (3, 3, 1), (2, 4, 1), (2, 4, 2)])
def test_lstsq(m, n, b_ndim):
    a = well_conditioned(m, n)
    b = RNG.standard_normal((m,) if b_ndim == 1 else (m, 2))
    x, res, rank, s = LA.lstsq(tensor(a), tensor(b))
    want = np.linalg.lstsq(a, b)
    assert_close(x, want[0])
    assert _np(res).shape == want[1].shape
    assert_close(res, want[1], rtol=1e-8, atol=1e-10)
    assert rank == want[2]
    assert_close(s, want[3])
    check(lambda a, b: LA.lstsq(a, b)[0], a, b)
    check_jacobians(lambda a: LA.lstsq(a, b)[0], a)
    if m > n:
        check(lambda a, b: LA.lstsq(a, b)[1], a, b)


def test_lstsq_errors():
    with pytest.raises(np.linalg.LinAlgError, match="Incompatible"):
        LA.lstsq(tensor(np.ones((3, 2))), tensor(np.ones(4)))
    with pytest.raises(np.linalg.LinAlgError, match="two-dimensional"):
        LA.lstsq(tensor(np.ones((2, 3, 2))), tensor(np.ones(3)))


def test_tensorsolve_and_tensorinv():
    a = well_conditioned(6, 6).reshape(6, 2, 3)
    b = RNG.standard_normal(6)
    assert_close(LA.tensorsolve(tensor(a), tensor(b)), np.linalg.tensorsolve(a, b))
    check(LA.tensorsolve, a, b)
    a4 = well_conditioned(6, 6).reshape(6, 2, 3)
    b2 = RNG.standard_normal((2, 3))
    assert_close(LA.tensorsolve(tensor(a4), tensor(b2), axes=(0,)),
                 np.linalg.tensorsolve(a4, b2, axes=(0,)))
    inv_in = well_conditioned(6, 6).reshape(2, 3, 6)
    assert_close(LA.tensorinv(tensor(inv_in)), np.linalg.tensorinv(inv_in))
    check(lambda a: LA.tensorinv(a, ind=2), inv_in)
    with pytest.raises(ValueError):
        LA.tensorinv(tensor(inv_in), ind=0)


# ---- Cholesky ----------------------------------------------------------------------------


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_reads_one_triangle(upper):
    s = spd(2, 3, 3)
    # Garbage in the triangle NumPy does not read.
    noise = np.triu(RNG.standard_normal((3, 3)), 1)
    a = s + (noise.T if upper else noise)
    out = LA.cholesky(tensor(a), upper=upper)
    assert_close(out, np.linalg.cholesky(a, upper=upper))
    check(lambda a: LA.cholesky(a, upper=upper), a)
    # Derivatives agree with finite differences of NumPy in every direction, so the
    # unread triangle gets exactly zero gradient.
    check_jacobians(lambda a: LA.cholesky(a, upper=upper), a[0])
    g = fg.grad(lambda a: LA.cholesky(a, upper=upper).sum())(a)
    unread = np.tril(np.ones((3, 3)), -1) if upper else np.triu(np.ones((3, 3)), 1)
    assert np.all(g[..., unread.astype(bool)] == 0)


def test_cholesky_log_det_gradient_is_the_inverse():
    # log det S = 2 sum log diag L, with gradient S^-1 with respect to the symmetric S;
    # carried back to the lower triangle that cholesky reads: 2 tril(S^-1, -1) + diag(S^-1).
    s = spd(4, 4)
    g = fg.grad(lambda a: 2 * fnp.sum(fnp.log(LA.diagonal(LA.cholesky(a)))))(s)
    s_inv = np.linalg.inv(s)
    assert_close(g, 2 * np.tril(s_inv, -1) + np.diag(np.diag(s_inv)))


def test_cholesky_not_positive_definite_raises():
    with pytest.raises(np.linalg.LinAlgError):
        LA.cholesky(tensor(-np.eye(2)))


# ---- QR ----------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (3, 5), (2, 4, 2), (2, 2, 3)])
def test_qr_reduced(shape):
    a = well_conditioned(*shape)
    q, r = LA.qr(tensor(a))
    want = np.linalg.qr(a)
    assert_close(q, want.Q)
    assert_close(r, want.R)
    check(lambda a: LA.qr(a).Q, a)
    check(lambda a: LA.qr(a).R, a)
    if len(shape) == 2:
        check_jacobians(lambda a: LA.qr(a)[0], a)
        check_jacobians(lambda a: LA.qr(a)[1], a)


def test_qr_modes():
    tall, wide = well_conditioned(4, 3), well_conditioned(2, 3)
    assert_close(LA.qr(tensor(tall), mode="r"), np.linalg.qr(tall, mode="r"))
    check(lambda a: LA.qr(a, mode="r"), tall)
    q, r = LA.qr(tensor(wide), mode="complete")
    assert_close(q, np.linalg.qr(wide, mode="complete").Q)
    with pytest.raises(NotImplementedError, match="complete"):
        LA.qr(tensor(tall), mode="complete")
    with pytest.raises(NotImplementedError, match="raw"):
        LA.qr(tensor(tall), mode="raw")
    with pytest.raises(ValueError, match="mode"):
        LA.qr(tensor(tall), mode="full")


# ---- eigh / eigvalsh ---------------------------------------------------------------------


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh(uplo):
    s = symmetric(4)
    noise = np.triu(RNG.standard_normal((4, 4)), 1)
    a = s + (noise if uplo == "L" else noise.T)  # the unread triangle is garbage
    w, v = LA.eigh(tensor(a), UPLO=uplo)
    want = np.linalg.eigh(a, UPLO=uplo)
    assert_close(w, want.eigenvalues)
    assert_close(v, want.eigenvectors)
    check(lambda a: LA.eigh(a, uplo).eigenvalues, a)
    check(lambda a: LA.eigh(a, uplo).eigenvectors, a)
    check_jacobians(lambda a: LA.eigh(a, uplo)[0], a)
    check_jacobians(lambda a: LA.eigh(a, uplo)[1], a)
    check(lambda a: LA.eigvalsh(a, uplo), a)
    assert_close(LA.eigvalsh(tensor(a), uplo.lower()), np.linalg.eigvalsh(a, uplo))


def test_eigh_stacked():
    a = np.stack([symmetric(3), symmetric(3)])
    w, v = LA.eigh(tensor(a))
    assert_close(w, np.linalg.eigh(a)[0])
    # A sign-invariant function of the eigenvectors: the projector on the top eigenvector.
    check(lambda a: fnp.matmul(LA.eigh(a)[1][..., 2:], fnp.swapaxes(LA.eigh(a)[1][..., 2:], -1, -2)), a)


def test_eigh_degenerate_eigenvalues():
    # Eigenvalues (1, 1, 3): eigenvalue gradients are defined; the eigenvector gap terms of
    # the degenerate pair are 0, which is right for the projector on their eigenspace.
    q = np.linalg.qr(RNG.standard_normal((3, 3)))[0]
    a = (q * np.array([1.0, 1.0, 3.0])) @ q.T
    a = (a + a.T) / 2
    g = fg.grad(lambda a: LA.eigvalsh(a)[2])(a)
    top = np.linalg.eigh(a)[1][:, 2]
    outer = np.outer(top, top)  # the gradient with respect to the symmetric matrix, read
    assert_close(g, 2 * np.tril(outer, -1) + np.diag(np.diag(outer)), atol=1e-10)  # as tril

    def projector(a):
        v = LA.eigh(a)[1][:, :2]
        return fnp.matmul(v, fnp.swapaxes(v, 0, 1))

    jac = fg.jacrev(projector)(a)
    assert np.all(np.isfinite(jac))
    np.testing.assert_allclose(jac, fd_jacobian(projector, a), rtol=1e-5, atol=1e-6)
    # The identity: every gap is zero; the eigenvalue sum's gradient is the identity's.
    g = fg.grad(lambda a: LA.eigvalsh(a).sum())(np.eye(3))
    assert_close(g, np.eye(3))


def test_eigh_errors():
    with pytest.raises(ValueError, match="UPLO"):
        LA.eigh(tensor(np.eye(2)), UPLO="X")
    with pytest.raises(NotImplementedError, match="complex"):
        LA.eigh(fg.tensor(np.eye(2) + 0j))
    with pytest.raises(np.linalg.LinAlgError, match="square"):
        LA.eigh(tensor(np.ones((2, 3))))


# ---- SVD ---------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 5)])
def test_svd(shape):
    a = separated_singular_values(*shape)
    u, s, vh = LA.svd(tensor(a), full_matrices=False)
    want = np.linalg.svd(a, full_matrices=False)
    for got, w in zip((u, s, vh), want):
        assert_close(got, w)
    check(lambda a: LA.svd(a, full_matrices=False).U, a)
    check(lambda a: LA.svd(a, full_matrices=False).S, a)
    check(lambda a: LA.svd(a, full_matrices=False).Vh, a)
    check_jacobians(lambda a: LA.svd(a, full_matrices=False)[0], a)
    check_jacobians(lambda a: LA.svd(a, full_matrices=False)[2], a)
    check_jacobians(lambda a: LA.svd(a, compute_uv=False), a)
    assert_close(LA.svdvals(tensor(a)), np.linalg.svdvals(a))


def test_svd_stacked_and_options():
    a = np.stack([separated_singular_values(3, 2), separated_singular_values(3, 2)])
    assert_close(LA.svd(tensor(a), compute_uv=False), np.linalg.svd(a, compute_uv=False))
    check(lambda a: LA.svd(a, compute_uv=False), a)
    sq = separated_singular_values(3, 3)
    assert_close(LA.svd(tensor(sq)).U, np.linalg.svd(sq).U)  # full_matrices of a square
    s = symmetric(3)
    assert_close(LA.svd(tensor(s), compute_uv=False, hermitian=True),
                 np.linalg.svd(s, compute_uv=False, hermitian=True))
    check_jacobians(lambda a: LA.svd(a, compute_uv=False, hermitian=True), s + np.triu(np.ones((3, 3)), 1))
    with pytest.raises(NotImplementedError, match="full_matrices"):
        LA.svd(tensor(a))
    with pytest.raises(NotImplementedError, match="hermitian"):
        LA.svd(tensor(s), hermitian=True)


def test_singular_values_gradient_is_u_v_outer():
    a = separated_singular_values(4, 3)
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    g = fg.grad(lambda a: LA.svdvals(a)[1])(a)
    assert_close(g, np.outer(u[:, 1], vh[1]))


def test_nuclear_norm_of_a_rank_deficient_matrix_is_finite():
    # Two zero singular values of a 3x3 rank-1 matrix (equal: their gap term is 0).
    a = np.outer([1.0, 2.0, 2.0], [2.0, 1.0, 0.0])
    g = fg.grad(lambda a: LA.norm(a, "nuc"))(a)
    assert np.all(np.isfinite(g))
    # U V^T: a subgradient of the nuclear norm (<g, a> = ||a||_*, spectral norm 1).
    assert_close(np.sum(g * a), np.linalg.norm(a, "nuc"))
    assert_close(np.linalg.norm(g, 2), 1.0)


# ---- norms -------------------------------------------------------------------------------

VECTOR_ORDS = [None, 2, 1, 3, 0.5, -1, np.inf, -np.inf, 0]
MATRIX_ORDS = [None, "fro", "nuc", np.inf, -np.inf, 1, -1, 2, -2]


@pytest.mark.parametrize("ord", VECTOR_ORDS)
@pytest.mark.parametrize("keepdims", [False, True])
def test_vector_norms(ord, keepdims):
    x = RNG.uniform(0.5, 2.0, (3, 4)) * np.sign(RNG.standard_normal((3, 4)))
    for axis in (1, -2):
        out = LA.norm(tensor(x), ord, axis, keepdims)
        want = np.linalg.norm(x, ord, axis, keepdims)
        assert out.shape == want.shape
        assert_close(out, want)
        check(lambda x: LA.norm(x, ord, axis, keepdims), x)
    v = x[0]
    assert_close(LA.norm(tensor(v), ord), np.linalg.norm(v, ord))
    check_jacobians(lambda v: LA.norm(v, ord), v)


@pytest.mark.parametrize("ord", MATRIX_ORDS)
@pytest.mark.parametrize("keepdims", [False, True])
def test_matrix_norms(ord, keepdims):
    x = separated_singular_values(3, 4) + RNG.uniform(-0.1, 0.1, (3, 4))
    out = LA.norm(tensor(x), ord, keepdims=keepdims)
    want = np.linalg.norm(x, ord, keepdims=keepdims)
    assert np.shape(_np(out)) == np.shape(want)
    assert_close(out, want)
    check(lambda x: LA.norm(x, ord, keepdims=keepdims), x)
    stack = np.stack([x, 2 * x.T.reshape(3, 4)], axis=1)  # (3, 2, 4): matrices on axes (0, 2)
    out = LA.norm(tensor(stack), ord, axis=(2, 0), keepdims=keepdims)
    assert_close(out, np.linalg.norm(stack, ord, axis=(2, 0), keepdims=keepdims))
    check_jacobians(lambda s: LA.norm(s, ord, axis=(2, 0)), stack)


def test_norm_whole_array_and_errors():
    x = RNG.standard_normal((2, 3, 4))
    assert_close(LA.norm(tensor(x)), np.linalg.norm(x))
    assert_close(LA.norm(tensor(x), keepdims=True), np.linalg.norm(x, keepdims=True))
    check(LA.norm, x)
    assert_close(LA.norm(fg.tensor(np.array([3, 4]))), 5.0)  # integers become floats
    with pytest.raises(ValueError, match="Improper"):
        LA.norm(tensor(x), 2)
    with pytest.raises(ValueError, match="Invalid norm order"):
        LA.norm(tensor(x[0, 0]), "fro")
    with pytest.raises(ValueError, match="Invalid norm order"):
        LA.norm(tensor(x[0]), 3)
    with pytest.raises(ValueError, match="Duplicate"):
        LA.norm(tensor(x), axis=(1, -2))
    with pytest.raises(NotImplementedError, match="complex"):
        LA.norm(fg.tensor(np.ones(2) + 1j))
    # zero vector: the 2-norm's gradient is 0 (a subgradient), not NaN
    assert np.all(fg.grad(LA.norm)(np.zeros(3)) == 0)


def test_vector_norm_and_matrix_norm():
    x = RNG.standard_normal((2, 3, 4))
    for axis in (None, 1, (0, 2), (2, 0)):
        for ord in (2, 1, np.inf, 3):
            for keepdims in (False, True):
                got = LA.vector_norm(tensor(x), axis=axis, keepdims=keepdims, ord=ord)
                assert_close(got, np.linalg.vector_norm(x, axis=axis, keepdims=keepdims, ord=ord))
    check(lambda x: LA.vector_norm(x, axis=(0, 2), ord=3), x)
    for ord in ("fro", "nuc", 2, -1):
        assert_close(LA.matrix_norm(tensor(x), ord=ord, keepdims=True),
                     np.linalg.matrix_norm(x, ord=ord, keepdims=True))
    check(lambda x: LA.matrix_norm(x, ord="nuc"), x)


@pytest.mark.parametrize("p", [None, 2, -2, "fro", "nuc", 1, -1, np.inf, -np.inf])
def test_cond(p):
    a = well_conditioned(2, 3, 3)
    assert_close(LA.cond(tensor(a), p), np.linalg.cond(a, p))
    check(lambda a: LA.cond(a, p), a)


def test_matrix_rank_has_no_gradient():
    a = tensor(np.array([[1.0, 2.0], [2.0, 4.0]])).requires_grad_()
    rank = LA.matrix_rank(a)
    assert not isinstance(rank, fg.Tensor) and rank == 1
    assert LA.matrix_rank(a, hermitian=True) == 1


def test_eig_raises_for_tensors():
    a = np.array([[1.0, 2.0], [0.0, 3.0]])
    assert_close(LA.eigvals(a), np.linalg.eigvals(a))
    assert_close(LA.eig(a).eigenvalues, np.linalg.eig(a).eigenvalues)
    with pytest.raises(NotImplementedError, match="eigh"):
        LA.eig(tensor(a))
    with pytest.raises(NotImplementedError, match="eigvalsh"):
        LA.eigvals(tensor(a))
    with pytest.raises(NotImplementedError, match="eig"):
        np.linalg.eig(tensor(a))


# ---- products ----------------------------------------------------------------------------


def test_multi_dot():
    a, b, c, d = (RNG.standard_normal(s) for s in [(5,), (5, 2), (2, 6), (6,)])
    for arrays in ([a, b, c, d], [b, c], [b, c, d], [a, b, c]):
        tensors = [tensor(x) for x in arrays]
        assert_close(LA.multi_dot(tensors), np.linalg.multi_dot(arrays))
        check(lambda *xs: LA.multi_dot(list(xs)), *arrays)
    with pytest.raises(TypeError, match="out="):
        LA.multi_dot([tensor(b), tensor(c)], out=np.empty((5, 6)))


def test_array_api_functions():
    x = RNG.standard_normal((2, 3, 3))
    y = RNG.standard_normal((3,))
    assert_close(LA.matrix_transpose(tensor(x)), np.linalg.matrix_transpose(x))
    assert_close(LA.matmul(tensor(x), tensor(y)), np.linalg.matmul(x, y))
    assert_close(LA.vecdot(tensor(x), tensor(y)), np.linalg.vecdot(x, y))
    assert_close(LA.vecdot(tensor(x), tensor(x), axis=1), np.linalg.vecdot(x, x, axis=1))
    check(lambda x, y: LA.vecdot(x, y), x, y)
    assert_close(LA.outer(tensor(y), tensor(y[:2])), np.linalg.outer(y, y[:2]))
    check(LA.outer, y, y[:2])
    with pytest.raises(ValueError, match="one-dimensional"):
        LA.outer(tensor(x), tensor(y))
    v = RNG.standard_normal((2, 3))
    assert_close(LA.cross(tensor(v), tensor(y)), np.linalg.cross(v, y))
    assert_close(LA.cross(tensor(v.T), tensor(v.T[:, ::-1]), axis=0),
                 np.linalg.cross(v.T, v.T[:, ::-1], axis=0))
    check(LA.cross, v, y)
    with pytest.raises(ValueError, match="3-dimensional"):
        LA.cross(tensor(v[:, :2]), tensor(y[:2]))
    z = RNG.standard_normal((3, 3, 4))
    assert_close(LA.tensordot(tensor(x), tensor(z)), np.linalg.tensordot(x, z))
    assert_close(LA.tensordot(tensor(x), tensor(z), axes=([2, 1], [1, 0])),
                 np.linalg.tensordot(x, z, axes=([2, 1], [1, 0])))
    check(lambda x, z: LA.tensordot(x, z, axes=1), x, z)
    for offset in (0, 1, -2, 5):
        assert_close(LA.diagonal(tensor(x), offset=offset), np.linalg.diagonal(x, offset=offset))
        assert_close(LA.trace(tensor(x), offset=offset), np.linalg.trace(x, offset=offset))
    check(lambda x: LA.trace(x, offset=1), x)
    check(lambda x: LA.diagonal(x, offset=-1), x)


# ---- dispatch, forward mode, second order ----------------------------------------------


def test_numpy_functions_dispatch_to_funcgrad():
    a = tensor(well_conditioned(3, 3)).requires_grad_()
    out = np.linalg.inv(a)
    assert isinstance(out, fg.Tensor) and out.requires_grad
    assert isinstance(np.linalg.norm(a, "nuc"), fg.Tensor)
    assert isinstance(np.linalg.eigh(a).eigenvectors, fg.Tensor)
    assert isinstance(np.linalg.solve(a, np.ones(3)), fg.Tensor)
    assert isinstance(np.linalg.svd(a).S, fg.Tensor)
    from funcgrad.numpy import _dispatch
    for name in LA.__all__:
        if name != "LinAlgError":
            assert _dispatch.FUNCTIONS[getattr(np.linalg, name)] is getattr(LA, name)


def test_forward_mode_and_hessians():
    a = spd(3, 3)
    # jvp of log det along a direction: tr(A^-1 V)
    v = RNG.standard_normal((3, 3))
    _, tangent = fg.jvp(lambda a: LA.slogdet(a)[1], (a,), (v,))
    assert_close(tangent, np.trace(np.linalg.solve(a, v)))
    # The Hessian of log det (reading all of A): -A^-T (x) A^-1 contracted.
    h = fg.hessian(lambda a: LA.slogdet(a)[1])(a)
    ainv = np.linalg.inv(a)
    assert_close(h, -np.einsum("li,jk->ijkl", ainv, ainv), atol=1e-10)
    # Hessians through the decompositions: forward over reverse agrees with reverse over
    # reverse.
    for f in (lambda a: LA.eigvalsh(a)[0], lambda a: LA.cholesky(a)[2, 1],
              lambda a: LA.qr(a).R[1, 2], lambda a: LA.svdvals(a)[1]):
        h_rev = fg.jacrev(fg.grad(f))(a)
        h_fwd = fg.jacfwd(fg.grad(f))(a)
        np.testing.assert_allclose(h_fwd, h_rev, rtol=1e-7, atol=1e-9)


def test_float32_and_int_inputs():
    a = well_conditioned(3, 3).astype(np.float32)
    out = LA.inv(fg.tensor(a))
    assert out.dtype == np.float32
    assert LA.cholesky(fg.tensor(spd(3, 3).astype(np.float32))).dtype == np.float32
    assert_close(LA.det(fg.tensor(np.array([[2, 1], [1, 3]]))), 5.0)
    assert_close(LA.eigvalsh(fg.tensor(np.array([[2, 1], [1, 2]]))), [1.0, 3.0])
