"""Primitives: NumPy's linear algebra (inv, pinv, det, slogdet, solve, triangular solve,
cholesky, qr, eigh, svd).

Conventions shared by the rules
-------------------------------
* Matrices are the last two axes; axes before them are a stack, broadcast as NumPy's
  gufuncs do. A rule's cotangent or tangent has a batch in front of that again, so rules
  use negative axes only, and a tangent gets unit axes after its batch (``_align``) before
  it meets an operand with more stack axes.
* Functions that read one triangle of their input (``cholesky``, ``eigh``,
  ``solve_triangular``) are differentiated as functions of that triangle: the other
  triangle gets a zero gradient and a tangent there is ignored. This is what NumPy computes
  (finite differences of NumPy agree), unlike JAX's symmetrised perturbation.
* A primitive has one output. Decompositions with several outputs return them packed in
  one array along a matrix axis (no flattening), unpacked with ``getitem`` slices:

  ============  ========================================  ===========================
  primitive     packed                                    shape (A is m x n, k=min)
  ============  ========================================  ===========================
  qr, m >= n    ``[Q; R]`` (rows)                          ``(m + n, n)``
  qr, m < n     ``[Q | R]`` (columns)                      ``(m, m + n)``
  eigh          ``[w; V]`` (eigenvalues as the first row)  ``(n + 1, n)``
  svd           ``[U^T | s | Vh]`` (columns)               ``(k, m + 1 + n)``
  slogdet       ``[sign, logabsdet]`` (last axis)          ``(2,)``
  ============  ========================================  ===========================

* Derivatives of eigenvectors and singular vectors divide by eigenvalue (or squared
  singular value) gaps. Where two are equal (up to rounding: a gap below ``8 n eps`` times
  the largest magnitude) the gap's reciprocal is taken as 0: the gradient is then right
  for functions of the invariant subspaces (projectors, sums over the degenerate block),
  and undefined otherwise, as in every AD system. Near-equal values give large,
  ill-conditioned gradients.
* Complex inputs: ``inv``, ``det``, ``solve`` are holomorphic and their rules (transposes,
  no conjugation) hold for complex matrices; the decompositions' rules are for real input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..backend import cupyx_module, namespace
from ..tensor import _shape_of as _shape  # a Tensor's, an array's or a number's shape
from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from ._primitive import Sample, defprimitive
from .elementwise import add, div, mul, neg, sub, where
from .index import getitem
from .linalg import _align, _gemm, matmul
from .reduce import sum, sum_to_shape
from .shape import cat, reshape, swapaxes, unsqueeze

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from .._typing import Array, ArrayLike, Shape

try:  # SciPy's triangular solve, when installed; NumPy's LU solve otherwise
    # SciPy ships no type information (scipy-stubs is a separate package).
    from scipy.linalg import (  # type: ignore[import-untyped]
        solve_triangular as _scipy_solve_triangular,
    )
except ImportError:  # pragma: no cover
    _scipy_solve_triangular = None


def _ndim(x: Any) -> int:
    return len(_shape(x))


def _T(x: Any) -> Any:
    """The matrix transpose of the last two axes."""
    return swapaxes(x, -1, -2)


_mm = _gemm  # a @ b, as one GEMM when one side is a plain matrix and the other a stack


def _xp(x: Any) -> Any:
    """The array namespace of ``x`` (a Tensor's data, or an array): NumPy or CuPy."""
    return namespace(_data(x))


def _tri_mask(n: int, lower: bool, strict: bool, xp: Any) -> Array:
    # Made where the data lives: a host mask would not mix with device arrays.
    ones = xp.ones((n, n), dtype=bool)
    if lower:
        return xp.tril(ones, -1 if strict else 0)
    return xp.triu(ones, 1 if strict else 0)


def _tri(x: Any, lower: bool, strict: bool = False) -> Any:
    """The lower (or upper) triangle of ``x``, the rest zero."""
    return where(_tri_mask(_shape(x)[-1], lower, strict, _xp(x)), x, 0)


def sym_from_triangle(x: Any, lower: bool = True) -> Any:
    """The symmetric matrix NumPy's ``cholesky``/``eigh`` see in ``x``: its ``lower`` (or
    upper) triangle, mirrored. Linear in ``x``; its transpose is :func:`_sym_transpose`."""
    return add(_tri(x, lower), _T(_tri(x, lower, strict=True)))


def _sym_transpose(g: Any, lower: bool) -> Any:
    """The transpose of :func:`sym_from_triangle`: a gradient with respect to the symmetric
    matrix, carried back to the triangle that was read (the other triangle gets zero)."""
    return add(_tri(g, lower), _tri(_T(g), lower, strict=True))


def _eye(n: int, like: Any) -> Array:
    """The identity in the real dtype of ``like`` (float32 stays float32), on its device."""
    return _xp(like).eye(n, dtype=_real_dtype(like))


def _real_dtype(like: Any) -> np.dtype[Any]:
    dtype = np.dtype(_data(like).dtype)
    return np.finfo(dtype).dtype if dtype.kind in "fc" else np.dtype(np.float64)


def _gap_reciprocal(v: Any) -> Any:
    """``F[..., i, j] = 1 / (v_j - v_i)``, with 0 on the diagonal and where ``v_i`` and
    ``v_j`` are equal up to rounding (see the module docstring).

    Values computed by LAPACK carry errors of a few ulps of the largest: a smaller gap is
    noise, and dividing by it would blow rounding up into the result.
    """
    diff = sub(unsqueeze(v, -2), unsqueeze(v, -1))
    d = _data(diff)
    vd = _data(v)
    xp = namespace(vd)
    n = vd.shape[-1]
    eps = np.finfo(vd.dtype).eps if vd.dtype.kind == "f" else np.finfo(np.float64).eps
    scale = xp.max(xp.abs(vd), axis=-1, keepdims=True)[..., None] if n else 0
    distinct = xp.abs(d) > 8 * n * eps * scale
    return where(distinct, div(1, where(distinct, diff, 1)), 0)


def _safe_reciprocal(s: Any) -> Any:
    """``1 / s`` for singular values ``s``, with 0 where ``s`` is 0 up to rounding (the
    singular vectors of a zero singular value are not unique)."""
    sd = _data(s)
    xp = namespace(sd)
    n = sd.shape[-1]
    eps = np.finfo(sd.dtype).eps if sd.dtype.kind == "f" else np.finfo(np.float64).eps
    scale = xp.max(xp.abs(sd), axis=-1, keepdims=True) if n else 0
    nonzero = xp.abs(sd) > 8 * n * eps * scale
    return where(nonzero, div(1, where(nonzero, s, 1)), 0)


def _fold_solve(solve2d: Callable[[Array, Array], Array], a: Array, b: Array) -> Array:
    """``solve2d(a, b)`` for a square ``a`` and a right-hand side ``b`` (..., n, k).

    A single matrix against a stack (a batch of cotangents or tangents) is solved once, with
    the stack's columns side by side, instead of factoring the same matrix for every entry.
    """
    if a.ndim == 2 and b.ndim > 2:
        xp = namespace(b)
        n = b.shape[-2]
        cols = xp.reshape(xp.moveaxis(b, -2, 0), (n, -1))
        x = solve2d(a, cols)
        return xp.moveaxis(xp.reshape(x, (n,) + b.shape[:-2] + b.shape[-1:]), 0, -2)
    return solve2d(a, b)


def _well_conditioned(x: Array) -> Array:
    """A sample maker: ``x`` plus a multiple of the (rectangular) identity, far from singular."""
    m, n = x.shape[-2:]
    return x + 2 * max(m, n) * np.eye(m, n)


def _spd(x: Array) -> Array:
    """A sample maker: a symmetric positive definite matrix from ``x``."""
    n = x.shape[-1]
    return x @ np.swapaxes(x, -1, -2) + n * np.eye(n)


_SPECTRUM = np.array([-2.3, -0.6, 1.1, 2.9, 4.4, 6.2])


def _spread_spectrum(x: Array) -> Array:
    """A sample maker: a symmetric matrix with well separated eigenvalues. (A spectrum
    symmetric about 0 puts LAPACK's eigenvector signs on a discontinuity: avoided.)"""
    q = np.linalg.qr(x)[0]
    n = x.shape[-1]
    return (q * _SPECTRUM[:n]) @ np.swapaxes(q, -1, -2)


def _spread_singular_values(x: Array) -> Array:
    """A sample maker: ``x`` with its singular values replaced by well separated ones."""
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    k = s.shape[-1]
    return (u * np.linspace(3, 1, k)) @ vh


# ---- inverse ----------------------------------------------------------------------------


def _inv_forward(a: Array) -> Array:
    """The inverse of a square matrix (or of each in a stack): NumPy's ``linalg.inv``."""
    return namespace(a).linalg.inv(a)


def _inv_vjp(g: Any, needs: Sequence[bool], ans: Any, a_shape: Shape) -> tuple[Any, ...]:
    # d(A^-1) = -A^-1 dA A^-1, whose transpose takes g to -A^-T g A^-T.
    ans_t = _T(ans)
    return (neg(_mm(_mm(ans_t, g), ans_t)),)


def _inv_jvp(t: Sequence[Any], ans: Any, a: Any) -> Any:
    return neg(_mm(_mm(ans, t[0]), ans))


inv = defprimitive(
    "linalg_inv", _inv_forward, _inv_vjp, _inv_jvp, save="s", save_output=True,
    samples=[Sample((3, 3), make=_well_conditioned), Sample((2, 3, 3), make=_well_conditioned),
             Sample((3, 3), make=_well_conditioned, dtype=np.complex128)],
)


# ---- determinants -----------------------------------------------------------------------


def _det_forward(a: Array) -> Array:
    """The determinant of a square matrix (or of each in a stack): NumPy's ``linalg.det``."""
    return namespace(a).linalg.det(a)


def _det_vjp(g: Any, needs: Sequence[bool], ans: Any, a: Any) -> tuple[Any, ...]:
    # d det(A) = det(A) tr(A^-1 dA): the gradient is det(A) A^-T (A must be invertible).
    scale = reshape(mul(g, ans), _shape(g) + (1, 1))
    return (mul(scale, _T(inv(a))),)


def _det_jvp(t: Sequence[Any], ans: Any, a: Any) -> Any:
    # tr(A^-1 dA) = sum(A^-T * dA), without forming the product.
    return mul(ans, sum(mul(_T(inv(a)), t[0]), (-2, -1), False))


det = defprimitive(
    "linalg_det", _det_forward, _det_vjp, _det_jvp, save="v", save_output=True,
    samples=[Sample((3, 3), make=_well_conditioned), Sample((2, 3, 3), make=_well_conditioned),
             Sample((3, 3), make=_well_conditioned, dtype=np.complex128)],
)


def _slogdet_forward(a: Array) -> Array:
    """``sign`` and ``log |det|`` of a real square matrix, packed on a last axis of 2."""
    xp = namespace(a)
    sign, logabsdet = xp.linalg.slogdet(a)
    return xp.stack([sign, logabsdet], -1)


def _slogdet_vjp(g: Any, needs: Sequence[bool], ans: Any, a: Any) -> tuple[Any, ...]:
    # The sign is piecewise constant: only log|det| carries a gradient, A^-T.
    g_log = reshape(getitem(g, (Ellipsis, 1)), _shape(g)[:-1] + (1, 1))
    return (mul(g_log, _T(inv(a))),)


def _slogdet_jvp(t: Sequence[Any], ans: Any, a: Any) -> Any:
    d_log = sum(mul(_T(inv(a)), t[0]), (-2, -1), False)
    sign_has_no_tangent = _xp(t[0]).asarray([0, 1], dtype=_real_dtype(t[0]))
    return mul(unsqueeze(d_log, -1), sign_has_no_tangent)


slogdet = defprimitive(
    "linalg_slogdet", _slogdet_forward, _slogdet_vjp, _slogdet_jvp, save="v",
    samples=[Sample((3, 3), make=_well_conditioned), Sample((2, 3, 3), make=_well_conditioned),
             Sample((3, 3))],
)


# ---- linear systems ---------------------------------------------------------------------


def _solve_forward(a: Array, b: Array) -> Array:
    """The solution ``x`` of ``a @ x = b`` for square ``a`` (..., n, n) and a stack of
    right-hand sides ``b`` (..., n, k); the stacks broadcast."""
    return _fold_solve(namespace(b).linalg.solve, a, b)


def _solve_vjp(g: Any, needs: Sequence[bool], ans: Any, a: Any, b_shape: Shape) -> tuple[Any, ...]:
    nb = _ndim(g) - _ndim(ans)
    g_b = solve(_T(a), g)  # A^-T g, for every broadcast entry
    g_a = None
    if needs[0]:
        g_a = sum_to_shape(neg(matmul(g_b, _T(ans))), _shape(a), nb)  # -A^-T g x^T
    return (g_a, sum_to_shape(g_b, b_shape, nb) if needs[1] else None)


def _solve_jvp(t: Sequence[Any], ans: Any, a: Any, b: Any) -> Any:
    # dx = A^-1 (db - dA x)
    t_a, t_b = t
    out_ndim = _ndim(ans)
    rhs = None if t_b is None else _align(t_b, _ndim(b), out_ndim)
    if t_a is not None:
        term = matmul(_align(t_a, _ndim(a), out_ndim), ans)
        rhs = neg(term) if rhs is None else sub(rhs, term)
    return solve(a, rhs)


solve = defprimitive(
    "linalg_solve", _solve_forward, _solve_vjp, _solve_jvp, nin=2, save="vs", save_output=True,
    samples=[Sample((3, 3), (3, 2), make=_well_conditioned),
             Sample((2, 3, 3), (3, 1), make=_well_conditioned),
             Sample((3, 3), (2, 3, 2), make=_well_conditioned),
             Sample((3, 3), (3, 2), make=_well_conditioned, dtype=np.complex128)],
)


def _solve_triangular_2d(lower: bool) -> Callable[[Array, Array], Array]:
    def solve2d(a: Array, b: Array) -> Array:
        if namespace(b) is np:
            if _scipy_solve_triangular is not None:
                return _scipy_solve_triangular(a, b, lower=lower, check_finite=False)
            return np.linalg.solve(np.tril(a) if lower else np.triu(a), b)
        # On the device: a triangular solve (TRSM), in place of an LU factorisation.
        solve = cupyx_module("scipy.linalg").solve_triangular
        return solve(a, b, lower=lower, check_finite=False)

    return solve2d


def _solve_triangular_forward(a: Array, b: Array, lower: bool) -> Array:
    """The solution of ``a @ x = b`` reading only the ``lower`` (or upper) triangle of
    ``a`` (..., n, n); ``b`` is a stack of right-hand sides (..., n, k)."""
    if a.ndim == 2:
        return _fold_solve(_solve_triangular_2d(lower), a, b)
    xp = namespace(b)
    on_host = xp is np
    # On the host SciPy loops over a stack in Python: for small matrices NumPy's LU in C is
    # faster. CuPy's solve_triangular takes stacks (CuPy >= 13): always worth it there.
    if not on_host or (_scipy_solve_triangular is not None and a.shape[-1] >= 48):
        batch = tuple(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
        a = xp.broadcast_to(a, batch + a.shape[-2:])
        b = xp.broadcast_to(b, batch + b.shape[-2:])
        solve = _scipy_solve_triangular if on_host else cupyx_module("scipy.linalg").solve_triangular
        try:  # SciPy >= 1.15 and CuPy >= 13 solve stacks
            return solve(a, b, lower=lower, check_finite=False)
        except ValueError:  # pragma: no cover - older SciPy or CuPy: 2-D only
            pass
    # A triangular system through LU stays backward stable.
    return xp.linalg.solve(xp.tril(a) if lower else xp.triu(a), b)


def _solve_triangular_vjp(g: Any, needs: Sequence[bool], ans: Any, a: Any, b_shape: Shape,
                          lower: bool) -> tuple[Any, ...]:
    nb = _ndim(g) - _ndim(ans)
    g_b = solve_triangular(_T(a), g, not lower)
    g_a = None
    if needs[0]:
        g_a = sum_to_shape(neg(_tri(matmul(g_b, _T(ans)), lower)), _shape(a), nb)
    return (g_a, sum_to_shape(g_b, b_shape, nb) if needs[1] else None)


def _solve_triangular_jvp(t: Sequence[Any], ans: Any, a: Any, b: Any, lower: bool) -> Any:
    t_a, t_b = t
    out_ndim = _ndim(ans)
    rhs = None if t_b is None else _align(t_b, _ndim(b), out_ndim)
    if t_a is not None:
        term = matmul(_align(_tri(t_a, lower), _ndim(a), out_ndim), ans)
        rhs = neg(term) if rhs is None else sub(rhs, term)
    return solve_triangular(a, rhs, lower)


solve_triangular = defprimitive(
    "linalg_solve_triangular", _solve_triangular_forward, _solve_triangular_vjp,
    _solve_triangular_jvp, nin=2, save="vs", save_output=True,
    samples=[Sample((4, 4), (4, 2), params=(True,), make=_well_conditioned),
             Sample((2, 3, 3), (3, 1), params=(False,), make=_well_conditioned),
             Sample((3, 3), (2, 3, 2), params=(True,), make=_well_conditioned)],
)


def _pinv_forward(a: Array, rcond: ArrayLike) -> Array:
    """The Moore-Penrose pseudo-inverse, singular values below ``rcond`` times the largest
    cut (NumPy's ``linalg.pinv``)."""
    return namespace(a).linalg.pinv(a, rcond=rcond)


def _pinv_vjp(g: Any, needs: Sequence[bool], ans: Any, a: Any, rcond: ArrayLike) -> tuple[Any, ...]:
    # Transpose of the constant-rank derivative (Golub & Pereyra):
    # dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P, with P = A^+.
    p = ans
    p_t = _T(p)
    g_t = _T(g)
    out = neg(_mm(_mm(p_t, g), p_t))
    x = _mm(_mm(g_t, p), p_t)  # (I - A P) g^T P P^T
    out = add(out, sub(x, _mm(a, _mm(p, x))))
    y = _mm(_mm(p_t, p), g_t)  # P^T P g^T (I - P A)
    out = add(out, sub(y, _mm(_mm(y, p), a)))
    return (out,)


def _pinv_jvp(t: Sequence[Any], ans: Any, a: Any, rcond: ArrayLike) -> Any:
    p = ans
    p_t = _T(p)
    da_t = _T(t[0])
    out = neg(_mm(_mm(p, t[0]), p))
    z = _mm(_mm(p, p_t), da_t)  # P P^T dA^T (I - A P)
    out = add(out, sub(z, _mm(_mm(z, a), p)))
    w = _mm(da_t, _mm(p_t, p))  # (I - P A) dA^T P^T P
    return add(out, sub(w, _mm(p, _mm(a, w))))


pinv = defprimitive(
    "linalg_pinv", _pinv_forward, _pinv_vjp, _pinv_jvp, save="v", save_output=True,
    samples=[Sample((4, 3), params=(1e-15,), make=_well_conditioned),
             Sample((3, 4), params=(1e-15,), make=_well_conditioned),
             Sample((2, 3, 3), params=(1e-15,), make=_well_conditioned)],
)


# ---- Cholesky ---------------------------------------------------------------------------

def _phi(n: int, like: Any) -> Array:
    """The lower triangle with the diagonal halved: the projection in Cholesky's rules."""
    dtype = _real_dtype(like)
    xp = _xp(like)
    return xp.tril(xp.ones((n, n), dtype)) - dtype.type(0.5) * xp.eye(n, dtype=dtype)


def _cholesky_forward(a: Array) -> Array:
    """The lower Cholesky factor ``L`` (``a = L L^T``), reading the lower triangle of ``a``."""
    return namespace(a).linalg.cholesky(a)


def _cholesky_vjp(g: Any, needs: Sequence[bool], ans: Any, a_shape: Shape) -> tuple[Any, ...]:
    # For symmetric dS: dL = L Phi(L^-1 dS L^-T). Transposed: the gradient with respect to
    # S is L^-T Phi(L^T g) L^-1, carried back to the lower triangle that was read.
    chol = ans
    chol_t = _T(chol)
    p = mul(matmul(chol_t, g), _phi(_shape(chol)[-1], chol))
    y = solve_triangular(chol_t, p, False)  # L^-T P
    m = _T(solve_triangular(chol_t, _T(y), False))  # L^-T P L^-1
    return (_sym_transpose(m, True),)


def _cholesky_jvp(t: Sequence[Any], ans: Any, a: Any) -> Any:
    chol = ans
    ds = sym_from_triangle(t[0], True)
    z = solve_triangular(chol, ds, True)  # L^-1 dS
    x = _T(solve_triangular(chol, _T(z), True))  # L^-1 dS L^-T
    return matmul(chol, mul(x, _phi(_shape(chol)[-1], chol)))


cholesky = defprimitive(
    "linalg_cholesky", _cholesky_forward, _cholesky_vjp, _cholesky_jvp, save="s",
    save_output=True,
    samples=[Sample((3, 3), make=_spd), Sample((2, 4, 4), make=_spd)],
)


# ---- QR ---------------------------------------------------------------------------------


def _qr_forward(a: Array) -> Array:
    """The reduced QR decomposition, packed: ``[Q; R]`` for m >= n, ``[Q | R]`` for m < n."""
    xp = namespace(a)
    q, r = xp.linalg.qr(a, mode="reduced")
    m, n = a.shape[-2:]
    return xp.concatenate([q, r], axis=-2 if m >= n else -1)


def qr_unpack(packed: Any, m: int, n: int) -> tuple[Any, Any]:
    """``(Q, R)`` from :func:`qr`'s packed output (or a cotangent/tangent shaped like it)."""
    if m >= n:
        return (getitem(packed, (Ellipsis, slice(None, m), slice(None))),
                getitem(packed, (Ellipsis, slice(m, None), slice(None))))
    return (getitem(packed, (Ellipsis, slice(None), slice(None, m))),
            getitem(packed, (Ellipsis, slice(None), slice(m, None))))


def _qr_tall_vjp(q: Any, r: Any, g_q: Any, g_r: Any) -> Any:
    # The transpose of _qr_tall_jvp: (g_Q + Q copyltu(M)) R^-T with M = R g_R^T - g_Q^T Q,
    # copyltu(M) the symmetric matrix from M's lower triangle (= from N = M^T's upper).
    n_mat = sub(matmul(g_r, _T(r)), matmul(_T(q), g_q))
    sym = add(_tri(n_mat, False), _T(_tri(n_mat, False, strict=True)))
    x = add(g_q, matmul(q, sym))
    return _T(solve_triangular(r, _T(x), False))  # X R^-T


def _qr_tall_jvp(q: Any, r: Any, da: Any) -> tuple[Any, Any]:
    # dA = dQ R + Q dR; with B = dA R^-1 and C = Q^T B, Q^T dQ = tril(C,-1) - tril(C,-1)^T
    # (antisymmetric) and dR R^-1 = triu(C) + tril(C,-1)^T =: U (upper triangular).
    b = _T(solve_triangular(_T(r), _T(da), True))  # dA R^-1
    c = matmul(_T(q), b)
    u = add(_tri(c, False), _T(_tri(c, True, strict=True)))
    return sub(b, matmul(q, u)), matmul(u, r)


def _qr_vjp(g: Any, needs: Sequence[bool], ans: Any, a_shape: Shape) -> tuple[Any, ...]:
    m, n = a_shape[-2:]
    q, r = qr_unpack(ans, m, n)
    g_q, g_r = qr_unpack(g, m, n)
    if m >= n:
        return (_qr_tall_vjp(q, r, g_q, g_r),)
    # Wide: A = [X | Y] with X = Q U square and V = Q^T Y, so R = [U | V].
    u, v = getitem(r, (Ellipsis, slice(None, m))), getitem(r, (Ellipsis, slice(m, None)))
    g_u, g_v = getitem(g_r, (Ellipsis, slice(None, m))), getitem(g_r, (Ellipsis, slice(m, None)))
    y = matmul(q, v)
    g_x = _qr_tall_vjp(q, u, add(g_q, matmul(y, _T(g_v))), g_u)
    return (cat((g_x, matmul(q, g_v)), -1),)


def _qr_jvp(t: Sequence[Any], ans: Any, a: Any) -> Any:
    m, n = _shape(a)[-2:]
    q, r = qr_unpack(ans, m, n)
    if m >= n:
        dq, dr = _qr_tall_jvp(q, r, t[0])
        return cat((dq, dr), -2)
    u, v = getitem(r, (Ellipsis, slice(None, m))), getitem(r, (Ellipsis, slice(m, None)))
    dx, dy = getitem(t[0], (Ellipsis, slice(None, m))), getitem(t[0], (Ellipsis, slice(m, None)))
    dq, du = _qr_tall_jvp(q, u, dx)
    dv = add(matmul(_T(dq), matmul(q, v)), matmul(_T(q), dy))  # d(Q^T Y), Y = Q V
    return cat((dq, du, dv), -1)


qr = defprimitive(
    "linalg_qr", _qr_forward, _qr_vjp, _qr_jvp, save="s", save_output=True,
    samples=[Sample((4, 3), make=_well_conditioned), Sample((3, 3), make=_well_conditioned),
             Sample((3, 5), make=_well_conditioned), Sample((2, 4, 2), make=_well_conditioned)],
)


# ---- symmetric eigendecomposition -------------------------------------------------------


def _eigh_forward(a: Array, uplo: str) -> Array:
    """Eigenvalues (ascending) and eigenvectors of the symmetric matrix in the ``uplo``
    triangle of ``a``, packed as ``[w; V]`` (eigenvalues as the first row)."""
    xp = namespace(a)
    w, v = xp.linalg.eigh(a, UPLO=uplo)
    return xp.concatenate([w[..., None, :], v], axis=-2)


def eigh_unpack(packed: Any) -> tuple[Any, Any]:
    """``(w, V)`` from :func:`eigh`'s packed output (or a cotangent/tangent shaped like it)."""
    return (getitem(packed, (Ellipsis, 0, slice(None))),
            getitem(packed, (Ellipsis, slice(1, None), slice(None))))


def _eigh_vjp(g: Any, needs: Sequence[bool], ans: Any, a_shape: Shape,
              uplo: str) -> tuple[Any, ...]:
    # dw = diag(V^T dS V), dV = V (F o V^T dS V): so g_S = V (diag(g_w) + F o V^T g_V) V^T.
    w, v = eigh_unpack(ans)
    g_w, g_v = eigh_unpack(g)
    n = a_shape[-1]
    inner = add(mul(_gap_reciprocal(w), matmul(_T(v), g_v)), mul(_eye(n, v), unsqueeze(g_w, -2)))
    g_s = matmul(matmul(v, inner), _T(v))
    return (_sym_transpose(g_s, uplo == "L"),)


def _eigh_jvp(t: Sequence[Any], ans: Any, a: Any, uplo: str) -> Any:
    w, v = eigh_unpack(ans)
    ds = sym_from_triangle(t[0], uplo == "L")
    p = matmul(matmul(_T(v), ds), v)
    dw = sum(mul(p, _eye(_shape(v)[-1], v)), -1, False)
    dv = matmul(v, mul(_gap_reciprocal(w), p))
    return cat((unsqueeze(dw, -2), dv), -2)


eigh = defprimitive(
    "linalg_eigh", _eigh_forward, _eigh_vjp, _eigh_jvp, save="s", save_output=True,
    samples=[Sample((3, 3), params=("L",), make=_spread_spectrum),
             Sample((4, 4), params=("U",)),
             Sample((2, 3, 3), params=("L",), make=_spread_spectrum)],
)


# ---- singular value decomposition -------------------------------------------------------


def _svd_forward(a: Array) -> Array:
    """The reduced SVD ``a = U diag(s) Vh``, packed as ``[U^T | s | Vh]`` (k rows)."""
    xp = namespace(a)
    u, s, vh = xp.linalg.svd(a, full_matrices=False)
    return xp.concatenate([xp.swapaxes(u, -1, -2), s[..., :, None], vh], axis=-1)


def svd_unpack(packed: Any, m: int) -> tuple[Any, Any, Any]:
    """``(U, s, Vh)`` from :func:`svd`'s packed output (or a cotangent/tangent like it)."""
    return (_T(getitem(packed, (Ellipsis, slice(None), slice(None, m)))),
            getitem(packed, (Ellipsis, slice(None), m)),
            getitem(packed, (Ellipsis, slice(None), slice(m + 1, None))))


def _svd_vjp(g: Any, needs: Sequence[bool], ans: Any, a_shape: Shape) -> tuple[Any, ...]:
    # With dP = U^T dA V: ds = diag(dP), U^T dU = F o (dP S + S dP^T),
    # V^T dV = F o (S dP + dP^T S), F_ij = 1 / (s_j^2 - s_i^2), plus the parts of dU (dV)
    # outside the span of U (V) when A is tall (wide). This is the transpose.
    m, n = a_shape[-2:]
    k = min(m, n)
    u, s, vh = svd_unpack(ans, m)
    g_u, g_s, g_vh = svd_unpack(g, m)
    f = _gap_reciprocal(mul(s, s))
    j = matmul(_T(u), g_u)
    kk = matmul(vh, _T(g_vh))
    s_row, s_col = unsqueeze(s, -2), unsqueeze(s, -1)
    g_p = add(mul(_eye(k, s), unsqueeze(g_s, -2)),
              add(mul(mul(f, sub(j, _T(j))), s_row), mul(s_col, mul(f, sub(kk, _T(kk))))))
    inner = matmul(g_p, vh)
    if n > k:
        inner = add(inner, mul(unsqueeze(_safe_reciprocal(s), -1), sub(g_vh, matmul(_T(kk), vh))))
    g_a = matmul(u, inner)
    if m > k:
        g_a = add(g_a, matmul(mul(sub(g_u, matmul(u, j)), unsqueeze(_safe_reciprocal(s), -2)), vh))
    return (g_a,)


def _svd_jvp(t: Sequence[Any], ans: Any, a: Any) -> Any:
    m, n = _shape(a)[-2:]
    k = min(m, n)
    u, s, vh = svd_unpack(ans, m)
    da = t[0]
    v = _T(vh)
    dp = matmul(matmul(_T(u), da), v)
    ds = sum(mul(dp, _eye(k, s)), -1, False)
    f = _gap_reciprocal(mul(s, s))
    s_row, s_col = unsqueeze(s, -2), unsqueeze(s, -1)
    dss = mul(dp, s_row)
    sds = mul(s_col, dp)
    du = matmul(u, mul(f, add(dss, _T(dss))))
    dv = matmul(v, mul(f, add(sds, _T(sds))))
    inv_s = unsqueeze(_safe_reciprocal(s), -2)
    if m > k:  # (I - U U^T) dA V S^-1
        du = add(du, mul(sub(matmul(da, v), matmul(u, dp)), inv_s))
    if n > k:  # (I - V V^T) dA^T U S^-1
        dv = add(dv, mul(sub(matmul(_T(da), u), matmul(v, _T(dp))), inv_s))
    return cat((_T(du), unsqueeze(ds, -1), _T(dv)), -1)


svd = defprimitive(
    "linalg_svd", _svd_forward, _svd_vjp, _svd_jvp, save="s", save_output=True,
    samples=[Sample((3, 3), make=_spread_singular_values),
             Sample((4, 3), make=_spread_singular_values),
             Sample((3, 5), make=_spread_singular_values),
             Sample((2, 3, 2), make=_spread_singular_values)],
)
