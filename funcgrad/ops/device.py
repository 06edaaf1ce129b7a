"""Moving values between devices (host memory and CUDA memory) as a primitive.

``to_device`` copies an array to the CPU (NumPy) or to a CUDA device (CuPy); recorded, its
VJP moves the cotangent back where the input was, so a graph may cross devices as in
PyTorch (``ToCopyBackward0``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from .. import backend
from ..backend import namespace
from ._primitive import Primitive, Sample, defprimitive

if TYPE_CHECKING:
    from .._typing import Array
    from ..tensor import device as Device

__all__ = ["to_device", "move", "device_of"]


def device_of(data: Array) -> tuple[str, int]:
    """``("cpu", 0)`` or ``("cuda", index)`` of an array (NumPy scalars are on the CPU)."""
    if namespace(data) is np:
        return ("cpu", 0)
    return ("cuda", int(data.device.id))


def move(data: Array, kind: str, index: int) -> Array:
    """``data`` on the CPU (``kind="cpu"``) or CUDA device ``index``; no copy where it is there."""
    xp = namespace(data)
    if kind == "cpu":
        return data if xp is np else data.get()
    cuda = backend.cuda_module()
    if xp is cuda and int(data.device.id) == index:
        return data
    with cuda.cuda.Device(index):
        return cuda.asarray(data)


def _forward(x: Array, kind: str, index: int, source_kind: str, source_index: int) -> Array:
    return move(x, kind, index)


def _vjp(g: Any, needs: Sequence[bool], ans: Any, x: None, kind: str, index: int,
         source_kind: str, source_index: int) -> tuple[Any, ...]:
    return (to_device_primitive(g, source_kind, source_index, kind, index),)


def _jvp(t: Sequence[Any], ans: Any, x: Any, kind: str, index: int, source_kind: str,
         source_index: int) -> Any:
    return to_device_primitive(t[0], kind, index, source_kind, source_index)


to_device_primitive: Primitive = defprimitive(
    "to_device", _forward, _vjp, _jvp, save="-", node_names=("ToCopyBackward0",),
    samples=[Sample((3, 4), params=("cpu", 0, "cpu", 0)), Sample((2, 1, 3), params=("cpu", 0, "cpu", 0))],
)


def to_device(x: Any, device: Device) -> Any:
    """The Tensor ``x`` on ``device`` (itself where it already is), recorded when it
    requires grad.

    Raises
    ------
    RuntimeError
        For a CUDA device where CuPy or a GPU is missing.
    """
    from ..tensor import Tensor

    data = x._data if isinstance(x, Tensor) else x
    kind, index = device.type, (device.index or 0)
    source = device_of(data)
    if source == (kind, index):
        return x
    return to_device_primitive(x, kind, index, source[0], source[1])
