"""Array backends and dtypes.

The array namespace (``numpy`` or ``cupy``) is taken from the data itself, so one code path
serves CPU and GPU. CuPy is imported only when a CuPy array is actually seen.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any, overload

import numpy as np

if TYPE_CHECKING:
    from ._typing import Array, DTypeLike

__all__ = [
    "dtype",
    "float16",
    "float32",
    "float64",
    "bfloat16",
    "complex64",
    "complex128",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool_",
    "get_default_dtype",
    "set_default_dtype",
    "namespace",
    "to_dtype",
]


class dtype:
    """A funcgrad data type, printed as PyTorch prints its own (``funcgrad.float32``).

    It wraps a NumPy dtype and compares equal to it, so ``t.dtype == np.float32`` holds
    for a float32 Tensor.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.float64
    funcgrad.float64
    >>> fg.tensor([1.0], dtype=fg.float64).dtype.is_floating_point
    True
    """

    __slots__ = ("name", "numpy", "is_floating_point", "is_complex", "itemsize")

    name: str
    numpy: np.dtype[Any]
    is_floating_point: bool
    is_complex: bool
    itemsize: int

    def __init__(self, name: str, np_dtype: DTypeLike) -> None:
        self.name = name
        self.numpy = np.dtype(np_dtype)
        self.is_floating_point = self.numpy.kind == "f"
        self.is_complex = self.numpy.kind == "c"
        self.itemsize = self.numpy.itemsize

    def __repr__(self) -> str:
        return "funcgrad." + self.name

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, dtype):
            return self.numpy == other.numpy
        try:
            other_numpy: np.dtype[Any] = np.dtype(other)
        except TypeError:
            return NotImplemented
        return self.numpy == other_numpy

    def __hash__(self) -> int:
        return hash(self.numpy)

    def __reduce__(self) -> tuple[Callable[[str], dtype], tuple[str]]:
        return (_dtype_by_name, (self.name,))


float16 = dtype("float16", np.float16)
float32 = dtype("float32", np.float32)
float64 = dtype("float64", np.float64)
complex64 = dtype("complex64", np.complex64)
complex128 = dtype("complex128", np.complex128)
int8 = dtype("int8", np.int8)
int16 = dtype("int16", np.int16)
int32 = dtype("int32", np.int32)
int64 = dtype("int64", np.int64)
uint8 = dtype("uint8", np.uint8)
bool_ = dtype("bool", np.bool_)
# NumPy has no bfloat16; the name exists so code written for torch fails with a clear
# message rather than an AttributeError.
bfloat16 = None

_ALL = (float16, float32, float64, complex64, complex128, int8, int16, int32, int64, uint8, bool_)
_BY_NUMPY = {d.numpy: d for d in _ALL}
_BY_NAME = {d.name: d for d in _ALL}


def _dtype_by_name(name: str) -> dtype:
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype: DTypeLike) -> dtype:
    """The funcgrad dtype of a NumPy dtype; a clear error for one funcgrad cannot hold."""
    try:
        return _BY_NUMPY[np_dtype]
    except KeyError:
        pass
    try:
        return _BY_NUMPY[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(f"funcgrad does not support the dtype {np_dtype!r}") from None


# The dtype overload comes first: a value typed DTypeLike (an alias of Any) matches it.
@overload
def to_dtype(value: dtype | np.dtype[Any] | type | str) -> np.dtype[Any]: ...
@overload
def to_dtype(value: None) -> None: ...
@overload
def to_dtype(value: DTypeLike) -> np.dtype[Any] | None: ...


def to_dtype(value: DTypeLike) -> np.dtype[Any] | None:
    """Normalise a dtype given as funcgrad dtype, NumPy dtype, type or string to NumPy's."""
    if value is None:
        return None
    if isinstance(value, dtype):
        return value.numpy
    if value is float:
        return np.dtype(np.float64)
    if value is int:
        return np.dtype(np.int64)
    if value is bool:
        return np.dtype(np.bool_)
    if isinstance(value, str) and value.startswith("funcgrad."):
        value = value[len("funcgrad.") :]
    return from_numpy_dtype(value).numpy


