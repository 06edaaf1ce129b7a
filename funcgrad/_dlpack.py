"""DLPack interchange: funcgrad Tensors to and from NumPy, CuPy, PyTorch, JAX, ...

DLPack hands over memory, not values: an array imported with :func:`from_dlpack` shares
memory with the producer's, and the producer's library reads a funcgrad Tensor's memory
through ``Tensor.__dlpack__`` in place. Only CPU (``kDLCPU``) and CUDA (``kDLCUDA``)
memory is understood, as those are the devices funcgrad's backends hold.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["from_dlpack"]


class DLDeviceType(enum.IntEnum):
    """The device codes of DLPack's ``DLDeviceType`` that funcgrad meets."""

    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLROCM = 10
    kDLCUDAManaged = 13


def _device_name(code: int) -> str:
    try:
        return DLDeviceType(code).name
    except ValueError:
        return f"device type {code}"


def from_dlpack(ext_tensor: Any) -> Tensor:
    """A Tensor sharing memory with ``ext_tensor``, an object of another array library.

    ``ext_tensor`` is anything with the DLPack protocol (``__dlpack__`` and
    ``__dlpack_device__``): a NumPy or CuPy array, a PyTorch tensor, a JAX array, another
    funcgrad Tensor. No values are copied where the producer allows it (NumPy, CuPy and
    PyTorch do): writes on either side show on the other. CPU memory becomes a NumPy-backed
    Tensor; CUDA memory a CuPy-backed one (CuPy must be installed). The result is a leaf
    that does not require grad.

    Parameters
    ----------
    ext_tensor : object with ``__dlpack__`` and ``__dlpack_device__``
        The array to import. Legacy DLPack capsules are refused: pass the array itself.

    Returns
    -------
    Tensor
        A leaf Tensor on the producer's device, sharing its memory.

    Raises
    ------
    TypeError
        For an object without the DLPack protocol, or a bare capsule.
    RuntimeError
        For memory on a device funcgrad cannot hold (ROCm, for instance), or CUDA memory
        when CuPy is not installed.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg
    >>> a = np.arange(3.0)
    >>> t = fg.from_dlpack(a)
    >>> t
    tensor([0., 1., 2.], dtype=funcgrad.float64)
    >>> a[0] = 7.0          # one memory, two views of it
    >>> t
    tensor([7., 1., 2.], dtype=funcgrad.float64)
    >>> np.from_dlpack(t).sum()
    np.float64(10.0)
    """
    from .tensor import Tensor, _from_array, _memory

    if isinstance(ext_tensor, Tensor):
        return _from_array(_memory(ext_tensor))
    if type(ext_tensor).__name__ == "PyCapsule":
        raise TypeError(
            "from_dlpack() got a bare DLPack capsule; pass the array itself (an object with "
            "__dlpack__ and __dlpack_device__), as NumPy and the array API standard require"
        )
    if not hasattr(ext_tensor, "__dlpack__") or not hasattr(ext_tensor, "__dlpack_device__"):
        raise TypeError(
            f"from_dlpack() expects an object with __dlpack__ and __dlpack_device__, "
            f"got {type(ext_tensor).__name__}"
        )
    device_type, device_id = ext_tensor.__dlpack_device__()
    if device_type in (DLDeviceType.kDLCPU, DLDeviceType.kDLCUDAHost):
        return _from_array(np.from_dlpack(ext_tensor))
    if device_type in (DLDeviceType.kDLCUDA, DLDeviceType.kDLCUDAManaged):
        try:
            import cupy
        except ImportError:
            raise RuntimeError(
                f"from_dlpack() got CUDA memory (cuda:{device_id}) but CuPy is not installed: "
                "pip install funcgrad[gpu]"
            ) from None
        return _from_array(cupy.from_dlpack(ext_tensor))
    raise RuntimeError(
        f"from_dlpack() got memory on {_device_name(device_type)} (id {device_id}); funcgrad "
        "holds CPU (NumPy) and CUDA (CuPy) memory only"
    )


def dlpack_export(t: Tensor, kwargs: dict[str, Any]) -> Any:
    """The capsule for ``Tensor.__dlpack__``: the data's own, after PyTorch's check that the
    consumer cannot silently bypass autograd."""
    from .tensor import _memory

    if t._requires_grad:
        raise RuntimeError(
            "Can't export tensors that require gradient, use tensor.detach()"
        )
    return _memory(t).__dlpack__(**kwargs)


def dlpack_device(t: Tensor) -> tuple[int, int]:
    """``(device type, device id)`` of ``t``'s memory, as DLPack codes them."""
    data = t._data
    if isinstance(data, (np.ndarray, np.generic)):
        return (int(DLDeviceType.kDLCPU), 0)
    code, index = data.__dlpack_device__()
    return (int(code), int(index))
