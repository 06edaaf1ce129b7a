"""funcgrad.numpy.linalg: NumPy's linear algebra (inv, pinv, det, slogdet, solve, cholesky, qr,
eigh, eigvalsh, svd, norm, matrix_power, lstsq, ...), differentiable.

Given arrays, every function returns what ``numpy.linalg`` returns. Given a Tensor it
records, for reverse and forward mode and to any order, over stacks of matrices (leading
axes) as NumPy broadcasts them.

Conventions (details in :mod:`funcgrad.ops.decompositions`):

* ``cholesky``, ``eigh``, ``eigvalsh`` (and ``pinv``/``svd`` with ``hermitian=True``) read
  one triangle of their input, as NumPy does, and are differentiated as functions of that
  triangle: the other triangle gets a zero gradient. (JAX instead symmetrises the
  perturbation; for a symmetric input and a symmetrised gradient the two agree.)
* Eigenvector and singular-vector derivatives are those of the smooth branch through
  LAPACK's output. They divide by eigenvalue (squared singular value) gaps; values equal
  up to rounding give gap terms of 0 (right for quantities that depend on the invariant subspace
  only, undefined otherwise). Eigenvector signs are LAPACK's and can flip discontinuously
  from one matrix to a nearby one: differentiate sign-invariant quantities.
* ``pinv`` and ``lstsq`` are differentiated on the manifold of constant rank: exact for
  full-rank input; for rank-deficient input the derivative ignores perturbations that
  change the rank (the pseudo-inverse is not continuous there).
* ``det``, ``slogdet`` and ``cond`` differentiate through the inverse: at a singular
  matrix the gradient raises ``LinAlgError``.
* Complex matrices are differentiable in ``inv``, ``det``, ``solve``, ``matrix_power``,
  ``multi_dot``, ``tensorinv``, ``tensorsolve``, ``matmul``; the others raise
  NotImplementedError for complex Tensors.
* ``eig`` and ``eigvals`` (general matrices) are not differentiable: NotImplementedError
  for Tensors. ``matrix_rank`` has no gradient (an integer).
"""

from __future__ import annotations

import builtins
import operator
from typing import Any, Callable, Iterable, Literal, Sequence, Union, cast

import numpy as np

from .. import ops
from ..backend import is_cuda_array, namespace
from ..ops import decompositions as _dec
from ..tensor import Tensor
from ..tensor import _shape_of as _shape  # a Tensor's, an array's or a number's shape
from .._typing import ArrayLike, Axis, DTypeLike
from ._arrays import dtype_of as _dtype, no_out

__all__ = [
    "cholesky", "cond", "cross", "det", "diagonal", "eig", "eigh", "eigvals", "eigvalsh", "inv",
    "lstsq", "matmul", "matrix_norm", "matrix_power", "matrix_rank", "matrix_transpose",
    "multi_dot", "norm", "outer", "pinv", "qr", "slogdet", "solve", "svd", "svdvals",
    "tensordot", "tensorinv", "tensorsolve", "trace", "vecdot", "vector_norm",
    "LinAlgError",
]

LinAlgError = np.linalg.LinAlgError

# NumPy's named results (the classes themselves, whatever module NumPy keeps them in).
_QRResult = type(np.linalg.qr(np.eye(1)))
_EighResult = type(np.linalg.eigh(np.eye(1)))
_SVDResult = type(np.linalg.svd(np.eye(1)))
_SlogdetResult = type(np.linalg.slogdet(np.eye(1)))

_NoValue = getattr(np, "_NoValue", None)

# A norm's order, as NumPy's stubs spell it (the code also takes 'f' for 'fro').
_Ord = Union[float, Literal["fro", "nuc"], None]
_UPLO = Literal["L", "U", "l", "u"]


def _is_tensor(*xs: Any) -> bool:
    return builtins.any(isinstance(x, Tensor) for x in xs)


def _device_xp(x: Any) -> Any:
    """CuPy (or its stand-in) for a device array or a Tensor on the device; else None."""
    data = x._data if isinstance(x, Tensor) else x
    return namespace(data) if is_cuda_array(data) else None


def _arr(x: ArrayLike) -> Any:
    """A Tensor or a device array as is; anything else (a list, a number) as an array."""
    return x if isinstance(x, Tensor) or is_cuda_array(x) else np.asarray(x)


def _on_device(*xs: Any) -> bool:
    return builtins.any(_device_xp(x) is not None for x in xs)


def _hermitian_from_lower(xp: Any, a: Any) -> Any:
    """The Hermitian matrix NumPy's ``hermitian=True`` sees: ``a``'s lower triangle, mirrored
    (CuPy's pinv, svd and matrix_rank take no ``hermitian``)."""
    return xp.tril(a) + xp.conj(xp.swapaxes(xp.tril(a, -1), -1, -2))


def _real_only(x: ArrayLike, name: str) -> None:
    if np.dtype(_dtype(x)).kind == "c":
        raise NotImplementedError(
            f"funcgrad.numpy.linalg.{name}: derivatives for complex matrices are not "
            f"implemented; call it on tensor.detach().numpy() if no gradient is needed"
        )


def _inexact(x: Any) -> Any:
    """``x`` as floating point (NumPy's linalg computes integer input in float64)."""
    if np.dtype(_dtype(x)).kind not in "fc":
        return ops.astype(x, np.float64)
    return x


def _square(x: ArrayLike, name: str) -> None:
    s = _shape(x)
    if len(s) < 2:
        raise LinAlgError(
            f"{len(s)}-dimensional array given. Array must be at least two-dimensional"
        )
    if s[-1] != s[-2]:
        raise LinAlgError("Last 2 dimensions of the array must be square")


