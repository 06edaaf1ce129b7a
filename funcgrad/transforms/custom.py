"""User-defined derivative rules: custom_vjp, custom_jvp (JAX's) and stop_gradient.

A custom rule becomes a primitive of its own, made per decorated function (not
registered): the tape records it like any other, so it composes with every transform.
The rule the user did not give is obtained by transposing the one they did, with reverse
mode: a VJP rule is linear in its cotangent, so its transpose (the JVP) is one backward
pass through it, and vice versa. That is how ``jvp``/``jacfwd`` work through a
``custom_vjp`` and ``grad`` through a ``custom_jvp``. Rules written with funcgrad's
functions are themselves recorded, so second order works too.
"""

from __future__ import annotations

import functools
import inspect
from typing import TYPE_CHECKING, Any, Callable, Generic, Sequence, TypeVar, overload

import numpy as np
from typing_extensions import ParamSpec, Self

from .. import ops
from .. import tree as _tree
from ..autograd import grad_mode
from ..autograd._custom import Packing, _camel, _CustomRule, per_batch_row, strip_current, transpose_linear
from ..backend import namespace
from ..tensor import Tensor, _from_array
from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from ._core import is_traced, output_leaves

if TYPE_CHECKING:
    from .._typing import PyTree
    from ..tree import TreeDef

P = ParamSpec("P")
R = TypeVar("R")
_JVPRule = TypeVar("_JVPRule", bound=Callable[[Any, Any], Any])
# What custom_jvp records: the call's arguments, (position, treedef, leaf count) per
# differentiated argument, and the output's packing.
_JVPState = tuple[tuple[Any, ...], list[tuple[int, "TreeDef", int]], Packing]

__all__ = ["custom_vjp", "custom_jvp", "stop_gradient"]


def stop_gradient(x: PyTree) -> PyTree:
    """``x`` with a derivative of zero: cut from the tape and from every transform.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.grad(lambda x: x * fg.stop_gradient(x))(3.0)
    3.0
    """
    return _tree.map(lambda v: _from_array(v._data) if isinstance(v, Tensor) else v, x)


class _VJPState:
    __slots__ = ("residuals", "packing", "structure", "nondiff")

    def __init__(self, residuals: PyTree, packing: Packing, structure: list[tuple[int, TreeDef, int]],
                 nondiff: list[Any]) -> None:
        self.residuals = residuals
        self.packing = packing
        self.structure = structure  # per differentiated argument: (position, treedef, count)
        self.nondiff = nondiff


def _positional(fun: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
                what: str) -> tuple[Any, ...]:
    """``fun``'s arguments given by keyword, moved to their positions (defaults filled in
    up to the last one): custom rules see every argument by position, as in JAX."""
    try:
        bound = inspect.signature(fun).bind(*args, **kwargs)
    except TypeError as e:
        raise TypeError(f"{what} {getattr(fun, '__name__', fun)!r}: {e}") from None
    bound.apply_defaults()
    if bound.kwargs:
        raise TypeError(
            f"{what} {getattr(fun, '__name__', fun)!r}: keyword-only arguments "
            f"({', '.join(bound.kwargs)}) are not supported; make them positional"
        )
    return bound.args


