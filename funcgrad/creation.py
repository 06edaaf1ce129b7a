"""Creation functions with PyTorch's spellings (``tensor``, ``zeros``, ``randn``, ...)."""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Union, cast, overload

import numpy as np

from . import backend as _backend
from .ops.device import move as _move
from .tensor import Tensor, _from_array, device as _device

if TYPE_CHECKING:
    from typing_extensions import TypeAlias, TypeIs

    from ._typing import Array, ArrayLike, DeviceLike, DTypeLike, Shape

    #: A size: ints, or one sequence of ints (``zeros(2, 3)``, ``zeros((2, 3))``).
    _SizeArg: TypeAlias = Union[int, Sequence[int]]

__all__ = [
    "tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty", "eye", "arange",
    "linspace", "rand", "randn", "randint", "zeros_like", "ones_like", "full_like", "empty_like",
    "rand_like", "randn_like", "manual_seed", "seed", "initial_seed", "Generator", "is_tensor",
    "FloatTensor", "DoubleTensor", "LongTensor", "HalfTensor", "IntTensor", "BoolTensor",
    "Variable",
]


def _finish(data: Array, requires_grad: bool, device: DeviceLike) -> Tensor:
    if device is not None:
        dev = _device(device)
        data = _move(data, dev.type, dev.index or 0)
    t = _from_array(data)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _made_on(device: DeviceLike, name: str, *args: Any, **kwargs: Any) -> Array:
    """``numpy.<name>(*args, **kwargs)`` made on ``device`` itself (a constant fill need not
    cross from the host)."""
    dev = _device(device) if device is not None else None
    if dev is None or dev.type != "cuda":
        made: Array = getattr(np, name)(*args, **kwargs)
        return made
    cuda = _backend.cuda_module()
    with cuda.cuda.Device(dev.index or 0):
        return getattr(cuda, name)(*args, **kwargs)


def _infer(data: ArrayLike, dtype: DTypeLike) -> Array:
    """An array from Python data, with PyTorch's dtype inference for Python numbers."""
    np_dtype = _backend.to_dtype(dtype)
    if isinstance(data, Tensor):
        return data._data.astype(np_dtype) if np_dtype is not None else data._data.copy()
    if isinstance(data, (np.ndarray, np.generic)):
        return np.array(data, dtype=np_dtype)
    if _backend.is_cuda_array(data):  # a copy where the data is (PyTorch: a CUDA tensor's)
        return data.astype(np_dtype) if np_dtype is not None else data.copy()
    if isinstance(data, (list, tuple)) and any(isinstance(d, Tensor) for d in _flat(data)):
        data = _nested_values(data)
    arr = np.array(data, dtype=np_dtype)
    if np_dtype is None:
        if arr.dtype == np.float64:
            arr = arr.astype(_backend.default_float())
        elif arr.dtype == np.complex128 and _backend.default_float() == np.float32:
            arr = arr.astype(np.complex64)
        elif arr.dtype.kind in "iu":
            arr = arr.astype(np.int64)
        elif arr.dtype.kind not in "bfc":
            raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    return arr


def _flat(data: Iterable[Any]) -> Iterator[Any]:
    for d in data:
        if isinstance(d, (list, tuple)):
            yield from _flat(d)
        else:
            yield d


def _nested_values(data: Any) -> Any:
    if isinstance(data, Tensor):
        return data.tolist()
    if isinstance(data, (list, tuple)):
        return [_nested_values(d) for d in data]
    return data


