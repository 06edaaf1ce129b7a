"""Values as arrays where they live: NumPy for host data, the CUDA module's for device data.

``np.asarray`` would copy a device array to the host (CuPy refuses: no implicit transfers),
so the NumPy API's helpers take their arrays through these instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import is_cuda_array
from ..tensor import Tensor

__all__ = ["array_of", "operand", "host", "dtype_of", "has_tensor", "any_tensor", "no_out"]


def array_of(a: Any) -> Any:
    """``a``'s data as an array: a Tensor's, a device array as is, else ``np.asarray(a)``."""
    if isinstance(a, Tensor):
        return a._data
    if type(a) is np.ndarray or is_cuda_array(a):
        return a
    return np.asarray(a)


def operand(a: Any) -> Any:
    """A Tensor or device array as is; anything else as a NumPy array."""
    if isinstance(a, Tensor) or is_cuda_array(a):
        return a
    return np.asarray(a)


def host(a: Any) -> Any:
    """A device array's host copy (for small arrays of sizes, counts or positions); else as is."""
    return a.get() if is_cuda_array(a) else a


def dtype_of(a: Any) -> np.dtype[Any]:
    """``a``'s dtype, without moving device data."""
    dtype: np.dtype[Any] = array_of(a).dtype
    return dtype


def any_tensor(*args: object) -> bool:
    """Whether any of ``args`` is a Tensor."""
    return any(isinstance(a, Tensor) for a in args)


def has_tensor(*items: object) -> bool:
    """Whether a Tensor is among ``items`` or inside their (nested) lists and tuples."""
    for item in items:
        if isinstance(item, Tensor):
            return True
        if isinstance(item, (list, tuple)) and has_tensor(*item):
            return True
    return False


def no_out(out: object, name: str, family: str = "") -> None:
    """Refuse ``out=`` (a write cannot be recorded) for ``funcgrad.numpy[.family].name``."""
    if out is not None:
        where = f"funcgrad.numpy.{family}.{name}" if family else f"funcgrad.numpy.{name}"
        raise TypeError(f"{where}: out= cannot be differentiated; assign the result instead")
