"""Known-diagonal matrices among the arrays a Jacobian pass makes.

``jacrev`` and ``jacfwd`` seed their pass with the identity matrix. Elementwise products
keep a matrix diagonal, and a diagonal matrix times a matrix is a scaling: O(n^2) instead
of a GEMM's O(n^3). So the pass records which of its arrays are diagonal (by identity of
the array object, held weakly) and ``matmul`` uses it. The record only adds knowledge about
a dense array that is correct anyway; arrays leave funcgrad through ``forget``.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import numpy as np

from ..backend import namespace

if TYPE_CHECKING:
    from .._typing import Array

# id(array) -> (weakref to array, its diagonal)
_DIAGONALS: dict[int, tuple[weakref.ref[Any], Array]] = {}


def mark(array: Array, diag: Array) -> None:
    """Record that the square matrix ``array`` is ``diag(diag)``."""
    key = id(array)
    _DIAGONALS[key] = (weakref.ref(array, lambda _: _DIAGONALS.pop(key, None)), diag)


def mark_identity(array: Array) -> Array:
    """Record that ``array`` (a square matrix funcgrad made, on any device) is the identity."""
    if array.ndim == 2 and array.shape[0] == array.shape[1]:
        # The diagonal lives where the matrix does: a host one could not scale a device one.
        mark(array, namespace(array).ones(array.shape[0], dtype=array.dtype))
    return array


def diagonal(a: Any) -> Array | None:
    """The diagonal of ``a`` if ``a`` is a recorded diagonal matrix, else None."""
    entry = _DIAGONALS.get(id(a))
    if entry is None or entry[0]() is not a:
        return None
    return entry[1]


def forget(a: Any) -> None:
    """Drop the record of ``a`` (it is handed to the caller, who may write into it)."""
    entry = _DIAGONALS.get(id(a))
    if entry is not None and entry[0]() is a:
        del _DIAGONALS[id(a)]


def _diag_of_factor(other: Any, n: int) -> Array | None:
    """The diagonal of ``diag(1) * other`` (broadcast), or None if it is not cheap to tell."""
    shape = np.shape(other)
    if shape in ((), (1,), (n,)):
        # As is: it broadcasts against the diagonal it scales (a host copy of a Python
        # scalar, by contrast, could not multiply a device diagonal).
        return other
    if shape == (n, 1):
        return other[:, 0]
    if shape == (n, n):
        d = diagonal(other)
        return d if d is not None else np.diagonal(other)
    return None


def after_mul(out: Array, x: Any, y: Any) -> None:
    """``out = x * y``: diagonal when either factor is (a diagonal times anything)."""
    if np.ndim(out) != 2 or out.shape[0] != out.shape[1]:
        return
    n = out.shape[0]
    for a, b in ((x, y), (y, x)):
        d = diagonal(a)
        if d is not None and np.shape(a) == out.shape:
            factor = _diag_of_factor(b, n)
            if factor is not None:
                mark(out, d * factor)
            return


def after_add(out: Array, x: Any, y: Any, sign: int = 1) -> None:
    """``out = x + sign * y``: diagonal when both terms are."""
    dx, dy = diagonal(x), diagonal(y)
    if dx is not None and dy is not None and np.shape(out) == np.shape(x) == np.shape(y):
        mark(out, dx + sign * dy)


def matmul(x: Any, y: Any) -> Array | None:
    """``x @ y`` by scaling, when a 2-D operand is a recorded diagonal; else None."""
    if np.ndim(x) == 2 and np.ndim(y) >= 2:
        d = diagonal(x)
        if d is not None:
            out = d[:, None] * y
            if np.ndim(y) == 2 and diagonal(y) is not None:
                mark(out, d * diagonal(y))
            return out
    if np.ndim(y) == 2 and np.ndim(x) >= 2:
        d = diagonal(y)
        if d is not None:
            return x * d
    return None
