"""``funcgrad.cuda``: is there a GPU, and waiting for it (PyTorch's ``torch.cuda`` names).

funcgrad's GPU backend is CuPy. Nothing here imports CuPy unless it is installed, and
every function answers cleanly on a machine without it.
"""

from __future__ import annotations

import functools
import importlib.util
from typing import Any

from . import backend

__all__ = ["is_available", "device_count", "current_device", "synchronize", "get_device_name"]


def _cupy() -> Any:
    """The CUDA array module in use (CuPy, or a stand-in set by ``backend.use_cuda_module``),
    or None where CuPy is not installed."""
    in_use = backend._cuda_module
    if in_use is not None:
        return in_use
    if not _cupy_installed():
        return None
    import cupy

    return cupy


@functools.lru_cache(maxsize=None)
def _cupy_installed() -> bool:
    return importlib.util.find_spec("cupy") is not None


@functools.lru_cache(maxsize=None)
def device_count() -> int:
    """The number of CUDA GPUs CuPy can use (0 without CuPy, a driver or a GPU).

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.cuda.device_count() >= 0
    True
    """
    cupy = _cupy()
    if cupy is None:
        return 0
    try:
        return int(cupy.cuda.runtime.getDeviceCount())
    except Exception:  # CuPy raises its own CUDARuntimeError (no driver, no device) and more
        return 0


def is_available() -> bool:
    """Whether funcgrad can put Tensors on a GPU: CuPy is installed and sees a CUDA device.

    Examples
    --------
    >>> import funcgrad as fg
    >>> isinstance(fg.cuda.is_available(), bool)
    True
    """
    return device_count() > 0


def _require(what: str) -> Any:
    cupy = _cupy()
    if cupy is None or device_count() == 0:
        raise RuntimeError(
            f"funcgrad.cuda.{what}(): CUDA is not available "
            + ("(CuPy is not installed: pip install funcgrad[gpu])" if cupy is None else "(CuPy sees no CUDA device)")
        )
    return cupy


def _index(cupy: Any, device: Any) -> int:
    """The CUDA device index meant by ``device``: None (the current one), an int, or a
    device written as PyTorch writes it (``"cuda"`` is device 0, as there)."""
    if device is None:
        return int(cupy.cuda.runtime.getDevice())
    if isinstance(device, int):
        return device
    from .tensor import device as _device

    return _device(device).index or 0


def current_device() -> int:
    """The index of the current CUDA device.

    Raises
    ------
    RuntimeError
        Where CUDA is not available.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.cuda.current_device() if fg.cuda.is_available() else 0
    0
    """
    return int(_require("current_device").cuda.runtime.getDevice())


def synchronize(device: Any = None) -> None:
    """Wait until every kernel queued on ``device`` (the current one by default) has finished.

    GPU work runs asynchronously: time GPU code with ``synchronize()`` before reading the
    clock.

    Raises
    ------
    RuntimeError
        Where CUDA is not available.

    Examples
    --------
    >>> import funcgrad as fg
    >>> if fg.cuda.is_available():
    ...     fg.cuda.synchronize()
    """
    cupy = _require("synchronize")
    cupy.cuda.Device(_index(cupy, device)).synchronize()


def get_device_name(device: Any = None) -> str:
    """The name of a CUDA device, e.g. ``'NVIDIA H100 80GB HBM3'``.

    Raises
    ------
    RuntimeError
        Where CUDA is not available.

    Examples
    --------
    >>> import funcgrad as fg
    >>> name = fg.cuda.get_device_name() if fg.cuda.is_available() else "none"
    """
    cupy = _require("get_device_name")
    name = cupy.cuda.runtime.getDeviceProperties(_index(cupy, device))["name"]
    return name.decode() if isinstance(name, bytes) else str(name)
