"""``funcgrad.autograd.Function``: PyTorch's way to define an operation and its gradient."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..tensor import Tensor, _from_array
from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from . import forward_ad, grad_mode
from ._custom import Packing, _CustomRule, per_batch_row, transpose_linear
from .node import SECOND_BACKWARD_MESSAGE

if TYPE_CHECKING:
    from .._typing import Array
    from ..ops._primitive import Primitive

__all__ = ["Function", "FunctionCtx"]


class FunctionCtx:
    """The ``ctx`` given to :meth:`Function.forward` and :meth:`Function.backward`.

    Save Tensors for backward with ``ctx.save_for_backward(*tensors)`` and read them back
    from ``ctx.saved_tensors``; other values may be stored as attributes.
    ``ctx.needs_input_grad`` says which inputs want a gradient.
    """

    def __init__(self) -> None:
        self._saved: tuple[Tensor | None, ...] = ()
        self._versions: tuple[int | None, ...] = ()
        self._freed = False
        self.needs_input_grad: tuple[bool, ...] = ()
        self.materialize_grads = True
        self._non_differentiable: set[int] = set()
        self._originals: dict[int, Tensor] = {}  # id of the input forward saw -> the caller's Tensor
        self._outputs: dict[int, Any] = {}  # id of an output forward returned -> it, as recorded (in backward)

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    f"save_for_backward can only save variables, but argument {tensors.index(t)} "
                    f"is of type {type(t).__name__}"
                )
        self._saved = tensors
        self._versions = tuple(None if t is None else t._version[0] for t in tensors)

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        if self._freed:
            raise RuntimeError(SECOND_BACKWARD_MESSAGE)
        for t, version in zip(self._saved, self._versions):
            if t is not None and t._version[0] != version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by "
                    f"an inplace operation: [{t.type()} {list(t.shape)}] is at version "
                    f"{t._version[0]}; expected version {version} instead."
                )
        # Saved inputs are the caller's Tensors, so a recorded backward stays connected.
        return tuple(self._originals.get(id(t), self._outputs.get(id(t), t)) for t in self._saved)

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        self._non_differentiable.update(id(t) for t in tensors)

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = bool(value)

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Accepted for compatibility; funcgrad records the outputs as new values."""


class _FunctionState:
    __slots__ = ("ctx", "packing", "arg_positions", "nargs", "output_ids")

    def __init__(self, ctx: FunctionCtx, packing: Packing, arg_positions: list[int], nargs: int,
                 output_ids: list[int]) -> None:
        self.ctx = ctx
        self.packing = packing
        self.arg_positions = arg_positions  # where the Tensor inputs sit among the args
        self.nargs = nargs
        self.output_ids = output_ids  # forward's own output objects (a saved one maps back)

    def __del__(self) -> None:
        # The node dropped its parameters: the graph was freed or has run backward.
        self.ctx._freed = True
        self.ctx._saved = ()


