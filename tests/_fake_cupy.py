"""A stand-in for CuPy that runs on the CPU, strict the way CuPy is strict.

It lets CI (no GPU) check that funcgrad's code is device-agnostic: every array it makes is
a ``FakeDeviceArray`` whose data is NumPy's, but which, like a ``cupy.ndarray``:

* refuses implicit conversion to NumPy (``np.asarray(a)`` raises TypeError; use ``.get()``);
* refuses to mix with NumPy arrays in one operation (a host array is on another device);
* goes through NumPy's functions by ``__array_ufunc__``/``__array_function__`` and gives
  device arrays back, 0-d arrays included (CuPy has no scalars: reductions give 0-d arrays);
* is not an ``np.ndarray``, so ``isinstance(x, np.ndarray)`` is False for it.

It checks none of CUDA's numerics, streams or kernels: the real GPU runs do that.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import sys
import types
from typing import Any

import numpy as np

_HOST_MIX = (
    "Unsupported type <class 'numpy.ndarray'>: a host (NumPy) array met a device array "
    "(fake CuPy, like CuPy, does not convert implicitly)"
)


def _unwrap(value: Any) -> Any:
    """Device arrays to their NumPy data, recursively; host arrays are refused."""
    if isinstance(value, FakeDeviceArray):
        return value._a
    if isinstance(value, np.ndarray):
        raise TypeError(_HOST_MIX)
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v) for v in value)
    return value


def _unwrap_index(key: Any) -> Any:
    # CuPy takes host index arrays too (it copies them over).
    if isinstance(key, FakeDeviceArray):
        return key._a
    if isinstance(key, tuple):
        return tuple(_unwrap_index(k) for k in key)
    return key


def _wrap(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return FakeDeviceArray(value)
    if isinstance(value, np.generic):
        return FakeDeviceArray(np.asarray(value))
    if isinstance(value, tuple):
        return tuple(_wrap(v) for v in value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


class _Device:
    __slots__ = ("id",)

    def __init__(self, index: int = 0) -> None:
        self.id = index

    def synchronize(self) -> None:
        pass

    def __enter__(self) -> _Device:
        return self

    def __exit__(self, *exc: Any) -> None:
        pass

    def __repr__(self) -> str:
        return f"<CUDA Device {self.id}>"


_OPERANDS = (np.ndarray, np.generic, int, float, complex, bool, list, tuple)


def _binary(name: str) -> Any:
    def op(self: FakeDeviceArray, other: Any) -> Any:
        if not isinstance(other, (FakeDeviceArray,) + _OPERANDS):
            # As CuPy (and NumPy) for a type of higher __array_priority__ such as a funcgrad
            # Tensor: give way, so the other operand's reflected operator runs.
            return NotImplemented
        return _wrap(getattr(self._a, name)(_unwrap(other)))

    op.__name__ = name
    return op


def _unary(name: str) -> Any:
    def op(self: FakeDeviceArray) -> Any:
        return _wrap(getattr(self._a, name)())

    op.__name__ = name
    return op


# How NumPy reads another object's memory without __array__; CuPy arrays expose none.
_HOST_PROTOCOLS = frozenset({"__array_interface__", "__array_struct__", "__buffer__"})


class FakeDeviceArray:
    """An array "on the device" (see the module docstring)."""

    __slots__ = ("_a", "__weakref__")
    # Below funcgrad's Tensor (1000): in mixed expressions the Tensor's operators win.
    __array_priority__ = 500

    def __init__(self, data: np.ndarray) -> None:
        self._a = data

    # -- what CuPy refuses -------------------------------------------------------------
    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise TypeError(
            "Implicit conversion to a NumPy array is not allowed. Please use `.get()` to "
            "construct a NumPy array explicitly."
        )

    # -- NumPy's protocols ---------------------------------------------------------------
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if any(not isinstance(x, (FakeDeviceArray, np.ndarray, np.generic, int, float, complex, bool))
               for x in inputs):
            return NotImplemented  # e.g. a funcgrad Tensor: let it dispatch
        if method == "at":
            return NotImplemented  # CuPy has cupyx.scatter_add instead
        if "out" in kwargs:
            kwargs["out"] = tuple(_unwrap(o) for o in kwargs["out"])
        return _wrap(getattr(ufunc, method)(*_unwrap(list(inputs)), **kwargs))

    def __array_function__(self, func: Any, types_: Any, args: Any, kwargs: Any) -> Any:
        if not all(issubclass(t, (FakeDeviceArray, np.ndarray)) for t in types_):
            return NotImplemented
        return _wrap(func(*_unwrap(list(args)), **{k: _unwrap(v) for k, v in kwargs.items()}))

    # -- attributes -----------------------------------------------------------------------
    @property
    def device(self) -> _Device:
        return _Device(0)

    @property
    def __cuda_array_interface__(self) -> dict[str, Any]:
        return {"shape": self._a.shape, "typestr": self._a.dtype.str, "version": 3,
                "data": (self._a.ctypes.data, False), "strides": self._a.strides}

    def __dlpack_device__(self) -> tuple[int, int]:
        return (2, 0)

    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: self._a.flags)
    T = property(lambda self: FakeDeviceArray(self._a.T))
    mT = property(lambda self: FakeDeviceArray(self._a.mT))
    base = property(lambda self: None if self._a.base is None else FakeDeviceArray(self._a.base))

    @property
    def real(self) -> FakeDeviceArray:
        return FakeDeviceArray(self._a.real)

    @property
    def imag(self) -> FakeDeviceArray:
        return FakeDeviceArray(self._a.imag)

    def get(self) -> np.ndarray:
        """A host copy (CuPy's device-to-host transfer)."""
        return np.array(self._a, copy=True)

    def item(self) -> Any:
        return self._a.item()

    def tolist(self) -> Any:
        return self._a.tolist()

    def __getattr__(self, name: str) -> Any:
        if name in _HOST_PROTOCOLS:
            # NumPy would read the memory through these: a CuPy array has none of them.
            raise AttributeError(name)
        # Methods (reshape, astype, sum, transpose, ...) run on the data, results wrapped.
        attr = getattr(self._a, name)
        if not callable(attr):
            return _wrap(attr)

        def method(*args: Any, **kwargs: Any) -> Any:
            return _wrap(attr(*_unwrap(list(args)), **{k: _unwrap(v) for k, v in kwargs.items()}))

        return method

    def __getitem__(self, key: Any) -> Any:
        return _wrap(self._a[_unwrap_index(key)])

    def __setitem__(self, key: Any, value: Any) -> None:
        self._a[_unwrap_index(key)] = _unwrap(value)

    def __len__(self) -> int:
        return len(self._a)

    def __iter__(self) -> Any:
        return (_wrap(v) for v in self._a)

    def __bool__(self) -> bool:
        return bool(self._a)

    def __float__(self) -> float:
        return float(self._a)

    def __int__(self) -> int:
        return int(self._a)

    def __complex__(self) -> complex:
        return complex(self._a)

    def __index__(self) -> int:
        return self._a.__index__()

    def __repr__(self) -> str:
        return "fake_cupy." + repr(self._a)

    def __copy__(self) -> FakeDeviceArray:
        return FakeDeviceArray(self._a.copy())

    def __deepcopy__(self, memo: Any) -> FakeDeviceArray:
        return FakeDeviceArray(self._a.copy())

    __add__, __radd__, __iadd__ = _binary("__add__"), _binary("__radd__"), _binary("__iadd__")
    __sub__, __rsub__, __isub__ = _binary("__sub__"), _binary("__rsub__"), _binary("__isub__")
    __mul__, __rmul__, __imul__ = _binary("__mul__"), _binary("__rmul__"), _binary("__imul__")
    __truediv__, __rtruediv__, __itruediv__ = (
        _binary("__truediv__"), _binary("__rtruediv__"), _binary("__itruediv__"))
    __floordiv__, __rfloordiv__ = _binary("__floordiv__"), _binary("__rfloordiv__")
    __mod__, __rmod__ = _binary("__mod__"), _binary("__rmod__")
    __pow__, __rpow__, __ipow__ = _binary("__pow__"), _binary("__rpow__"), _binary("__ipow__")
    __matmul__, __rmatmul__ = _binary("__matmul__"), _binary("__rmatmul__")
    __and__, __rand__, __or__, __ror__ = (
        _binary("__and__"), _binary("__rand__"), _binary("__or__"), _binary("__ror__"))
    __xor__, __rxor__ = _binary("__xor__"), _binary("__rxor__")
    __lt__, __le__, __gt__, __ge__ = _binary("__lt__"), _binary("__le__"), _binary("__gt__"), _binary("__ge__")
    __eq__, __ne__ = _binary("__eq__"), _binary("__ne__")  # type: ignore[assignment]
    __neg__, __pos__, __abs__, __invert__ = _unary("__neg__"), _unary("__pos__"), _unary("__abs__"), _unary("__invert__")
    __hash__ = None  # type: ignore[assignment]


def _to_device(value: Any, dtype: Any = None, **kwargs: Any) -> FakeDeviceArray:
    if isinstance(value, FakeDeviceArray):
        return value if dtype is None else FakeDeviceArray(value._a.astype(dtype))
    if hasattr(value, "_data") and hasattr(value, "grad_fn"):
        raise TypeError("fake cupy.asarray got a funcgrad Tensor")
    return FakeDeviceArray(np.array(value, dtype=dtype, copy=True))


def _asnumpy(value: Any) -> np.ndarray:
    return value.get() if isinstance(value, FakeDeviceArray) else np.asarray(value)


def make_module() -> types.ModuleType:
    """A module that answers like ``cupy`` for what funcgrad asks of it."""
    module = types.ModuleType("fake_cupy")

    def forward(name: str) -> Any:
        target = getattr(np, name)
        if isinstance(target, np.ufunc):
            return target  # ufuncs dispatch through __array_ufunc__
        if isinstance(target, (type, types.ModuleType)) or not callable(target):
            return target

        def call(*args: Any, **kwargs: Any) -> Any:
            return _wrap(target(*_unwrap(list(args)), **{k: _unwrap(v) for k, v in kwargs.items()}))

        call.__name__ = name
        return call

    def getattr_(name: str) -> Any:
        value = forward(name)
        setattr(module, name, value)
        return value

    module.__getattr__ = getattr_  # type: ignore[method-assign]
    module.ndarray = FakeDeviceArray  # type: ignore[attr-defined]
    module.asarray = _to_device  # type: ignore[attr-defined]
    module.array = _to_device  # type: ignore[attr-defined]
    module.asnumpy = _asnumpy  # type: ignore[attr-defined]
    module.linalg = types.SimpleNamespace(**{
        n: forward_in(np.linalg, n) for n in dir(np.linalg) if not n.startswith("_")})  # type: ignore[attr-defined]
    module.fft = types.SimpleNamespace(**{
        n: forward_in(np.fft, n) for n in dir(np.fft) if not n.startswith("_")})  # type: ignore[attr-defined]
    runtime = types.SimpleNamespace(getDeviceCount=lambda: 1, getDevice=lambda: 0,
                                    getDeviceProperties=lambda i: {"name": b"fake device"})
    module.cuda = types.SimpleNamespace(Device=_Device, runtime=runtime)  # type: ignore[attr-defined]
    module.from_dlpack = _from_dlpack  # type: ignore[attr-defined]
    # find_spec("cupy") (fg.cuda asks it) finds the stand-in while it is installed.
    module.__spec__ = importlib.machinery.ModuleSpec("cupy", None)
    module._funcgrad_cupyx = _cupyx  # type: ignore[attr-defined]
    return module


class _HostView:
    """The producer's DLPack export, seen as the host memory it really is (for NumPy)."""

    def __init__(self, producer: Any) -> None:
        self.producer = producer

    def __dlpack__(self, **kwargs: Any) -> Any:
        return self.producer.__dlpack__(**kwargs)

    def __dlpack_device__(self) -> tuple[int, int]:
        return (1, 0)


def _from_dlpack(x: Any) -> FakeDeviceArray:
    """``cupy.from_dlpack``: CUDA memory (here: fake device memory) shared, not copied."""
    if isinstance(x, FakeDeviceArray):
        return FakeDeviceArray(x._a)
    if x.__dlpack_device__()[0] != 2:
        raise BufferError("fake cupy.from_dlpack: the producer's memory is not on a CUDA device")
    return FakeDeviceArray(np.from_dlpack(_HostView(x)))


def _scatter_add(a: FakeDeviceArray, slices: Any, value: Any) -> None:
    np.add.at(a._a, _unwrap_index(slices), _unwrap(value))


def _cupyx(name: str) -> Any:
    """The parts of cupyx funcgrad uses: scatter_add, scipy.special, scipy.linalg."""
    if name == "":
        return types.SimpleNamespace(scatter_add=_scatter_add)
    if name == "scipy.special":
        import scipy.special

        return types.SimpleNamespace(**{n: forward_in(scipy.special, n) for n in ("erf", "erfc")})
    if name == "scipy.linalg":
        import scipy.linalg

        return types.SimpleNamespace(solve_triangular=forward_in(scipy.linalg, "solve_triangular"))
    raise ImportError(f"fake cupyx has no {name}")


def forward_in(namespace: Any, name: str) -> Any:
    target = getattr(namespace, name)
    if not callable(target) or isinstance(target, type):
        return target

    def call(*args: Any, **kwargs: Any) -> Any:
        return _wrap(target(*_unwrap(list(args)), **{k: _unwrap(v) for k, v in kwargs.items()}))

    call.__name__ = name
    return call


@contextlib.contextmanager
def installed() -> Any:
    """funcgrad's CUDA backend pointed at the fake for the duration."""
    from funcgrad import backend

    module = make_module()
    previous = backend.use_cuda_module(module)
    # As ``cupy`` too, for the code that imports it by name (fg.from_dlpack, fg.cuda).
    previous_import = sys.modules.get("cupy")
    sys.modules["cupy"] = module
    try:
        yield module
    finally:
        if previous_import is None:
            del sys.modules["cupy"]
        else:
            sys.modules["cupy"] = previous_import
        backend.use_cuda_module(previous)
