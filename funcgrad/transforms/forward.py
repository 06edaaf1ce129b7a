"""Forward mode: jvp, jacfwd, linearize; and hessian, hvp (forward over reverse)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable, Literal, Sequence, Union, overload

import numpy as np
from typing_extensions import ParamSpec, TypeAlias

from .. import ops
from .. import tree as _tree
from ..autograd import forward_ad
from ..backend import namespace
from ..ops._primitive import _strip_levels
from ..tensor import Tensor, _from_array
from ._core import (
    Argnums, Like, argnums_tuple, as_array, check_inexact, is_traced, like_of, mirror, mirror_tree, nested,
    one_hot_blocks, output_leaves, split_aux, zeros_for,
)
from .reverse import _owned, grad, jacrev

if TYPE_CHECKING:
    from .._typing import Array, PyTree, Shape
    from ..tree import TreeDef

P = ParamSpec("P")
#: Primals or tangents as :func:`jvp` takes them: one entry per argument of the function.
ArgTuple: TypeAlias = Union[tuple[Any, ...], list[Any]]

__all__ = ["jvp", "jacfwd", "linearize", "hessian", "hvp"]


def _dual(x: Any, tangent: Any, level: int, name: str) -> Tensor:
    """A Tensor with the value of ``x`` carrying ``tangent`` at ``level``."""
    arr = as_array(x, name)
    check_inexact(arr, name)
    base = ops.alias(x) if isinstance(x, Tensor) and is_traced(x) else _from_array(arr)
    fw = dict(base._fw) if base._fw else {}
    fw[level] = tangent
    base._fw = fw
    return base


def _tangent_out(value: Any, level: int, batch: Shape) -> Any:
    """The tangent of an output at ``level`` (zeros where it does not depend on the inputs)."""
    fw = value._fw if isinstance(value, Tensor) else None
    t = fw.get(level) if fw else None
    return zeros_for(value, batch) if t is None else t


def _push_forward(f: Callable[..., Any], args: Sequence[Any], nums: Sequence[int],
                  tangents_per_leaf: Sequence[Any], batch: Shape, name: str) -> tuple[Any, int, list[Like]]:
    """Run ``f`` with the differentiated leaves carrying tangents at a fresh level.

    Returns the output pytree (stripped of the level), its leaves' tangents, and the
    differentiated leaves' kinds (for mirroring).
    """
    level = forward_ad.enter_level(batch)
    try:
        new_args = list(args)
        k = 0
        likes: list[Like] = []
        for n in nums:
            leaves, treedef = _tree.flatten(args[n])
            duals = []
            for x in leaves:
                duals.append(_dual(x, tangents_per_leaf[k], level, name))
                likes.append(like_of(x))
                k += 1
            new_args[n] = _tree.unflatten(treedef, duals)
        with nested():
            out = f(*new_args)
    finally:
        forward_ad.exit_level(level)
    return out, level, likes


@overload
def jvp(f: Callable[..., Any], primals: ArgTuple, tangents: ArgTuple,
        has_aux: Literal[False] = False) -> tuple[Any, Any]: ...
@overload
def jvp(f: Callable[..., Any], primals: ArgTuple, tangents: ArgTuple,
        has_aux: Literal[True]) -> tuple[Any, Any, Any]: ...
@overload
def jvp(f: Callable[..., Any], primals: ArgTuple, tangents: ArgTuple,
        has_aux: bool) -> tuple[Any, Any] | tuple[Any, Any, Any]: ...
def jvp(f: Callable[..., Any], primals: ArgTuple, tangents: ArgTuple,
        has_aux: bool = False) -> tuple[Any, Any] | tuple[Any, Any, Any]:
    """Forward mode: ``f(*primals)`` and its directional derivative along ``tangents``.

    Tangents are pushed through the primitives' JVP rules as ``f`` runs: no reverse pass.

    Parameters
    ----------
    f : callable
    primals, tangents : tuple
        Same structures; each tangent has its primal's shape and a floating dtype.

    Returns
    -------
    (out, tangent_out)[, aux]

    Examples
    --------
    >>> import numpy as np, funcgrad as fg
    >>> fg.jvp(np.sin, (np.array([0.0]),), (np.array([2.0]),))
    (array([0.]), array([2.]))
    """
    import funcgrad.numpy as fnp  # noqa: F401  (np.sin on a Tensor records through it)

    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp: primals and tangents must be tuples (one entry per argument of f)")
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: got {len(primals)} primals but {len(tangents)} tangents")
    p_leaves, p_treedef = _tree.flatten(tuple(primals))
    t_leaves, t_treedef = _tree.flatten(tuple(tangents))
    if p_treedef != t_treedef:
        raise ValueError(f"jvp: primals have structure {p_treedef} but tangents have {t_treedef}")
    checked: list[Any] = []
    for i, (p, t) in enumerate(zip(p_leaves, t_leaves)):
        p_arr, t_arr = as_array(p, "jvp"), as_array(t, "jvp", "tangents")
        if tuple(t_arr.shape) != tuple(p_arr.shape):
            raise ValueError(
                f"jvp: tangent {i} has shape {tuple(t_arr.shape)} but its primal has shape "
                f"{tuple(p_arr.shape)}; they must match"
            )
        if t_arr.dtype != p_arr.dtype and not (t_arr.dtype.kind in "fc" and p_arr.dtype.kind in "fc"):
            raise ValueError(
                f"jvp: tangent {i} has dtype {t_arr.dtype} but its primal has dtype {p_arr.dtype}"
            )
        checked.append(t if isinstance(t, Tensor) else t_arr)
    out, level, likes = _push_forward(f, tuple(primals), tuple(range(len(primals))), checked, (), "jvp")
    out, aux = split_aux(out, has_aux, "jvp")
    out_leaves, out_treedef = output_leaves(out, "jvp")
    like = likes[0] if likes else "array"
    tangent_out = _tree.unflatten(out_treedef, [mirror(_tangent_out(o, level, ()), like) for o in out_leaves])
    primal_out = _tree.unflatten(out_treedef, [mirror(_strip_levels(o, level), like) for o in out_leaves])
    if has_aux:
        return primal_out, tangent_out, mirror_tree(aux, like)
    return primal_out, tangent_out


def jacfwd(f: Callable[P, Any], argnums: Argnums = 0, has_aux: bool = False,
           chunk_size: int | None = None, holomorphic: bool = False) -> Callable[P, Any]:
    """The Jacobian of ``f`` by forward mode: all columns in one forward pass.

    A batch of one-hot tangents (one per input element) is pushed through at once;
    ``chunk_size`` splits it into passes of at most that many columns. Shapes and pytree
    nesting are those of :func:`jacrev`. Keyword arguments are passed to ``f`` and not
    differentiated.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg
    >>> fg.jacfwd(lambda x: x ** 2)(np.array([1.0, 3.0]))
    array([[2., 0.],
           [0., 6.]])
    """

    @functools.wraps(f)
    def jacfwd_f(*args: P.args, **kwargs: P.kwargs) -> Any:
        # Keyword arguments are passed through, not differentiated (as in grad).
        f_: Callable[..., Any] = functools.partial(f, **kwargs) if kwargs else f
        nums, single = argnums_tuple(argnums, len(args), "jacfwd")
        in_leaves: list[Any] = []
        structure: list[tuple[TreeDef, int, int]] = []
        for n in nums:
            leaves, treedef = _tree.flatten(args[n])
            structure.append((treedef, len(in_leaves), len(leaves)))
            in_leaves.extend(leaves)
        arrays: list[Array] = []
        for x in in_leaves:
            arr = as_array(x, "jacfwd")
            check_inexact(arr, "jacfwd")
            if (arr.dtype.kind == "c") != holomorphic:
                raise TypeError(
                    "jacfwd with holomorphic=True requires complex-valued inputs" if holomorphic else
                    f"jacfwd requires real-valued inputs, but got {arr.dtype}; for holomorphic "
                    "functions pass holomorphic=True, otherwise use jvp directly"
                )
            arrays.append(arr)
        sizes = [a.size for a in arrays]
        total = sum(sizes)
        step = total if not chunk_size else int(chunk_size)
        if step <= 0 and total:
            raise ValueError(f"jacfwd: chunk_size must be positive, got {chunk_size}")
        chunk_tangents: list[list[Any]] = []
        out_struct: tuple[list[Tensor], TreeDef] | None = None
        likes: list[Like] = []
        aux = None
        for start in range(0, max(total, 1) if total else 0, step or 1):
            stop = min(total, start + step)
            tangents = one_hot_blocks(arrays, (start, stop))
            out, level, likes = _push_forward(f_, args, nums, tangents, (stop - start,), "jacfwd")
            out, aux = split_aux(out, has_aux, "jacfwd")
            out_leaves, out_treedef = output_leaves(out, "jacfwd")
            out_struct = (out_leaves, out_treedef)
            chunk_tangents.append([_tangent_out(o, level, (stop - start,)) for o in out_leaves])
        if out_struct is None:  # no input elements: run once for the output's structure
            out, aux = split_aux(f_(*args), has_aux, "jacfwd")
            out_struct = output_leaves(out, "jacfwd")
            likes = [like_of(x) for x in in_leaves]
        out_leaves, out_treedef = out_struct
        per_out_in: list[list[Any]] = []
        for j, o in enumerate(out_leaves):
            t = (_concat([c[j] for c in chunk_tangents]) if chunk_tangents
                 else namespace(o._data).zeros((0,) + o._data.shape, dtype=o._data.dtype))
            out_shape = o._data.shape
            row: list[Any] = []
            offset = 0
            for arr, size in zip(arrays, sizes):
                block = ops.getitem(t, (slice(offset, offset + size),)) if len(arrays) > 1 else t
                nd = len(out_shape)
                # (in_size, *out) -> (*out, in_size) -> out + in
                block = ops.permute(block, tuple(range(1, nd + 1)) + (0,))
                row.append(ops.reshape(block, out_shape + arr.shape))
                offset += size
            per_out_in.append(_owned(row))

        def group(row: Sequence[Any]) -> Any:
            grouped: list[PyTree] = []
            for treedef, start, count in structure:
                grouped.append(_tree.unflatten(treedef, [mirror(v, likes[start + k]) for k, v in enumerate(row[start:start + count])]))
            return grouped[0] if single else tuple(grouped)

        jac = _tree.unflatten(out_treedef, [group(row) for row in per_out_in])
        if has_aux:
            return jac, mirror_tree(aux, likes[0] if likes else "array")
        return jac

    return jacfwd_f


def _concat(parts: Sequence[Any]) -> Any:
    return parts[0] if len(parts) == 1 else ops.cat(tuple(parts), 0)


def linearize(f: Callable[..., Any], *primals: Any) -> tuple[Any, Callable[..., Any]]:
    """``f(*primals)`` and a function computing its JVP at ``primals`` for any tangents.

    The returned function re-runs the forward pass with the new tangents (funcgrad does not
    store a linearised program).

    Examples
    --------
    >>> import numpy as np, funcgrad as fg
    >>> out, f_jvp = fg.linearize(np.exp, np.array([0.0]))
    >>> f_jvp(np.array([3.0]))
    array([3.])
    """
    out = f(*primals)

    def f_jvp(*tangents: Any) -> Any:
        return jvp(f, primals, tangents)[1]

    return out, f_jvp


def hessian(f: Callable[P, Any], argnums: Argnums = 0, has_aux: bool = False,
            holomorphic: bool = False) -> Callable[P, Any]:
    """The Hessian of a scalar ``f``: ``jacfwd(jacrev(f))`` (forward over reverse).

    The result has shape ``in + in`` (nested per argument pair for pytrees or several
    ``argnums``, as in JAX).

    Examples
    --------
    >>> import numpy as np, funcgrad as fg
    >>> import funcgrad.numpy as fnp
    >>> fg.hessian(lambda x: fnp.sum(x ** 3))(np.array([1.0, 2.0]))
    array([[ 6.,  0.],
           [ 0., 12.]])
    """
    return jacfwd(jacrev(f, argnums, has_aux=has_aux, holomorphic=holomorphic), argnums,
                  has_aux=has_aux, holomorphic=holomorphic)


def hvp(f: Callable[..., Any], primals: ArgTuple, tangents: ArgTuple) -> Any:
    """The Hessian of scalar ``f`` at ``primals`` times ``tangents``, by forward over
    reverse, without forming the Hessian.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg
    >>> import funcgrad.numpy as fnp
    >>> fg.hvp(lambda x: fnp.sum(x ** 3), (np.array([1.0, 2.0]),), (np.array([1.0, 0.0]),))
    array([6., 0.])
    """
    return jvp(grad(f, argnums=tuple(range(len(primals))) if len(primals) > 1 else 0), tuple(primals), tuple(tangents))[1]
