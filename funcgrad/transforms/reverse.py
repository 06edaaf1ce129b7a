"""Reverse mode: vjp, grad, value_and_grad, jacrev."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable, Literal, Sequence, overload

import numpy as np
from typing_extensions import ParamSpec

from .. import ops
from .. import tree as _tree
from ..autograd.engine import run_backward
from ..autograd.grad_mode import enable_grad
from ..ops import _structure
from ..ops.ufuncs import cast_cotangent
from ..backend import namespace
from ..tensor import Tensor, _from_array
from ._core import (
    Argnums, Like, argnums_tuple, depth, is_traced, like_of, mirror, mirror_tree, nested, one_hot_blocks,
    output_leaves, release_outputs, reverse_input, split_aux, target_node, zeros_for,
)

if TYPE_CHECKING:
    from .._typing import Array, PyTree, Shape
    from ..tree import TreeDef

P = ParamSpec("P")

__all__ = ["vjp", "grad", "value_and_grad", "jacrev", "jacobian"]


class _Traced:
    """One call of ``f`` on fresh traced inputs: what a reverse-mode transform pulls back."""

    __slots__ = ("out", "aux", "leaves", "structure", "nums", "single", "likes", "traced_inputs")
    out: PyTree
    aux: PyTree
    leaves: list[Tensor]  # the fresh inputs, one per leaf of the differentiated arguments
    structure: list[tuple[TreeDef, int, int]]  # per argument: (treedef, first leaf, leaf count)
    nums: tuple[int, ...]
    single: bool
    likes: list[Like]
    traced_inputs: bool

    def __init__(self, f: Callable[..., Any], args: Sequence[Any], argnums: Argnums, has_aux: bool,
                 name: str) -> None:
        # A transform records even where grad mode is off (inside no_grad, or in a backward
        # pass that runs user code): as in torch.func, an outer no_grad does not apply.
        with enable_grad():
            self._trace(f, args, argnums, has_aux, name)

    def _trace(self, f: Callable[..., Any], args: Sequence[Any], argnums: Argnums, has_aux: bool,
               name: str) -> None:
        self.nums, self.single = argnums_tuple(argnums, len(args), name)
        new_args = list(args)
        self.leaves, self.structure, self.likes = [], [], []
        self.traced_inputs = False
        for n in self.nums:
            leaves, treedef = _tree.flatten(args[n])
            if not leaves:
                raise TypeError(
                    f"{name}: argument {n} holds no arrays to differentiate (got {args[n]!r}); "
                    f"arguments must be arrays or numbers (or pytrees of them)"
                )
            fresh = [reverse_input(x, name) for x in leaves]
            self.traced_inputs |= any(is_traced(x) for x in leaves)
            self.structure.append((treedef, len(self.leaves), len(fresh)))
            self.leaves.extend(fresh)
            self.likes.extend(like_of(x) for x in leaves)
            new_args[n] = _tree.unflatten(treedef, fresh)
        with nested():
            out = f(*new_args)
        self.out, self.aux = split_aux(out, has_aux, name)

    @property
    def like(self) -> Like:
        return self.likes[0] if self.likes else "array"

    def pull_back(self, out_leaves: Sequence[Tensor], cotangents: Sequence[Any], retain_graph: bool,
                  batched: bool = False) -> list[Any]:
        """The cotangent (or batch of them) at each input leaf; None where it is zero."""
        pairs = [(o, c) for o, c in zip(out_leaves, cotangents) if o._requires_grad]
        if not pairs:
            return [None] * len(self.leaves)
        targets = [target_node(t) for t in self.leaves]
        # Record the backward pass when someone may differentiate its result: an enclosing
        # transform, traced inputs or cotangents, or (decided by the engine) leaves outside
        # this transform.
        traced = depth() > 0 or self.traced_inputs or any(is_traced(c) for _, c in pairs)
        create = True if traced else None
        outs, cts = zip(*pairs)
        # A recorded backward pass is differentiated through the forward graph too, so it
        # must keep the forward's saved values (retain_graph defaults to create_graph).
        retain = True if retain_graph else None
        return run_backward(outs, cts, retain, create, targets, accumulate=False, batched=batched)

    def per_argument(self, values: Sequence[Any], wrap: Callable[[Any, Like], Any] = mirror) -> Any:
        """Group per-leaf values back into the differentiated arguments' structures."""
        grouped: list[PyTree] = []
        for treedef, start, count in self.structure:
            grouped.append(_tree.unflatten(treedef, [wrap(v, self.likes[start + k]) for k, v in enumerate(values[start:start + count])]))
        return grouped[0] if self.single else tuple(grouped)


