"""Matrix products: ``matmul`` with NumPy's semantics (1-D, 2-D and batched operands)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..tensor import _shape_of as _shape  # a Tensor's, an array's or a number's shape
from . import _structure
from ._primitive import Sample, defprimitive
from .reduce import sum_to_shape
from .shape import permute, reshape, swapaxes

if TYPE_CHECKING:
    from .._typing import Array, Shape


def _out_ndim(xs: Shape, ys: Shape) -> int:
    if len(xs) == 1 and len(ys) == 1:
        return 0
    if len(xs) == 1:
        return len(ys) - 1
    if len(ys) == 1:
        return len(xs) - 1
    return max(len(xs), len(ys))


def _col(a: Any, a_shape: Shape | None) -> Any:
    """``a`` with a trailing unit axis: (..., n) -> (..., n, 1)."""
    return reshape(a, _shape(a) + (1,))


def _row(a: Any) -> Any:
    """``a`` with a unit axis before its last: (..., n) -> (..., 1, n)."""
    s = _shape(a)
    return reshape(a, s[:-1] + (1,) + s[-1:])


# Kept here for existing imports; the device-aware one lives with the other marks.
mark_identity = _structure.mark_identity


def _matmul_forward(x: Array, y: Array) -> Array:
    if _structure._DIAGONALS:  # (a dict: cheaper than a call on this hot path)
        # A product with a known diagonal matrix (a Jacobian's one-hot seed, scaled) is a
        # scaling, not a GEMM.
        out = _structure.matmul(x, y)
        if out is not None:
            return out
    if np.ndim(x) == 0 or np.ndim(y) == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {np.ndim(x)}D and "
            f"{np.ndim(y)}D"
        )
    try:
        return np.matmul(x, y)
    except ValueError:
        xs, ys = np.shape(x), np.shape(y)
        if len(xs) == 2 and len(ys) == 2:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({xs[0]}x{xs[1]} and {ys[0]}x{ys[1]})"
            ) from None
        raise RuntimeError(
            f"matmul: shapes {list(xs)} and {list(ys)} cannot be multiplied (the last "
            f"dimension of the first must equal the second-to-last of the second)"
        ) from None


def _gemm(a: Any, b: Any) -> Any:
    """``matmul(a, b)`` as one matrix product when one side is a plain matrix.

    NumPy multiplies a stack ``(B, n, k) @ (k, m)`` matrix by matrix; folding the stack
    into the rows (or columns) makes it a single GEMM, which is what batched cotangents and
    tangents need to reach BLAS speed.
    """
    a_shape, b_shape = _shape(a), _shape(b)
    if len(b_shape) == 2 and len(a_shape) > 2:
        out = matmul(reshape(a, (-1, a_shape[-1])), b)
        return reshape(out, a_shape[:-1] + b_shape[-1:])
    if len(a_shape) == 2 and len(b_shape) > 2:
        # a @ b[i] for every i: fold the stack into columns, (n, k) @ (k, B*m).
        nd = len(b_shape)
        cols = reshape(permute(b, (nd - 2,) + tuple(range(nd - 2)) + (nd - 1,)), (b_shape[-2], -1))
        out = reshape(matmul(a, cols), (a_shape[0],) + b_shape[:-2] + b_shape[-1:])
        return permute(out, tuple(range(1, nd - 1)) + (0, nd - 1))
    return matmul(a, b)


def _matmul_vjp(g: Any, needs: tuple[bool, ...], ans: None, x: Any,
                y: Any) -> tuple[Any, Any]:
    if type(g) is np.ndarray and g.ndim == 2 and np.ndim(x) == 2 and np.ndim(y) == 2:
        # The commonest case, on raw arrays (nothing to record): straight to BLAS.
        return (g @ y.T if needs[0] else None, x.T @ g if needs[1] else None)
    xs, ys = _shape(x), _shape(y)
    nb = len(_shape(g)) - _out_ndim(xs, ys)
    gx = gy = None
    if len(xs) == 1 and len(ys) == 1:  # dot: g is batch + ()
        gc = reshape(g, _shape(g) + (1,))
        if needs[0]:
            gx = mul(gc, y)
        if needs[1]:
            gy = mul(gc, x)
        return (gx, gy)
    if len(xs) == 1:  # (k,) @ (..., k, m) -> (..., m)
        if needs[0] and len(ys) == 2:
            gx = _gemm(g, swapaxes(y, -1, -2))  # a batch of rows times one matrix: one GEMM
        elif needs[0]:
            gx = sum_to_shape(reshape(matmul(_row(g), swapaxes(y, -1, -2)), _shape(g)[:-1] + xs[-1:]), xs, nb)
        if needs[1]:
            gy = sum_to_shape(matmul(_col(x, xs), _row(g)), ys, nb)
        return (gx, gy)
    if len(ys) == 1:  # (..., n, k) @ (k,) -> (..., n)
        if needs[0]:
            gx = sum_to_shape(matmul(_col(g, None), _row(y)), xs, nb)
        if needs[1] and len(xs) == 2:
            gy = _gemm(g, x)  # (batch, n) @ (n, k): one GEMM, not a stack of mat-vecs
        elif needs[1]:
            gy = matmul(swapaxes(x, -1, -2), _col(g, None))
            gy = sum_to_shape(reshape(gy, _shape(gy)[:-1]), ys, nb)
        return (gx, gy)
    if needs[0]:
        gx = sum_to_shape(_gemm(g, swapaxes(y, -1, -2)), xs, nb)
    if needs[1]:
        gy = sum_to_shape(_gemm(swapaxes(x, -1, -2), g), ys, nb)
    return (gx, gy)


def _matmul_jvp(t: tuple[Any, ...], ans: Any, x: Any, y: Any) -> Any:
    tx, ty = t
    xs, ys = _shape(x), _shape(y)
    out = None
    if tx is not None:
        if len(xs) == 1 and len(ys) > 2:
            # A batch of vectors is not a matrix: give it unit axes to broadcast past y's.
            txs = _shape(tx)
            term = matmul(reshape(tx, txs[:-1] + (1,) * (len(ys) - 2) + (1, txs[-1])), y)
            out = reshape(term, _shape(term)[:-2] + _shape(term)[-1:])
        elif len(xs) == 1:
            out = _gemm(tx, y)  # (batch, k) @ (k,) or (k, m)
        else:
            out = _gemm(_align(tx, len(xs), max(len(xs), len(ys)) if len(ys) > 1 else len(xs)), y)
    if ty is not None:
        if len(ys) == 1 and len(xs) == 1:
            term = matmul(ty, x)
        elif len(ys) == 1 and len(xs) == 2:
            term = _gemm(ty, swapaxes(x, -1, -2))  # (batch, k) @ (k, n): one GEMM
        elif len(ys) == 1:
            tys = _shape(ty)
            term = matmul(x, reshape(ty, tys[:-1] + (1,) * (len(xs) - 2) + (tys[-1], 1)))
            term = reshape(term, _shape(term)[:-1])
        else:
            term = _gemm(x, _align(ty, len(ys), max(len(xs), len(ys))))
        out = term if out is None else add(out, term)
    return out


def _align(t: Any, in_ndim: int, out_ndim: int) -> Any:
    """A batched tangent with unit axes after its batch, so its own (matrix-stack) dims
    broadcast against the other operand's as the primal's did."""
    ts = _shape(t)
    nb = len(ts) - in_ndim
    if nb and out_ndim > in_ndim:
        return reshape(t, ts[:nb] + (1,) * (out_ndim - in_ndim) + ts[nb:])
    return t


def _pick_matmul(args: tuple[Any, ...]) -> int:
    xs, ys = _shape(args[0]), _shape(args[1])
    if len(xs) == 2 and len(ys) == 2:
        return 0
    if len(xs) == 1 and len(ys) == 1:
        return 1
    if len(xs) == 2 and len(ys) == 1:
        return 2
    return 3


matmul = defprimitive(
    "matmul", _matmul_forward, _matmul_vjp, _matmul_jvp, nin=2, save="vv",
    node_names=("MmBackward0", "DotBackward0", "MvBackward0", "MatmulBackward0"),
    pick_node=_pick_matmul,
    samples=[Sample((3, 4), (4, 5)), Sample((4,), (4,)), Sample((3, 4), (4,)), Sample((4,), (4, 2)),
             Sample((2, 3, 4), (4, 2)), Sample((2, 1, 3, 4), (3, 4, 2))],
)


def mm(x: Any, y: Any) -> Any:
    """The product of two matrices (2-D only, as ``torch.mm``)."""
    if len(_shape(x)) != 2 or len(_shape(y)) != 2:
        raise RuntimeError(f"self must be a matrix")
    return matmul(x, y)


def dot(x: Any, y: Any) -> Any:
    """The inner product of two vectors (1-D only, as ``torch.dot``)."""
    if len(_shape(x)) != 1 or len(_shape(y)) != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {len(_shape(x))}D and {len(_shape(y))}D tensors"
        )
    return matmul(x, y)


from .elementwise import add, mul  # noqa: E402