class custom_vjp(_CustomRule, Generic[P, R]):
    """A function with a user-defined VJP (JAX's ``jax.custom_vjp``).

    Decorate ``f``, then give its rules with ``f.defvjp(fwd, bwd)``: ``fwd(*args)`` returns
    ``(output, residuals)`` and ``bwd(residuals, cotangent)`` a tuple with one cotangent per
    argument (None for zero). Written with funcgrad's functions, ``bwd`` can be
    differentiated again; ``jvp`` and ``jacfwd`` work through it by transposing ``bwd``.
    Arguments passed by keyword are moved to their positions first, so ``fwd`` and ``bwd``
    see every argument by position.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg
    >>> import funcgrad.numpy as fnp
    >>> @fg.custom_vjp
    ... def clip_gradient(x):
    ...     return x
    >>> clip_gradient.defvjp(lambda x: (x, None), lambda res, g: (fnp.clip(g, -1.0, 1.0),))
    >>> fg.grad(lambda x: fnp.sum(clip_gradient(x) * 5.0))(np.array([1.0, 2.0]))
    array([1., 1.])
    """

    def __init__(self, fun: Callable[P, R], nondiff_argnums: Sequence[int] = ()) -> None:
        functools.update_wrapper(self, fun)
        self.fun: Callable[..., R] = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.fwd: Callable[..., tuple[Any, Any]] | None = None
        self.bwd: Callable[..., Any] | None = None
        self._fwd_depth = 0  # > 0 while fwd runs
        name = _camel(getattr(fun, "__name__", "custom")) + "Backward"
        self._prim = self._make_primitive(name, self._vjp_rule, self._jvp_rule)

    def defvjp(self, fwd: Callable[P, tuple[Any, Any]], bwd: Callable[..., Any]) -> None:
        """Set the forward (``fwd(*args) -> (out, residuals)``) and backward
        (``bwd(*nondiff_args, residuals, cotangent) -> cotangents``) rules."""
        self.fwd, self.bwd = fwd, bwd

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> Self: ...
    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> Callable[..., R]: ...
    def __get__(self, obj: Any, objtype: type | None = None) -> Self | Callable[..., R]:
        return self if obj is None else functools.partial(self, obj)

    def __call__(self, *given: P.args, **kwargs: P.kwargs) -> R:
        fwd = self.fwd
        if fwd is None:
            raise TypeError(f"custom_vjp {self.fun.__name__!r}: call defvjp(fwd, bwd) before using it")
        args: tuple[Any, ...] = _positional(self.fun, given, kwargs, "custom_vjp") if kwargs else given
        structure: list[tuple[int, TreeDef, int]] = []
        leaves: list[Any] = []
        for i, a in enumerate(args):
            if i in self.nondiff_argnums:
                continue
            arg_leaves, treedef = _tree.flatten(a)
            structure.append((i, treedef, len(arg_leaves)))
            leaves.extend(arg_leaves)
        if self._fwd_depth or not any(is_traced(v) for v in leaves):
            # Nothing to differentiate, or fwd calling the function whose rule it is (as
            # JAX's own examples do): the plain function.
            return self.fun(*args)
        # fwd runs recorded, so residuals stay connected to the inputs (higher orders).
        self._fwd_depth += 1
        try:
            out, residuals = fwd(*args)
        finally:
            self._fwd_depth -= 1
        out_leaves, out_treedef = output_leaves(out, self.fun.__name__)
        state = _VJPState(residuals, Packing(out_leaves, out_treedef), structure,
                          [args[i] for i in self.nondiff_argnums])
        result: R = self._record(self._prim, leaves, out_leaves, state.packing, state)
        return result

    def _cotangents(self, state: _VJPState, g_tree: PyTree) -> list[Any]:
        residuals = state.residuals
        if not grad_mode.is_grad_enabled():
            # A backward pass that is not recorded: the residuals are plain values here, so
            # that bwd (e.g. a checkpoint's recomputation) records nothing it need not.
            residuals = _tree.map(lambda v: _from_array(v._data) if isinstance(v, Tensor) else v, residuals)
        assert self.bwd is not None  # (set with fwd, which the forward pass needed)
        cts = self.bwd(*state.nondiff, residuals, g_tree)
        if not isinstance(cts, (tuple, list)) or len(cts) != len(state.structure):
            raise TypeError(
                f"custom_vjp {self.fun.__name__!r}: bwd must return a tuple with one cotangent "
                f"per differentiated argument ({len(state.structure)}), got {cts!r:.80}"
            )
        flat: list[Any] = []
        for ct, (position, treedef, count) in zip(cts, state.structure):
            if ct is None:
                flat.extend([None] * count)
                continue
            ct_leaves, ct_treedef = _tree.flatten(ct)
            if ct_treedef != treedef:
                raise TypeError(
                    f"custom_vjp {self.fun.__name__!r}: bwd's cotangent for argument {position} has "
                    f"structure {ct_treedef}, but the argument has {treedef}"
                )
            flat.extend(ct_leaves)
        return flat

    def _vjp_rule(self, g: Any, needs: tuple[bool, ...], ans: Any, inputs: Sequence[Any], packed: Any,
                  state: _VJPState) -> tuple[Any, ...]:
        nb = np.ndim(_data(g)) - np.ndim(_data(packed))

        def one(g_row: Any) -> list[Any]:
            return self._cotangents(state, state.packing.unflatten(g_row))

        cts = per_batch_row(one, g, nb)
        for ct, x in zip(cts, inputs):
            if ct is not None and np.shape(_data(ct))[nb:] != np.shape(_data(x)):
                raise ValueError(
                    f"custom_vjp {self.fun.__name__!r}: bwd returned a cotangent of shape "
                    f"{np.shape(_data(ct))[nb:]} for an input of shape {np.shape(_data(x))}"
                )
        return tuple(cts)

    def _jvp_rule(self, tangents: Sequence[Any], ans: Any, inputs: Sequence[Any], packed: Any,
                  state: _VJPState) -> Any:
        # J t is the transpose of the (linear) VJP rule, applied to t.
        stripped = _VJPState(strip_current(state.residuals), state.packing, state.structure, state.nondiff)
        batch_ndim = next(np.ndim(_data(t)) - np.ndim(_data(x)) for t, x in zip(tangents, inputs) if t is not None)

        def vjp_of(us: list[Tensor]) -> list[Any]:
            return list(self._vjp_rule(us[0], (True,) * len(inputs), None, inputs, packed, stripped))

        (jt,) = transpose_linear(vjp_of, [packed], list(tangents), batch_ndim)
        return jt


