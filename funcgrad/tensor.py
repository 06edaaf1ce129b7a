"""The Tensor facade: an array with PyTorch's autograd interface.

A Tensor holds a NumPy (or CuPy) array in ``.data`` and, when it was computed from Tensors
that require grad, the Node that made it in ``.grad_fn``. Its operators and methods are
funcgrad's primitives, so everything done to it is recorded on the tape.
"""

from __future__ import annotations

import builtins
import numbers
import warnings
import weakref
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import TYPE_CHECKING, Any, SupportsIndex, TypeVar, Union, overload

import numpy as np

from . import _dlpack
from . import backend as _backend
from .autograd import grad_mode as _grad_mode
from .autograd.node import AccumulateGrad as _AccumulateGrad

if TYPE_CHECKING:
    from typing_extensions import TypeAlias

    from ._typing import Array, ArrayLike, DeviceLike, DTypeLike, Shape
    from .autograd.node import Node, _RemovableHandle
    from .ops._primitive import Primitive

    # Inside Tensor's body its methods ``bool``, ``int``, ``float``, ``type`` and its property
    # ``device`` hide the builtins and the class; annotations there use these names.
    _bool: TypeAlias = bool
    _int: TypeAlias = int
    _float: TypeAlias = float
    _type: TypeAlias = type
    #: A ``dim`` argument: one dimension, several, or all (None).
    _Dims: TypeAlias = Union[int, tuple[int, ...], list[int], None]
    #: A size: ints, or one sequence of ints (``reshape(2, 3)``, ``reshape((2, 3))``).
    _SizeArg: TypeAlias = Union[int, Sequence[int]]
    #: A dtype given as an object rather than ``None``.
    _DTypeArg: TypeAlias = Union[_backend.dtype, np.dtype[Any], type, str]

_T = TypeVar("_T")

__all__ = ["Tensor", "Size", "device"]

_grad_state = _grad_mode._state
_ndarray = np.ndarray