def _moveaxis(x: Any, source: Sequence[int], destination: Sequence[int]) -> Any:
    """``numpy.moveaxis`` for Tensors (a permutation)."""
    nd = len(_shape(x))
    source = [s % nd for s in source]
    destination = [d % nd for d in destination]
    order = [i for i in range(nd) if i not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return ops.permute(x, tuple(order))


# ---- inverses and determinants ----------------------------------------------------------


def inv(a: ArrayLike) -> Any:
    """The inverse of a square matrix, or of each matrix in a stack.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> a = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> fnp.linalg.inv(a)
    array([[ 0.6, -0.2],
           [-0.2,  0.4]])
    >>> fg.grad(lambda a: fnp.linalg.inv(a)[0, 0])(a)
    array([[-0.36,  0.12],
           [ 0.12, -0.04]])
    """
    if _is_tensor(a):
        _square(a, "inv")
    return _dec.inv(a)


def pinv(a: ArrayLike, rcond: ArrayLike | None = None, hermitian: bool = False, *,
         rtol: ArrayLike = _NoValue) -> Any:
    """The Moore-Penrose pseudo-inverse of a matrix (or a stack).

    Singular values below ``rcond`` (or ``rtol``) times the largest are cut, as NumPy's.

    The derivative is that of constant rank (Golub & Pereyra): exact for full-rank
    matrices. For a rank-deficient one (after the cut), perturbations that change the rank
    are ignored: the pseudo-inverse is not continuous there. ``hermitian=True`` reads the
    lower triangle, as NumPy does.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> a = np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]])
    >>> fnp.linalg.pinv(a)
    array([[1. , 0. , 0. ],
           [0. , 0.5, 0. ]])
    >>> fg.grad(lambda a: fnp.linalg.pinv(a)[1, 1])(a)
    array([[ 0.  ,  0.  ],
           [ 0.  , -0.25],
           [ 0.  ,  0.  ]])
    """
    if not _is_tensor(a, rcond):
        xp = _device_xp(a)
        if xp is not None:
            # CuPy's pinv takes neither hermitian= nor rtol=: NumPy's cut, then CuPy's pinv
            # of the matrix NumPy reads.
            if hermitian:
                a = _hermitian_from_lower(xp, a)
            return xp.linalg.pinv(a, rcond=_pinv_rcond(a, rcond, rtol))
        if rtol is _NoValue:
            return np.linalg.pinv(a, rcond, hermitian)
        return np.linalg.pinv(a, rcond, hermitian, rtol=rtol)
    _real_only(a, "pinv")
    a = _inexact(a)
    rcond = _pinv_rcond(a, rcond, rtol)
    if isinstance(rcond, Tensor):
        rcond = rcond._data  # a threshold: not differentiated
    if hermitian:
        a = _dec.sym_from_triangle(a, True)
    return _dec.pinv(a, rcond)


def _pinv_rcond(a: Any, rcond: ArrayLike | None, rtol: ArrayLike) -> ArrayLike:
    """The relative cut of singular values NumPy's ``pinv`` makes of ``rcond`` and ``rtol``."""
    if rcond is None:
        if rtol is _NoValue:
            return 1e-15
        if rtol is None:
            return max(_shape(a)[-2:]) * np.finfo(_dtype(a)).eps
        return rtol
    if rtol is not _NoValue:
        raise ValueError("`rtol` and `rcond` can't be both set.")
    return rcond


def det(a: ArrayLike) -> Any:
    """The determinant of a square matrix, or of each matrix in a stack.

    The gradient is ``det(a) inv(a).T``: at a singular matrix it raises ``LinAlgError``.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> a = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> float(fnp.linalg.det(a))
    5.000000000000001
    >>> fg.grad(fnp.linalg.det)(a)
    array([[ 3., -1.],
           [-1.,  2.]])
    """
    if _is_tensor(a):
        _square(a, "det")
    return _dec.det(a)


def slogdet(a: ArrayLike) -> Any:
    """``(sign, logabsdet)`` of the determinant, NumPy's ``SlogdetResult``.

    ``logabsdet`` is differentiable (gradient ``inv(a).T``); ``sign`` is piecewise constant
    and gets a zero gradient. Complex Tensors are not supported.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> a = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> sign, logdet = fnp.linalg.slogdet(a)
    >>> float(sign), round(float(logdet), 6)
    (1.0, 1.609438)
    >>> fg.grad(lambda a: fnp.linalg.slogdet(a).logabsdet)(a)
    array([[ 0.6, -0.2],
           [-0.2,  0.4]])
    """
    if not _is_tensor(a):
        xp = _device_xp(a)
        if xp is not None:  # CuPy gives a plain tuple
            return _SlogdetResult(*xp.linalg.slogdet(a))
        return np.linalg.slogdet(a)
    _square(a, "slogdet")
    _real_only(a, "slogdet")
    packed = _dec.slogdet(_inexact(a))
    return _SlogdetResult(ops.getitem(packed, (Ellipsis, 0)), ops.getitem(packed, (Ellipsis, 1)))


def matrix_power(a: ArrayLike, n: int) -> Any:
    """A square matrix (or a stack) raised to an integer power, negative ones included.

    ``n < 0`` raises the inverse to ``-n``; products by repeated squaring.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> a = np.array([[1.0, 1.0], [0.0, 1.0]])
    >>> fnp.linalg.matrix_power(a, 3)
    array([[1., 3.],
           [0., 1.]])
    >>> fg.grad(lambda a: fnp.linalg.matrix_power(a, -1)[0, 1])(a)
    array([[ 1., -1.],
           [-1.,  1.]])
    """
    if not _is_tensor(a):
        return np.linalg.matrix_power(a, n)
    _square(a, "matrix_power")
    try:
        n = operator.index(n)
    except TypeError as e:
        raise TypeError("exponent must be an integer") from e
    if n == 0:
        # The identity, tied to ``a`` with a zero derivative (so transforms see an output).
        eye = namespace(a._data).eye(_shape(a)[-1], dtype=_dtype(a))  # where ``a`` lives
        return ops.add(ops.fill(a, 0), eye)
    if n < 0:
        a = _dec.inv(a)
        n = -n
    result = None
    power = a  # a ** (2 ** i)
    while True:
        if n & 1:
            result = power if result is None else ops.matmul(result, power)
        n >>= 1
        if not n:
            return result
        power = ops.matmul(power, power)


# ---- linear systems ---------------------------------------------------------------------


def solve(a: ArrayLike, b: ArrayLike) -> Any:
    """The solution ``x`` of ``a @ x = b`` for square ``a``.

    As NumPy 2: ``b`` is a vector if it is 1-D, else a (stack of) matrices ``(..., M, K)``;
    stacks broadcast.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> a = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> b = np.array([1.0, 2.0])
    >>> fnp.linalg.solve(a, b)
    array([0.2, 0.6])
    >>> fg.grad(lambda b: fnp.linalg.solve(a, b).sum())(b)
    array([0.4, 0.2])
    """
    if not _is_tensor(a, b):
        return np.linalg.solve(a, b)
    a, b = _arr(a), _arr(b)
    _square(a, "solve")
    if len(_shape(b)) == 1:
        x = _dec.solve(a, ops.reshape(b, _shape(b) + (1,)))
        return ops.reshape(x, _shape(x)[:-1])
    return _dec.solve(a, b)


def lstsq(a: ArrayLike, b: ArrayLike, rcond: float | None = None) -> tuple[Any, Any, Any, Any]:
    """The least-squares solution of ``a @ x = b``: NumPy's ``(x, residuals, rank, s)``.

    ``x`` (the minimum-norm solution, ``pinv(a) @ b``), ``residuals`` and ``s`` are
    differentiable; ``rank`` is an integer. Derivatives are exact for full-rank ``a``; see
    :func:`pinv` for the rank-deficient case.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> a = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    >>> b = np.array([1.0, 2.0, 2.0])
    >>> x, res, rank, s = fnp.linalg.lstsq(a, b)
    >>> np.round(x, 6), int(rank)
    (array([1.166667, 0.5     ]), 2)
    >>> np.round(fg.grad(lambda b: fnp.linalg.lstsq(a, b)[0][1])(b), 6) + 0.0
    array([-0.5,  0. ,  0.5])
    """
    if not _is_tensor(a, b):
        return np.linalg.lstsq(a, b, rcond=rcond)
    a, b = _arr(a), _arr(b)
    a_shape, b_shape = _shape(a), _shape(b)
    if len(a_shape) != 2 or len(b_shape) not in (1, 2):
        raise LinAlgError(
            f"{len(a_shape) if len(a_shape) != 2 else len(b_shape)}-dimensional array given. "
            "Array must be two-dimensional"
        )
    m, n = a_shape
    if b_shape[0] != m:
        raise LinAlgError("Incompatible dimensions")
    _real_only(a, "lstsq")
    _real_only(b, "lstsq")
    a, b = _inexact(a), _inexact(b)
    a_raw = a._data if isinstance(a, Tensor) else a
    b_raw = b._data if isinstance(b, Tensor) else b
    # (CuPy's lstsq on the device; ``rank`` comes back to the host below: it decides the
    # residuals' shape, so a sync is unavoidable.)
    _, _, rank, s = namespace(a_raw).linalg.lstsq(a_raw, b_raw, rcond=rcond)
    rank = int(rank)
    if rcond is None:
        rcond = np.finfo(np.result_type(a_raw.dtype, b_raw.dtype)).eps * max(m, n)
    x = ops.matmul(_dec.pinv(a, rcond), b)
    if rank == n and m > n:
        b_cols = b if len(b_shape) == 2 else ops.reshape(b, (m, 1))
        x_cols = x if len(b_shape) == 2 else ops.reshape(x, (n, 1))
        r = ops.sub(b_cols, ops.matmul(a, x_cols))
        residuals = ops.sum(ops.mul(r, r), 0, False)
    else:
        residuals = namespace(s).zeros((0,), dtype=s.dtype)
    if isinstance(a, Tensor):
        s = svdvals(a)
    return x, residuals, rank, s


def tensorsolve(a: ArrayLike, b: ArrayLike, axes: Iterable[int] | None = None) -> Any:
    """The solution ``x`` of ``tensordot(a, x, axes=x.ndim) = b``.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> a = np.eye(6).reshape(6, 2, 3) * 2
    >>> fnp.linalg.tensorsolve(a, np.ones(6)).shape
    (2, 3)
    """
    if not _is_tensor(a, b):
        return np.linalg.tensorsolve(a, b, axes)
    a, b = _arr(a), _arr(b)
    nd = len(_shape(a))
    if axes is not None:
        moved = [ax % nd for ax in axes]
        a = ops.permute(a, tuple([i for i in range(nd) if i not in moved] + moved))
    b_shape = _shape(b)
    x_shape = _shape(a)[len(b_shape):]
    rows = int(np.prod(b_shape, dtype=int))
    cols = int(np.prod(x_shape, dtype=int))
    if rows != cols:
        raise LinAlgError(
            "Input arrays must satisfy the requirement prod(a.shape[b.ndim:]) == "
            "prod(a.shape[:b.ndim])"
        )
    x = solve(ops.reshape(a, (rows, cols)), ops.reshape(b, (rows,)))
    return ops.reshape(x, x_shape)


def tensorinv(a: ArrayLike, ind: int = 2) -> Any:
    """The inverse of ``a`` under ``tensordot(..., ind)``.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.linalg.tensorinv(np.eye(4).reshape(4, 2, 2), ind=1).shape
    (2, 2, 4)
    """
    if not _is_tensor(a):
        return np.linalg.tensorinv(a, ind)
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    shape = _shape(a)
    rows = int(np.prod(shape[:ind], dtype=int))
    inverse = inv(ops.reshape(a, (rows, -1)))
    return ops.reshape(inverse, shape[ind:] + shape[:ind])


# ---- decompositions ---------------------------------------------------------------------


def cholesky(a: ArrayLike, /, *, upper: bool = False) -> Any:
    """The Cholesky factor of a symmetric positive definite matrix (or a stack).

    Lower ``L`` with ``a = L L^T``, or upper ``U = L^T`` with ``upper=True``.

    As NumPy, only the lower (``upper=True``: upper) triangle of ``a`` is read, and the
    derivative is taken with respect to that triangle (the other gets a zero gradient).
    Complex Tensors are not supported.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> a = np.array([[4.0, 2.0], [2.0, 2.0]])
    >>> fnp.linalg.cholesky(a)
    array([[2., 0.],
           [1., 1.]])
    >>> fg.grad(lambda a: fnp.linalg.cholesky(a)[1, 1])(a)
    array([[ 0.125,  0.   ],
           [-0.5  ,  0.5  ]])
    """
    if not _is_tensor(a):
        xp = _device_xp(a)
        if xp is None:
            return np.linalg.cholesky(a, upper=upper)
        if not upper:
            return xp.linalg.cholesky(a)
        # CuPy's cholesky has no upper=: the upper factor (reading a's upper triangle) is
        # the conjugate transpose of the lower factor of a^H.
        low = xp.linalg.cholesky(xp.conj(xp.swapaxes(a, -1, -2)))
        return xp.conj(xp.swapaxes(low, -1, -2))
    _square(a, "cholesky")
    _real_only(a, "cholesky")
    a = _inexact(a)
    if upper:  # NumPy's upper factor reads the upper triangle: the lower one of a^T
        return ops.swapaxes(_dec.cholesky(ops.swapaxes(a, -1, -2)), -1, -2)
    return _dec.cholesky(a)


def qr(a: ArrayLike, mode: Literal["reduced", "complete", "r", "raw"] = "reduced") -> Any:
    """The QR decomposition: NumPy's ``QRResult(Q, R)`` (``mode='r'``: ``R`` alone).

    Both factors are differentiable for ``mode='reduced'`` (and ``'r'``, and ``'complete'``
    when ``a`` is not taller than wide), for tall and wide matrices of full rank. The extra
    columns of a complete ``Q`` are not unique, so ``mode='complete'`` of a tall Tensor and
    ``mode='raw'`` raise NotImplementedError. Complex Tensors are not supported.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> a = np.array([[3.0, 1.0], [4.0, 2.0]])
    >>> fnp.linalg.qr(a).R
    array([[-5. , -2.2],
           [ 0. ,  0.4]])
    >>> fg.grad(lambda a: fnp.linalg.qr(a).R[0, 0])(a)
    array([[-0.6,  0. ],
           [-0.8,  0. ]])
    """
    if mode not in ("reduced", "complete", "r", "raw"):
        raise ValueError(f"Unrecognized mode '{mode}'")
    if not _is_tensor(a):
        xp = _device_xp(a)
        if xp is not None:
            out = xp.linalg.qr(a, mode=mode)
            return _QRResult(*out) if mode in ("reduced", "complete") else out
        return np.linalg.qr(a, mode=mode)
    shape = _shape(a)
    if len(shape) < 2:
        raise LinAlgError(
            f"{len(shape)}-dimensional array given. Array must be at least two-dimensional"
        )
    m, n = shape[-2:]
    if mode == "raw" or (mode == "complete" and m > n):
        raise NotImplementedError(
            f"funcgrad.numpy.linalg.qr: mode={mode!r} is not differentiable (use "
            "mode='reduced')"
        )
    _real_only(a, "qr")
    q, r = _dec.qr_unpack(_dec.qr(_inexact(a)), m, n)
    if mode == "r":
        return r
    return _QRResult(q, r)


def _check_uplo(UPLO: str) -> Literal["L", "U"]:
    uplo = UPLO.upper() if isinstance(UPLO, str) else UPLO
    if uplo not in ("L", "U"):
        raise ValueError("UPLO argument must be 'L' or 'U'")
    return cast(Literal["L", "U"], uplo)


def eigh(a: ArrayLike, UPLO: _UPLO = "L") -> Any:
    """Eigenvalues and eigenvectors of a symmetric matrix (or a stack), as ``EighResult``.

    The eigenvalues ascend, as NumPy's.

    Only the ``UPLO`` triangle is read, and differentiated. Eigenvector derivatives divide
    by eigenvalue gaps: at equal eigenvalues (up to rounding) those terms are 0 (right for
    functions of the eigenspace, undefined otherwise); eigenvectors' signs are LAPACK's.
    Complex Tensors are not supported.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> a = np.array([[2.0, 1.0], [1.0, 2.0]])
    >>> fnp.linalg.eigh(a).eigenvalues
    array([1., 3.])
    >>> fg.grad(lambda a: fnp.linalg.eigh(a).eigenvalues[1])(a)
    array([[0.5, 0. ],
           [1. , 0.5]])
    """
    uplo = _check_uplo(UPLO)
    if not _is_tensor(a):
        xp = _device_xp(a)
        if xp is not None:  # CuPy gives a plain tuple
            return _EighResult(*xp.linalg.eigh(a, UPLO=uplo))
        return np.linalg.eigh(a, UPLO=UPLO)
    _square(a, "eigh")
    _real_only(a, "eigh")
    w, v = _dec.eigh_unpack(_dec.eigh(_inexact(a), uplo))
    return _EighResult(w, v)


def eigvalsh(a: ArrayLike, UPLO: _UPLO = "L") -> Any:
    """The eigenvalues (ascending) of a symmetric matrix (or a stack).

    Only the ``UPLO`` triangle is read, and differentiated. The gradient is defined even at
    repeated eigenvalues (second derivatives are not).

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> a = np.array([[2.0, 1.0], [1.0, 2.0]])
    >>> fg.grad(lambda a: fnp.linalg.eigvalsh(a, UPLO="U")[0])(a)
    array([[ 0.5, -1. ],
           [ 0. ,  0.5]])
    """
    uplo = _check_uplo(UPLO)
    if not _is_tensor(a):
        xp = _device_xp(a)
        if xp is not None:
            return xp.linalg.eigvalsh(a, UPLO=uplo)
        return np.linalg.eigvalsh(a, UPLO=UPLO)
    return eigh(a, uplo).eigenvalues


def svd(a: ArrayLike, full_matrices: bool = True, compute_uv: bool = True,
        hermitian: bool = False) -> Any:
    """The singular value decomposition, as ``SVDResult(U, S, Vh)`` (or ``S`` alone).

    ``compute_uv=False`` gives the singular values alone.

    Differentiable for ``full_matrices=False`` (or a square matrix): the extra columns of a
    full ``U`` or ``Vh`` are not unique, so ``full_matrices=True`` of a non-square Tensor
    raises NotImplementedError. Singular-vector derivatives divide by gaps between squared
    singular values (equal values, up to rounding: those terms are 0) and, for non-square
    input, by the singular values (zero ones: 0). The singular values' own gradient,
    ``U diag(g) Vh``, needs neither. ``hermitian=True`` is supported with
    ``compute_uv=False`` (reading the lower triangle). Complex Tensors are not supported.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> a = np.array([[3.0, 0.0], [0.0, -2.0]])
    >>> fnp.linalg.svd(a, compute_uv=False)
    array([3., 2.])
    >>> fg.grad(lambda a: fnp.linalg.svd(a, compute_uv=False)[1])(a)
    array([[ 0.,  0.],
           [ 0., -1.]])
    """
    if not _is_tensor(a):
        xp = _device_xp(a)
        if xp is not None:
            # CuPy's svd takes no hermitian=: the SVD of the matrix NumPy reads (a valid
            # one; NumPy's, from eigh, may differ in signs of the singular vectors).
            if hermitian:
                a = _hermitian_from_lower(xp, a)
            out = xp.linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)
            return _SVDResult(*out) if compute_uv else out
        # NumPy's stubs overload on a Literal compute_uv, which a bool variable matches none of
        return np.linalg.svd(a, full_matrices=full_matrices,  # type: ignore[call-overload]
                             compute_uv=compute_uv, hermitian=hermitian)
    shape = _shape(a)
    if len(shape) < 2:
        raise LinAlgError(
            f"{len(shape)}-dimensional array given. Array must be at least two-dimensional"
        )
    _real_only(a, "svd")
    a = _inexact(a)
    if not compute_uv:
        if hermitian:
            a = _dec.sym_from_triangle(a, True)
        return svdvals(a)
    if hermitian:
        raise NotImplementedError(
            "funcgrad.numpy.linalg.svd: hermitian=True with compute_uv=True is not "
            "differentiable (NumPy's signs come from eigh); use hermitian=False"
        )
    m, n = shape[-2:]
    if full_matrices and m != n:
        raise NotImplementedError(
            "funcgrad.numpy.linalg.svd: full_matrices=True of a non-square matrix is not "
            "differentiable (its extra singular vectors are not unique); pass "
            "full_matrices=False"
        )
    u, s, vh = _dec.svd_unpack(_dec.svd(a), m)
    return _SVDResult(u, s, vh)


