"""What the transforms share: arguments, fresh traced inputs, and results that mirror inputs.

Reverse mode differentiates with respect to *these inputs*: each transform makes its own
fresh input Tensors (an ``alias`` node when the value is already traced by an enclosing
transform, so the enclosing one still sees through it) and asks the engine for the
cotangents arriving there. Forward mode opens a level (``autograd/forward_ad.py``). Either
way nested transforms cannot confuse their perturbations.
"""

from __future__ import annotations

import numbers
import threading
from typing import TYPE_CHECKING, Any, Literal, Sequence, Union

import numpy as np
from typing_extensions import TypeAlias

from .. import ops
from .. import tree as _tree
from ..autograd import forward_ad
from ..autograd.node import AccumulateGrad
from ..backend import namespace
from ..ops._structure import mark_identity
from ..tensor import Tensor, _from_array

if TYPE_CHECKING:
    from .._typing import Array, PyTree, Shape
    from ..autograd.node import Node
    from ..tree import TreeDef

__all__: list[str] = []

#: ``argnums`` as the transforms take it: one position, or several.
Argnums: TypeAlias = Union[int, Sequence[int]]
#: What kind of value an input was, for results that mirror it (see :func:`like_of`).
Like: TypeAlias = Literal["tensor", "scalar", "array"]


class _Nesting(threading.local):
    depth = 0  # how many transforms are running in this thread


_nesting = _Nesting()


class nested:
    """Context manager: a transform is running (results may be differentiated again)."""

    __slots__ = ()

    def __enter__(self) -> None:
        _nesting.depth += 1

    def __exit__(self, *exc: object) -> None:
        _nesting.depth -= 1


def depth() -> int:
    return _nesting.depth


def argnums_tuple(argnums: Argnums, nargs: int, name: str) -> tuple[tuple[int, ...], bool]:
    """``argnums`` as a tuple of valid indices; whether a single int was given."""
    nums: tuple[Any, ...]  # each checked below to be an integer in range
    if isinstance(argnums, (int, numbers.Integral)):
        single, nums = True, (argnums,)
    else:
        single, nums = False, tuple(argnums)
    if not nums:
        raise ValueError(f"{name}: argnums must name at least one argument")
    for n in nums:
        if not isinstance(n, numbers.Integral) or not -nargs <= int(n) < nargs:
            raise ValueError(
                f"{name}: argnums {argnums!r} is out of range for a function called with "
                f"{nargs} positional argument{'s' if nargs != 1 else ''}"
            )
    return tuple(n % nargs for n in nums), single


def as_array(x: Any, name: str, what: str = "inputs") -> Array:
    """A leaf value as an array (Python numbers as NumPy, float64 for floats)."""
    if isinstance(x, Tensor):
        return x._data
    if isinstance(x, (bool, np.bool_)) or isinstance(x, str) or x is None:
        raise TypeError(f"{name}: {what} must be arrays or numbers, got {type(x).__name__} {x!r}")
    if hasattr(x, "__cuda_array_interface__") or isinstance(x, np.ndarray):
        return x
    try:
        arr = np.asarray(x)
    except Exception:  # noqa: BLE001 - any conversion failure is the user's input
        raise TypeError(f"{name}: cannot differentiate with respect to a {type(x).__name__}") from None
    if arr.dtype == object:
        raise TypeError(f"{name}: cannot differentiate with respect to a {type(x).__name__}")
    return arr


def check_inexact(arr: Array, name: str) -> None:
    if arr.dtype.kind not in "fc":
        raise TypeError(
            f"{name} requires real- or complex-valued (floating-point) inputs, but got "
            f"{arr.dtype}; convert the input to a float dtype (e.g. x.astype(float))"
        )


def is_traced(x: Any) -> bool:
    """Whether ``x`` is a Tensor an enclosing transform (or the tape) is differentiating."""
    return isinstance(x, Tensor) and (x._requires_grad or bool(x._fw and _open_levels(x._fw)))


def _open_levels(fw: dict[int, Any]) -> list[int]:
    active = forward_ad.active_levels()
    return [lv for lv in fw if lv in active]


def reverse_input(x: Any, name: str) -> Tensor:
    """A fresh Tensor requiring grad, with the value of ``x`` (still connected to the
    enclosing transforms when ``x`` is traced by them)."""
    if type(x) is np.ndarray and x.dtype.kind in "fc":  # the common case, quickly
        t = _from_array(x)
        t._requires_grad = True
        return t
    arr = as_array(x, name)
    check_inexact(arr, name)
    if isinstance(x, Tensor) and is_traced(x):
        own: Tensor = ops.alias(x)  # a new node: this transform's own input
        if not own._requires_grad:  # only forward-traced: start the tape here
            own._requires_grad = True
        return own
    t = _from_array(arr)
    t._requires_grad = True
    return t


def target_node(t: Tensor) -> Node:
    return t._grad_fn or t._get_accumulator()