def _owned(values: Sequence[Any]) -> list[Any]:
    """Arrays the caller may keep and write: no aliases of each other or read-only views."""
    seen: set[int] = set()
    result: list[Any] = []
    for v in values:
        if v is not None and not isinstance(v, Tensor):
            if id(v) in seen or v.base is not None or not v.flags.writeable:
                v = v.copy()
            _structure.forget(v)
            seen.add(id(v))
        result.append(v)
    return result


def _filled(values: Sequence[Any], leaves: Sequence[Tensor], batch: Shape = ()) -> list[Any]:
    return [zeros_for(t, batch) if v is None else v for v, t in zip(values, leaves)]


def _in_input_dtypes(values: Sequence[Any], leaves: Sequence[Tensor]) -> list[Any]:
    """Gradients in their inputs' dtypes (a float32 input gets a float32 gradient, as in
    JAX and PyTorch, even where the function computed in float64)."""
    return [cast_cotangent(v, t._data.dtype) for v, t in zip(values, leaves)]


#: The function :func:`vjp` returns: cotangents of the output to a tuple, one per primal.
VJPFn = Callable[[Any], tuple[Any, ...]]


@overload
def vjp(f: Callable[..., Any], *primals: Any, has_aux: Literal[False] = False) -> tuple[Any, VJPFn]: ...
@overload
def vjp(f: Callable[..., Any], *primals: Any, has_aux: Literal[True]) -> tuple[Any, VJPFn, Any]: ...
@overload
def vjp(f: Callable[..., Any], *primals: Any, has_aux: bool) -> tuple[Any, VJPFn] | tuple[Any, VJPFn, Any]: ...
def vjp(f: Callable[..., Any], *primals: Any, has_aux: bool = False
        ) -> tuple[Any, VJPFn] | tuple[Any, VJPFn, Any]:
    """The output of ``f(*primals)`` and a function pulling cotangents back to the inputs.

    Parameters
    ----------
    f : callable
        A function of arrays (or pytrees of them) returning an array or pytree.
    *primals
        The point at which to differentiate.
    has_aux : bool
        ``f`` returns ``(output, aux)``; aux is returned too, not differentiated.

    Returns
    -------
    out, vjp_fn[, aux]
        ``vjp_fn(cotangent)`` takes a cotangent with the structure and shapes of ``out``
        and returns a tuple with one cotangent per primal. It may be called many times.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg
    >>> out, f_vjp = fg.vjp(np.sin, np.array([0.0, np.pi]))
    >>> f_vjp(np.array([1.0, 2.0]))
    (array([ 1., -2.]),)
    """
    import funcgrad.numpy as fnp  # noqa: F401  (np.sin on a Tensor records through it)

    if not primals:
        raise TypeError("vjp requires at least one primal argument")
    traced = _Traced(f, primals, tuple(range(len(primals))), has_aux, "vjp")
    out_leaves, out_treedef = output_leaves(traced.out, "vjp")

    def vjp_fn(cotangent: PyTree) -> tuple[Any, ...]:
        ct_leaves, ct_treedef = _tree.flatten(cotangent)
        if ct_treedef != out_treedef:
            raise ValueError(
                f"vjp: the cotangent has structure {ct_treedef} but the output has {out_treedef}"
            )
        cts: list[Any] = []
        for i, (o, c) in enumerate(zip(out_leaves, ct_leaves)):
            c_data = c._data if isinstance(c, Tensor) else np.asarray(c) if not hasattr(c, "shape") else c
            if tuple(c_data.shape) != o._data.shape:
                raise ValueError(
                    f"vjp: cotangent {i} has shape {tuple(c_data.shape)} but the output has shape "
                    f"{o._data.shape}; they must match"
                )
            if c_data.dtype != o._data.dtype and not (c_data.dtype.kind in "fc" and o._data.dtype.kind in "fc"):
                raise ValueError(
                    f"vjp: cotangent {i} has dtype {c_data.dtype} but the output has dtype "
                    f"{o._data.dtype}"
                )
            if c_data.dtype != o._data.dtype:
                c = ops.astype(c, o._data.dtype) if isinstance(c, Tensor) else c_data.astype(o._data.dtype)
            cts.append(c)
        grads = traced.pull_back(out_leaves, cts, retain_graph=True)
        grads = _owned(_in_input_dtypes(_filled(grads, traced.leaves), traced.leaves))
        result = traced.per_argument(grads)
        return result if len(primals) > 1 else (result[0],) if isinstance(result, tuple) else (result,)

    traced.single = len(primals) == 1
    out = mirror_tree(release_outputs(traced.out, traced.leaves, traced.like), traced.like)
    if has_aux:
        return out, vjp_fn, mirror_tree(release_outputs(traced.aux, traced.leaves, traced.like), traced.like)
    return out, vjp_fn