def svdvals(x: ArrayLike, /) -> Any:
    """The singular values of a matrix (or a stack), descending.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.linalg.svdvals(np.array([[0.0, 2.0], [1.0, 0.0]]))
    array([2., 1.])
    """
    if not _is_tensor(x):
        xp = _device_xp(x)
        if xp is not None:  # CuPy has no linalg.svdvals
            return xp.linalg.svd(x, compute_uv=False)
        return np.linalg.svdvals(x)
    _real_only(x, "svdvals")
    x = _inexact(x)
    shape = _shape(x)
    if len(shape) < 2:
        raise LinAlgError(
            f"{len(shape)}-dimensional array given. Array must be at least two-dimensional"
        )
    return _dec.svd_unpack(_dec.svd(x), shape[-2])[1]


def eig(a: ArrayLike) -> Any:
    """Eigenvalues and right eigenvectors of a general matrix (no gradient: arrays only).

    Tensors raise NotImplementedError; use :func:`eigh` for symmetric matrices.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.linalg.eig(np.diag([1.0, 2.0])).eigenvalues
    array([1., 2.])
    """
    if _is_tensor(a):
        raise NotImplementedError(
            "funcgrad.numpy.linalg.eig: the general (non-symmetric) eigendecomposition is "
            "not differentiable in funcgrad; use eigh for symmetric matrices, or call it on "
            "tensor.detach().numpy()"
        )
    return np.linalg.eig(a)