class _FunctionMeta(type):
    def __init__(cls, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> None:
        super().__init__(name, bases, attrs)
        cls._primitive: Primitive | None = None


class Function(_CustomRule, metaclass=_FunctionMeta):
    """Base class of operations with a hand-written gradient (PyTorch's API).

    Subclass it with static ``forward(ctx, *args)`` (runs without recording, on Tensors) and
    ``backward(ctx, *grad_outputs)`` (returns one gradient per argument of forward, None
    for non-Tensors), then call ``MyFunction.apply(*args)``. A backward written with
    funcgrad's operations can itself be differentiated (``create_graph=True``); forward mode
    (``jvp``, ``jacfwd``) uses a static ``jvp(ctx, *tangents)`` if given, else transposes
    ``backward``.

    Examples
    --------
    >>> import funcgrad as fg
    >>> class Exp(fg.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         result = x.exp()
    ...         ctx.save_for_backward(result)
    ...         return result
    ...     @staticmethod
    ...     def backward(ctx, grad_output):
    ...         (result,) = ctx.saved_tensors
    ...         return grad_output * result
    >>> x = fg.tensor([0.0, 1.0], requires_grad=True)
    >>> y = Exp.apply(x)
    >>> y.grad_fn.name()
    'ExpBackward'
    >>> y.sum().backward()
    >>> x.grad
    tensor([1.0000, 2.7183])
    """

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.")

    @classmethod
    def _get_primitive(cls) -> Primitive:
        prim: Primitive | None = cls.__dict__.get("_primitive")
        if prim is None:
            # The output is kept so that a saved output can be given back as the recorded
            # Tensor (with its node) when backward is itself recorded.
            prim = cls._primitive = cls._make_primitive(f"{cls.__name__}Backward", cls._vjp_rule,
                                                        cls._jvp_rule, save_output=True)
        return prim

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        ctx = FunctionCtx()
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        active = forward_ad.active_levels()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        plain = [_plain(a) for a in args]
        ctx._originals = {id(p): a for p, a in zip(plain, args) if p is not a}
        with grad_mode.no_grad():
            out = cls.forward(ctx, *plain, **kwargs)
        traced = (grad_mode.is_grad_enabled() and any(ctx.needs_input_grad)) or any(
            isinstance(a, Tensor) and a._fw and any(lv in active for lv in a._fw) for a in args)
        if not traced:
            return out
        multiple = isinstance(out, tuple)
        leaves = list(out) if multiple else [out]
        for i, leaf in enumerate(leaves):
            if not isinstance(leaf, Tensor):
                raise TypeError(f"{cls.__name__}.forward must return Tensors, but output {i} is a {type(leaf).__name__}")
        from .. import tree as _tree

        packing = Packing(leaves, _tree.flatten(tuple(leaves) if multiple else leaves[0])[1])
        state = _FunctionState(ctx, packing, positions, len(args), [id(leaf) for leaf in leaves])
        result = cls._record(cls._get_primitive(), [args[i] for i in positions], leaves, packing, state)
        if ctx._non_differentiable:
            outs = list(result) if multiple else [result]
            for k, leaf in enumerate(leaves):
                if id(leaf) in ctx._non_differentiable:
                    outs[k] = _from_array(outs[k]._data)
            result = tuple(outs) if multiple else outs[0]
        return result

    @classmethod
    def _vjp_rule(cls, g: Any, needs: tuple[bool, ...], ans: Any, inputs: Any, packed: Any,
                  state: _FunctionState) -> tuple[Any, ...]:
        nb = np.ndim(_data(g)) - np.ndim(_data(packed))
        ctx = state.ctx
        if ans is not None:
            outs = state.packing.unpack(_as_tensor(ans))
            ctx._outputs = dict(zip(state.output_ids, outs))

        def one(g_row: Any) -> list[Any]:
            grads = [_as_tensor(x) for x in state.packing.unpack(g_row)]
            result = cls.backward(ctx, *grads)
            if not isinstance(result, tuple):
                result = (result,)
            if len(result) != state.nargs:
                raise RuntimeError(
                    f"function {cls.__name__}Backward returned an incorrect number of gradients "
                    f"(expected {state.nargs}, got {len(result)})"
                )
            return [result[i] for i in state.arg_positions]

        try:
            grads = per_batch_row(one, g, nb)
        finally:
            ctx._outputs = {}
        for k, (gr, x) in enumerate(zip(grads, inputs)):
            if gr is not None and np.shape(_data(gr))[nb:] != np.shape(_data(x)):
                raise RuntimeError(
                    f"Function {cls.__name__}Backward returned an invalid gradient at index "
                    f"{state.arg_positions[k]} - got {list(np.shape(_data(gr))[nb:])} but expected "
                    f"shape compatible with {list(np.shape(_data(x)))}"
                )
        return tuple(grads)

    @classmethod
    def _jvp_rule(cls, tangents: Any, ans: Any, inputs: Any, packed: Any, state: _FunctionState) -> Any:
        nb = next(np.ndim(_data(t)) - np.ndim(_data(x)) for t, x in zip(tangents, inputs) if t is not None)
        if "jvp" in _own_methods(cls) and nb == 0:
            full: list[Any] = [None] * state.nargs
            for pos, t, x in zip(state.arg_positions, tangents, inputs):
                full[pos] = _as_tensor(t if t is not None else np.zeros_like(_data(x)))
            out = getattr(cls, "jvp")(state.ctx, *full)  # optional: defined only by some subclasses
            outs = list(out) if isinstance(out, tuple) else [out]
            return state.packing.pack(outs) if state.packing.single else _cat_flat(outs)

        def vjp_of(us: list[Tensor]) -> list[Any]:
            return list(cls._vjp_rule(us[0], (True,) * len(inputs), None, inputs, packed, state))

        (jt,) = transpose_linear(vjp_of, [packed], list(tangents), nb)
        return jt


def _own_methods(cls: type) -> set[str]:
    names: set[str] = set()
    for klass in cls.__mro__:
        if klass is Function:
            break
        names.update(klass.__dict__)
    return names


def _cat_flat(outs: list[Any]) -> Any:
    from .. import ops

    return ops.cat(tuple(ops.reshape(o, (-1,)) for o in outs), 0)


def _plain(a: Any) -> Any:
    """An input as forward sees it: the same data, outside every graph (PyTorch runs
    forward under no_grad; funcgrad also hides forward-mode tangents)."""
    if isinstance(a, Tensor):
        t = _from_array(a._data)
        t._requires_grad = a._requires_grad
        t._version = a._version
        return t
    return a


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else _from_array(x)
