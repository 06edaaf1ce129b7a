"""Nodes of the tape.

A recorded operation is a :class:`Node` whose class is named after its primitive
(``MulBackward0``); it points at the Nodes that made its inputs (``next_functions``), and
holds exactly the values its primitive's VJP rule needs. Leaves that require grad end in an
:class:`AccumulateGrad` node, which writes the incoming gradient into ``.grad``.
"""

from __future__ import annotations

import itertools
import weakref
from typing import TYPE_CHECKING, Any, Callable

from .._typing import Array, Shape
from ..backend import is_cuda_array

if TYPE_CHECKING:
    from ..ops._primitive import Primitive
    from ..tensor import Tensor

__all__ = ["Node", "AccumulateGrad", "SECOND_BACKWARD_MESSAGE"]

# Sequence numbers give every Node a place in a valid topological order: a Node is always
# created after the Nodes of its inputs. ``next()`` on itertools.count is atomic in CPython.
next_sequence_number = itertools.count().__next__

SECOND_BACKWARD_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)

_TYPE_NAMES = {
    "float16": "HalfTensor",
    "float32": "FloatTensor",
    "float64": "DoubleTensor",
    "int8": "CharTensor",
    "uint8": "ByteTensor",
    "int16": "ShortTensor",
    "int32": "IntTensor",
    "int64": "LongTensor",
    "bool": "BoolTensor",
    "complex64": "ComplexFloatTensor",
    "complex128": "ComplexDoubleTensor",
}


def tensor_type_name(array: Array) -> str:
    """PyTorch's legacy type name of an array (``funcgrad.FloatTensor`` for float32,
    ``funcgrad.cuda.FloatTensor`` on a CUDA device)."""
    name = _TYPE_NAMES.get(str(array.dtype), str(array.dtype))
    return ("funcgrad.cuda." if is_cuda_array(array) else "funcgrad.") + name


class Node:
    """One recorded operation: the backward function of the Tensor it produced.

    Subclasses are made per primitive and named as PyTorch names them (``AddBackward0``).

    Attributes
    ----------
    next_functions : tuple of (Node or None, int)
        The Nodes that produced this operation's inputs, ``None`` for inputs that need no
        gradient. Leaves end in :class:`AccumulateGrad`.

    Examples
    --------
    >>> import funcgrad as fg
    >>> x = fg.ones(2, requires_grad=True)
    >>> y = (x * 2).sum()
    >>> y.grad_fn.name()
    'SumBackward0'
    >>> y.grad_fn.next_functions[0][0].name()
    'MulBackward0'
    """

    __slots__ = (
        "_next",  # tuple: Node (or None) per input
        "_saved",  # tuple: what the rule needs of the inputs, then the params; None once freed
        "_ans",  # the output array, when the rule needs it
        "_ans_fw",  # the output's forward-mode tangents, when it has some (transforms)
        "_shapes",  # input shapes, for primitives that broadcast (the engine sums down)
        "_versions",  # ((version counter, version at save), ...) of saved tensors
        "_seq",
        "_pre_hooks",  # hooks on the gradient of this node's output (Tensor.register_hook)
        "_post_hooks",
        "__weakref__",
    )
    _next: tuple[Node | None, ...]
    _saved: tuple[Any, ...] | None
    _ans: Array  # None when the rule does not need it
    _ans_fw: dict[int, Any] | None
    _shapes: tuple[Shape, ...] | None
    _versions: tuple[tuple[list[int], int], ...] | None
    _seq: int
    _pre_hooks: list[Any] | None  # _TupleHook, RetainGradHook or a Tensor hook
    _post_hooks: list[Callable[[tuple[Tensor | None, ...], tuple[Tensor | None, ...]], Any]] | None
    # Set on each subclass: the Primitive this node runs the rules of. Only Node itself and
    # AccumulateGrad (never run as a rule) keep None, so it is typed as always there.
    primitive: Primitive = None  # type: ignore[assignment]
    _saves_values = False  # whether freeing the node loses anything its rule needs

    def name(self) -> str:
        """The node's name, e.g. ``'MulBackward0'``."""
        return type(self).__name__

    @property
    def next_functions(self) -> tuple[tuple[Node | None, int], ...]:
        return tuple((n, 0) for n in self._next)

    @property
    def metadata(self) -> dict[str, Any]:
        return {}

    def register_hook(self, fn: Callable[[tuple[Tensor | None, ...], tuple[Tensor | None, ...]], Any]) -> _RemovableHandle:
        """Register ``fn(grad_inputs, grad_outputs)``, called after this node has run."""
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(fn)
        return _RemovableHandle(self._post_hooks, fn)

    def register_prehook(self, fn: Callable[[tuple[Tensor, ...]], Any]) -> _RemovableHandle:
        """Register ``fn(grad_outputs)``, called before this node runs; may return new grads."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(_TupleHook(fn))
        return _RemovableHandle(self._pre_hooks, self._pre_hooks[-1])

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {id(self):#x}>"

    def __call__(self, *grads: Any) -> Any:
        raise RuntimeError(
            f"{self.name()} is run by the engine; call backward() or funcgrad.autograd.grad()"
        )


class _TupleHook:
    """Adapts a node pre-hook (which sees a tuple of grads) to the single-gradient form."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[tuple[Tensor, ...]], Any]) -> None:
        self.fn = fn

    def __call__(self, grad: Tensor) -> Any:
        result = self.fn((grad,))
        if result is None:
            return None
        return result[0]


class _RemovableHandle:
    """Returned by ``register_hook``; ``handle.remove()`` unregisters the hook."""

    __slots__ = ("_hooks", "_hook")

    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        try:
            self._hooks.remove(self._hook)
        except ValueError:
            pass

    def __enter__(self) -> _RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


class AccumulateGrad(Node):
    """The end of the graph for a leaf Tensor: adds the incoming gradient to ``.grad``."""

    __slots__ = ("_variable_ref",)

    def __init__(self, variable: Tensor) -> None:
        # The graph holds the leaf strongly (as PyTorch's does); the leaf holds this node
        # weakly, so a dropped graph frees it and no cycle forms.
        self._variable_ref = variable
        self._next = ()
        self._saved = ()
        self._ans = None
        self._ans_fw = None
        self._shapes = None
        self._versions = None
        self._seq = next_sequence_number()
        self._pre_hooks = None
        self._post_hooks = None

    @property
    def variable(self) -> Tensor:
        """The leaf Tensor this node accumulates into."""
        return self._variable_ref


class RetainGradHook:
    """Pre-hook that stores a non-leaf's gradient in its ``.grad`` (``retain_grad``)."""

    __slots__ = ("tensor_ref",)

    def __init__(self, tensor: Tensor) -> None:
        self.tensor_ref = weakref.ref(tensor)