def eigvals(a: ArrayLike) -> Any:
    """Eigenvalues of a general matrix (no gradient: arrays only).

    Tensors raise NotImplementedError; use :func:`eigvalsh` for symmetric matrices.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.linalg.eigvals(np.diag([1.0, 2.0]))
    array([1., 2.])
    """
    if _is_tensor(a):
        raise NotImplementedError(
            "funcgrad.numpy.linalg.eigvals: eigenvalues of a general (non-symmetric) matrix "
            "are not differentiable in funcgrad; use eigvalsh for symmetric matrices, or "
            "call it on tensor.detach().numpy()"
        )
    return np.linalg.eigvals(a)


# ---- norms and numbers ------------------------------------------------------------------


def _vector_norm(x: Any, ord: float | str | None, axis: int, keepdims: bool) -> Any:
    """A vector norm over one axis (Tensor ``x``), NumPy's orders."""
    if ord == np.inf:
        return ops.amax(ops.abs(x), axis, keepdims)
    if ord == -np.inf:
        return ops.amin(ops.abs(x), axis, keepdims)
    if ord == 0:  # the count of nonzeros: piecewise constant, no gradient
        count = ops.astype(ops.not_equal(x, 0), np.dtype(_dtype(x)))
        return ops.sum(count, axis, keepdims)
    if ord == 1:
        return ops.sum(ops.abs(x), axis, keepdims)
    if ord is None or ord == 2:
        return ops.vector_norm(x, 2.0, axis, keepdims)
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    return ops.vector_norm(x, float(ord), axis, keepdims)


