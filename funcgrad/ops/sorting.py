"""Primitives for sorting and selection: reordering along an axis by a permutation.

``sort`` and ``partition`` are a gather by a permutation (computed from the data, carrying
no gradient). Its transpose is the gather by the inverse permutation, so the VJP of
:func:`permute_along_axis` is itself with the two permutations swapped: no scatter-add, and
every order of derivative comes from the one primitive. The other selection functions
(take, choose, select, compress, ...) are composites over ``getitem`` and ``where``
(see ``funcgrad/numpy/_indexing.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..backend import namespace
from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from ._primitive import Sample, defprimitive

if TYPE_CHECKING:
    from .._typing import Array, Shape


def inverse_permutation(perm: Any, axis: int) -> Array:
    """The inverse of the permutations ``perm`` laid along ``axis`` (one per slice)."""
    perm = _data(perm)
    xp = namespace(perm)
    if xp is not np:
        return xp.argsort(perm, axis=axis)
    n = perm.shape[axis]
    positions = np.arange(n, dtype=perm.dtype).reshape(
        tuple(n if d == axis % perm.ndim else 1 for d in range(perm.ndim)))
    inverse = np.empty_like(perm)
    np.put_along_axis(inverse, perm, np.broadcast_to(positions, perm.shape), axis)
    return inverse


def _permute_along_axis_forward(x: Array, perm: Array, inverse: Array, axis: int) -> Array:
    """``x`` reordered along ``axis`` (a negative axis) by ``perm``; leading dims of ``x``
    beyond ``perm``'s (a batch of cotangents or tangents) take the same permutation."""
    nb = x.ndim - perm.ndim
    if nb:
        perm = perm.reshape((1,) * nb + perm.shape)
    return namespace(x).take_along_axis(x, perm, axis=axis)


def _permute_along_axis_vjp(g: Any, needs: tuple[bool, ...], ans: None, x: None, perm: Array,
                            inverse: Array, axis: int) -> tuple[Any]:
    return (permute_along_axis(g, inverse, perm, axis),)


def _permute_along_axis_jvp(t: tuple[Any, ...], ans: Any, x: Any, perm: Array, inverse: Array,
                            axis: int) -> Any:
    return permute_along_axis(t[0], perm, inverse, axis)


def _sample_permutation(shape: Shape, axis: int, seed: int) -> tuple[Array, Array, int]:
    perm = np.argsort(np.random.default_rng(seed).standard_normal(shape), axis=axis)
    return perm, inverse_permutation(perm, axis), axis


permute_along_axis = defprimitive(
    "permute_along_axis", _permute_along_axis_forward, _permute_along_axis_vjp,
    _permute_along_axis_jvp, save="-", node_names=("SortBackward0",),
    samples=[Sample((3, 4), params=_sample_permutation((3, 4), -1, 0)),
             Sample((3, 4), params=_sample_permutation((3, 4), -2, 1)),
             Sample((5,), params=_sample_permutation((5,), -1, 2)),
             Sample((2, 3), params=_sample_permutation((2, 3), -1, 3), dtype=np.complex128)],
)
permute_along_axis.__doc__ = """``x`` reordered along ``axis`` by the permutations ``perm``
(one per slice along ``axis``, as ``numpy.argsort`` gives them); ``inverse`` is their inverse
(:func:`inverse_permutation`) and ``axis`` is negative. The gradient is reordered by
``inverse``.

Examples
--------
>>> import numpy as np
>>> from funcgrad.ops.sorting import inverse_permutation, permute_along_axis
>>> x = np.array([3.0, 1.0, 2.0])
>>> perm = np.argsort(x)
>>> permute_along_axis(x, perm, inverse_permutation(perm, -1), -1)
array([1., 2., 3.])
"""
