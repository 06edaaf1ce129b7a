"""Type aliases shared by funcgrad's annotations.

Arrays are typed ``Any``: funcgrad holds ``numpy.ndarray`` or ``cupy.ndarray`` data, CuPy
ships no type stubs, and NumPy's stubs cannot express "the same array type as the input".
The aliases still say, at each signature, what a value is meant to be.
"""

from __future__ import annotations

from typing import Any, Union

from typing_extensions import TypeAlias

#: A raw array: ``numpy.ndarray``, ``cupy.ndarray`` or a NumPy scalar.
Array: TypeAlias = Any
#: Anything :func:`funcgrad.tensor` accepts: arrays, Tensors, nested sequences, scalars.
ArrayLike: TypeAlias = Any
#: A dtype as funcgrad accepts it: ``funcgrad.float32``, ``numpy.float32``, ``"float32"``, ``float``.
DTypeLike: TypeAlias = Any
#: A device as funcgrad accepts it: ``"cpu"``, ``"cuda"``, ``"cuda:1"`` or a ``funcgrad.device``.
DeviceLike: TypeAlias = Any
#: A shape.
Shape: TypeAlias = tuple[int, ...]
#: An axis argument: one axis, several, or all (None).
Axis: TypeAlias = Union[int, tuple[int, ...], None]
#: A pytree: Tensors or arrays nested in tuples, lists, dicts and namedtuples.
PyTree: TypeAlias = Any