def _matrix_norm(x: Any, ord: float | str | None, row_axis: int, col_axis: int) -> Any:
    """A matrix norm over two axes (Tensor ``x``), NumPy's orders; keepdims=False."""
    if ord in (2, -2, "nuc"):
        s = svdvals(_moveaxis(x, (row_axis, col_axis), (-2, -1)))
        if ord == 2:
            return ops.amax(s, -1, False)
        if ord == -2:
            return ops.amin(s, -1, False)
        return ops.sum(s, -1, False)
    if ord in (1, -1):  # the largest (smallest) column sum
        reduce = ops.amax if ord == 1 else ops.amin
        sums = ops.sum(ops.abs(x), row_axis, False)
        return reduce(sums, col_axis - 1 if col_axis > row_axis else col_axis, False)
    if ord in (np.inf, -np.inf):  # the largest (smallest) row sum
        reduce = ops.amax if ord == np.inf else ops.amin
        sums = ops.sum(ops.abs(x), col_axis, False)
        return reduce(sums, row_axis - 1 if row_axis > col_axis else row_axis, False)
    if ord in (None, "fro", "f"):
        return ops.vector_norm(x, 2.0, (row_axis, col_axis), False)
    raise ValueError("Invalid norm order for matrices.")


def norm(x: ArrayLike, ord: _Ord = None, axis: Axis = None, keepdims: bool = False) -> Any:
    """A matrix or vector norm, as ``numpy.linalg.norm``.

    Vector orders: None/2, ``inf``, ``-inf``, 0 (a count: no gradient), 1 and any other
    number. Matrix orders (2-D ``x`` or a 2-tuple ``axis``): None/``'fro'``, ``'nuc'``,
    ``inf``, ``-inf``, 1, -1, 2, -2 (the last two and ``'nuc'`` through singular values).
    At ties (``inf`` norms, ``amax``) the gradient is shared; at zero the 2-norm's gradient
    is 0. Complex Tensors are not supported.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> x = np.array([[3.0, 0.0], [0.0, -4.0]])
    >>> float(fnp.linalg.norm(x)), float(fnp.linalg.norm(x, 'nuc'))
    (5.0, 7.0)
    >>> fg.grad(lambda x: fnp.linalg.norm(x, 2))(x)
    array([[ 0.,  0.],
           [ 0., -1.]])
    """
    if not _is_tensor(x):
        return np.linalg.norm(x, ord, axis, keepdims)
    _real_only(x, "norm")
    x = _inexact(x)
    shape = _shape(x)
    nd = len(shape)
    if axis is None:
        if ord is None or (ord in ("f", "fro") and nd == 2) or (ord == 2 and nd == 1):
            return ops.vector_norm(x, 2.0, None, keepdims)
        axis = tuple(range(nd))
    elif not isinstance(axis, tuple):
        try:
            axis = (operator.index(axis),)
        except TypeError as e:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from e
    axis = tuple(operator.index(ax) for ax in axis)
    for ax in axis:
        if not -nd <= ax < nd:
            raise np.exceptions.AxisError(ax, nd)
    if len(axis) == 1:
        return _vector_norm(x, ord, axis[0], keepdims)
    if len(axis) != 2:
        raise ValueError("Improper number of dimensions to norm.")
    row_axis, col_axis = axis[0] % nd, axis[1] % nd
    if row_axis == col_axis:
        raise ValueError("Duplicate axes given.")
    result = _matrix_norm(x, ord, row_axis, col_axis)
    if keepdims:
        kept = tuple(1 if i in (row_axis, col_axis) else s for i, s in enumerate(shape))
        result = ops.reshape(result, kept)
    return result


