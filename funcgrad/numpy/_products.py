"""Products with NumPy's semantics: dot, vdot, inner, outer, tensordot, einsum, kron, cross.

Given only arrays (or numbers, lists) each function returns what NumPy returns, by calling
NumPy. Given a Tensor it records: as ``matmul`` where the product is one (1-D and 2-D
``dot``, ``inner`` and ``vdot``), otherwise as the ``einsum`` primitive, whose two-operand
contractions run as a single ``matmul`` (BLAS) and whose VJPs are einsums again. ``cross``
is built from elementwise products of the vectors' components.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from .. import ops
from ..ops import products as _products
from .._typing import ArrayLike
from ._arrays import any_tensor as _any_tensor, array_of, dtype_of as _dtype, no_out as _no_out, operand
from ..tensor import Tensor
from ..tensor import _shape_of as _shape  # a Tensor's, an array's or a number's shape

__all__ = ["dot", "vdot", "inner", "outer", "tensordot", "einsum", "einsum_path", "kron", "cross",
           "vecdot", "matvec", "vecmat"]


def _operand(a: ArrayLike) -> Any:
    """A Tensor (or device array) as is; anything else as an array."""
    return operand(a)




def _contract_axes(a: Any, b: Any, axes_a: Sequence[int], axes_b: Sequence[int]) -> Any:
    """``tensordot``: sum ``a``'s ``axes_a`` against ``b``'s ``axes_b``, as one einsum."""
    na, nb = len(_shape(a)), len(_shape(b))
    la = tuple(range(na))
    paired = dict(zip(axes_b, axes_a))
    lb = tuple(paired[j] if j in paired else na + j for j in range(nb))
    out = tuple(i for i in la if i not in axes_a) + tuple(na + j for j in range(nb) if j not in paired)
    return _products.einsum((a, b), (la, lb), out)


def dot(a: ArrayLike, b: ArrayLike, out: None = None) -> Any:
    """Dot product of two arrays (NumPy's ``dot``).

    Scalars multiply; 1-D and 2-D operands (and an N-D ``a`` with a 1-D or 2-D ``b``) are a
    ``matmul``; otherwise the sum runs over the last axis of ``a`` and the second-to-last of
    ``b``: ``dot(a, b)[i, j, k, m] = sum(a[i, j, :] * b[k, :, m])``.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> x = fg.tensor([1.0, 2.0], requires_grad=True)
    >>> y = fnp.dot(fg.tensor([[1.0, 0.0], [3.0, 4.0]]), x)
    >>> y
    tensor([ 1., 11.], grad_fn=<MvBackward0>)
    >>> fnp.sum(y).backward()
    >>> x.grad
    tensor([4., 4.])
    """
    _no_out(out, "dot")
    if not _any_tensor(a, b):
        return np.dot(a, b)
    sa, sb = _shape(a), _shape(b)
    if not sa or not sb:
        return ops.mul(a, b)  # numbers as they are: they mix with arrays on any device
    a, b = _operand(a), _operand(b)
    k = len(sb) - 1 if len(sb) == 1 else len(sb) - 2
    if sa[-1] != sb[k]:
        raise ValueError(
            f"funcgrad.numpy.dot: shapes {sa} and {sb} not aligned: {sa[-1]} (dim "
            f"{len(sa) - 1}) != {sb[k]} (dim {k})"
        )
    if len(sb) <= 2 or len(sa) == 1:
        return ops.matmul(a, b)
    return _contract_axes(a, b, (len(sa) - 1,), (len(sb) - 2,))


def vdot(a: ArrayLike, b: ArrayLike, /) -> Any:
    """Dot product of two arrays flattened, conjugating the first (NumPy's ``vdot``).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.vdot(fg.tensor([[1.0, 2.0], [3.0, 4.0]]), fg.tensor([[1.0, 1.0], [0.0, 2.0]]))
    tensor(11.)
    >>> fnp.vdot(np.array([1j, 2.0]), np.array([1j, 1.0]))
    np.complex128(3+0j)
    """
    if not _any_tensor(a, b):
        return np.vdot(a, b)
    a, b = _operand(a), _operand(b)
    sa, sb = _shape(a), _shape(b)
    if int(np.prod(sa)) != int(np.prod(sb)):
        raise ValueError(
            f"funcgrad.numpy.vdot: the operands have different sizes ({int(np.prod(sa))} and "
            f"{int(np.prod(sb))})"
        )
    fa, fb = ops.reshape(a, (-1,)), ops.reshape(b, (-1,))
    if _dtype(a).kind == "c":
        fa = _products.conj(fa)
    return ops.matmul(fa, fb)


def inner(a: ArrayLike, b: ArrayLike, /) -> Any:
    """Inner product over the last axes (NumPy's ``inner``).

    ``inner(a, b)`` has shape ``a.shape[:-1] + b.shape[:-1]``; a scalar operand multiplies.
    No conjugation for complex operands.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.inner(fg.tensor([[1.0, 2.0], [3.0, 4.0]]), fg.tensor([1.0, -1.0]))
    tensor([-1., -1.])
    """
    if not _any_tensor(a, b):
        return np.inner(a, b)
    a, b = _operand(a), _operand(b)
    sa, sb = _shape(a), _shape(b)
    if not sa or not sb:
        return ops.mul(a, b)
    if sa[-1] != sb[-1]:
        raise ValueError(
            f"funcgrad.numpy.inner: shapes {sa} and {sb}: the last dimensions differ "
            f"({sa[-1]} and {sb[-1]})"
        )
    if len(sb) == 1:
        return ops.matmul(a, b)
    if len(sa) == 1:
        return ops.matmul(b, a)
    if len(sb) == 2:
        return ops.matmul(a, ops.swapaxes(b, -1, -2))
    return _contract_axes(a, b, (len(sa) - 1,), (len(sb) - 1,))


def outer(a: ArrayLike, b: ArrayLike, out: None = None) -> Any:
    """Outer product of two vectors; inputs are flattened first (NumPy's ``outer``).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.outer(fg.tensor([1.0, 2.0]), fg.tensor([1.0, 0.0, -1.0]))
    tensor([[ 1.,  0., -1.],
            [ 2.,  0., -2.]])
    """
    _no_out(out, "outer")
    if not _any_tensor(a, b):
        return np.outer(a, b)
    fa, fb = ops.reshape(_operand(a), (-1,)), ops.reshape(_operand(b), (-1,))
    return _products.einsum((fa, fb), ((0,), (1,)), (0, 1))


def _axis_list(axes: int | Sequence[int], ndim: int, which: str) -> tuple[int, ...]:
    axes = [axes] if isinstance(axes, (int, np.integer)) else list(axes)
    return tuple(normalize_axis_index(int(ax), ndim, msg_prefix=f"tensordot {which}") for ax in axes)


def tensordot(a: ArrayLike, b: ArrayLike,
              axes: int | tuple[int | Sequence[int], int | Sequence[int]] = 2) -> Any:
    """Sum of products over the given axes (NumPy's ``tensordot``).

    ``axes`` is an integer N (the last N axes of ``a`` against the first N of ``b``) or a
    pair of sequences (or integers) of axes to sum, ``a``'s first. The result's axes are
    ``a``'s remaining ones, then ``b``'s.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> a = fg.tensor([[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]])
    >>> fnp.tensordot(a, fg.ones(3, 2), axes=([2, 1], [0, 1]))
    tensor([15.])
    """
    if not _any_tensor(a, b):
        return np.tensordot(a, b, axes)
    a, b = _operand(a), _operand(b)
    sa, sb = _shape(a), _shape(b)
    spec: Any = axes  # an int or a pair of axis lists: told apart by unpacking it
    try:
        axes_a, axes_b = spec
    except TypeError:
        n = int(spec)
        if n < 0 or n > len(sa) or n > len(sb):
            raise ValueError(
                f"funcgrad.numpy.tensordot: axes={n} but the operands have {len(sa)} and "
                f"{len(sb)} dimensions"
            ) from None
        axes_a, axes_b = tuple(range(len(sa) - n, len(sa))), tuple(range(n))
    else:
        axes_a, axes_b = _axis_list(axes_a, len(sa), "axes[0]"), _axis_list(axes_b, len(sb), "axes[1]")
    if len(axes_a) != len(axes_b) or any(sa[i] != sb[j] for i, j in zip(axes_a, axes_b)):
        raise ValueError("funcgrad.numpy.tensordot: shape-mismatch for sum")
    if len(set(axes_a)) != len(axes_a) or len(set(axes_b)) != len(axes_b):
        raise ValueError("funcgrad.numpy.tensordot: an axis is repeated in axes")
    return _contract_axes(a, b, axes_a, axes_b)


def einsum(*operands: Any, out: None = None, optimize: bool | str | list[Any] = False,
           **kwargs: Any) -> Any:
    """Einstein summation (NumPy's ``einsum``).

    Takes NumPy's subscripts string (explicit ``->`` output or implicit, repeated labels for
    traces and diagonals, ``...`` for broadcast dimensions) or its sublist form, and any
    number of operands. ``optimize`` is accepted and ignored: two-operand contractions always
    run as one ``matmul`` and more operands pairwise in ``numpy.einsum_path``'s greedy order.
    ``dtype`` and ``casting`` are honoured; ``order`` is ignored (the values are the same).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> a = fg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> t = fnp.einsum("ii", a)
    >>> t.backward()
    >>> t, a.grad
    (tensor(5., grad_fn=<EinsumBackward0>), tensor([[1., 0.],
            [0., 1.]]))
    >>> fnp.einsum("ij,jk->ik", np.eye(2), np.ones((2, 1)))
    array([[1.],
           [1.]])
    """
    _no_out(out, "einsum")
    if not _any_tensor(*operands):
        return np.einsum(*operands, optimize=optimize, **kwargs)
    dtype = kwargs.pop("dtype", None)
    casting = kwargs.pop("casting", "safe")
    kwargs.pop("order", None)
    if kwargs:
        raise TypeError(f"funcgrad.numpy.einsum: unexpected keyword argument(s) {sorted(kwargs)}")
    subscripts: str | list[Any]
    if operands and isinstance(operands[0], str):
        subscripts, arrays, output = operands[0], list(operands[1:]), None
    else:
        n = len(operands) // 2
        arrays = list(operands[0 : 2 * n : 2])
        subscripts = list(operands[1 : 2 * n : 2])
        output = operands[2 * n] if len(operands) % 2 else None
    if not arrays:
        raise ValueError("funcgrad.numpy.einsum: no operands given")
    arrays = [_operand(a) for a in arrays]
    if dtype is not None:
        dtype = np.dtype(dtype)
        for k, a in enumerate(arrays):
            if not np.can_cast(_dtype(a), dtype, casting):
                raise TypeError(
                    f"funcgrad.numpy.einsum: operand {k} of dtype {_dtype(a)} cannot be cast to "
                    f"{dtype} under casting={casting!r}"
                )
            if _dtype(a) != dtype:
                arrays[k] = ops.astype(a, dtype)
    ins, out_labels = _products.parse_subscripts(subscripts, [_shape(a) for a in arrays], output)
    return _products.einsum(tuple(arrays), ins, out_labels)


def einsum_path(*operands: Any, optimize: bool | str | list[Any] = "greedy",
                einsum_call: Literal[False] = False) -> tuple[list[Any], str]:
    """NumPy's ``einsum_path`` (an evaluation order; nothing to differentiate).

    Tensors are read for their shapes only.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.einsum_path("ij,jk,kl", fg.ones(2, 3), fg.ones(3, 4), fg.ones(4, 5))[0]
    ['einsum_path', (1, 2), (0, 1)]
    """
    raw = [a._data if isinstance(a, Tensor) else a for a in operands]
    return np.einsum_path(*raw, optimize=optimize, einsum_call=einsum_call)


def kron(a: ArrayLike, b: ArrayLike) -> Any:
    """Kronecker product (NumPy's ``kron``): blocks of ``b`` scaled by the entries of ``a``.

    The operand with fewer dimensions gets leading unit axes; the result's shape is the
    elementwise product of the shapes.

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.kron(fg.tensor([1.0, 10.0]), fg.tensor([1.0, 2.0, 3.0]))
    tensor([ 1.,  2.,  3., 10., 20., 30.])
    """
    if not _any_tensor(a, b):
        return np.kron(a, b)
    a, b = _operand(a), _operand(b)
    sa, sb = _shape(a), _shape(b)
    nd = max(len(sa), len(sb))
    sa, sb = (1,) * (nd - len(sa)) + sa, (1,) * (nd - len(sb)) + sb
    if _shape(a) != sa:
        a = ops.reshape(a, sa)
    if _shape(b) != sb:
        b = ops.reshape(b, sb)
    # out[i0, j0, i1, j1, ...] = a[i0, i1, ...] * b[j0, j1, ...], then merge each (i, j) pair.
    blocks = _products.einsum((a, b), (tuple(range(0, 2 * nd, 2)), tuple(range(1, 2 * nd, 2))),
                              tuple(range(2 * nd)))
    return ops.reshape(blocks, tuple(m * n for m, n in zip(sa, sb)))


def _moveaxis(x: Any, source: int, destination: int) -> Any:
    nd = len(_shape(x))
    if source == destination:
        return x
    order = [i for i in range(nd) if i != source]
    order.insert(destination, source)
    return ops.permute(x, tuple(order))


def cross(a: ArrayLike, b: ArrayLike, axisa: int = -1, axisb: int = -1, axisc: int = -1,
          axis: int | None = None) -> Any:
    """Cross product of (arrays of) 3-vectors, or 2-vectors (NumPy's ``cross``).

    ``axisa``/``axisb`` hold the vectors of ``a``/``b`` and ``axisc`` those of the result;
    ``axis`` sets all three. A 2-vector has a zero third component; two 2-vectors give the
    scalar z-component (deprecated by NumPy 2.0, which warns, and so does this).

    Examples
    --------
    >>> import funcgrad as fg, funcgrad.numpy as fnp
    >>> fnp.cross(fg.tensor([1.0, 0.0, 0.0]), fg.tensor([0.0, 1.0, 0.0]))
    tensor([0., 0., 1.])
    """
    if not _any_tensor(a, b):
        return np.cross(a, b, axisa, axisb, axisc, axis)
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _operand(a), _operand(b)
    nda, ndb = len(_shape(a)), len(_shape(b))
    a = _moveaxis(a, normalize_axis_index(axisa, nda, msg_prefix="axisa"), nda - 1)
    b = _moveaxis(b, normalize_axis_index(axisb, ndb, msg_prefix="axisb"), ndb - 1)
    na, nb = _shape(a)[-1], _shape(b)[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n(dimension must be 2 or 3)")
    if na == 2 or nb == 2:
        warnings.warn(
            "Arrays of 2-dimensional vectors are deprecated. Use arrays of 3-dimensional "
            "vectors instead. (deprecated in NumPy 2.0)", DeprecationWarning, stacklevel=2,
        )
    a_ = [ops.getitem(a, (Ellipsis, k)) for k in range(na)]
    b_ = [ops.getitem(b, (Ellipsis, k)) for k in range(nb)]
    mul, sub, neg = ops.mul, ops.sub, ops.neg
    z = sub(mul(a_[0], b_[1]), mul(a_[1], b_[0]))
    if na == 2 and nb == 2:
        return z
    if na == 2:
        x, y = mul(a_[1], b_[2]), neg(mul(a_[0], b_[2]))
    elif nb == 2:
        x, y = neg(mul(a_[2], b_[1])), mul(a_[2], b_[0])
    else:
        x, y = sub(mul(a_[1], b_[2]), mul(a_[2], b_[1])), sub(mul(a_[2], b_[0]), mul(a_[0], b_[2]))
    cp = ops.stack((x, y, z), -1)
    nd = len(_shape(cp))
    return _moveaxis(cp, nd - 1, normalize_axis_index(axisc, nd, msg_prefix="axisc"))


def _conj(x: Any) -> Any:
    data = array_of(x)
    return ops.conj(x) if data.dtype.kind == "c" else x


def vecdot(x1: ArrayLike, x2: ArrayLike, /, *, axis: int = -1) -> Any:
    """The dot product of vectors along ``axis``, conjugating ``x1`` (NumPy 2's gufunc).

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.vecdot(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 1.0]))
    array([3., 7.])
    """
    if not _any_tensor(x1, x2):
        # NumPy's stubs lack the gufunc keyword axis=, which vecdot takes at run time.
        return np.vecdot(x1, x2, axis=axis)  # type: ignore[call-overload]
    x1 = ops.swapaxes(x1, axis, -1) if axis not in (-1, len(_shape(x1)) - 1) else x1
    x2 = ops.swapaxes(x2, axis, -1) if axis not in (-1, len(_shape(x2)) - 1) else x2
    return ops.sum(ops.mul(_conj(x1), x2), -1, False)


def matvec(x1: ArrayLike, x2: ArrayLike, /) -> Any:
    """Matrix times vector over the last axes: ``(..., m, n) x (..., n) -> (..., m)``.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.matvec(np.eye(2) * 2, np.array([1.0, 3.0]))
    array([2., 6.])
    """
    if not _any_tensor(x1, x2):
        return np.matvec(x1, x2)
    return ops.sum(ops.mul(x1, ops.unsqueeze(x2, -2)), -1, False)


def vecmat(x1: ArrayLike, x2: ArrayLike, /) -> Any:
    """Conjugated vector times matrix: ``(..., n) x (..., n, m) -> (..., m)``.

    Examples
    --------
    >>> import numpy as np, funcgrad.numpy as fnp
    >>> fnp.vecmat(np.array([1.0, 3.0]), np.eye(2) * 2)
    array([2., 6.])
    """
    if not _any_tensor(x1, x2):
        return np.vecmat(x1, x2)
    return ops.sum(ops.mul(ops.unsqueeze(_conj(x1), -1), x2), -2, False)


# NumPy gufunc -> funcgrad function (for Tensor.__array_ufunc__)
NUMPY_UFUNCS: dict[np.ufunc, Callable[..., Any]] = {
    np.vecdot: vecdot, np.matvec: matvec, np.vecmat: vecmat,
}
# NumPy function -> funcgrad function (for __array_function__)
NUMPY_FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {
    np.dot: dot, np.vdot: vdot, np.inner: inner, np.outer: outer, np.tensordot: tensordot,
    np.einsum: einsum, np.einsum_path: einsum_path, np.kron: kron, np.cross: cross,
}