class Size(tuple[int, ...]):
    """The shape of a Tensor: a tuple, printed as ``funcgrad.Size([2, 2])``.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.ones(2, 3).size()
    funcgrad.Size([2, 3])
    >>> fg.ones(2, 3).size(1)
    3
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"funcgrad.Size({list(self)})"

    def numel(self) -> int:
        """The number of elements a Tensor of this shape holds."""
        n = 1
        for s in self:
            n *= s
        return n


class device:
    """Where a Tensor's data lives: ``device(type='cpu')`` or ``device(type='cuda', index=0)``.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.device("cpu")
    device(type='cpu')
    >>> str(fg.device("cuda:1"))
    'cuda:1'
    """

    __slots__ = ("type", "index")

    type: str
    index: int | None

    def __init__(self, spec: DeviceLike, index: int | None = None) -> None:
        if isinstance(spec, device):
            spec, index = spec.type, spec.index
        spec = str(spec)
        if ":" in spec:
            spec, idx = spec.split(":", 1)
            index = int(idx)
        if spec not in ("cpu", "cuda"):
            raise RuntimeError(
                f"Expected one of cpu, cuda device type at start of device string: {spec}"
            )
        self.type = spec
        self.index = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))


if TYPE_CHECKING:
    _Device: TypeAlias = device  # the class, which Tensor's ``device`` property hides

_CPU = device("cpu")

NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead."
)
LEAF_INPLACE_MESSAGE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_INPLACE_MESSAGE = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation."
)
NON_LEAF_REQUIRES_GRAD_MESSAGE = (
    "you can only change requires_grad flags of leaf variables. If you want to use a "
    "computed variable in a subgraph that doesn't require differentiation use "
    "var_no_grad = var.detach()."
)
INTEGER_REQUIRES_GRAD_MESSAGE = (
    "only Tensors of floating point and complex dtype can require gradients"
)
_ONE_ELEMENT_MESSAGE = "only one element tensors can be converted to Python scalars"


def _from_array(data: Array) -> Tensor:
    """A new Tensor holding ``data`` (no copy), not requiring grad."""
    t = object.__new__(Tensor)
    t._data = data
    t._grad_fn = None
    t._requires_grad = False
    t._grad = None
    t._version = [0]
    t._base = None
    t._hooks = None
    t._accumulator = None
    t._retains_grad = False
    t._fw = None
    return t


def _memory(t: Tensor) -> Array:
    """``t``'s data as an array that can be written and shared: a 0-d NumPy scalar result
    (kept as a scalar for speed) becomes a 0-d array first."""
    data = t._data
    if isinstance(data, np.generic):
        data = t._data = np.asarray(data)
    return data


def _unwrap(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else x


def _shape_of(x: Any) -> Shape:
    """The shape of a Tensor, an array or a Python number."""
    return x._data.shape if isinstance(x, Tensor) else np.shape(x)


def _dim_args(dim: Any, axis: Any, keepdim: bool, keepdims: bool | None) -> tuple[Any, bool]:
    """Accept torch's dim/keepdim and NumPy's axis/keepdims spellings."""
    if axis is not None:
        if dim is not None:
            raise TypeError("pass either dim or axis, not both")
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    if isinstance(dim, list):
        dim = tuple(dim)
    return dim, bool(keepdim)


def _check_float_for_grad(data: Array) -> None:
    if data.dtype.kind not in "fc":
        raise RuntimeError(INTEGER_REQUIRES_GRAD_MESSAGE)


class Tensor:
    """A multi-dimensional array that records the operations done to it.

    Build Tensors with :func:`funcgrad.tensor`, :func:`funcgrad.ones`,
    :func:`funcgrad.randn` and friends; set ``requires_grad=True`` on the leaves to
    differentiate with respect to, then call :meth:`backward` on a result.

    Examples
    --------
    >>> import funcgrad as fg
    >>> x = fg.ones(2, 2, requires_grad=True)
    >>> out = ((x + 2) * (x + 2) * 3).mean()
    >>> out
    tensor(27., grad_fn=<MeanBackward0>)
    >>> out.backward()
    >>> x.grad
    tensor([[4.5000, 4.5000],
            [4.5000, 4.5000]])
    """

    __slots__ = (
        "_data",
        "_grad_fn",
        "_requires_grad",
        "_grad",
        "_version",  # [int], shared by a tensor and its views
        "_base",  # the Tensor this one is a view of
        "_hooks",  # gradient hooks of a leaf
        "_accumulator",  # weakref to the leaf's AccumulateGrad
        "_retains_grad",
        "_fw",  # forward-mode tangents: None or {level: tangent} (autograd/forward_ad.py)
        "__weakref__",
    )

    _data: Any  # numpy.ndarray / cupy.ndarray, or a NumPy scalar for 0-d results
    _grad_fn: Any  # autograd.node.Node or None
    _requires_grad: bool
    _grad: Tensor | None
    _version: list[int]
    _base: Tensor | None
    _hooks: Any
    _accumulator: Any
    _retains_grad: bool
    _fw: dict[int, Any] | None

    # NumPy defers to our reflected operators and __array_ufunc__.
    __array_priority__ = 1000

    def __new__(cls, *args: Any, requires_grad: _bool = False, dtype: DTypeLike = None,
                device: DeviceLike = None) -> Tensor:
        from .creation import _legacy_constructor

        return _legacy_constructor(_backend.default_float(), args, requires_grad, dtype, device)

    # ---- data and flags ------------------------------------------------------------------

    @property
    def data(self) -> Tensor:
        """The same values as a Tensor that shares memory but is cut from the graph."""
        t = _from_array(_memory(self))
        t._version = self._version
        return t

    @data.setter
    def data(self, value: ArrayLike) -> None:
        if isinstance(value, Tensor):
            self._data = value._data
        else:
            self._data = value if _backend.is_cuda_array(value) else np.asarray(value)

    @property
    def grad(self) -> Tensor | None:
        """The accumulated gradient (a Tensor) or None; populated on leaves by backward."""
        if self._grad_fn is not None and not self._retains_grad and self._grad is None:
            warnings.warn(NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"assigned grad has data of a different size: {Size(value._data.shape)} "
                    f"for a tensor of size {Size(self._data.shape)}"
                )
        self._grad = value

    @property
    def grad_fn(self) -> Node | None:
        """The Node that computed this Tensor, or None for a leaf."""
        node: Node | None = self._grad_fn
        return node

    @property
    def requires_grad(self) -> bool:
        """Whether gradients are computed for this Tensor."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: _bool) -> None:
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad: _bool = True) -> Tensor:
        """Set ``requires_grad`` in place (leaves only); returns ``self``.

        Examples
        --------
        >>> import funcgrad as fg
        >>> a = fg.randn(2, 2)
        >>> a.requires_grad_().requires_grad
        True
        """
        requires_grad = bool(requires_grad)
        if self._grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(NON_LEAF_REQUIRES_GRAD_MESSAGE)
            return self
        if requires_grad:
            _check_float_for_grad(self._data)
        self._requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        """True for Tensors made by the user (and all that do not require grad)."""
        return self._grad_fn is None

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    @property
    def dtype(self) -> _backend.dtype:
        return _backend.from_numpy_dtype(self._data.dtype)

    @property
    def device(self) -> _Device:
        xp = _backend.namespace(self._data)
        if xp is np:
            return _CPU
        return device("cuda", self._data.device.id)

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def ndim(self) -> int:
        ndim: int = self._data.ndim
        return ndim

    @property
    def T(self) -> Tensor:
        """The Tensor with its dimensions reversed."""
        return _ops.permute(self, tuple(range(self._data.ndim - 1, -1, -1)))

    @property
    def mT(self) -> Tensor:
        """The Tensor with its last two dimensions swapped."""
        return _ops.swapaxes(self, -1, -2)

    def is_floating_point(self) -> bool:
        kind: str = self._data.dtype.kind
        return kind == "f"

    def is_complex(self) -> bool:
        kind: str = self._data.dtype.kind
        return kind == "c"

    @overload
    def size(self, dim: None = None) -> Size: ...
    @overload
    def size(self, dim: int) -> int: ...

    def size(self, dim: int | None = None) -> Size | int:
        """The shape as a :class:`Size`, or one dimension's length."""
        if dim is None:
            return Size(self._data.shape)
        length: int = self._data.shape[dim]
        return length

    def dim(self) -> int:
        ndim: int = self._data.ndim
        return ndim

    def ndimension(self) -> int:
        ndim: int = self._data.ndim
        return ndim

    def numel(self) -> int:
        return int(self._data.size)

    def nelement(self) -> int:
        return int(self._data.size)

    def element_size(self) -> int:
        itemsize: int = self._data.itemsize
        return itemsize

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        length: int = self._data.shape[0]
        return length

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        for i in range(self._data.shape[0]):
            yield self[i]

    # ---- conversion ----------------------------------------------------------------------

    def item(self) -> Any:
        """The value of a one-element Tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.reshape(()).item()

    def tolist(self) -> Any:
        """The values as (nested) Python lists of numbers."""
        return _backend_to_numpy(self._data).tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The data as a NumPy array sharing memory (CPU Tensors that need no grad)."""
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
            )
        xp = _backend.namespace(self._data)
        if xp is not np:
            if not force:
                raise TypeError(_NOT_ON_HOST.format(self.device))
            host: np.ndarray = self._data.get()
            return host
        data: np.ndarray = _memory(self)
        return data

    def __array__(self, dtype: DTypeLike = None, copy: _bool | None = None) -> np.ndarray:
        if not isinstance(self._data, _ndarray) and _backend.is_cuda_array(self._data):
            # As PyTorch: no silent device-to-host copy (it would hide one in any code path).
            raise TypeError(_NOT_ON_HOST.format(self.device))
        data = _backend_to_numpy(self._data)
        if dtype is not None:
            data = data.astype(dtype, copy=False)
        if copy:
            data = data.copy()
        return data

    def __dlpack__(self, **kwargs: Any) -> Any:
        """This Tensor's memory as a DLPack capsule, for ``np.from_dlpack`` and its kind.

        Keywords (``stream``, ``max_version``, ``dl_device``, ``copy``) go to the data's own
        ``__dlpack__``. As in PyTorch, a Tensor that requires grad is refused: export
        ``t.detach()``.

        Examples
        --------
        >>> import numpy as np, funcgrad as fg
        >>> t = fg.arange(3.0)
        >>> a = np.from_dlpack(t)   # no copy: one memory
        >>> a[0] = 5.0
        >>> t
        tensor([5., 1., 2.])
        """
        return _dlpack.dlpack_export(self, kwargs)

    def __dlpack_device__(self) -> tuple[int, int]:
        """``(device type, device index)`` of this Tensor's memory, in DLPack's codes
        (``(1, 0)`` for the CPU).

        Examples
        --------
        >>> import funcgrad as fg
        >>> fg.ones(2).__dlpack_device__()
        (1, 0)
        """
        return _dlpack.dlpack_device(self)

    def _scalar(self, kind: Callable[[Any], _T]) -> _T:
        if self._data.size != 1:
            raise ValueError(_ONE_ELEMENT_MESSAGE)
        return kind(self._data.reshape(()).item())

    def __float__(self) -> float:
        return self._scalar(float)

    def __int__(self) -> int:
        return self._scalar(int)

    def __complex__(self) -> complex:
        return self._scalar(complex)

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()).item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()).item())

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            text: str = self.item().__format__(spec)
            return text
        return object.__format__(self, spec)

    def __repr__(self) -> str:
        from ._printing import tensor_repr

        xp = _backend.namespace(self._data)
        return tensor_repr(
            _backend_to_numpy(self._data),
            default_dtype=_backend.default_float(),
            device=None if xp is np else str(self.device),
            grad_fn_name=None if self._grad_fn is None else type(self._grad_fn).__name__,
            requires_grad=self._requires_grad,
        )

    __str__ = __repr__

    def __hash__(self) -> int:
        return id(self)

    def __reduce_ex__(
        self, protocol: SupportsIndex
    ) -> tuple[Callable[[Array, _bool, str | None], Tensor], tuple[np.ndarray, _bool, str | None]]:
        # Pickled as host memory; a CUDA Tensor is unpickled on its device again, as in PyTorch.
        dev = self.device
        where = None if dev.type == "cpu" else str(dev)
        return (_rebuild, (_backend_to_numpy(self._data), self._requires_grad, where))

    def __deepcopy__(self, memo: dict[_int, Any]) -> Tensor:
        if self._grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol at the moment."
            )
        t = _from_array(self._data.copy())
        t._requires_grad = self._requires_grad
        if self._grad is not None:
            t._grad = _from_array(self._grad._data.copy())
        memo[id(self)] = t
        return t

    # ---- dtype and device ----------------------------------------------------------------

    def to(self, *args: Any, dtype: DTypeLike = None, device: DeviceLike = None, copy: _bool = False,
           non_blocking: _bool = False) -> Tensor:
        """Convert dtype and/or device: ``t.to(fg.float64)``, ``t.to("cpu")``, ``t.to(other)``."""
        for a in args:
            if isinstance(a, Tensor):
                dtype, device = a.dtype, a.device
            elif isinstance(a, (str, globals()["device"])):
                device = a
            else:
                dtype = a
        result = self
        if device is not None:
            result = _ops.to_device(result, globals()["device"](device))
        if dtype is not None:
            np_dtype = _backend.to_dtype(dtype)
            if np_dtype != result._data.dtype:
                result = _ops.astype(result, np_dtype)
        if copy and result is self:
            result = _ops.clone(self)
        return result

    @overload
    def type(self, dtype: _DTypeArg) -> Tensor: ...
    @overload
    def type(self, dtype: None = None) -> str: ...

    def type(self, dtype: DTypeLike = None) -> str | Tensor:
        """The legacy type name (``'funcgrad.FloatTensor'``), or a copy of another dtype."""
        from .autograd.node import tensor_type_name

        if dtype is None:
            return tensor_type_name(self._data)
        return self.to(dtype)

    def cpu(self) -> Tensor:
        return self.to(device="cpu")

    def cuda(self, device: DeviceLike | _int | None = None) -> Tensor:
        return self.to(device="cuda" if device is None else (f"cuda:{device}" if isinstance(device, int) else device))

    def float(self) -> Tensor:
        return self.to(_backend.float32)

    def double(self) -> Tensor:
        return self.to(_backend.float64)

    def half(self) -> Tensor:
        return self.to(_backend.float16)

    def long(self) -> Tensor:
        return self.to(_backend.int64)

    def int(self) -> Tensor:
        return self.to(_backend.int32)

    def bool(self) -> Tensor:
        return self.to(_backend.bool_)

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    # ---- autograd ------------------------------------------------------------------------

    def backward(self, gradient: ArrayLike = None, retain_graph: _bool | None = None,
                 create_graph: _bool = False, inputs: Tensor | Sequence[Tensor] | None = None,
                 **kwargs: Any) -> None:
        """Compute the gradient of this Tensor with respect to the graph's leaves.

        Gradients are accumulated into the leaves' ``.grad``.

        Parameters
        ----------
        gradient : Tensor or array, optional
            The gradient of some scalar with respect to this Tensor. May be omitted for a
            one-element Tensor. It must have this Tensor's shape or broadcast to it.
        retain_graph : bool, optional
            Keep the graph's saved values so backward can run through it again. Defaults
            to ``create_graph``.
        create_graph : bool
            Record the backward pass, so the gradients can be differentiated again.
        inputs : sequence of Tensor, optional
            Accumulate only into these Tensors' ``.grad``.

        Examples
        --------
        >>> import funcgrad as fg
        >>> x = fg.tensor([1.0, 2.0], requires_grad=True)
        >>> (x * x).backward(fg.tensor([1.0, 0.5]))
        >>> x.grad
        tensor([2., 2.])
        """
        from .autograd.engine import backward as _backward

        if "retain_variables" in kwargs:
            warnings.warn(
                "the retain_variables argument is deprecated; use retain_graph instead",
                DeprecationWarning,
                stacklevel=2,
            )
            retain = kwargs.pop("retain_variables")
            if retain_graph is None:
                retain_graph = retain
        if kwargs:
            raise TypeError(f"backward() got an unexpected keyword argument {next(iter(kwargs))!r}")
        _backward((self,), None if gradient is None else (gradient,), retain_graph, create_graph, inputs)

    def detach(self) -> Tensor:
        """A new Tensor with the same data (shared memory), cut from the graph."""
        t = _from_array(_memory(self))
        t._version = self._version
        return t

    def detach_(self) -> Tensor:
        """Cut this Tensor from the graph in place; it becomes a leaf."""
        if self._base is not None and self._base._requires_grad:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead."
            )
        self._grad_fn = None
        self._requires_grad = False
        return self

    def retain_grad(self) -> None:
        """Make backward populate ``.grad`` for this non-leaf Tensor too."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is None or self._retains_grad:
            return
        from .autograd.node import RetainGradHook

        node = self._grad_fn
        if node._pre_hooks is None:
            node._pre_hooks = []
        node._pre_hooks.append(RetainGradHook(self))
        self._retains_grad = True

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> _RemovableHandle:
        """Register ``hook(grad) -> Tensor or None``, called with this Tensor's gradient.

        A returned Tensor replaces the gradient. Returns a handle with ``remove()``.

        Examples
        --------
        >>> import funcgrad as fg
        >>> x = fg.tensor([1.0, 2.0], requires_grad=True)
        >>> h = x.register_hook(lambda g: g * 2)
        >>> (x * 3).sum().backward()
        >>> x.grad
        tensor([6., 6.])
        """
        from .autograd.node import _RemovableHandle

        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        else:
            node = self._grad_fn
            if node._pre_hooks is None:
                node._pre_hooks = []
            hooks = node._pre_hooks
        hooks.append(hook)
        return _RemovableHandle(hooks, hook)

    def _get_accumulator(self) -> _AccumulateGrad:
        acc = self._accumulator() if self._accumulator is not None else None
        if acc is None:
            acc = _AccumulateGrad(self)
            self._accumulator = weakref.ref(acc)
        return acc

    # ---- in-place ------------------------------------------------------------------------

    def _inplace(self, prim: Primitive, *args: Any) -> Tensor:
        """Run ``prim(self, *args)`` and write the result into this Tensor's memory."""
        recording = False
        if _grad_state.enabled:
            other_requires = any(isinstance(a, Tensor) and a._requires_grad for a in args)
            if self._requires_grad and self._grad_fn is None:
                raise RuntimeError(LEAF_INPLACE_MESSAGE)
            base = self._base
            if base is not None and (base._requires_grad or other_requires):
                if base._grad_fn is None and base._requires_grad:
                    raise RuntimeError(VIEW_OF_LEAF_INPLACE_MESSAGE)
                raise RuntimeError(
                    "funcgrad does not support in-place operations on a view of a tensor "
                    "that requires grad; apply the operation out of place, or to a clone()"
                )
            recording = self._requires_grad or other_requires
        if self._fw is not None or any(isinstance(a, Tensor) and a._fw is not None for a in args):
            recording = True  # forward-mode tangents must follow the new value
        data = _memory(self)
        if not recording:
            raw = [a._data if isinstance(a, Tensor) else a for a in args]
            ufunc = _INPLACE_UFUNCS.get(prim.name) if isinstance(data, _ndarray) else None
            if ufunc is not None:
                # An optimizer step: one pass in place, no temporary.
                try:
                    ufunc(data, raw[0], out=data, casting="same_kind")
                except TypeError:  # NumPy's casting error: say it as PyTorch does
                    _write_into(data, prim.forward(data, *raw))
                self._version[0] += 1
                return self
            out = prim.forward(data, *raw)
        else:
            source = self
            if prim.save[:1] in ("v", "x"):
                # The rule needs the old value, which the write below overwrites.
                source = _from_array(data.copy())
                source._grad_fn = self._grad_fn
                source._requires_grad = self._requires_grad
            result = prim(source, *args)
            out = result._data
            self._grad_fn = result._grad_fn
            self._requires_grad = result._requires_grad
            self._fw = result._fw
        _write_into(data, out)
        self._version[0] += 1
        return self

    def add_(self, other: ArrayLike, *, alpha: _float = 1) -> Tensor:
        """In-place ``self += alpha * other``."""
        if alpha != 1:
            other = _ops.mul(other, alpha)
        return self._inplace(_ops.add, other)

    def sub_(self, other: ArrayLike, *, alpha: _float = 1) -> Tensor:
        """In-place ``self -= alpha * other``."""
        if alpha != 1:
            other = _ops.mul(other, alpha)
        return self._inplace(_ops.sub, other)

    def mul_(self, other: ArrayLike) -> Tensor:
        """In-place ``self *= other``."""
        return self._inplace(_ops.mul, other)

    def div_(self, other: ArrayLike) -> Tensor:
        """In-place ``self /= other``."""
        return self._inplace(_ops.div, other)

    def pow_(self, exponent: ArrayLike) -> Tensor:
        """In-place ``self **= exponent``."""
        return self._inplace(_ops.pow, exponent)

    def neg_(self) -> Tensor:
        return self._inplace(_ops.neg)

    def exp_(self) -> Tensor:
        return self._inplace(_ops.exp)

    def clamp_(self, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Tensor:
        """In-place :meth:`clamp`: limit to ``[min, max]``; returns ``self``.

        Examples
        --------
        >>> import funcgrad as fg
        >>> fg.tensor([-2.0, 0.5, 3.0]).clamp_(-1.0, 1.0)
        tensor([-1.0000,  0.5000,  1.0000])
        >>> fg.tensor([-2.0, 0.5, 3.0]).clamp_(max=fg.tensor([0.0, 0.0, 5.0]))
        tensor([-2.,  0.,  3.])
        """
        if isinstance(min, Tensor) or isinstance(max, Tensor):
            # Tensor bounds are differentiated too: a maximum, then a minimum, as ops.clamp.
            if min is not None:
                self._inplace(_ops.maximum, min)
            if max is not None:
                self._inplace(_ops.minimum, max)
            return self
        # ops.clamp is a composite; its primitive (number bounds) is the registry's "clamp".
        return self._inplace(_ops.REGISTRY["clamp"], min, max)

    def zero_(self) -> Tensor:
        """Fill with zeros in place; returns ``self``."""
        return self.fill_(0)

    def fill_(self, value: ArrayLike) -> Tensor:
        """Fill with ``value`` in place; returns ``self``."""
        return self._inplace(_ops.fill, value)

    def copy_(self, src: ArrayLike) -> Tensor:
        """Copy ``src`` (broadcast to this shape) into this Tensor in place; ``src`` may be
        on another device (copied over, its gradient sent back, as in PyTorch).

        Examples
        --------
        >>> import funcgrad as fg
        >>> fg.zeros(3).copy_(fg.tensor([1.0, 2.0, 3.0]))
        tensor([1., 2., 3.])
        """
        src_data = src._data if isinstance(src, Tensor) else src
        if (_backend.namespace(src_data) is not _backend.namespace(self._data)
                and hasattr(src_data, "shape")):
            src = _ops.to_device(src, self.device)
        return self._inplace(_ops.copy_from, src)

    def __iadd__(self, other: ArrayLike) -> Tensor:
        return self.add_(other)

    def __isub__(self, other: ArrayLike) -> Tensor:
        return self.sub_(other)

    def __imul__(self, other: ArrayLike) -> Tensor:
        return self.mul_(other)

    def __itruediv__(self, other: ArrayLike) -> Tensor:
        return self.div_(other)

    def __ipow__(self, other: ArrayLike) -> Tensor:
        return self.pow_(other)

    def __setitem__(self, key: Any, value: ArrayLike) -> None:
        key = _ops.normalize_key(key)
        value_requires = isinstance(value, Tensor) and value._requires_grad
        if not (_grad_state.enabled and (self._requires_grad or value_requires)):
            # Nothing to record: write straight into memory (no functional copy).
            _memory(self)[key] = _unwrap(value)
            self._version[0] += 1
            return
        self._inplace(_ops.index_put, value, key)

    # ---- operators -----------------------------------------------------------------------

    def __add__(self, other: ArrayLike) -> Tensor:
        if type(other) is float and self._data.dtype.kind in "iub":
            self = self.to(_backend.get_default_dtype())  # int tensor op float: default dtype
        return _ops.add(self, other)

    def __radd__(self, other: ArrayLike) -> Tensor:
        if type(other) is float and self._data.dtype.kind in "iub":
            self = self.to(_backend.get_default_dtype())  # int tensor op float: default dtype
        return _ops.add(other, self)

    def __sub__(self, other: ArrayLike) -> Tensor:
        if type(other) is float and self._data.dtype.kind in "iub":
            self = self.to(_backend.get_default_dtype())  # int tensor op float: default dtype
        return _ops.sub(self, other)

    def __rsub__(self, other: ArrayLike) -> Tensor:
        if type(other) is float and self._data.dtype.kind in "iub":
            self = self.to(_backend.get_default_dtype())  # int tensor op float: default dtype
        return _ops.sub(other, self)

    def __mul__(self, other: ArrayLike) -> Tensor:
        if type(other) is float and self._data.dtype.kind in "iub":
            self = self.to(_backend.get_default_dtype())  # int tensor op float: default dtype
        return _ops.mul(self, other)

    def __rmul__(self, other: ArrayLike) -> Tensor:
        if type(other) is float and self._data.dtype.kind in "iub":
            self = self.to(_backend.get_default_dtype())  # int tensor op float: default dtype
        return _ops.mul(other, self)

    def __truediv__(self, other: ArrayLike) -> Tensor:
        self, other = _true_division_operands(self, other)
        return _ops.div(self, other)

    def __rtruediv__(self, other: ArrayLike) -> Tensor:
        self, other = _true_division_operands(self, other)
        return _ops.div(other, self)

    def __floordiv__(self, other: ArrayLike) -> Tensor:
        return _ops.floor_divide(self, other)

    def __rfloordiv__(self, other: ArrayLike) -> Tensor:
        return _ops.floor_divide(other, self)

    def __mod__(self, other: ArrayLike) -> Tensor:
        return _ops.remainder(self, other)

    def __pow__(self, other: ArrayLike) -> Tensor:
        if type(other) is float and self._data.dtype.kind in "iub":
            self = self.to(_backend.get_default_dtype())  # int tensor op float: default dtype
        return _ops.pow(self, other)

    def __rpow__(self, other: ArrayLike) -> Tensor:
        if type(other) is float and self._data.dtype.kind in "iub":
            self = self.to(_backend.get_default_dtype())  # int tensor op float: default dtype
        return _ops.pow(other, self)

    def __matmul__(self, other: ArrayLike) -> Tensor:
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: ArrayLike) -> Tensor:
        return _ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return _ops.neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return _ops.abs(self)

    def __invert__(self) -> Tensor:
        return _ops.logical_not(self)

    def __and__(self, other: ArrayLike) -> Tensor:
        return _ops.logical_and(self, other)

    def __or__(self, other: ArrayLike) -> Tensor:
        return _ops.logical_or(self, other)

    def __xor__(self, other: ArrayLike) -> Tensor:
        return _ops.logical_xor(self, other)

    def __eq__(self, other: ArrayLike) -> Tensor:  # type: ignore[override]  # elementwise
        return _ops.equal(self, other)

    def __ne__(self, other: ArrayLike) -> Tensor:  # type: ignore[override]  # elementwise
        return _ops.not_equal(self, other)

    def __lt__(self, other: ArrayLike) -> Tensor:
        return _ops.less(self, other)

    def __le__(self, other: ArrayLike) -> Tensor:
        return _ops.less_equal(self, other)

    def __gt__(self, other: ArrayLike) -> Tensor:
        return _ops.greater(self, other)

    def __ge__(self, other: ArrayLike) -> Tensor:
        return _ops.greater_equal(self, other)

    def __getitem__(self, key: Any) -> Tensor:
        return _ops.getitem(self, key)

    # NumPy's ufuncs and functions on Tensors (np.add(arr, t), np.exp(t)) record through
    # funcgrad's primitives.
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return _ops.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Callable[..., Any], types: Collection[_type],
                           args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        return _ops.array_function(func, args, kwargs)

    # ---- math methods (torch names) ------------------------------------------------------

    def add(self, other: ArrayLike, *, alpha: _float = 1) -> Tensor:
        return _ops.add(self, other if alpha == 1 else _ops.mul(other, alpha))

    def sub(self, other: ArrayLike, *, alpha: _float = 1) -> Tensor:
        return _ops.sub(self, other if alpha == 1 else _ops.mul(other, alpha))

    subtract = sub

    def mul(self, other: ArrayLike) -> Tensor:
        return _ops.mul(self, other)

    multiply = mul

    def div(self, other: ArrayLike) -> Tensor:
        return _ops.div(self, other)

    divide = true_divide = div

    def neg(self) -> Tensor:
        return _ops.neg(self)

    negative = neg

    def pow(self, exponent: ArrayLike) -> Tensor:
        return _ops.pow(self, exponent)

    def exp(self) -> Tensor:
        return _ops.exp(self)

    def log(self) -> Tensor:
        return _ops.log(self)

    def sin(self) -> Tensor:
        return _ops.sin(self)

    def cos(self) -> Tensor:
        return _ops.cos(self)

    def tan(self) -> Tensor:
        return _ops.tan(self)

    def tanh(self) -> Tensor:
        return _ops.tanh(self)

    def sigmoid(self) -> Tensor:
        return _ops.sigmoid(self)

    def relu(self) -> Tensor:
        return _ops.relu(self)

    def sqrt(self) -> Tensor:
        return _ops.sqrt(self)

    def abs(self) -> Tensor:
        return _ops.abs(self)

    def square(self) -> Tensor:
        return _ops.mul(self, self)

    def reciprocal(self) -> Tensor:
        return _ops.div(1.0, self)

    def sign(self) -> Tensor:
        return _ops.sign(self)

    def floor(self) -> Tensor:
        return _ops.floor(self)

    def ceil(self) -> Tensor:
        return _ops.ceil(self)

    def round(self) -> Tensor:
        return _ops.round(self)

    def maximum(self, other: ArrayLike) -> Tensor:
        return _ops.maximum(self, other)

    def minimum(self, other: ArrayLike) -> Tensor:
        return _ops.minimum(self, other)

    def clamp(self, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Tensor:
        return _ops.clamp(self, min, max)

    clip = clamp

    def where(self, condition: ArrayLike, other: ArrayLike) -> Tensor:
        return _ops.where(condition, self, other)

    def matmul(self, other: ArrayLike) -> Tensor:
        return _ops.matmul(self, other)

    def mm(self, other: ArrayLike) -> Tensor:
        return _ops.mm(self, other)

    def dot(self, other: ArrayLike) -> Tensor:
        return _ops.dot(self, other)

    def sum(self, dim: _Dims = None, keepdim: _bool = False, *, axis: _Dims = None,
            keepdims: _bool | None = None, dtype: DTypeLike = None) -> Tensor:
        dim, keepdim = _dim_args(dim, axis, keepdim, keepdims)
        x = self if dtype is None else self.to(dtype)
        return _ops.sum(x, dim, keepdim)

    def mean(self, dim: _Dims = None, keepdim: _bool = False, *, axis: _Dims = None,
             keepdims: _bool | None = None, dtype: DTypeLike = None) -> Tensor:
        dim, keepdim = _dim_args(dim, axis, keepdim, keepdims)
        x = self if dtype is None else self.to(dtype)
        return _ops.mean(x, dim, keepdim)

    def prod(self, dim: _Dims = None, keepdim: _bool = False, *, axis: _Dims = None,
             keepdims: _bool | None = None) -> Tensor:
        dim, keepdim = _dim_args(dim, axis, keepdim, keepdims)
        return _ops.prod(self, dim, keepdim)

    @overload
    def max(self, dim: None = None, keepdim: _bool = False) -> Tensor: ...
    @overload
    def max(self, dim: Tensor) -> Tensor: ...
    @overload
    def max(self, dim: _int | None = None, keepdim: _bool = False, *, axis: _int | None = None,
            keepdims: _bool | None = None) -> Any: ...

    def max(self, dim: _int | Tensor | None = None, keepdim: _bool = False, *,
            axis: _int | None = None, keepdims: _bool | None = None) -> Any:
        """The largest value; with ``dim``, a ``(values, indices)`` pair as in PyTorch."""
        if isinstance(dim, Tensor):
            return _ops.maximum(self, dim)
        dims, keepdim = _dim_args(dim, axis, keepdim, keepdims)
        return _ops.max_with_indices(self, dims, keepdim, "max")

    @overload
    def min(self, dim: None = None, keepdim: _bool = False) -> Tensor: ...
    @overload
    def min(self, dim: Tensor) -> Tensor: ...
    @overload
    def min(self, dim: _int | None = None, keepdim: _bool = False, *, axis: _int | None = None,
            keepdims: _bool | None = None) -> Any: ...

    def min(self, dim: _int | Tensor | None = None, keepdim: _bool = False, *,
            axis: _int | None = None, keepdims: _bool | None = None) -> Any:
        """The smallest value; with ``dim``, a ``(values, indices)`` pair as in PyTorch."""
        if isinstance(dim, Tensor):
            return _ops.minimum(self, dim)
        dims, keepdim = _dim_args(dim, axis, keepdim, keepdims)
        return _ops.max_with_indices(self, dims, keepdim, "min")

    def amax(self, dim: _Dims = None, keepdim: _bool = False) -> Tensor:
        return _ops.amax(self, _dim_args(dim, None, keepdim, None)[0], keepdim)

    def amin(self, dim: _Dims = None, keepdim: _bool = False) -> Tensor:
        return _ops.amin(self, _dim_args(dim, None, keepdim, None)[0], keepdim)

    def argmax(self, dim: _int | None = None, keepdim: _bool = False) -> Tensor:
        return _ops.argmax(self, dim, keepdim)

    def argmin(self, dim: _int | None = None, keepdim: _bool = False) -> Tensor:
        return _ops.argmin(self, dim, keepdim)

    def norm(self, p: _float | str | None = "fro", dim: _Dims = None, keepdim: _bool = False) -> Tensor:
        return _ops.norm(self, p, dim, keepdim)

    def softmax(self, dim: _int) -> Tensor:
        return _ops.softmax(self, dim)

    def log_softmax(self, dim: _int) -> Tensor:
        return _ops.log_softmax(self, dim)

    def logsumexp(self, dim: _Dims, keepdim: _bool = False) -> Tensor:
        return _ops.logsumexp(self, dim, keepdim)

    def var(self, dim: _Dims = None, unbiased: _bool = True, keepdim: _bool = False, *,
            correction: _float | None = None) -> Tensor:
        return _ops.var(self, dim, 1 if correction is None and unbiased else (correction or 0), keepdim)

    def std(self, dim: _Dims = None, unbiased: _bool = True, keepdim: _bool = False, *,
            correction: _float | None = None) -> Tensor:
        return _ops.sqrt(self.var(dim, unbiased, keepdim, correction=correction))

    # shape
    def reshape(self, *shape: _SizeArg) -> Tensor:
        return _ops.reshape(self, _ops.shape_arg(shape))

    @overload
    def view(self, dtype: _DTypeArg, /) -> Tensor: ...
    @overload
    def view(self, *shape: _SizeArg) -> Tensor: ...

    def view(self, *shape: Any) -> Tensor:
        """A view with another shape (``-1`` infers one dimension)."""
        if len(shape) == 1 and not isinstance(shape[0], (tuple, list, Size, numbers.Integral)):
            return self.to(shape[0])
        return _ops.view(self, _ops.shape_arg(shape))

    def view_as(self, other: Tensor) -> Tensor:
        return self.view(other.shape)

    def reshape_as(self, other: Tensor) -> Tensor:
        return self.reshape(other.shape)

    def flatten(self, start_dim: _int = 0, end_dim: _int = -1) -> Tensor:
        return _ops.flatten(self, start_dim, end_dim)

    def transpose(self, dim0: _int, dim1: _int) -> Tensor:
        return _ops.swapaxes(self, dim0, dim1)

    swapaxes = transpose

    def t(self) -> Tensor:
        if self._data.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self._data.ndim}D")
        return _ops.t(self)

    def permute(self, *dims: _SizeArg) -> Tensor:
        return _ops.permute(self, _ops.shape_arg(dims))

    def squeeze(self, dim: _Dims = None) -> Tensor:
        return _ops.squeeze(self, dim)

    def unsqueeze(self, dim: _int) -> Tensor:
        return _ops.unsqueeze(self, dim)

    def expand(self, *sizes: _SizeArg) -> Tensor:
        return _ops.expand(self, _ops.shape_arg(sizes))

    def expand_as(self, other: Tensor) -> Tensor:
        return _ops.expand(self, tuple(other.shape))

    def clone(self) -> Tensor:
        """A copy that stays in the graph (``CloneBackward0``)."""
        return _ops.clone(self)

    def contiguous(self) -> Tensor:
        return self

    # comparisons, logic
    def eq(self, other: ArrayLike) -> Tensor:
        return _ops.equal(self, other)

    def ne(self, other: ArrayLike) -> Tensor:
        return _ops.not_equal(self, other)

    def lt(self, other: ArrayLike) -> Tensor:
        return _ops.less(self, other)

    def le(self, other: ArrayLike) -> Tensor:
        return _ops.less_equal(self, other)

    def gt(self, other: ArrayLike) -> Tensor:
        return _ops.greater(self, other)

    def ge(self, other: ArrayLike) -> Tensor:
        return _ops.greater_equal(self, other)

    def equal(self, other: ArrayLike) -> _bool:
        """True when both have the same shape and values."""
        other = other._data if isinstance(other, Tensor) else other
        same: _bool = self._data.shape == np.shape(other) and bool((self._data == other).all())
        return same

    def allclose(self, other: ArrayLike, rtol: _float = 1e-05, atol: _float = 1e-08,
                 equal_nan: _bool = False) -> _bool:
        other = other._data if isinstance(other, Tensor) else other
        return bool(_backend.namespace(self._data).allclose(self._data, other, rtol, atol, equal_nan))

    def all(self, dim: _Dims = None, keepdim: _bool = False) -> Tensor:
        return _ops.all(self, dim, keepdim)

    def any(self, dim: _Dims = None, keepdim: _bool = False) -> Tensor:
        return _ops.any(self, dim, keepdim)

    def isnan(self) -> Tensor:
        return _ops.isnan(self)

    # complex numbers (JAX's convention for their derivatives)
    @property
    def real(self) -> Tensor:
        """The real part (the Tensor itself for real dtypes)."""
        return _ops.real(self) if self._data.dtype.kind == "c" else self

    @property
    def imag(self) -> Tensor:
        """The imaginary part (complex Tensors only, as in PyTorch)."""
        if self._data.dtype.kind != "c":
            raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
        return _ops.imag(self)

    def conj(self) -> Tensor:
        return _ops.conj(self) if self._data.dtype.kind == "c" else self

    def angle(self) -> Tensor:
        return _ops.angle(self, False)

    def cumsum(self, dim: _int, *, dtype: DTypeLike = None) -> Tensor:
        x = self if dtype is None else self.to(dtype)
        return _ops.cumsum(x, dim)

    def cumprod(self, dim: _int, *, dtype: DTypeLike = None) -> Tensor:
        x = self if dtype is None else self.to(dtype)
        return _ops.cumprod(x, dim)

    def isfinite(self) -> Tensor:
        return _ops.isfinite(self)

    # ---- PyTorch's further methods: elementwise math ----------------------------------

    def absolute(self) -> Tensor:
        """Alias of :meth:`abs`."""
        return _ops.abs(self)

    def acos(self) -> Tensor:
        """Elementwise arc cosine."""
        return _tensor(_fnp.arccos(_floating(self)))

    arccos = acos

    def acosh(self) -> Tensor:
        """Elementwise inverse hyperbolic cosine."""
        return _tensor(_fnp.arccosh(_floating(self)))

    arccosh = acosh

    def asin(self) -> Tensor:
        """Elementwise arc sine."""
        return _tensor(_fnp.arcsin(_floating(self)))

    arcsin = asin

    def asinh(self) -> Tensor:
        """Elementwise inverse hyperbolic sine."""
        return _tensor(_fnp.arcsinh(_floating(self)))

    arcsinh = asinh

    def atan(self) -> Tensor:
        """Elementwise arc tangent."""
        return _tensor(_fnp.arctan(_floating(self)))

    arctan = atan

    def atanh(self) -> Tensor:
        """Elementwise inverse hyperbolic tangent."""
        return _tensor(_fnp.arctanh(_floating(self)))

    arctanh = atanh

    def atan2(self, other: ArrayLike) -> Tensor:
        """Elementwise arc tangent of ``self / other``, in the quadrant of the pair."""
        return _tensor(_fnp.arctan2(_floating(self), other))

    arctan2 = atan2

    def cosh(self) -> Tensor:
        """Elementwise hyperbolic cosine."""
        return _tensor(_fnp.cosh(_floating(self)))

    def sinh(self) -> Tensor:
        """Elementwise hyperbolic sine."""
        return _tensor(_fnp.sinh(_floating(self)))

    def log10(self) -> Tensor:
        """Elementwise base-10 logarithm."""
        return _tensor(_fnp.log10(_floating(self)))

    def log1p(self) -> Tensor:
        """Elementwise ``log(1 + x)``, accurate for small ``x``."""
        return _tensor(_fnp.log1p(_floating(self)))

    def log2(self) -> Tensor:
        """Elementwise base-2 logarithm."""
        return _tensor(_fnp.log2(_floating(self)))

    def expm1(self) -> Tensor:
        """Elementwise ``exp(x) - 1``, accurate for small ``x``."""
        return _tensor(_fnp.expm1(_floating(self)))

    def exp2(self) -> Tensor:
        """Elementwise ``2 ** x``."""
        return _tensor(_fnp.exp2(_floating(self)))

    def erf(self) -> Tensor:
        """Elementwise error function."""
        from .scipy.special import erf

        return _tensor(erf(_floating(self)))

    def rsqrt(self) -> Tensor:
        """Elementwise ``1 / sqrt(x)``."""
        return _ops.div(1.0, _ops.sqrt(_floating(self)))

    def sinc(self) -> Tensor:
        """Elementwise normalized sinc, ``sin(pi x) / (pi x)`` (1 at 0)."""
        return _tensor(_fnp.sinc(_floating(self)))

    def sgn(self) -> Tensor:
        """The sign, extended to complex numbers as ``x / |x|`` (0 at 0)."""
        if self._data.dtype.kind != "c":
            return _ops.sign(self)
        magnitude = _ops.abs(self)
        nonzero = _ops.not_equal(magnitude, 0)
        return _ops.where(nonzero, _ops.div(self, _ops.where(nonzero, magnitude, 1.0)), 0)

    def signbit(self) -> Tensor:
        """Whether the sign bit is set (True for ``-0.0``); a bool Tensor."""
        return _tensor(_fnp.signbit(self.detach()))

    def trunc(self) -> Tensor:
        """Elementwise rounding toward zero (zero gradient)."""
        return _ops.trunc(self)

    fix = trunc

    def frac(self) -> Tensor:
        """The fractional part, ``x - trunc(x)`` (sign of ``x``)."""
        return _ops.sub(self, _ops.trunc(self))

    def fmod(self, other: ArrayLike) -> Tensor:
        """Elementwise C-style remainder: the sign of the dividend."""
        return _tensor(_fnp.fmod(self, other))

    def remainder(self, other: ArrayLike) -> Tensor:
        """Elementwise Python-style remainder: the sign of the divisor."""
        return _ops.remainder(self, other)

    def floor_divide(self, other: ArrayLike) -> Tensor:
        """Elementwise division rounded down."""
        return _ops.floor_divide(self, other)

    def float_power(self, exponent: ArrayLike) -> Tensor:
        """Elementwise power in double precision (float64 or complex128 result)."""
        wide = _backend.complex128 if _any_complex(self, exponent) else _backend.float64
        if isinstance(exponent, Tensor):
            exponent = exponent.to(wide)
        return _ops.pow(self.to(wide), exponent)

    def hypot(self, other: ArrayLike) -> Tensor:
        """Elementwise ``sqrt(self**2 + other**2)``."""
        return _tensor(_fnp.hypot(_floating(self), other))

    def logaddexp(self, other: ArrayLike) -> Tensor:
        """Elementwise ``log(exp(self) + exp(other))``, stably."""
        return _tensor(_fnp.logaddexp(_floating(self), other))

    def xlogy(self, other: ArrayLike) -> Tensor:
        """Elementwise ``self * log(other)``, 0 where ``self`` is 0 (unless ``other`` is NaN)."""
        from .scipy.special import xlogy

        return _tensor(xlogy(_floating(self), other))

    def deg2rad(self) -> Tensor:
        """Degrees converted to radians."""
        return _ops.mul(_floating(self), float(np.pi / 180))

    def rad2deg(self) -> Tensor:
        """Radians converted to degrees."""
        return _ops.mul(_floating(self), float(180 / np.pi))

    def lerp(self, end: ArrayLike, weight: ArrayLike) -> Tensor:
        """Linear interpolation ``self + weight * (end - self)``."""
        if self._data.dtype.kind not in "fc":
            raise NotImplementedError(
                f"\"lerp_kernel_scalar\" not implemented for '{_short_type(self._data.dtype)}'")
        return _ops.add(self, _ops.mul(weight, _ops.sub(end, self)))

    def logical_and(self, other: ArrayLike) -> Tensor:
        """Elementwise logical AND (a bool Tensor)."""
        return _ops.logical_and(self, other)

    def logical_or(self, other: ArrayLike) -> Tensor:
        """Elementwise logical OR (a bool Tensor)."""
        return _ops.logical_or(self, other)

    def logical_xor(self, other: ArrayLike) -> Tensor:
        """Elementwise logical XOR (a bool Tensor)."""
        return _ops.logical_xor(self, other)

    def logical_not(self) -> Tensor:
        """Elementwise logical NOT (a bool Tensor)."""
        return _ops.logical_not(self)

    def isinf(self) -> Tensor:
        """Whether each element is positive or negative infinity."""
        return _ops.isinf(self)

    def isposinf(self) -> Tensor:
        """Whether each element is positive infinity."""
        return _ops.logical_and(_ops.isinf(self), _ops.greater(self, 0))

    def isneginf(self) -> Tensor:
        """Whether each element is negative infinity."""
        return _ops.logical_and(_ops.isinf(self), _ops.less(self, 0))

    def isclose(self, other: ArrayLike, rtol: _float = 1e-05, atol: _float = 1e-08,
                equal_nan: _bool = False) -> Tensor:
        """Elementwise ``|self - other| <= atol + rtol * |other|`` (a bool Tensor)."""
        other_data = _unwrap(other)
        xp = _backend.namespace(self._data)
        return _from_array(xp.isclose(self._data, other_data, rtol, atol, equal_nan))

    def nan_to_num(self, nan: _float = 0.0, posinf: _float | None = None,
                   neginf: _float | None = None) -> Tensor:
        """NaN, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (by default 0
        and the dtype's largest and smallest finite values)."""
        return _tensor(_fnp.nan_to_num(self, nan=nan, posinf=posinf, neginf=neginf))

    def clamp_min(self, min: ArrayLike) -> Tensor:
        """Limit from below: ``max(self, min)``."""
        return _ops.clamp(self, min, None)

    def clamp_max(self, max: ArrayLike) -> Tensor:
        """Limit from above: ``min(self, max)``."""
        return _ops.clamp(self, None, max)

    # ---- shape and indexing -----------------------------------------------------------

    def flip(self, *dims: _SizeArg) -> Tensor:
        """Reverse the order of elements along ``dims``."""
        return _tensor(_fnp.flip(self, _wrap_dims(_ops.shape_arg(dims), self._data.ndim)))

    def fliplr(self) -> Tensor:
        """Reverse the order of columns (dimension 1)."""
        return self.flip(1)

    def flipud(self) -> Tensor:
        """Reverse the order of rows (dimension 0)."""
        return self.flip(0)

    def roll(self, shifts: _SizeArg, dims: _SizeArg | None = None) -> Tensor:
        """Shift elements cyclically by ``shifts`` along ``dims`` (the flattened Tensor when
        ``dims`` is None)."""
        if dims is None:
            return _tensor(_fnp.roll(self, shifts))
        dims_t = _wrap_dims((dims,) if isinstance(dims, int) else tuple(dims), self._data.ndim)
        shifts_t = (shifts,) if isinstance(shifts, int) else tuple(shifts)
        if len(shifts_t) != len(dims_t):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts_t)}, "
                               f"dims:{len(dims_t)}")
        return _tensor(_fnp.roll(self, shifts_t, dims_t))

    def gather(self, dim: _int, index: Tensor, *, sparse_grad: _bool = False) -> Tensor:
        """Values along ``dim`` at ``index``: ``out[i][j] = self[index[i][j]][j]`` for ``dim=0``."""
        dim = _wrap_dim(dim, self._data.ndim)
        idx = _index_array(index, "gather")
        _check_index_shape(self, idx, dim, None)
        return _ops.getitem(self, _on_device(self, _scatter_key(idx, dim)))

    def scatter(self, dim: _int, index: Tensor, src: ArrayLike = None, *,
                value: ArrayLike = None, reduce: str | None = None) -> Tensor:
        """A copy with ``src`` (a Tensor or a number) written at ``index`` along ``dim``:
        ``out[index[i][j]][j] = src[i][j]`` for ``dim=0``."""
        if src is None:
            src = value
        if reduce == "add" and isinstance(src, Tensor):
            return self.scatter_add(dim, index, src)
        if reduce is not None:
            raise NotImplementedError(f"scatter(reduce={reduce!r}) is not supported; "
                                      "scatter_add adds")
        dim = _wrap_dim(dim, self._data.ndim)
        idx = _index_array(index, "scatter")
        _check_index_shape(self, idx, dim, src)
        key = _on_device(self, _scatter_key(idx, dim))
        if isinstance(src, Tensor):
            values: ArrayLike = _ops.getitem(src, tuple(slice(0, n) for n in idx.shape))
            if values._data.dtype != self._data.dtype:
                values = values.to(self.dtype)
        else:
            values = _backend.namespace(self._data).asarray(src, dtype=self._data.dtype)
        return _ops.index_put(self, values, key)

    def scatter_add(self, dim: _int, index: Tensor, src: Tensor) -> Tensor:
        """A copy with ``src`` added at ``index`` along ``dim`` (repeated indices add up)."""
        dim = _wrap_dim(dim, self._data.ndim)
        idx = _index_array(index, "scatter_add")
        _check_index_shape(self, idx, dim, src)
        values = _ops.getitem(src, tuple(slice(0, n) for n in idx.shape))
        added = _ops.getitem_transpose(values, _on_device(self, _scatter_key(idx, dim)), tuple(self._data.shape))
        return _ops.add(self, added)

    def index_select(self, dim: _int, index: Tensor) -> Tensor:
        """The slices at ``index`` (a vector) along ``dim``."""
        dim = _wrap_dim(dim, self._data.ndim)
        idx = _index_array(index, "index_select")
        if idx.ndim > 1:
            raise IndexError("index_select(): Index is supposed to be a vector")
        return _ops.getitem(self, (slice(None),) * dim + (_on_device(self, idx.reshape(-1)),))

    def index_add(self, dim: _int, index: Tensor, source: Tensor, *, alpha: _float = 1) -> Tensor:
        """A copy with ``alpha * source``'s slices added at ``index`` along ``dim``."""
        dim = _wrap_dim(dim, self._data.ndim)
        idx = _index_array(index, "index_add").reshape(-1)
        expected = self._data.shape[:dim] + (idx.size,) + self._data.shape[dim + 1:]
        if tuple(source.shape) != expected:
            raise RuntimeError(
                "source tensor shape must match self tensor shape, excluding the specified "
                f"dimension. Got self.shape = {list(self._data.shape)} source.shape = "
                f"{list(source.shape)}")
        if alpha != 1:
            source = _ops.mul(source, alpha)
        key = (slice(None),) * dim + (_on_device(self, idx),)
        return _ops.add(self, _ops.getitem_transpose(source, key, tuple(self._data.shape)))

    def masked_fill(self, mask: Tensor, value: ArrayLike) -> Tensor:
        """A copy with ``value`` where the bool ``mask`` (broadcast to this shape) is True."""
        mask_data = _unwrap(mask)
        kind = mask_data.dtype if hasattr(mask_data, "dtype") else np.asarray(mask_data).dtype
        if np.dtype(kind) != np.bool_:
            name = {"float32": "float", "float64": "double", "int64": "long int",
                    "int32": "int"}.get(str(np.dtype(kind)), str(np.dtype(kind)))
            raise RuntimeError(
                f"masked_fill_ only supports boolean masks, but got mask with dtype {name}")
        if isinstance(value, Tensor):
            if value._data.ndim != 0:
                raise RuntimeError(
                    "masked_fill_ only supports a 0-dimensional value tensor, but got tensor "
                    f"with {value._data.ndim} dimension(s).")
            if value._data.dtype != self._data.dtype:
                value = value.to(self.dtype)
        else:
            value = _backend.namespace(self._data).asarray(value, dtype=self._data.dtype)
        out = _ops.where(mask, value, self)
        if tuple(out.shape) != tuple(self._data.shape):
            raise RuntimeError(f"masked_fill: the mask of shape {list(_shape_of(mask))} does "
                               f"not broadcast to the shape {list(self._data.shape)}")
        return out

    def masked_fill_(self, mask: Tensor, value: ArrayLike) -> Tensor:
        """In-place :meth:`masked_fill`; returns ``self``."""
        return self._inplace(_ops.copy_from, self.masked_fill(mask, value))

    def narrow(self, dim: _int, start: _int, length: _int) -> Tensor:
        """The view of ``length`` elements from ``start`` along ``dim``."""
        dim = _wrap_dim(dim, self._data.ndim)
        size = self._data.shape[dim]
        if start < 0:
            start += size
        if start + length > size or start < 0 or length < 0:
            raise RuntimeError(
                f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
        return _ops.getitem(self, (slice(None),) * dim + (slice(start, start + length),))

    def select(self, dim: _int, index: _int) -> Tensor:
        """The slice at ``index`` along ``dim`` (that dimension removed), a view."""
        dim = _wrap_dim(dim, self._data.ndim)
        size = self._data.shape[dim]
        if not -size <= index < size:
            raise IndexError(f"select(): index {index} out of range for tensor of size "
                             f"{list(self._data.shape)} at dimension {dim}")
        return _ops.getitem(self, (slice(None),) * dim + (index,))

    def chunk(self, chunks: _int, dim: _int = 0) -> tuple[Tensor, ...]:
        """Split into ``chunks`` pieces of ``ceil(size / chunks)`` along ``dim`` (the last
        may be smaller, and there may be fewer)."""
        if chunks <= 0:
            raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        dim = _wrap_dim(dim, self._data.ndim)
        size = self._data.shape[dim]
        return self.split(max(-(-size // chunks), 1), dim)

    def split(self, split_size_or_sections: _int | Sequence[_int], dim: _int = 0) -> tuple[Tensor, ...]:
        """Split along ``dim`` into pieces of one size (the last may be smaller) or of the
        sizes listed."""
        dim = _wrap_dim(dim, self._data.ndim)
        size = self._data.shape[dim]
        if isinstance(split_size_or_sections, Sequence):
            sizes = [int(s) for s in split_size_or_sections]
            if builtins.sum(sizes) != size:
                raise RuntimeError(
                    f"split_with_sizes expects split_sizes to sum exactly to {size} (input "
                    f"tensor's size at dimension {dim}), but got split_sizes={sizes}")
        else:
            step = int(split_size_or_sections)
            if step <= 0 and size > 0:
                raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                                   f"dimension size of {size}")
            sizes = [min(step, size - s) for s in range(0, size, step)] if size else [0]
        pieces = []
        start = 0
        for s in sizes:
            pieces.append(_ops.getitem(self, (slice(None),) * dim + (slice(start, start + s),)))
            start += s
        return tuple(pieces)

    def tensor_split(self, indices_or_sections: _int | Sequence[_int], dim: _int = 0) -> tuple[Tensor, ...]:
        """Split along ``dim`` into ``n`` near-equal pieces, or at the indices listed."""
        dim = _wrap_dim(dim, self._data.ndim)
        return tuple(_fnp.array_split(self, indices_or_sections, dim))

    def unbind(self, dim: _int = 0) -> tuple[Tensor, ...]:
        """The slices along ``dim``, that dimension removed."""
        dim = _wrap_dim(dim, self._data.ndim)
        return tuple(self.select(dim, i) for i in range(self._data.shape[dim]))

    def unflatten(self, dim: _int, sizes: Sequence[_int]) -> Tensor:
        """Dimension ``dim`` expanded into ``sizes`` (one may be -1)."""
        dim = _wrap_dim(dim, self._data.ndim)
        size = self._data.shape[dim]
        sizes = [int(s) for s in sizes]
        known = 1
        for s in sizes:
            if s != -1:
                known *= s
        if (-1 in sizes and (known == 0 or size % known)) or (-1 not in sizes and known != size):
            raise RuntimeError(f"unflatten: Provided sizes {sizes} don't multiply up to the size "
                               f"of dim {dim} ({size}) in the input tensor")
        shape = self._data.shape[:dim] + tuple(sizes) + self._data.shape[dim + 1:]
        return _ops.reshape(self, shape)

    def repeat(self, *sizes: _SizeArg) -> Tensor:
        """Tile the whole Tensor ``sizes`` times along each dimension (``sizes`` may add
        leading dimensions)."""
        reps = _ops.shape_arg(sizes)
        if len(reps) < self._data.ndim:
            raise RuntimeError("Number of dimensions of repeat dims can not be smaller than "
                               "number of dimensions of tensor")
        return _tensor(_fnp.tile(self, reps))

    def repeat_interleave(self, repeats: _int | Tensor, dim: _int | None = None, *,
                          output_size: _int | None = None) -> Tensor:
        """Each element (or slice along ``dim``) repeated ``repeats`` times in place; the
        flattened Tensor when ``dim`` is None."""
        x = self
        if dim is None:
            x = _ops.reshape(self, (-1,))
            dim = 0
        dim = _wrap_dim(dim, x._data.ndim)
        reps = _unwrap(repeats)
        if np.ndim(reps) == 1 and np.shape(reps)[0] not in (1, x._data.shape[dim]):
            raise RuntimeError(
                "repeats must have the same size as input along dim, but got repeats.size(0) "
                f"= {np.shape(reps)[0]} and input.size({dim}) = {x._data.shape[dim]}")
        reps = _backend_to_numpy(reps) if not isinstance(reps, int) else reps
        return _tensor(_fnp.repeat(x, reps, dim))

    def tile(self, *dims: _SizeArg) -> Tensor:
        """Tile ``dims`` times along each dimension (missing leading counts are 1)."""
        return _tensor(_fnp.tile(self, _ops.shape_arg(dims)))

    def movedim(self, source: _SizeArg, destination: _SizeArg) -> Tensor:
        """Dimensions ``source`` moved to positions ``destination``, the others in order."""
        ndim = self._data.ndim
        src = _wrap_dims((source,) if isinstance(source, int) else tuple(source), ndim)
        dst = _wrap_dims((destination,) if isinstance(destination, int) else tuple(destination), ndim)
        if len(src) != len(dst):
            raise RuntimeError(
                "movedim: Invalid source or destination dims: source "
                f"({list(src)} dims) should contain the same number of dims as destination "
                f"({list(dst)} dims)")
        return _tensor(_fnp.moveaxis(self, src, dst))

    moveaxis = movedim

    def tril(self, diagonal: _int = 0) -> Tensor:
        """The lower triangle of the matrices (last two dimensions); the rest zeroed."""
        if self._data.ndim < 2:
            raise RuntimeError("tril: input tensor must have at least 2 dimensions")
        return _tensor(_fnp.tril(self, diagonal))

    def triu(self, diagonal: _int = 0) -> Tensor:
        """The upper triangle of the matrices (last two dimensions); the rest zeroed."""
        if self._data.ndim < 2:
            raise RuntimeError("triu: input tensor must have at least 2 dimensions")
        return _tensor(_fnp.triu(self, diagonal))

    def diag(self, diagonal: _int = 0) -> Tensor:
        """A vector made a diagonal matrix, or a matrix's diagonal as a vector."""
        if self._data.ndim not in (1, 2):
            raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self._data.ndim}D")
        return _tensor(_fnp.diag(self, diagonal))

    def diagonal(self, offset: _int = 0, dim1: _int = 0, dim2: _int = 1) -> Tensor:
        """The diagonal of the matrices in ``dim1`` and ``dim2``, as the last dimension."""
        ndim = self._data.ndim
        d1, d2 = _wrap_dim(dim1, ndim), _wrap_dim(dim2, ndim)
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        return _tensor(_fnp.diagonal(self, offset, d1, d2))

    def trace(self) -> Tensor:
        """The sum of a matrix's diagonal."""
        if self._data.ndim != 2:
            raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {self._data.ndim}")
        return _tensor(_fnp.trace(self))

    def take(self, index: Tensor) -> Tensor:
        """Elements of the flattened Tensor at ``index`` (the result has ``index``'s shape)."""
        return _tensor(_fnp.take(self, _on_device(self, _index_array(index, "take"))))

    def take_along_dim(self, indices: Tensor, dim: _int | None = None) -> Tensor:
        """Values at ``indices`` matched along ``dim`` (as ``argsort`` gives them), the other
        dimensions broadcast; the flattened Tensor when ``dim`` is None."""
        idx = _index_array(indices, "take_along_dim")
        if dim is None:
            return _tensor(_fnp.take_along_axis(_ops.reshape(self, (-1,)), _on_device(self, idx.reshape(-1)), 0))
        dim = _wrap_dim(dim, self._data.ndim)
        if idx.ndim != self._data.ndim:
            raise RuntimeError("funcgrad.take_along_dim(): input and indices should have the same "
                               f"number of dimensions, but got {self._data.ndim} dimensions for "
                               f"input, and {idx.ndim} dimensions for indices")
        x_shape = list(self._data.shape)
        i_shape = list(idx.shape)
        x_shape[dim] = i_shape[dim] = 1
        common = list(np.broadcast_shapes(tuple(x_shape), tuple(i_shape)))
        x_target, i_target = list(common), list(common)
        x_target[dim], i_target[dim] = self._data.shape[dim], idx.shape[dim]
        x = self if tuple(x_target) == self._data.shape else _ops.expand(self, tuple(x_target))
        idx = np.ascontiguousarray(np.broadcast_to(idx, tuple(i_target)))
        return _tensor(_fnp.take_along_axis(x, _on_device(self, idx), dim))

    def broadcast_to(self, size: _SizeArg) -> Tensor:
        """A view broadcast to ``size`` (-1 keeps a dimension)."""
        return _ops.expand(self, _ops.shape_arg((size,)))

    def rot90(self, k: _int = 1, dims: Sequence[_int] = (0, 1)) -> Tensor:
        """Rotate by 90 degrees ``k`` times, from the first toward the second of ``dims``."""
        if len(dims) != 2:
            raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
        d = _wrap_dims(tuple(dims), self._data.ndim)
        return _tensor(_fnp.rot90(self, k, (d[0], d[1])))

    # ---- sorting, selection and scans -------------------------------------------------

    def sort(self, dim: _int = -1, descending: _bool = False, *,
             stable: _bool | None = False) -> Any:
        """Sorted values and their indices along ``dim`` (``.values``, ``.indices``); ties
        keep their order."""
        dim = _wrap_dim(dim, self._data.ndim)
        if self._data.ndim == 0:
            return _return_type("sort", self, _like(self, np.zeros((), np.int64)))
        idx = _sort_indices(self._data, dim, descending)
        return _return_type("sort", _tensor(_fnp.take_along_axis(self, _on_device(self, idx), dim)), _like(self, idx))

    def argsort(self, dim: _int = -1, descending: _bool = False, *,
                stable: _bool = False) -> Tensor:
        """The indices that sort along ``dim`` (ties keep their order)."""
        dim = _wrap_dim(dim, self._data.ndim)
        if self._data.ndim == 0:
            return _like(self, np.zeros((), np.int64))
        return _like(self, _sort_indices(self._data, dim, descending))

    def msort(self) -> Tensor:
        """The values sorted along dimension 0."""
        values: Tensor = self.sort(0).values
        return values

    def topk(self, k: _int, dim: _int = -1, largest: _bool = True,
             sorted: _bool = True) -> Any:
        """The ``k`` largest (or smallest) values along ``dim`` and their indices."""
        dim = _wrap_dim(dim, self._data.ndim)
        size = self._data.shape[dim] if self._data.ndim else 1
        if not 0 <= k <= size:
            raise RuntimeError("selected index k out of range")
        if self._data.ndim == 0:
            return _return_type("topk", self, _like(self, np.zeros((), np.int64)))
        idx = _sort_indices(self._data, dim, largest)
        idx = idx[(slice(None),) * dim + (slice(0, k),)]
        return _return_type("topk", _tensor(_fnp.take_along_axis(self, _on_device(self, idx), dim)), _like(self, idx))

    def kthvalue(self, k: _int, dim: _int = -1, keepdim: _bool = False) -> Any:
        """The ``k``-th smallest value along ``dim`` (1-based) and its index."""
        dim = _wrap_dim(dim, self._data.ndim)
        size = self._data.shape[dim] if self._data.ndim else 1
        if not 1 <= k <= size:
            raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
        return self._pick_sorted("kthvalue", k - 1, dim, keepdim)

    def _pick_sorted(self, name: str, position: _int, dim: _int, keepdim: _bool) -> Any:
        """The ``position``-th of the values sorted along ``dim``, and its index."""
        if self._data.ndim == 0:
            return _return_type(name, self, _like(self, np.zeros((), np.int64)))
        order = _sort_indices(self._data, dim, False)
        where = np.full(order.shape[:dim] + (1,) + order.shape[dim + 1:], position)
        host = _backend_to_numpy(self._data)
        if name == "median" and host.dtype.kind in "fc":
            # NaN propagates, as in PyTorch: the first NaN (NaN sorts last) is the median.
            nans = np.isnan(host).sum(axis=dim, keepdims=True)
            where = np.where(nans > 0, host.shape[dim] - nans, where)
        idx = np.take_along_axis(order, where, dim)
        values = _tensor(_fnp.take_along_axis(self, _on_device(self, idx), dim))
        if not keepdim:
            values = _ops.squeeze(values, dim)
            idx = idx.squeeze(dim)
        return _return_type(name, values, _like(self, idx))

    def median(self, dim: _int | None = None, keepdim: _bool = False) -> Any:
        """The median (the lower of the two middle values for an even count); with ``dim``,
        values and indices."""
        if dim is None:
            flat = _ops.reshape(self, (-1,))
            if flat._data.size == 0:
                return _from_array(_backend.namespace(self._data).asarray(np.nan, self._data.dtype))
            values: Tensor = flat._pick_sorted("median", (flat._data.size - 1) // 2, 0, False).values
            return values
        dim = _wrap_dim(dim, self._data.ndim)
        size = self._data.shape[dim] if self._data.ndim else 1
        return self._pick_sorted("median", (size - 1) // 2, dim, keepdim)

    def quantile(self, q: ArrayLike, dim: _int | None = None, keepdim: _bool = False, *,
                 interpolation: str = "linear") -> Tensor:
        """The ``q``-th quantiles over ``dim`` (``q`` in [0, 1]; a vector of ``q`` gives a
        leading dimension)."""
        if dim is not None:
            dim = _wrap_dim(dim, self._data.ndim)
        q_data = _unwrap(q)
        q_host = np.asarray(_backend_to_numpy(q_data))
        outside = q_host[(q_host < 0) | (q_host > 1)]
        if outside.size:
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {outside.flat[0]}")
        return _tensor(_fnp.quantile(self, q_data, axis=dim, keepdims=keepdim,
                                     method=interpolation))  # type: ignore[arg-type]

    def nanquantile(self, q: ArrayLike, dim: _int | None = None, keepdim: _bool = False, *,
                    interpolation: str = "linear") -> Tensor:
        """:meth:`quantile` ignoring NaN."""
        if dim is not None:
            dim = _wrap_dim(dim, self._data.ndim)
        return _tensor(_fnp.nanquantile(self, _unwrap(q), axis=dim, keepdims=keepdim,
                                        method=interpolation))  # type: ignore[arg-type]

    def unique(self, sorted: _bool = True, return_inverse: _bool = False,
               return_counts: _bool = False, dim: _int | None = None) -> Any:
        """The unique values (sorted), with the inverse indices and counts if asked."""
        if dim is not None:
            dim = _wrap_dim(dim, self._data.ndim)
        found = np.unique(_backend_to_numpy(self._data), return_inverse=True,
                          return_counts=True, axis=dim)
        values, inverse, counts = found
        if dim is None:
            inverse = inverse.reshape(self._data.shape)
        out = [_like(self, values)]
        if return_inverse:
            out.append(_like(self, inverse.astype(np.int64)))
        if return_counts:
            out.append(_like(self, counts.astype(np.int64)))
        return out[0] if len(out) == 1 else tuple(out)

    def nonzero(self, *, as_tuple: _bool = False) -> Any:
        """Indices of the nonzero elements: an ``(n, ndim)`` Tensor, or one vector per
        dimension with ``as_tuple=True``."""
        found = np.nonzero(np.atleast_1d(_backend_to_numpy(self._data)))
        if as_tuple:
            return tuple(_like(self, f.astype(np.int64)) for f in found)
        stacked = np.stack(found, axis=1).astype(np.int64) if self._data.ndim else np.zeros(
            (len(found[0]), 0), np.int64)
        return _like(self, stacked)

    def argwhere(self) -> Tensor:
        """Indices of the nonzero elements, an ``(n, ndim)`` Tensor."""
        result: Tensor = self.nonzero()
        return result

    def count_nonzero(self, dim: _Dims = None) -> Tensor:
        """The number of nonzero elements (over ``dim``)."""
        dims = None if dim is None else _wrap_dims(
            (dim,) if isinstance(dim, int) else tuple(dim), self._data.ndim)
        counted = np.count_nonzero(_backend_to_numpy(self._data), axis=dims)
        return _like(self, np.asarray(counted, dtype=np.int64))

    def nansum(self, dim: _Dims = None, keepdim: _bool = False, *, dtype: DTypeLike = None) -> Tensor:
        """The sum over ``dim``, NaN counted as zero."""
        x = self if dtype is None else self.to(dtype)
        axis = None if dim is None else _wrap_dims(
            (dim,) if isinstance(dim, int) else tuple(dim), self._data.ndim)
        return _tensor(_fnp.nansum(x, axis=axis, keepdims=keepdim))

    def nanmean(self, dim: _Dims = None, keepdim: _bool = False) -> Tensor:
        """The mean over ``dim`` of the values that are not NaN."""
        axis = None if dim is None else _wrap_dims(
            (dim,) if isinstance(dim, int) else tuple(dim), self._data.ndim)
        return _tensor(_fnp.nanmean(self, axis=axis, keepdims=keepdim))

    def cummax(self, dim: _int) -> Any:
        """Running maximum along ``dim`` and where it was reached (the latest of ties)."""
        return self._cumulative_extreme("cummax", dim, np.greater_equal)

    def cummin(self, dim: _int) -> Any:
        """Running minimum along ``dim`` and where it was reached (the latest of ties)."""
        return self._cumulative_extreme("cummin", dim, np.less_equal)

    def _cumulative_extreme(self, name: str, dim: _int, better: np.ufunc) -> Any:
        """Running extreme along ``dim`` (``better(new, best)`` takes the new), with indices."""
        dim = _wrap_dim(dim, self._data.ndim)
        if self._data.ndim == 0:
            return _return_type(name, self, _like(self, np.zeros((), np.int64)))
        data = np.moveaxis(_backend_to_numpy(self._data), dim, 0)
        idx = np.zeros(data.shape, np.int64)
        best = data[0].copy() if data.shape[0] else data
        for i in range(1, data.shape[0]):
            take = better(data[i], best)
            if data.dtype.kind in "fc":
                take |= np.isnan(data[i])  # NaN propagates, as in PyTorch
            best = np.where(take, data[i], best)
            idx[i] = np.where(take, i, idx[i - 1])
        idx = np.moveaxis(idx, 0, dim)
        return _return_type(name, _tensor(_fnp.take_along_axis(self, _on_device(self, idx), dim)), _like(self, idx))

    def logcumsumexp(self, dim: _int) -> Tensor:
        """``log(cumsum(exp(x)))`` along ``dim``, stably."""
        dim = _wrap_dim(dim, self._data.ndim)
        x = _floating(self)
        if x._data.size == 0:
            return x
        # Shift by the (constant) maximum so exp cannot overflow.
        shift = np.max(_backend_to_numpy(x._data), axis=dim if x._data.ndim else None, keepdims=True)
        shift = np.where(np.isfinite(shift), shift, 0)
        shift = _backend.namespace(x._data).asarray(shift)
        return _ops.add(_ops.log(_ops.cumsum(_ops.exp(_ops.sub(x, shift)), dim)), shift)

    def diff(self, n: _int = 1, dim: _int = -1, prepend: Tensor | None = None,
             append: Tensor | None = None) -> Tensor:
        """The ``n``-th forward difference along ``dim``."""
        dim = _wrap_dim(dim, self._data.ndim)
        x = self
        if prepend is not None or append is not None:
            parts = [p for p in (prepend, self, append) if p is not None]
            x = _ops.cat(tuple(parts), dim)
        for _ in range(n):
            size = x._data.shape[dim]
            lead = (slice(None),) * dim
            upper = _ops.getitem(x, lead + (slice(1, size),))
            lower = _ops.getitem(x, lead + (slice(0, size - 1),))
            x = _ops.not_equal(upper, lower) if x._data.dtype == np.bool_ else _ops.sub(upper, lower)
        return x

    # ---- products ---------------------------------------------------------------------

    def mv(self, vec: Tensor) -> Tensor:
        """Matrix-vector product."""
        if self._data.ndim != 2 or vec.ndim != 1:
            raise RuntimeError(f"vector + matrix @ vector expected, got 1, {self._data.ndim}, {vec.ndim}")
        return _ops.matmul(self, vec)

    def bmm(self, mat2: Tensor) -> Tensor:
        """Batched matrix product of two 3-D Tensors."""
        if self._data.ndim != 3:
            raise RuntimeError("batch1 must be a 3D tensor")
        if mat2.ndim != 3:
            raise RuntimeError("batch2 must be a 3D tensor")
        return _ops.matmul(self, mat2)

    def addmm(self, mat1: Tensor, mat2: Tensor, *, beta: _float = 1, alpha: _float = 1) -> Tensor:
        """``beta * self + alpha * (mat1 @ mat2)``."""
        return _scaled_sum(self, _ops.mm(mat1, mat2), beta, alpha)

    def addmv(self, mat: Tensor, vec: Tensor, *, beta: _float = 1, alpha: _float = 1) -> Tensor:
        """``beta * self + alpha * (mat @ vec)``."""
        return _scaled_sum(self, mat.mv(vec), beta, alpha)

    def baddbmm(self, batch1: Tensor, batch2: Tensor, *, beta: _float = 1,
                alpha: _float = 1) -> Tensor:
        """``beta * self + alpha * (batch1 @ batch2)`` over a batch of matrices."""
        return _scaled_sum(self, batch1.bmm(batch2), beta, alpha)

    def outer(self, vec2: Tensor) -> Tensor:
        """Outer product of two vectors."""
        return _tensor(_fnp.outer(self, vec2))

    ger = outer

    def inner(self, other: Tensor) -> Tensor:
        """Inner product over the last dimension."""
        return _tensor(_fnp.inner(self, other))

    def kron(self, other: Tensor) -> Tensor:
        """Kronecker product."""
        return _tensor(_fnp.kron(self, other))

    def cross(self, other: Tensor, dim: _int | None = None) -> Tensor:
        """Cross product of 3-vectors along ``dim`` (the first of size 3 when None)."""
        if dim is None:
            shape = np.broadcast_shapes(self._data.shape, tuple(other.shape))
            dim = next((i for i, s in enumerate(shape) if s == 3), -1)
        dim = _wrap_dim(dim, self._data.ndim)
        if self._data.shape[dim] != 3 or other.shape[dim] != 3:
            raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                               f"{self._data.shape[dim]} and {other.shape[dim]}")
        return _tensor(_fnp.cross(self, other, axis=dim))

    def vdot(self, other: Tensor) -> Tensor:
        """Dot product of two vectors, conjugating the first."""
        if self._data.ndim != 1 or other.ndim != 1:
            raise RuntimeError(f"1D tensors expected, but got {self._data.ndim}D and {other.ndim}D tensors")
        return _tensor(_fnp.vdot(self, other))

    # ---- creation like this Tensor ----------------------------------------------------

    def new_empty(self, *size: _SizeArg, dtype: DTypeLike = None, device: DeviceLike = None,
                  requires_grad: _bool = False) -> Tensor:
        """An uninitialized Tensor of ``size``, with this Tensor's dtype and device by default."""
        return self._new(np.empty, size, dtype, device, requires_grad)

    def new_zeros(self, *size: _SizeArg, dtype: DTypeLike = None, device: DeviceLike = None,
                  requires_grad: _bool = False) -> Tensor:
        """Zeros of ``size``, with this Tensor's dtype and device by default."""
        return self._new(np.zeros, size, dtype, device, requires_grad)

    def new_ones(self, *size: _SizeArg, dtype: DTypeLike = None, device: DeviceLike = None,
                 requires_grad: _bool = False) -> Tensor:
        """Ones of ``size``, with this Tensor's dtype and device by default."""
        return self._new(np.ones, size, dtype, device, requires_grad)

    def new_full(self, size: _SizeArg, fill_value: ArrayLike, *, dtype: DTypeLike = None,
                 device: DeviceLike = None, requires_grad: _bool = False) -> Tensor:
        """``fill_value`` in a Tensor of ``size``, with this Tensor's dtype and device by default."""
        t = self._new(np.empty, (size,), dtype, device, False)
        t._data[...] = _unwrap(fill_value)
        return t.requires_grad_(requires_grad) if requires_grad else t

    def new_tensor(self, data: ArrayLike, *, dtype: DTypeLike = None, device: DeviceLike = None,
                   requires_grad: _bool = False) -> Tensor:
        """A copy of ``data`` (detached), with this Tensor's dtype and device by default."""
        from .creation import tensor

        if isinstance(data, Tensor):
            data = data.detach()
        return tensor(data, dtype=self.dtype if dtype is None else dtype,
                      device=self.device if device is None else device,
                      requires_grad=requires_grad)

    def _new(self, fill: Callable[..., Any], size: tuple[Any, ...], dtype: DTypeLike,
             device: DeviceLike, requires_grad: _bool) -> Tensor:
        shape = _ops.shape_arg(size)
        np_dtype = self._data.dtype if dtype is None else _backend.to_dtype(dtype)
        t = _from_array(fill(shape, dtype=np_dtype))
        where = self.device if device is None else globals()["device"](device)
        if where.type != "cpu":
            t = _ops.to_device(t, where)
        return t.requires_grad_(requires_grad) if requires_grad else t

    # ---- more in place ----------------------------------------------------------------

    def sqrt_(self) -> Tensor:
        """In-place :meth:`sqrt`; returns ``self``."""
        return self._inplace(_ops.sqrt)

    def abs_(self) -> Tensor:
        """In-place :meth:`abs`; returns ``self``."""
        return self._inplace(_ops.abs)

    def uniform_(self, from_: _float = 0, to: _float = 1, *,
                 generator: Any = None, **kwargs: Any) -> Tensor:
        """Fill in place with values drawn uniformly from ``[from, to)``; returns ``self``."""
        from .creation import _rng

        low = kwargs.pop("from", from_)
        if kwargs:
            raise TypeError(f"uniform_() got an unexpected keyword argument {next(iter(kwargs))!r}")
        values = _rng(generator).uniform(low, to, self._data.shape)
        return self._fill_random(values)

    def normal_(self, mean: _float = 0, std: _float = 1, *, generator: Any = None) -> Tensor:
        """Fill in place with values drawn from ``N(mean, std**2)``; returns ``self``."""
        from .creation import _rng

        values = _rng(generator).normal(mean, std, self._data.shape)
        return self._fill_random(values)

    def _fill_random(self, values: np.ndarray) -> Tensor:
        xp = _backend.namespace(self._data)
        return self._inplace(_ops.fill, xp.asarray(values.astype(self._data.dtype)))

    def fill_diagonal_(self, fill_value: ArrayLike, wrap: _bool = False) -> Tensor:
        """Fill the main diagonal in place (every dimension equal, or a matrix); returns ``self``."""
        shape = self._data.shape
        if self._data.ndim < 2:
            raise RuntimeError("dimensions must larger than 1")
        if self._data.ndim > 2 and len(set(shape)) != 1:
            raise RuntimeError("all dimensions of input must be of equal length")
        n = builtins.min(shape)
        if self._data.ndim == 2 and wrap and shape[0] > shape[1] + 1:
            rows = [i for i in range(shape[0]) if i % (shape[1] + 1) < shape[1]]
            cols = [i % (shape[1] + 1) for i in rows]
            key: tuple[Any, ...] = (np.array(rows), np.array(cols))
        else:
            key = tuple(np.arange(n) for _ in shape)
        self[key] = fill_value
        return self


def _tensor(x: Any) -> Tensor:
    """``x``, a funcgrad.numpy result known to be a Tensor (its functions return Any)."""
    t: Tensor = x
    return t


def _on_device(x: Tensor, value: Any) -> Any:
    """A host index array (or a key of them) moved to ``x``'s device."""
    xp = _backend.namespace(x._data)
    if xp is np:
        return value
    if isinstance(value, tuple):
        return tuple(_on_device(x, v) for v in value)
    return xp.asarray(value) if isinstance(value, np.ndarray) else value


def _like(x: Tensor, value: np.ndarray) -> Tensor:
    """A Tensor of host values (indices, counts) on ``x``'s device."""
    return _from_array(_on_device(x, value))


def _floating(x: Tensor) -> Tensor:
    """``x``, or for integer and bool Tensors ``x`` in the default float dtype (as torch's
    float functions promote)."""
    if x._data.dtype.kind in "iub":
        return x.to(_backend.get_default_dtype())
    return x


def _any_complex(*xs: Any) -> bool:
    """Whether any of ``xs`` (Tensors, arrays, numbers) is complex."""
    for x in xs:
        data = _unwrap(x)
        kind = data.dtype.kind if hasattr(data, "dtype") else np.asarray(data).dtype.kind
        if kind == "c":
            return True
    return False


def _wrap_dim(dim: int, ndim: int) -> int:
    """``dim`` in ``[0, ndim)``, or PyTorch's IndexError (a 0-d Tensor takes 0 and -1)."""
    n = builtins.max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _wrap_dims(dims: Sequence[int], ndim: int) -> tuple[int, ...]:
    wrapped = tuple(_wrap_dim(int(d), ndim) for d in dims)
    if len(set(wrapped)) != len(wrapped):
        raise RuntimeError(f"dim {wrapped[0]} appears multiple times in the list of dims")
    return wrapped


def _index_array(index: Any, name: str) -> np.ndarray:
    """An index argument as a NumPy integer array; PyTorch's error for other dtypes."""
    data: np.ndarray = np.asarray(_backend_to_numpy(_unwrap(index)))
    if data.dtype.kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    return data


def _check_index_shape(x: Tensor, idx: np.ndarray, dim: int, src: Any) -> None:
    """PyTorch's checks of a gather/scatter index against ``x`` (and ``src``)."""
    shape = x._data.shape
    if idx.ndim != x._data.ndim:
        what = "input" if src is None else "self"
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {what} tensor")
    src_shape = _shape_of(src) if isinstance(src, Tensor) else None
    for d in range(idx.ndim):
        too_big = d != dim and idx.shape[d] > shape[d]
        if src_shape is not None and idx.shape[d] > src_shape[d]:
            too_big = True
        if too_big:
            if src is None:
                raise RuntimeError(
                    f"Size does not match at dimension {d} expected index {list(idx.shape)} to "
                    f"be no larger than self {list(shape)} apart from dimension {dim}")
            tail = "" if src_shape is None else f" and to be no larger size than src {list(src_shape)}"
            raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self "
                               f"{list(shape)} apart from dimension {dim}{tail}")
    if idx.size and x._data.ndim:
        size = shape[dim]
        bad = idx[(idx < 0) | (idx >= size)]
        if bad.size:
            raise RuntimeError(
                f"index {int(bad.flat[0])} is out of bounds for dimension {dim} with size {size}")


def _scatter_key(idx: np.ndarray, dim: int) -> tuple[Any, ...]:
    """The advanced-indexing key that pairs each element of ``idx`` with its own position,
    ``idx`` standing in for dimension ``dim``."""
    nd = idx.ndim
    return tuple(
        idx if d == dim else np.arange(n).reshape((1,) * d + (n,) + (1,) * (nd - d - 1))
        for d, n in enumerate(idx.shape)
    )


def _sort_indices(data: Any, dim: int, descending: bool) -> np.ndarray:
    """Stable sorting indices along ``dim`` (NaN last ascending, first descending, as torch)."""
    host = _backend_to_numpy(data)
    if not descending:
        ascending: np.ndarray = np.argsort(host, axis=dim, kind="stable").astype(np.int64)
        return ascending
    # Descending and stable: sort the reversed array, reverse back, map to the original places.
    n = host.shape[dim]
    order = np.argsort(np.flip(host, dim), axis=dim, kind="stable")
    descending_order: np.ndarray = (n - 1 - np.flip(order, dim)).astype(np.int64)
    return descending_order


_RETURN_TYPES: dict[str, Any] = {}


def _return_type(name: str, values: Tensor, indices: Tensor) -> Any:
    """The ``(values, indices)`` pair named as PyTorch's ``torch.return_types.<name>``."""
    from .ops.reduce import _ValuesIndices

    cls = _RETURN_TYPES.get(name)
    if cls is None:
        cls = _RETURN_TYPES[name] = type(name, (_ValuesIndices,), {"__slots__": (), "_name": name})
    return cls((values, indices))


def _scaled_sum(x: Tensor, product: Tensor, beta: float, alpha: float) -> Tensor:
    """``beta * x + alpha * product``; with ``beta == 0``, ``x`` is ignored (NaN too)."""
    if alpha != 1:
        product = _ops.mul(product, alpha)
    if beta == 0:
        return _ops.expand(product, tuple(np.broadcast_shapes(x._data.shape, product._data.shape)))
    return _ops.add(x if beta == 1 else _ops.mul(x, beta), product)


# In-place arithmetic that needs no recording runs as NumPy's ufunc with out=.
_INPLACE_UFUNCS = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.true_divide}


def _true_division_operands(self: Tensor, other: ArrayLike) -> tuple[Tensor, ArrayLike]:
    """True division of integers gives the default float dtype, as in PyTorch."""
    if self._data.dtype.kind in "iub":
        other_data = other._data if isinstance(other, Tensor) else other
        other_kind = (other_data if hasattr(other_data, "dtype") else np.asarray(other_data)).dtype.kind
        if other_kind in "iub" or type(other) is float:
            self = self.to(_backend.get_default_dtype())
    return self, other


def _write_into(target: Array, value: Array) -> None:
    """Write ``value`` into ``target``'s memory, refusing a narrowing cast as torch does."""
    value_dtype = getattr(value, "dtype", None)
    if value_dtype is not None and value_dtype != target.dtype:
        if not np.can_cast(value_dtype, target.dtype, casting="same_kind"):
            raise RuntimeError(
                f"result type {_short_type(value_dtype)} can't be cast to the desired output "
                f"type {_short_type(target.dtype)}"
            )
    target[...] = value


_SHORT = {"float16": "Half", "float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int",
          "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
          "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _short_type(np_dtype: DTypeLike) -> str:
    return _SHORT.get(str(np.dtype(np_dtype)), str(np_dtype))


def _backend_to_numpy(data: Array) -> np.ndarray:
    if isinstance(data, _ndarray):
        return data
    if hasattr(data, "get"):  # CuPy
        host: np.ndarray = data.get()
        return host
    return np.asarray(data)


_NOT_ON_HOST = ("can't convert {} device type tensor to numpy. Use Tensor.cpu() to copy the "
                "tensor to host memory first.")


def _rebuild(data: Array, requires_grad: bool, where: str | None = None) -> Tensor:
    if where is not None:
        from .ops.device import move

        dev = device(where)
        data = move(data, dev.type, dev.index or 0)
    t = _from_array(data)
    t._requires_grad = requires_grad
    return t


if TYPE_CHECKING:
    from . import ops as _ops_module

    class _TensorPrimitive(Primitive):
        def __call__(self, *args: Any) -> Tensor: ...

    class _TensorOps:
        """``funcgrad.ops`` as the methods above use it: always with a Tensor operand.

        A primitive given a Tensor returns a Tensor, which ``Primitive.__call__`` (arrays in
        give arrays out) cannot say; this view says it for this module only, at no run-time
        cost.
        """

        def __getattr__(self, name: str) -> _TensorPrimitive: ...  # the primitives

        # Composites: plain functions, not primitives (so not for _inplace).
        astype: Callable[..., Tensor]
        clamp: Callable[..., Tensor]
        dot: Callable[..., Tensor]
        flatten: Callable[..., Tensor]
        getitem: Callable[..., Tensor]
        mm: Callable[..., Tensor]
        norm: Callable[..., Tensor]
        sign: Callable[..., Tensor]
        var: Callable[..., Tensor]
        # Helpers, with their own types.
        REGISTRY = _ops_module.REGISTRY
        array_function = staticmethod(_ops_module.array_function)
        array_ufunc = staticmethod(_ops_module.array_ufunc)
        max_with_indices = staticmethod(_ops_module.max_with_indices)
        normalize_key = staticmethod(_ops_module.normalize_key)
        shape_arg = staticmethod(_ops_module.shape_arg)
        to_device = staticmethod(_ops_module.to_device)

    _ops: _TensorOps
else:
    from . import ops as _ops  # noqa: E402  (the operators need the primitives; see ops/__init__)

if TYPE_CHECKING:
    from . import numpy as _fnp
else:
    class _LazyNumpy:
        """funcgrad.numpy (NumPy's API over the primitives, which the further methods use),
        imported at first use: it imports this module."""

        def __getattr__(self, name):
            from . import numpy as fnp

            globals()["_fnp"] = fnp
            return getattr(fnp, name)

    _fnp = _LazyNumpy()