def matrix_norm(x: ArrayLike, /, *, keepdims: bool = False, ord: _Ord = "fro") -> Any:
    """A matrix norm over the last two axes (the array API's ``matrix_norm``); see :func:`norm`.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> float(fnp.linalg.matrix_norm(np.array([[3.0, 0.0], [0.0, -4.0]]), ord=np.inf))
    4.0
    """
    if not _is_tensor(x) and not _on_device(x):
        return np.linalg.matrix_norm(x, keepdims=keepdims, ord=ord)
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


def vector_norm(x: ArrayLike, /, *, axis: Axis = None, keepdims: bool = False,
                ord: float = 2) -> Any:
    """A vector norm over ``axis`` (the array API's ``vector_norm``); see :func:`norm`.

    All elements by default; a tuple of axes counts as one flattened vector.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> float(fnp.linalg.vector_norm(np.array([[3.0, 0.0], [0.0, -4.0]]), ord=1))
    7.0
    """
    if not _is_tensor(x) and not _on_device(x):
        # NumPy's stubs want a Literal keepdims with axis=None; a bool variable is neither
        return np.linalg.vector_norm(x, axis=axis, keepdims=keepdims,  # type: ignore[arg-type]
                                     ord=ord)
    shape = _shape(x)
    nd = len(shape)
    if axis is None:
        flat, vaxis, reduced = ops.reshape(x, (-1,)), 0, tuple(range(nd))
    elif isinstance(axis, tuple):
        reduced = tuple(sorted(ax % nd for ax in axis))
        if len(set(reduced)) != len(reduced):
            raise ValueError("repeated axis")
        rest = [i for i in range(nd) if i not in reduced]
        moved = ops.permute(x, tuple(ax % nd for ax in axis) + tuple(rest))
        size = int(np.prod([shape[i] for i in reduced], dtype=int))
        flat, vaxis = ops.reshape(moved, (size,) + tuple(shape[i] for i in rest)), 0
    else:
        flat, vaxis, reduced = x, axis, (axis % nd,)
    result = norm(flat, ord=ord, axis=vaxis)
    if keepdims:
        result = ops.reshape(result, tuple(1 if i in reduced else s for i, s in enumerate(shape)))
    return result


def cond(x: ArrayLike, p: _Ord = None) -> Any:
    """The condition number of a matrix (or a stack) in the norm ``p``.

    Differentiable: ``p`` None/2/-2 through singular values, other orders as
    ``norm(x, p) * norm(inv(x), p)`` (a singular matrix raises ``LinAlgError`` there, where
    NumPy returns inf). Complex Tensors are not supported.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> a = np.array([[4.0, 0.0], [0.0, 2.0]])
    >>> float(fnp.linalg.cond(a))
    2.0
    >>> fg.grad(fnp.linalg.cond)(a)
    array([[ 0.5,  0. ],
           [ 0. , -1. ]])
    """
    if not _is_tensor(x):
        xp = _device_xp(x)
        if xp is not None:  # CuPy has no linalg.cond
            if p is None or p in (2, -2):
                s = xp.linalg.svd(x, compute_uv=False)
                return s[..., -1] / s[..., 0] if p == -2 else s[..., 0] / s[..., -1]
            return (xp.linalg.norm(x, p, axis=(-2, -1))
                    * xp.linalg.norm(xp.linalg.inv(x), p, axis=(-2, -1)))
        return np.linalg.cond(x, p)
    _real_only(x, "cond")
    x = _inexact(x)
    if p is None or p in (2, -2):
        s = svdvals(x)
        first, last = ops.getitem(s, (Ellipsis, 0)), ops.getitem(s, (Ellipsis, -1))
        return ops.div(last, first) if p == -2 else ops.div(first, last)
    _square(x, "cond")
    return ops.mul(norm(x, p, axis=(-2, -1)), norm(inv(x), p, axis=(-2, -1)))