def like_of(x: Any) -> Like:
    """What kind of value ``x`` is, for results that mirror it."""
    if isinstance(x, Tensor):
        return "tensor"
    if isinstance(x, (numbers.Number, np.generic)) and not isinstance(x, np.ndarray):
        return "scalar"
    return "array"


def mirror(value: Any, like: Like) -> Any:
    """``value`` (a Tensor, an array or None) as the kind of value the input was.

    Inside an enclosing transform results stay Tensors, so it can differentiate them.
    """
    if value is None:
        return None
    if like == "tensor" or depth() > 0:
        return value if isinstance(value, Tensor) else _from_array(value)
    data = value._data if isinstance(value, Tensor) else value
    if like == "scalar" and np.ndim(data) == 0:
        return data.item() if hasattr(data, "item") else data
    if isinstance(data, np.generic):  # NumPy gives scalars for 0-d results: arrays in, arrays out
        return np.asarray(data)
    return data


def _reaches_outside(t: Tensor, inside: set[int]) -> bool:
    """Whether ``t``'s graph reaches a leaf whose id is not in ``inside``."""
    if t._grad_fn is None:
        return id(t) not in inside
    stack: list[Node] = [t._grad_fn]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, AccumulateGrad):
            if id(node.variable) not in inside:
                return True
            continue
        stack.extend(n for n in node._next if n is not None)
    return False


def release_outputs(tree: PyTree, inside: Sequence[Tensor], like: Like) -> PyTree:
    """A transform's outputs, cut from the transform's own inputs where nothing outside it
    (an enclosing transform, a leaf the user's ``backward`` may reach) needs their graph.

    Without this, ``value_and_grad`` of a Tensor would return a value whose ``grad_fn``
    leads to the transform's private inputs through a graph already freed.
    """
    if depth() > 0 or like != "tensor":  # (arrays and numbers come out unwrapped anyway)
        return tree
    ids = {id(x) for x in inside}

    def release(v: Any) -> Any:
        if isinstance(v, Tensor) and v._requires_grad and not _reaches_outside(v, ids):
            return _from_array(v._data)
        return v

    return release(tree) if isinstance(tree, Tensor) else _tree.map(release, tree)


def mirror_tree(tree: PyTree, like: Like) -> PyTree:
    """Mirror every Tensor leaf of ``tree``; other leaves pass through."""
    if isinstance(tree, Tensor):
        return mirror(tree, like)
    return _tree.map(lambda v: mirror(v, like) if isinstance(v, Tensor) else v, tree)


def zeros_for(value: Any, batch: Shape = ()) -> Array:
    data = value._data if isinstance(value, Tensor) else value
    if not hasattr(data, "shape") or isinstance(data, np.generic):  # numbers; device arrays as is
        data = np.asarray(data)
    return namespace(data).zeros(tuple(batch) + data.shape, dtype=data.dtype)


def one_hot_blocks(arrays: Sequence[Array], span: tuple[int, int]) -> list[Array]:
    """Rows ``span = (start, stop)`` of the identity over all elements of ``arrays``, split
    per array: one block of shape ``(stop - start,) + array.shape`` each.

    These are the one-hot cotangents of ``jacrev`` and tangents of ``jacfwd``. A block that
    is a whole identity matrix is recorded as one, so products with it cost no GEMM.
    """
    start, stop = span
    blocks: list[Array] = []
    offset = 0
    for arr in arrays:
        xp = namespace(arr)
        size = arr.size
        block = xp.zeros((stop - start, size), dtype=arr.dtype)
        lo, hi = max(start, offset), min(stop, offset + size)
        if lo < hi:
            block[xp.arange(lo - start, hi - start), xp.arange(lo - offset, hi - offset)] = 1
        block = block.reshape((stop - start,) + arr.shape)
        if block.shape == (size, size):
            mark_identity(block)
        blocks.append(block)
        offset += size
    return blocks


def output_leaves(out: PyTree, name: str) -> tuple[list[Tensor], TreeDef]:
    """The leaves of a function's output pytree, each a Tensor, and its structure."""
    if isinstance(out, Tensor):  # the commonest output: no tree to walk
        return [out], _tree.LEAF
    leaves, treedef = _tree.flatten(out)
    result: list[Tensor] = []
    for leaf in leaves:
        if isinstance(leaf, Tensor):
            result.append(leaf)
            continue
        try:
            arr = as_array(leaf, name, "outputs")
        except TypeError:
            raise TypeError(
                f"{name}: the function must return arrays, Tensors or numbers (or pytrees of "
                f"them), but it returned a {type(leaf).__name__}"
            ) from None
        result.append(_from_array(arr))
    return result, treedef


def split_aux(out: Any, has_aux: bool, name: str) -> tuple[Any, Any]:
    if not has_aux:
        return out, None
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise TypeError(f"{name} with has_aux=True requires the function to return a pair (output, aux)")
    return out[0], out[1]