# Process-wide, as in torch (grad mode, by contrast, is per thread).
_default_float: np.dtype[Any] = np.dtype(np.float32)


def get_default_dtype() -> dtype:
    """The floating dtype that creation functions use when none is given (float32).

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.get_default_dtype()
    funcgrad.float32
    """
    return _BY_NUMPY[_default_float]


def set_default_dtype(d: DTypeLike) -> None:
    """Set the floating dtype used by creation functions (``float32`` or ``float64``).

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.set_default_dtype(fg.float64)
    >>> fg.tensor([1.5]).dtype
    funcgrad.float64
    >>> fg.set_default_dtype(fg.float32)
    """
    global _default_float
    np_d = to_dtype(d)
    if np_d is None or np_d.kind != "f":
        raise TypeError(f"only floating-point types are supported as the default type, got {d!r}")
    _default_float = np_d


def default_float() -> np.dtype[Any]:
    """The NumPy dtype of the current default float type (hot-path helper)."""
    return _default_float


# --- array namespaces -------------------------------------------------------------------

_NAMESPACE_BY_TYPE: dict[type, ModuleType] = {np.ndarray: np}
_SCALAR_TYPES = (int, float, complex, bool, np.generic)


def namespace(x: Array) -> ModuleType:
    """``numpy`` or ``cupy``, whichever owns the array ``x`` (NumPy for Python scalars)."""
    ns = _NAMESPACE_BY_TYPE.get(type(x))
    if ns is not None:
        return ns
    if isinstance(x, _SCALAR_TYPES):
        return np
    cupy = sys.modules.get("cupy")
    if cupy is not None and isinstance(x, cupy.ndarray):
        _NAMESPACE_BY_TYPE[type(x)] = cupy
        return cupy
    return np


# The module that holds CUDA memory: CuPy, imported at the first use of a CUDA device; a
# stand-in may take its place (use_cuda_module), which is how CI checks, without a GPU,
# that funcgrad's code never mixes host and device arrays.
_cuda_module: ModuleType | None = None


def cuda_module() -> ModuleType:
    """The CUDA array module (CuPy), imported on first use.

    Raises
    ------
    RuntimeError
        Where CuPy is not installed or sees no GPU, saying which.
    """
    global _cuda_module
    if _cuda_module is None:
        try:
            import cupy
        except ImportError:
            raise RuntimeError(
                "funcgrad: CUDA is not available here (the GPU backend needs CuPy: pip install "
                "funcgrad[gpu], and an NVIDIA GPU)"
            ) from None
        try:
            count = int(cupy.cuda.runtime.getDeviceCount())
        except Exception:  # CuPy raises its own CUDARuntimeError without a driver or device
            count = 0
        if count == 0:
            raise RuntimeError("funcgrad: CUDA is not available here (CuPy sees no CUDA device)")
        _cuda_module = cupy
        _NAMESPACE_BY_TYPE[cupy.ndarray] = cupy
    return _cuda_module


def use_cuda_module(module: ModuleType | None) -> ModuleType | None:
    """Make ``module`` funcgrad's CUDA array module (``None``: CuPy again, when next asked);
    return the one it replaces. For tests: ``tests/_fake_cupy.py`` is such a module."""
    global _cuda_module
    previous = _cuda_module
    if previous is not None:
        _NAMESPACE_BY_TYPE.pop(previous.ndarray, None)
    _cuda_module = module
    if module is not None:
        _NAMESPACE_BY_TYPE[module.ndarray] = module
    return previous


def is_cuda_array(x: Array) -> bool:
    """Whether ``x`` is an array of the CUDA module (False for NumPy arrays and scalars)."""
    ns = _NAMESPACE_BY_TYPE.get(type(x))
    return ns is not None and ns is not np


def cupyx_module(name: str = "") -> ModuleType:
    """CuPy's companion ``cupyx`` (or its submodule ``name``, e.g. ``"scipy.special"``) for
    the CUDA module in use; a stand-in module provides its own through
    ``_funcgrad_cupyx(name)``."""
    module = cuda_module()
    own = getattr(module, "_funcgrad_cupyx", None)
    if own is not None:
        result: ModuleType = own(name)
        return result
    import importlib

    return importlib.import_module("cupyx" + ("." + name if name else ""))