def matrix_rank(A: ArrayLike, tol: ArrayLike | None = None, hermitian: bool = False, *,
                rtol: ArrayLike | None = None) -> Any:
    """The rank of a matrix (or a stack) by SVD (an integer: no gradient).

    A Tensor is read as its values.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> int(fnp.linalg.matrix_rank(np.array([[1.0, 2.0], [2.0, 4.0]])))
    1
    """
    def raw(v: Any) -> Any:
        return v._data if isinstance(v, Tensor) else v

    A, tol, rtol = raw(A), raw(tol), raw(rtol)
    xp = _device_xp(A)
    if xp is None:
        return np.linalg.matrix_rank(A, tol=tol, hermitian=hermitian, rtol=rtol)
    # CuPy's matrix_rank takes neither hermitian= nor rtol=: NumPy's rule, on the device.
    if A.ndim < 2:
        return xp.any(A != 0).astype(np.int64)
    if hermitian:
        s = xp.abs(xp.linalg.eigvalsh(A))
    else:
        s = xp.linalg.svd(A, compute_uv=False)
    if tol is None:
        if rtol is None:
            rtol = max(A.shape[-2:]) * np.finfo(s.dtype).eps
        tol = xp.max(s, axis=-1, keepdims=True) * xp.asarray(rtol)[..., None]
    else:
        tol = xp.asarray(tol)[..., None]
    return xp.count_nonzero(s > tol, axis=-1)


# ---- products ---------------------------------------------------------------------------