def tensor(data: ArrayLike, dtype: DTypeLike = None, device: DeviceLike = None,
           requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """A new leaf Tensor holding a copy of ``data``.

    Python floats give the default dtype (float32), Python ints int64, bools bool; NumPy
    arrays keep their dtype.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.tensor([2, 2])
    tensor([2, 2])
    >>> fg.tensor([[1.0, 2.0]], requires_grad=True)
    tensor([[1., 2.]], requires_grad=True)
    """
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use "
            "sourceTensor.clone().detach() or sourceTensor.clone().detach().requires_grad_(True), "
            "rather than funcgrad.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    return _finish(_infer(data, dtype), requires_grad, device)


def as_tensor(data: ArrayLike, dtype: DTypeLike = None, device: DeviceLike = None) -> Tensor:
    """A Tensor sharing memory with ``data`` when it is an array of the right dtype.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg
    >>> a = np.array([1.0, 2.0])
    >>> t = fg.as_tensor(a)
    >>> a[0] = 5.0
    >>> t
    tensor([5., 2.], dtype=funcgrad.float64)
    """
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if (isinstance(data, np.ndarray) or _backend.is_cuda_array(data)) and (
            dtype is None or _backend.to_dtype(dtype) == data.dtype):
        return _finish(data, False, device)
    return _finish(_infer(data, dtype), False, device)


def from_numpy(array: np.ndarray) -> Tensor:
    """A Tensor sharing memory with the NumPy array ``array``.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg
    >>> fg.from_numpy(np.arange(3))
    tensor([0, 1, 2])
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    _backend.from_numpy_dtype(array.dtype)
    return _from_array(array)


def _size(size: Sequence[Any]) -> Shape:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    for s in size:
        if not isinstance(s, numbers.Integral):
            raise TypeError(f"size must be a sequence of ints, but got {type(s).__name__}")
        if s < 0:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {s}: {list(size)}"
            )
    return tuple(int(s) for s in size)


def _float_dtype(dtype: DTypeLike) -> np.dtype[Any]:
    return _backend.default_float() if dtype is None else _backend.to_dtype(dtype)


def zeros(*size: _SizeArg, dtype: DTypeLike = None, device: DeviceLike = None,
          requires_grad: bool = False) -> Tensor:
    """A Tensor of zeros of the given size (default dtype float32).

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.zeros(2, 3).shape
    funcgrad.Size([2, 3])
    """
    if device is None:
        return _finish(np.zeros(_size(size), _float_dtype(dtype)), requires_grad, None)
    return _finish(_made_on(device, "zeros", _size(size), _float_dtype(dtype)), requires_grad, device)


def ones(*size: _SizeArg, dtype: DTypeLike = None, device: DeviceLike = None,
         requires_grad: bool = False) -> Tensor:
    """A Tensor of ones of the given size.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.ones(2, 2, requires_grad=True)
    tensor([[1., 1.],
            [1., 1.]], requires_grad=True)
    """
    if device is None:
        return _finish(np.ones(_size(size), _float_dtype(dtype)), requires_grad, None)
    return _finish(_made_on(device, "ones", _size(size), _float_dtype(dtype)), requires_grad, device)


def empty(*size: _SizeArg, dtype: DTypeLike = None, device: DeviceLike = None,
          requires_grad: bool = False) -> Tensor:
    """A Tensor of the given size (funcgrad fills it with zeros)."""
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(size: _SizeArg, fill_value: ArrayLike, dtype: DTypeLike = None, device: DeviceLike = None,
         requires_grad: bool = False) -> Tensor:
    """A Tensor of ``size`` filled with ``fill_value`` (its dtype inferred as PyTorch does).

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.full((2,), 7)
    tensor([7, 7])
    """
    if dtype is None:
        dtype = _infer(fill_value, None).dtype
    if isinstance(fill_value, Tensor):
        fill_value = fill_value._data
    return _finish(_made_on(device, "full", _size((size,)), fill_value, _backend.to_dtype(dtype)),
                   requires_grad, device)


def eye(n: int, m: int | None = None, dtype: DTypeLike = None, device: DeviceLike = None,
        requires_grad: bool = False) -> Tensor:
    """The identity matrix of ``n`` rows (and ``m`` columns)."""
    return _finish(_made_on(device, "eye", n, m, dtype=_float_dtype(dtype)), requires_grad, device)


def arange(start: float = 0, end: float | None = None, step: float = 1, dtype: DTypeLike = None,
           device: DeviceLike = None, requires_grad: bool = False) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive) by ``step``; int64 when all are ints.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.arange(3)
    tensor([0, 1, 2])
    >>> fg.arange(0, 1, 0.25)
    tensor([0.0000, 0.2500, 0.5000, 0.7500])
    """
    if end is None:
        start, end = 0, start
    if dtype is None:
        ints = all(isinstance(v, numbers.Integral) for v in (start, end, step))
        dtype = np.int64 if ints else _backend.default_float()
    return _finish(np.arange(start, end, step).astype(_backend.to_dtype(dtype)), requires_grad, device)


def linspace(start: float, end: float, steps: int, dtype: DTypeLike = None,
             device: DeviceLike = None, requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    return _finish(np.linspace(start, end, steps).astype(_float_dtype(dtype)), requires_grad, device)


# ---- random numbers ---------------------------------------------------------------------


class Generator:
    """A random number generator (wraps ``numpy.random.Generator``).

    Examples
    --------
    >>> import funcgrad as fg
    >>> g = fg.Generator().manual_seed(0)
    >>> fg.randn(2, generator=g).shape
    funcgrad.Size([2])
    """

    __slots__ = ("_rng", "_seed")

    _rng: np.random.Generator
    _seed: int

    def __init__(self, device: DeviceLike = "cpu") -> None:
        self.manual_seed(_fresh_seed())

    def manual_seed(self, seed: int) -> Generator:
        self._seed = int(seed)
        self._rng = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        return self._seed

    def seed(self) -> int:
        self.manual_seed(_fresh_seed())
        return self._seed


def _fresh_seed() -> int:
    """A seed drawn from the OS's entropy."""
    # SeedSequence() with no argument holds an int (the stubs allow a sequence too).
    return cast(int, np.random.SeedSequence().entropy) % (2**63)


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed funcgrad's default random number generator; returns it.

    Examples
    --------
    >>> import funcgrad as fg
    >>> _ = fg.manual_seed(0); a = fg.randn(3)
    >>> _ = fg.manual_seed(0); b = fg.randn(3)
    >>> bool((a == b).all())
    True
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from fresh entropy; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed of the default generator."""
    return default_generator.initial_seed()


def _rng(generator: Generator | None) -> np.random.Generator:
    return (generator or default_generator)._rng


def rand(*size: _SizeArg, generator: Generator | None = None, dtype: DTypeLike = None,
         device: DeviceLike = None, requires_grad: bool = False) -> Tensor:
    """Uniform random values in [0, 1)."""
    data = _rng(generator).random(_size(size), dtype=np.float64).astype(_float_dtype(dtype))
    return _finish(data, requires_grad, device)


def randn(*size: _SizeArg, generator: Generator | None = None, dtype: DTypeLike = None,
          device: DeviceLike = None, requires_grad: bool = False) -> Tensor:
    """Standard normal random values.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.randn(2, 3).dtype
    funcgrad.float32
    """
    data = _rng(generator).standard_normal(_size(size)).astype(_float_dtype(dtype))
    return _finish(data, requires_grad, device)


@overload
def randint(high: int, size: _SizeArg, /, *, generator: Generator | None = None,
            dtype: DTypeLike = None, device: DeviceLike = None,
            requires_grad: bool = False) -> Tensor: ...
@overload
def randint(low: int, high: int, size: _SizeArg, *, generator: Generator | None = None,
            dtype: DTypeLike = None, device: DeviceLike = None,
            requires_grad: bool = False) -> Tensor: ...


def randint(low: int = 0, high: int | _SizeArg | None = None, size: _SizeArg | None = None, *,
            generator: Generator | None = None, dtype: DTypeLike = None,
            device: DeviceLike = None, requires_grad: bool = False) -> Tensor:
    """Random integers in ``[low, high)`` (int64 by default)."""
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    data = _rng(generator).integers(low, high, _size((size,)))
    return _finish(data.astype(_backend.to_dtype(dtype) or np.int64), requires_grad, device)


def _like(t: ArrayLike, dtype: DTypeLike,
          device: DeviceLike) -> tuple[Shape, np.dtype[Any], DeviceLike]:
    """Shape, dtype and device of a ``*_like`` result: ``t``'s unless given, as PyTorch."""
    data = t._data if isinstance(t, Tensor) else t
    if not (isinstance(data, np.ndarray) or _backend.is_cuda_array(data)):
        data = np.asarray(data)
    if device is None and _backend.is_cuda_array(data):
        device = _device("cuda", int(data.device.id))
    return data.shape, (data.dtype if dtype is None else _backend.to_dtype(dtype)), device


def zeros_like(input: ArrayLike, dtype: DTypeLike = None, device: DeviceLike = None,
               requires_grad: bool = False) -> Tensor:
    shape, dt, device = _like(input, dtype, device)
    return _finish(_made_on(device, "zeros", shape, dt), requires_grad, device)


def ones_like(input: ArrayLike, dtype: DTypeLike = None, device: DeviceLike = None,
              requires_grad: bool = False) -> Tensor:
    shape, dt, device = _like(input, dtype, device)
    return _finish(_made_on(device, "ones", shape, dt), requires_grad, device)


def empty_like(input: ArrayLike, dtype: DTypeLike = None, device: DeviceLike = None,
               requires_grad: bool = False) -> Tensor:
    return zeros_like(input, dtype, device, requires_grad)


def full_like(input: ArrayLike, fill_value: ArrayLike, dtype: DTypeLike = None,
              device: DeviceLike = None, requires_grad: bool = False) -> Tensor:
    shape, dt, device = _like(input, dtype, device)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value._data
    return _finish(_made_on(device, "full", shape, fill_value, dt), requires_grad, device)


def rand_like(input: ArrayLike, dtype: DTypeLike = None, device: DeviceLike = None,
              requires_grad: bool = False) -> Tensor:
    shape, dt, device = _like(input, dtype, device)
    return rand(*shape, dtype=dt, device=device, requires_grad=requires_grad)


def randn_like(input: ArrayLike, dtype: DTypeLike = None, device: DeviceLike = None,
               requires_grad: bool = False) -> Tensor:
    shape, dt, device = _like(input, dtype, device)
    return randn(*shape, dtype=dt, device=device, requires_grad=requires_grad)


def is_tensor(obj: object) -> TypeIs[Tensor]:
    """Whether ``obj`` is a funcgrad Tensor."""
    return isinstance(obj, Tensor)


# ---- legacy constructors ----------------------------------------------------------------


def _legacy_constructor(np_dtype: np.dtype[Any], args: tuple[Any, ...], requires_grad: bool = False,
                        dtype: DTypeLike = None, device: DeviceLike = None) -> Tensor:
    """``FloatTensor([1, 2])`` copies data; ``FloatTensor(2, 3)`` makes a (zeroed) shape."""
    if dtype is not None:
        np_dtype = _backend.to_dtype(dtype)
    if len(args) == 1 and not isinstance(args[0], numbers.Integral):
        data = args[0]
        data = data._data if isinstance(data, Tensor) else data
        return _finish(np.array(data, dtype=np_dtype), requires_grad, device)
    return _finish(np.zeros(_size(args), np_dtype), requires_grad, device)


def _legacy(name: str, np_dtype: type[np.generic]) -> Callable[..., Tensor]:
    def constructor(*args: Any, requires_grad: bool = False, device: DeviceLike = None) -> Tensor:
        return _legacy_constructor(np.dtype(np_dtype), args, requires_grad, None, device)

    constructor.__name__ = constructor.__qualname__ = name
    constructor.__doc__ = f"Legacy constructor: a {np.dtype(np_dtype)} Tensor from data or a size."
    return constructor


FloatTensor = _legacy("FloatTensor", np.float32)
DoubleTensor = _legacy("DoubleTensor", np.float64)
HalfTensor = _legacy("HalfTensor", np.float16)
LongTensor = _legacy("LongTensor", np.int64)
IntTensor = _legacy("IntTensor", np.int32)
BoolTensor = _legacy("BoolTensor", np.bool_)


def Variable(data: ArrayLike, requires_grad: bool = False, volatile: bool = False) -> Tensor:
    """Legacy wrapper: a leaf Tensor sharing ``data``'s memory.

    Since PyTorch 0.4 a Variable is a Tensor; this exists so old code runs.

    Examples
    --------
    >>> import funcgrad as fg
    >>> from funcgrad.autograd import Variable
    >>> Variable(fg.ones(2), requires_grad=True)
    tensor([1., 1.], requires_grad=True)
    """
    if volatile:
        warnings.warn("volatile was removed; use `with funcgrad.no_grad():` instead", UserWarning, stacklevel=2)
    data = data._data if isinstance(data, Tensor) else _infer(data, None)
    t = _from_array(data)
    if requires_grad:
        t.requires_grad_(True)
    return t