def _check_holomorphic_inputs(leaves: Sequence[Tensor], name: str) -> None:
    for t in leaves:
        if t._data.dtype.kind != "c":
            raise TypeError(
                f"{name} with holomorphic=True requires complex-valued inputs, but got "
                f"{t._data.dtype}"
            )


def _check_output_kinds(out_leaves: Sequence[Tensor], name: str, holomorphic: bool) -> None:
    """Real outputs unless holomorphic (then complex), as JAX requires: for a complex output
    of a function that is not holomorphic, a single cotangent does not define the result."""
    for o in out_leaves:
        kind = o._data.dtype.kind
        if holomorphic and kind != "c":
            raise TypeError(f"{name} with holomorphic=True requires complex-valued outputs, but got {o._data.dtype}")
        if not holomorphic and kind != "f":
            hint = (" For holomorphic differentiation, pass holomorphic=True; for other "
                    "functions with complex outputs, use vjp directly.") if kind == "c" else ""
            raise TypeError(f"{name} requires real-valued (floating-point) outputs, but the function returned {o._data.dtype}.{hint}")


def _scalar_output(out_leaves: Sequence[Tensor], name: str) -> Tensor:
    if not out_leaves:
        raise TypeError(f"{name} requires the function to return a scalar (one-element) array, but it returned None or an empty pytree")
    if len(out_leaves) != 1 or out_leaves[0]._data.size != 1:
        shapes = [o._data.shape for o in out_leaves]
        shape = shapes[0] if len(shapes) == 1 else shapes
        raise TypeError(
            f"{name} requires a scalar (one-element) output, but the function returned shape "
            f"{shape}; for non-scalar outputs use jacrev (the whole Jacobian) or vjp"
        )
    return out_leaves[0]


def value_and_grad(f: Callable[P, Any], argnums: Argnums = 0, has_aux: bool = False,
                   holomorphic: bool = False) -> Callable[P, tuple[Any, Any]]:
    """A function returning ``(f(*args), gradient)``; see :func:`grad`.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.value_and_grad(lambda x: x ** 3)(2.0)
    (8.0, 12.0)
    """

    @functools.wraps(f)
    def value_and_grad_f(*args: P.args, **kwargs: P.kwargs) -> tuple[Any, Any]:
        f_: Callable[..., Any]
        if kwargs:
            f_ = functools.partial(f, **kwargs)
        else:
            f_ = f
        traced = _Traced(f_, args, argnums, has_aux, "grad")
        (out_leaves, _) = output_leaves(traced.out, "grad")
        o = _scalar_output(out_leaves, "grad")
        _check_output_kinds([o], "grad", holomorphic)
        if holomorphic:
            _check_holomorphic_inputs(traced.leaves, "grad")
        xp = namespace(o._data)
        seed = xp.ones(o._data.shape, dtype=o._data.dtype)
        grads = traced.pull_back([o], [seed], retain_graph=False)
        grads = _owned(_in_input_dtypes(_filled(grads, traced.leaves), traced.leaves))
        value = mirror_tree(release_outputs(traced.out, traced.leaves, traced.like), traced.like)
        g = traced.per_argument(grads)
        if has_aux:
            return (value, mirror_tree(release_outputs(traced.aux, traced.leaves, traced.like), traced.like)), g
        return value, g

    return value_and_grad_f