def _chain_order(dims: Sequence[int]) -> list[list[int]]:
    """The cheapest parenthesisation of a matrix chain (dims p0 .. pn): split[i][j]."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            best = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if best is None or c < best:
                    best, split[i][j] = c, k
            assert best is not None  # j > i: the loop above ran
            cost[i][j] = best
    return split


def _chain_product(arrays: Sequence[Any], split: list[list[int]], i: int, j: int) -> Any:
    if i == j:
        return arrays[i]
    k = split[i][j]
    return ops.matmul(_chain_product(arrays, split, i, k), _chain_product(arrays, split, k + 1, j))


def multi_dot(arrays: Iterable[ArrayLike], *, out: None = None) -> Any:
    """The product of two or more matrices, multiplied in the cheapest order.

    The first may be a row vector, the last a column vector, given 1-D.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> a, b, c = np.ones((2, 3)), np.ones((3, 4)), np.ones(4)
    >>> fnp.linalg.multi_dot([a, b, c])
    array([12., 12.])
    >>> fg.grad(lambda c: fnp.linalg.multi_dot([a, b, c]).sum())(c)
    array([6., 6., 6., 6.])
    """
    no_out(out, "multi_dot", "linalg")
    arrays = list(arrays)
    if not _is_tensor(*arrays) and not _on_device(*arrays):
        return np.linalg.multi_dot(arrays)
    if len(arrays) < 2:
        raise ValueError("Expecting at least two arrays.")
    arrays = [_arr(a) for a in arrays]
    first_1d, last_1d = len(_shape(arrays[0])) == 1, len(_shape(arrays[-1])) == 1
    if first_1d:
        arrays[0] = ops.reshape(arrays[0], (1, -1))
    if last_1d:
        arrays[-1] = ops.reshape(arrays[-1], (-1, 1))
    for a in arrays:
        if len(_shape(a)) != 2:
            raise LinAlgError(
                f"{len(_shape(a))}-dimensional array given. Array must be two-dimensional"
            )
    dims = [_shape(arrays[0])[0]] + [_shape(a)[1] for a in arrays]
    result = _chain_product(arrays, _chain_order(dims), 0, len(arrays) - 1)
    if first_1d and last_1d:
        return ops.reshape(result, ())
    if first_1d or last_1d:
        return ops.reshape(result, (-1,))
    return result


def matmul(x1: ArrayLike, x2: ArrayLike, /) -> Any:
    """The matrix product (the array API's ``linalg.matmul``).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.linalg.matmul(np.eye(2), np.array([1.0, 2.0]))
    array([1., 2.])
    """
    if not _is_tensor(x1, x2) and not _on_device(x1, x2):
        return np.linalg.matmul(x1, x2)
    return ops.matmul(x1, x2)


def matrix_transpose(x: ArrayLike, /) -> Any:
    """The transpose of the last two axes.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.linalg.matrix_transpose(np.ones((2, 3, 4))).shape
    (2, 4, 3)
    """
    if not _is_tensor(x) and not _on_device(x):
        return np.linalg.matrix_transpose(x)
    if len(_shape(x)) < 2:
        raise ValueError(f"Input array must be at least 2-dimensional, but it is {len(_shape(x))}")
    return ops.swapaxes(x, -1, -2)


def vecdot(x1: ArrayLike, x2: ArrayLike, /, *, axis: int = -1) -> Any:
    """The dot product of vectors along ``axis`` (broadcasting the rest).

    Complex Tensors are not supported (NumPy conjugates ``x1``).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.linalg.vecdot(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 1.0]))
    array([3., 7.])
    """
    if not _is_tensor(x1, x2):
        xp = _device_xp(x1) or _device_xp(x2)
        if xp is not None:  # CuPy has no linalg.vecdot
            shape = np.broadcast_shapes(x1.shape, x2.shape)
            prod = xp.conj(xp.broadcast_to(x1, shape)) * xp.broadcast_to(x2, shape)
            return xp.sum(prod, axis=axis)
        # NumPy's stubs type vecdot as a plain gufunc call, without its axis= keyword
        return np.linalg.vecdot(x1, x2, axis=axis)  # type: ignore[call-overload]
    _real_only(x1, "vecdot")
    _real_only(x2, "vecdot")
    n1, n2 = len(_shape(x1)), len(_shape(x2))
    x1 = _moveaxis(x1, (axis % n1,), (-1,))
    x2 = _moveaxis(x2, (axis % n2,), (-1,))
    return ops.sum(ops.mul(x1, x2), -1, False)


def outer(x1: ArrayLike, x2: ArrayLike, /) -> Any:
    """The outer product of two vectors.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.linalg.outer(np.array([1.0, 2.0]), np.array([1.0, 0.0, -1.0]))
    array([[ 1.,  0., -1.],
           [ 2.,  0., -2.]])
    """
    if not _is_tensor(x1, x2) and not _on_device(x1, x2):
        return np.linalg.outer(x1, x2)
    n1, n2 = len(_shape(x1)), len(_shape(x2))
    if n1 != 1 or n2 != 1:
        raise ValueError(
            f"Input arrays must be one-dimensional, but they are x1.ndim={n1} and x2.ndim={n2}."
        )
    return ops.mul(ops.reshape(x1, (-1, 1)), ops.reshape(x2, (1, -1)))


def cross(x1: ArrayLike, x2: ArrayLike, /, *, axis: int = -1) -> Any:
    """The cross product of 3-vectors along ``axis`` (broadcasting the rest).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.linalg.cross(np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))
    array([0., 0., 1.])
    """
    if not _is_tensor(x1, x2) and not _on_device(x1, x2):
        return np.linalg.cross(x1, x2, axis=axis)
    s1, s2 = _shape(x1), _shape(x2)
    if s1[axis] != 3 or s2[axis] != 3:
        raise ValueError(
            f"Both input arrays must be (arrays of) 3-dimensional vectors, but they are "
            f"{s1[axis]} and {s2[axis]} dimensional instead."
        )
    a = _moveaxis(x1, (axis % len(s1),), (-1,))
    b = _moveaxis(x2, (axis % len(s2),), (-1,))
    a0, a1, a2 = (ops.getitem(a, (Ellipsis, i)) for i in range(3))
    b0, b1, b2 = (ops.getitem(b, (Ellipsis, i)) for i in range(3))
    c = ops.stack((ops.sub(ops.mul(a1, b2), ops.mul(a2, b1)),
                   ops.sub(ops.mul(a2, b0), ops.mul(a0, b2)),
                   ops.sub(ops.mul(a0, b1), ops.mul(a1, b0))), -1)
    nd = len(_shape(c))
    return _moveaxis(c, (-1,), (axis % nd,))


def tensordot(x1: ArrayLike, x2: ArrayLike, /, *,
              axes: int | tuple[int | Sequence[int], int | Sequence[int]] = 2) -> Any:
    """The sum of products over ``axes`` of two arrays, by one matrix product.

    ``axes``: an int (the last of ``x1`` with the first of ``x2``) or a pair of axis lists.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.linalg.tensordot(np.ones((2, 3, 4)), np.ones((3, 4, 5))).shape
    (2, 5)
    """
    if not _is_tensor(x1, x2) and not _on_device(x1, x2):
        return np.linalg.tensordot(x1, x2, axes=axes)
    s1, s2 = _shape(x1), _shape(x2)
    n1, n2 = len(s1), len(s2)
    try:
        k = operator.index(axes)  # type: ignore[arg-type]  # a pair raises TypeError: below
        axes1, axes2 = list(range(n1 - k, n1)), list(range(k))
    except TypeError:
        assert not isinstance(axes, int)
        first, second = axes
        axes1 = [first] if isinstance(first, int) else list(first)
        axes2 = [second] if isinstance(second, int) else list(second)
    axes1 = [ax % n1 for ax in axes1]
    axes2 = [ax % n2 for ax in axes2]
    if len(axes1) != len(axes2) or builtins.any(s1[i] != s2[j] for i, j in zip(axes1, axes2)):
        raise ValueError("shape-mismatch for sum")
    free1 = [i for i in range(n1) if i not in axes1]
    free2 = [i for i in range(n2) if i not in axes2]
    size = int(np.prod([s1[i] for i in axes1], dtype=int))
    left = ops.reshape(ops.permute(x1, tuple(free1 + axes1)), (-1, size))
    right = ops.reshape(ops.permute(x2, tuple(axes2 + free2)), (size, -1))
    out = ops.matmul(left, right)
    return ops.reshape(out, tuple(s1[i] for i in free1) + tuple(s2[i] for i in free2))


def diagonal(x: ArrayLike, /, *, offset: int = 0) -> Any:
    """The diagonal (``offset`` above it, or below if negative) of the last two axes.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.linalg.diagonal(np.arange(9.0).reshape(3, 3), offset=1)
    array([1., 5.])
    """
    if not _is_tensor(x) and not _on_device(x):
        return np.linalg.diagonal(x, offset=offset)
    shape = _shape(x)
    if len(shape) < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    rows, cols = shape[-2:]
    xp = namespace(x._data if isinstance(x, Tensor) else x)  # index arrays where x lives
    if offset >= 0:
        length = max(0, min(rows, cols - offset))
        r = xp.arange(length)
        c = r + offset
    else:
        length = max(0, min(rows + offset, cols))
        c = xp.arange(length)
        r = c - offset
    return ops.getitem(x, (Ellipsis, r, c))


def trace(x: ArrayLike, /, *, offset: int = 0, dtype: DTypeLike = None) -> Any:
    """The sum of the diagonal (``offset``) of the last two axes.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> fg.grad(fnp.linalg.trace)(np.ones((2, 2)))
    array([[1., 0.],
           [0., 1.]])
    """
    if not _is_tensor(x) and not _on_device(x):
        return np.linalg.trace(x, offset=offset, dtype=dtype)
    d = diagonal(x, offset=offset)
    if dtype is not None:
        d = ops.astype(d, dtype)
    return ops.sum(d, -1, False)


# NumPy ufunc -> funcgrad function (for Tensor.__array_ufunc__)
NUMPY_UFUNCS: dict[np.ufunc, Callable[..., Any]] = {}
# NumPy function -> funcgrad function (for __array_function__)
NUMPY_FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {
    getattr(np.linalg, name): globals()[name]
    for name in __all__
    if name != "LinAlgError" and hasattr(np.linalg, name)
}