class custom_jvp(_CustomRule, Generic[P, R]):
    """A function with a user-defined JVP (JAX's ``jax.custom_jvp``).

    Give the rule with ``f.defjvp(rule)``: ``rule(primals, tangents)`` returns
    ``(output, tangent_out)``, linear in ``tangents`` and written with funcgrad's functions;
    reverse mode (``grad``, ``jacrev``) transposes it. Arguments passed by keyword are
    moved to their positions first, so the rule sees every argument by position.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg
    >>> import funcgrad.numpy as fnp
    >>> @fg.custom_jvp
    ... def safe_log1pexp(x):
    ...     return fnp.log(1 + fnp.exp(x))
    >>> @safe_log1pexp.defjvp
    ... def _(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return safe_log1pexp(x), t * (1 - 1 / (1 + fnp.exp(x)))
    >>> fg.grad(lambda x: safe_log1pexp(x))(0.0)
    0.5
    """

    def __init__(self, fun: Callable[P, R], nondiff_argnums: Sequence[int] = ()) -> None:
        functools.update_wrapper(self, fun)
        self.fun: Callable[..., R] = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.jvp: Callable[[Any, Any], Any] | None = None
        name = _camel(getattr(fun, "__name__", "custom")) + "Backward"
        self._prim = self._make_primitive(name, self._vjp_rule, self._jvp_rule)

    def defjvp(self, jvp: _JVPRule) -> _JVPRule:
        """Set the rule ``jvp(primals, tangents) -> (output, tangent_out)``."""
        self.jvp = jvp
        return jvp

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> Self: ...
    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> Callable[..., R]: ...
    def __get__(self, obj: Any, objtype: type | None = None) -> Self | Callable[..., R]:
        return self if obj is None else functools.partial(self, obj)

    def __call__(self, *given: P.args, **kwargs: P.kwargs) -> R:
        if self.jvp is None:
            raise TypeError(f"custom_jvp {self.fun.__name__!r}: call defjvp(rule) before using it")
        args: tuple[Any, ...] = _positional(self.fun, given, kwargs, "custom_jvp") if kwargs else given
        diff = [i for i in range(len(args)) if i not in self.nondiff_argnums]
        if not any(is_traced(v) for i in diff for v in _tree.leaves(args[i])):
            return self.fun(*args)
        structure: list[tuple[int, TreeDef, int]] = []
        leaves: list[Any] = []
        for i in diff:
            arg_leaves, treedef = _tree.flatten(args[i])
            structure.append((i, treedef, len(arg_leaves)))
            leaves.extend(arg_leaves)
        with grad_mode.no_grad():
            out = self.fun(*[stop_gradient(a) for a in args])
        out_leaves, out_treedef = output_leaves(out, self.fun.__name__)
        state = (args, structure, Packing(out_leaves, out_treedef))
        result: R = self._record(self._prim, leaves, out_leaves, state[2], state)
        return result

    def _tangent_out(self, state: _JVPState, inputs: Sequence[Any], tangents: Sequence[Any]) -> Any:
        given, structure, packing = state
        args = list(given)
        tangent_args: list[Any] = [None] * len(args)
        k = 0
        for position, treedef, count in structure:
            args[position] = _tree.unflatten(treedef, list(inputs[k:k + count]))
            tangent_args[position] = _tree.unflatten(treedef, list(tangents[k:k + count]))
            k += count
        primals = tuple(args[i] for i in range(len(args)) if i not in self.nondiff_argnums)
        tans = tuple(tangent_args[i] for i in range(len(args)) if i not in self.nondiff_argnums)
        assert self.jvp is not None  # (checked by __call__, before recording)
        _, t_out = self.jvp(primals, tans)
        t_leaves, _ = _tree.flatten(t_out)
        if packing.single:
            return t_leaves[0]
        return ops.cat(tuple(ops.reshape(t, (-1,)) for t in t_leaves), 0)

    def _jvp_rule(self, tangents: Sequence[Any], ans: Any, inputs: Sequence[Any], packed: Any,
                  state: _JVPState) -> Any:
        nb = next(np.ndim(_data(t)) - np.ndim(_data(x)) for t, x in zip(tangents, inputs) if t is not None)
        filled = list(tangents)

        def one(row: Sequence[Any]) -> list[Any]:
            ts = [t if t is not None else namespace(_data(x)).zeros_like(_data(x)) for t, x in zip(row, inputs)]
            return [self._tangent_out(state, inputs, ts)]

        if nb == 0:
            return one(filled)[0]
        # The user's rule is written for one tangent: apply it to each row of the batch.
        flat = [None if t is None else ops.reshape(t, (-1,) + np.shape(_data(x))) for t, x in zip(filled, inputs)]
        n = int(np.prod(np.shape(_data(next(t for t in filled if t is not None)))[:nb]))
        rows = [one([None if t is None else ops.getitem(t, (i,)) for t in flat])[0] for i in range(n)]
        batch = np.shape(_data(next(t for t in filled if t is not None)))[:nb]
        stacked = ops.stack(tuple(rows), 0)
        return ops.reshape(stacked, batch + np.shape(_data(packed)))

    def _vjp_rule(self, g: Any, needs: tuple[bool, ...], ans: Any, inputs: Sequence[Any], packed: Any,
                  state: _JVPState) -> tuple[Any, ...]:
        # The VJP is the transpose of the (linear) tangent map of the rule.
        nb = np.ndim(_data(g)) - np.ndim(_data(packed))

        def tangent_map(ts: list[Tensor]) -> list[Any]:
            return [self._tangent_out(state, inputs, ts)]

        return tuple(transpose_linear(tangent_map, list(inputs), [g], nb))