def grad(f: Callable[P, Any], argnums: Argnums = 0, has_aux: bool = False,
         holomorphic: bool = False) -> Callable[P, Any]:
    """The gradient of a scalar-valued ``f`` with respect to argument(s) ``argnums``.

    Parameters
    ----------
    f : callable
        Returns a one-element array (or ``(output, aux)`` with ``has_aux``).
    argnums : int or tuple of int
        Which positional arguments to differentiate; a tuple gives a tuple of gradients.
    has_aux : bool
        ``f`` returns ``(output, aux)``; the result is then ``(gradient, aux)``.

    Returns
    -------
    callable
        Taking ``f``'s arguments, returning the gradient with each argument's structure,
        type and dtype (NumPy in, NumPy out; Tensor in, Tensor out; float in, float out).

    Examples
    --------
    >>> import numpy as np, funcgrad as fg
    >>> import funcgrad.numpy as fnp
    >>> fg.grad(lambda x: fnp.sum(fnp.tanh(x)))(np.array([0.0, 1.0]))
    array([1.        , 0.41997434])
    >>> fg.grad(fg.grad(lambda x: x ** 3))(2.0)
    12.0
    """
    vg = value_and_grad(f, argnums, has_aux, holomorphic)

    @functools.wraps(f)
    def grad_f(*args: P.args, **kwargs: P.kwargs) -> Any:
        value, g = vg(*args, **kwargs)
        if has_aux:
            return g, value[1]
        return g

    return grad_f


def _jacobian_tree(out_treedef: TreeDef, out_leaves: Sequence[Tensor], per_out_in: Sequence[Sequence[Any]],
                   traced: _Traced) -> PyTree:
    """Nest Jacobian blocks as JAX does: the output's structure, each leaf the inputs'."""
    return _tree.unflatten(out_treedef, [traced.per_argument(row) for row in per_out_in])


def jacrev(f: Callable[P, Any], argnums: Argnums = 0, has_aux: bool = False,
           chunk_size: int | None = None, holomorphic: bool = False) -> Callable[P, Any]:
    """The Jacobian of ``f`` by reverse mode: all rows in one backward pass.

    A batch of one-hot cotangents (one per output element) goes through the tape at once;
    ``chunk_size`` splits it into passes of at most that many rows, to bound memory.
    The Jacobian of an output of shape ``out`` with respect to an input of shape ``in``
    has shape ``out + in``; pytrees nest as in JAX (output structure outside). Keyword
    arguments are passed to ``f`` and not differentiated.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg
    >>> W = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> fg.jacrev(lambda x: W @ x)(np.array([1.0, 1.0]))
    array([[1., 2.],
           [3., 4.]])
    """

    @functools.wraps(f)
    def jacrev_f(*args: P.args, **kwargs: P.kwargs) -> Any:
        # Keyword arguments are passed through, not differentiated (as in grad).
        f_: Callable[..., Any] = functools.partial(f, **kwargs) if kwargs else f
        traced = _Traced(f_, args, argnums, has_aux, "jacrev")
        out_leaves, out_treedef = output_leaves(traced.out, "jacrev")
        _check_output_kinds(out_leaves, "jacrev", holomorphic)
        if holomorphic:
            _check_holomorphic_inputs(traced.leaves, "jacrev")
        total = sum(o._data.size for o in out_leaves)
        step = total if not chunk_size else int(chunk_size)
        if step <= 0 and total:
            raise ValueError(f"jacrev: chunk_size must be positive, got {chunk_size}")
        chunks = []
        for start in range(0, total, step or 1):
            stop = min(total, start + step)
            cts = one_hot_blocks([o._data for o in out_leaves], (start, stop))
            grads = traced.pull_back(out_leaves, cts, retain_graph=stop < total, batched=True)
            chunks.append(_filled(grads, traced.leaves, (stop - start,)))
        per_in = [
            (_concat([c[i] for c in chunks]) if chunks else zeros_for(t, (0,)))
            for i, t in enumerate(traced.leaves)
        ]
        per_out_in, offset = [], 0
        for o in out_leaves:
            size = o._data.size
            row = []
            for t, g in zip(traced.leaves, per_in):
                block = ops.getitem(g, (slice(offset, offset + size),)) if len(out_leaves) > 1 else g
                shape = o._data.shape + t._data.shape
                row.append(block if _shape_of(block) == shape else ops.reshape(block, shape))
            per_out_in.append(_owned(row))
            offset += size
        jac = _jacobian_tree(out_treedef, out_leaves, per_out_in, traced)
        if has_aux:
            return jac, mirror_tree(traced.aux, traced.like)
        return jac

    return jacrev_f


def _shape_of(value: Any) -> Shape:
    return value._data.shape if isinstance(value, Tensor) else np.shape(value)


def _concat(parts: Sequence[Any]) -> Any:
    return parts[0] if len(parts) == 1 else ops.cat(tuple(parts), 0)


jacobian = jacrev
