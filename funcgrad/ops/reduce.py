"""Reductions (sum, mean, prod, amax/amin, norm, var) and their transpose, ``expand``.

Axes are normalised to negative numbers inside rules, so they address the trailing
(non-batch) dimensions of a batched cotangent or tangent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from ._primitive import Sample, defprimitive
from .elementwise import abs, div, equal, mul, pow, sqrt, where
from .shape import reshape

if TYPE_CHECKING:
    from .._typing import Array, Axis, Shape


def _axes(axis: Axis, ndim: int) -> tuple[int, ...]:
    """``axis`` (None, int or tuple) as a sorted tuple of negative axes."""
    if axis is None:
        return tuple(range(-ndim, 0))
    if not isinstance(axis, tuple):
        axis = (axis,)
    for a in axis:
        if not -max(ndim, 1) <= a < max(ndim, 1):
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-max(ndim, 1)}, "
                f"{max(ndim, 1) - 1}], but got {a})"
            )
    return tuple(sorted(a % ndim - ndim for a in axis)) if ndim else ()


def _kept_shape(x_shape: Shape, axis: Axis) -> Shape:
    """The output shape with keepdims=True (reduced axes as 1)."""
    axes = _axes(axis, len(x_shape))
    nd = len(x_shape)
    return tuple(1 if i - nd in axes else s for i, s in enumerate(x_shape))


def _expand_back(g: Any, x_shape: Shape, axis: Axis, keepdims: bool) -> Any:
    """Broadcast a reduced cotangent ``batch + out`` back to ``batch + x_shape``."""
    kept = _kept_shape(x_shape, axis)
    out_ndim = len(kept) if keepdims else len(kept) - len(_axes(axis, len(x_shape)))
    gd = _data(g)
    batch = gd.shape[: gd.ndim - out_ndim]
    if not keepdims:
        g = reshape(g, batch + kept)
    return expand(g, batch + tuple(x_shape))


def reduction_vjp(g: Any, x: Any, axis: Axis, keepdims: bool, partials: Any) -> tuple[Any]:
    """The cotangent of a reduction of ``x``, given its partials ``d out / d x``."""
    return (mul(_expand_back(g, np.shape(_data(x)), axis, keepdims), partials),)


def reduction_jvp(t: tuple[Any, ...], x: Any, axis: Axis, keepdims: bool, partials: Any) -> Any:
    """The tangent of a reduction of ``x``, given its partials ``d out / d x``."""
    return sum(mul(t[0], partials), _axes(axis, np.ndim(_data(x))), keepdims)


def _count(x_shape: Shape, axis: Axis) -> int:
    n = 1
    for a in _axes(axis, len(x_shape)):
        n *= x_shape[a]
    return n


# ---- expand and its transpose -----------------------------------------------------------


def sum_to_shape(x: Any, shape: Sequence[int], nb: int = 0) -> Any:
    """Sum ``x`` (of shape ``batch + broadcast``) down to ``batch + shape``.

    This undoes broadcasting; the engine calls it once per broadcasting input.
    """
    xs = _data(x).shape
    shape = tuple(shape)
    lead = len(xs) - nb - len(shape)
    ones = tuple(nb + lead + i for i, s in enumerate(shape) if s == 1 and xs[nb + lead + i] != 1)
    if not ones:  # only leading dimensions were added: sum them away, nothing to reshape
        return sum(x, tuple(range(nb, nb + lead)), False) if lead else x
    axes = tuple(range(nb, nb + lead)) + ones
    if axes:
        x = sum(x, axes, True)
    target = xs[:nb] + shape
    return reshape(x, target) if _data(x).shape != target else x


def _expand_forward(x: Array, shape: Shape) -> Array:
    x_shape = np.shape(x)
    lead = len(shape) - len(x_shape)
    if lead < 0:
        raise RuntimeError(
            f"expand(funcgrad.FloatTensor{{{list(x_shape)}}}, size={list(shape)}): the number of "
            f"sizes provided ({len(shape)}) must be greater or equal to the number of dimensions "
            f"in the tensor ({len(x_shape)})"
        )
    # torch's -1 keeps a dimension's size.
    full = tuple(x_shape[i - lead] if s == -1 else s for i, s in enumerate(shape))
    try:
        return np.broadcast_to(x, full)
    except ValueError:
        raise RuntimeError(
            f"The expanded size of the tensor must match the existing size at non-singleton "
            f"dimensions. Target sizes: {list(shape)}.  Tensor sizes: {list(x_shape)}"
        ) from None


def _expand_vjp(g: Any, needs: tuple[bool, ...], ans: Any, x_shape: Shape,
                shape: Shape) -> tuple[Any]:
    gd = _data(g)
    return (sum_to_shape(g, x_shape, gd.ndim - len(shape)),)


def _expand_jvp(t: tuple[Any, ...], ans: Any, x: Any, shape: Shape) -> Any:
    td = _data(t[0])
    nb = td.ndim - np.ndim(_data(x))
    batch = td.shape[:nb]
    # Pad the tangent's own dims to the output's rank before broadcasting past the batch.
    lead = len(np.shape(_data(ans))) - np.ndim(_data(x))
    tn = reshape(t[0], batch + (1,) * lead + td.shape[nb:])
    return expand(tn, batch + np.shape(_data(ans)))


expand = defprimitive("expand", _expand_forward, _expand_vjp, _expand_jvp, save="s", view=True,
                      samples=[Sample((3, 1), params=((2, 3, 4),)), Sample((), params=((3,),)),
                               Sample((4,), params=((-1,),))])
broadcast_to = expand


# ---- sums -------------------------------------------------------------------------------


def _sum_forward(x: Array, axis: Axis, keepdims: bool) -> Array:
    if type(x) is np.ndarray and x.dtype.kind in "fc":
        # np.add.reduce: without np.sum's layers. (The ignore: NumPy's stubs overload
        # reduce on keepdims as Literal[True] / Literal[False] only, not bool.)
        return np.add.reduce(x, axis=axis, keepdims=keepdims)  # type: ignore[call-overload]
    return np.sum(x, axis=axis, keepdims=keepdims)


def _sum_vjp(g: Any, needs: tuple[bool, ...], ans: Any, x_shape: Shape, axis: Axis,
             keepdims: bool) -> tuple[Any]:
    return (_expand_back(g, x_shape, axis, keepdims),)


def _sum_jvp(t: tuple[Any, ...], ans: Any, x: Any, axis: Axis, keepdims: bool) -> Any:
    return sum(t[0], _axes(axis, np.ndim(_data(x))), keepdims)


def _pick_by_axis(args: tuple[Any, ...]) -> int:
    return 0 if args[1] is None else 1


_REDUCE_SAMPLES = [Sample((3, 4), params=(None, False)), Sample((3, 4), params=(1, False)),
                   Sample((2, 3, 4), params=((0, 2), True)), Sample((), params=(None, False))]

sum = defprimitive("sum", _sum_forward, _sum_vjp, _sum_jvp, save="s",
                   node_names=("SumBackward0", "SumBackward1"), pick_node=_pick_by_axis,
                   samples=_REDUCE_SAMPLES)


def _mean_forward(x: Array, axis: Axis, keepdims: bool) -> Array:
    if type(x) is np.ndarray and x.dtype.kind == "f":
        # np.mean's Python layers cost more than the arithmetic on small arrays
        # (The ignore: keepdims is a bool, as in _sum_forward.)
        return np.add.reduce(  # type: ignore[call-overload]
            x, axis=axis, keepdims=keepdims) / _count(x.shape, axis)
    return np.mean(x, axis=axis, keepdims=keepdims)


def _mean_vjp(g: Any, needs: tuple[bool, ...], ans: Any, x_shape: Shape, axis: Axis,
              keepdims: bool) -> tuple[Any]:
    return (div(_expand_back(g, x_shape, axis, keepdims), _count(x_shape, axis)),)


def _mean_jvp(t: tuple[Any, ...], ans: Any, x: Any, axis: Axis, keepdims: bool) -> Any:
    return mean(t[0], _axes(axis, np.ndim(_data(x))), keepdims)


mean = defprimitive("mean", _mean_forward, _mean_vjp, _mean_jvp, save="s",
                    node_names=("MeanBackward0", "MeanBackward1"), pick_node=_pick_by_axis,
                    samples=_REDUCE_SAMPLES)


def _prod_forward(x: Array, axis: Axis, keepdims: bool) -> Array:
    return np.prod(x, axis=axis, keepdims=keepdims)


def _prod_partials(x: Any, ans: Any, axis: Axis) -> Any:
    """d prod / d x_i: the product of the others, exact even where some x are zero."""
    x_shape = np.shape(_data(x))
    ans_kept = reshape(ans, _kept_shape(x_shape, axis))
    xd = _data(x)
    if np.all(xd != 0):
        return div(ans_kept, x)
    zero = equal(x, 0)
    zeros_per_slice = np.sum(_data(zero), axis=_axes(axis, xd.ndim), keepdims=True)
    others = prod(where(zero, 1, x), axis, True)  # product of the nonzero entries
    # one zero in the slice: its partial is the product of the rest; two or more: all 0
    at_zero = where(zeros_per_slice == 1, others, 0)
    return where(zero, at_zero, div(ans_kept, where(zero, 1, x)))


def _prod_vjp(g: Any, needs: tuple[bool, ...], ans: Any, x: Any, axis: Axis,
              keepdims: bool) -> tuple[Any]:
    return reduction_vjp(g, x, axis, keepdims, _prod_partials(x, ans, axis))


def _prod_jvp(t: tuple[Any, ...], ans: Any, x: Any, axis: Axis, keepdims: bool) -> Any:
    return reduction_jvp(t, x, axis, keepdims, _prod_partials(x, ans, axis))


prod = defprimitive("prod", _prod_forward, _prod_vjp, _prod_jvp, save="v", save_output=True,
                    node_names=("ProdBackward0", "ProdBackward1"), pick_node=_pick_by_axis,
                    samples=_REDUCE_SAMPLES + [Sample((4,), params=(None, False), low=0.5)])


# ---- max / min --------------------------------------------------------------------------


def _extreme_forward(name: str, reduce: Callable[..., Array]) -> Callable[..., Array]:
    def forward(x: Array, axis: Axis, keepdims: bool, variant: int = 0) -> Array:
        if np.size(x) == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        return reduce(x, axis=axis, keepdims=keepdims)

    return forward


def _extreme_weights(x: Any, ans: Any, axis: Axis) -> Array:
    """1/k at each of the k places that attain the extreme value of a slice, else 0."""
    xd = _data(x)
    hit = xd == np.reshape(_data(ans), _kept_shape(xd.shape, axis))
    count = np.sum(hit, axis=_axes(axis, xd.ndim), keepdims=True)
    dtype = xd.dtype if xd.dtype.kind in "fc" else np.float64
    return (hit / count).astype(dtype)


def _amax_vjp(g: Any, needs: tuple[bool, ...], ans: Any, x: Any, axis: Axis, keepdims: bool,
              variant: int = 0) -> tuple[Any]:
    return reduction_vjp(g, x, axis, keepdims, _extreme_weights(x, ans, axis))


def _amax_jvp(t: tuple[Any, ...], ans: Any, x: Any, axis: Axis, keepdims: bool,
              variant: int = 0) -> Any:
    return reduction_jvp(t, x, axis, keepdims, _extreme_weights(x, ans, axis))


def _pick_variant(args: tuple[Any, ...]) -> int:
    # amax(x, axis, keepdims, variant): 0 amax, 1 max() of all elements, 2 max(dim)
    return args[3] if len(args) > 3 else 0

amax = defprimitive("amax", _extreme_forward("max", np.amax), _amax_vjp, _amax_jvp, save="v", save_output=True,
                    node_names=("AmaxBackward0", "MaxBackward1", "MaxBackward0"), pick_node=_pick_variant,
                    samples=_REDUCE_SAMPLES)
amin = defprimitive("amin", _extreme_forward("min", np.amin), _amax_vjp, _amax_jvp, save="v", save_output=True,
                    node_names=("AminBackward0", "MinBackward1", "MinBackward0"), pick_node=_pick_variant,
                    samples=_REDUCE_SAMPLES)


class _ValuesIndices(tuple[Any, Any]):
    """The ``(values, indices)`` pair that ``max(dim)``/``min(dim)`` return, as in PyTorch."""

    __slots__ = ()
    _name = "max"

    @property
    def values(self) -> Any:
        return self[0]

    @property
    def indices(self) -> Any:
        return self[1]

    def __repr__(self) -> str:
        return f"funcgrad.return_types.{self._name}(\nvalues={self[0]!r},\nindices={self[1]!r})"


class _MaxResult(_ValuesIndices):
    __slots__ = ()
    _name = "max"


class _MinResult(_ValuesIndices):
    __slots__ = ()
    _name = "min"


def max_with_indices(x: Any, dim: int | None, keepdim: bool, which: str) -> Any:
    """``x.max()`` / ``x.max(dim)`` with PyTorch's return conventions."""
    reduce = amax if which == "max" else amin
    if dim is None:
        return reduce(x, None, False, 1)
    values = reduce(x, dim, keepdim, 2)
    arg = argmax if which == "max" else argmin
    indices = arg(x, dim, keepdim)
    return (_MaxResult if which == "max" else _MinResult)((values, indices))


def _arg_forward(fn: Callable[..., Array]) -> Callable[..., Array]:
    def forward(x: Array, axis: int | None = None, keepdims: bool = False) -> Array:
        if axis is None:
            out = fn(np.reshape(x, -1))
            return np.reshape(out, (1,) * np.ndim(x)) if keepdims else out
        return fn(x, axis=axis, keepdims=keepdims)

    return forward


argmax = defprimitive("argmax", _arg_forward(np.argmax), nin=1, differentiable=False)
argmin = defprimitive("argmin", _arg_forward(np.argmin), nin=1, differentiable=False)
all = defprimitive("all", lambda x, axis=None, keepdims=False: np.all(x, axis=axis, keepdims=keepdims),
                   differentiable=False)
any = defprimitive("any", lambda x, axis=None, keepdims=False: np.any(x, axis=axis, keepdims=keepdims),
                   differentiable=False)


# ---- composites -------------------------------------------------------------------------


def _norm_forward(x: Array, ord: float, axis: Axis, keepdims: bool) -> Array:
    xa = np.abs(x)
    if ord == np.inf:
        return np.amax(xa, axis=axis, keepdims=keepdims)
    if ord == 2:
        return np.sqrt(np.sum(xa * xa, axis=axis, keepdims=keepdims))
    return np.sum(xa ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _norm_partials(x: Any, ans: Any, ord: float, axis: Axis) -> Any:
    """d ||x||_p / d x, taken as 0 where the norm is 0 (the subgradient PyTorch uses).

    For complex x these are the partials of JAX's convention: conj(x) where x appears.
    """
    kept = reshape(ans, _kept_shape(np.shape(_data(x)), axis))
    zero = equal(kept, 0)
    safe = where(zero, 1, kept)
    if ord == np.inf:
        return mul(_extreme_weights(abs(x), ans, axis), _sign(x))
    if ord == 2:
        return where(zero, 0, div(_conj(x), safe))
    if ord == 1:
        return _sign(x)
    return where(zero, 0, mul(_sign(x), div(pow(abs(x), ord - 1), pow(safe, ord - 1))))


def _conj(x: Any) -> Any:
    if _data(x).dtype.kind != "c":
        return x
    from .ufuncs import conj  # declared after this module

    return conj(x)


def _sign(x: Any) -> Any:
    from .elementwise import sign

    return _conj(sign(x))


def _norm_vjp(g: Any, needs: tuple[bool, ...], ans: Any, x: Any, ord: float, axis: Axis,
              keepdims: bool) -> tuple[Any]:
    if _data(x).dtype.kind == "c":
        from .ufuncs import real_cotangent  # the norm is real: only Re g is its cotangent

        g = real_cotangent(g)
    return reduction_vjp(g, x, axis, keepdims, _norm_partials(x, ans, ord, axis))


def _norm_jvp(t: tuple[Any, ...], ans: Any, x: Any, ord: float, axis: Axis,
              keepdims: bool) -> Any:
    tangent = reduction_jvp(t, x, axis, keepdims, _norm_partials(x, ans, ord, axis))
    if _data(x).dtype.kind == "c":  # the norm is real: so is its tangent
        from .ufuncs import real

        tangent = real(tangent)
    return tangent


vector_norm = defprimitive(
    "linalg_vector_norm", _norm_forward, _norm_vjp, _norm_jvp, save="v", save_output=True,
    samples=[Sample((3, 4), params=(2, None, False)), Sample((3, 4), params=(1, 1, True)),
             Sample((3, 4), params=(2, 1, False), dtype=np.complex128),
             Sample((4,), params=(3, None, False), dtype=np.complex128),
             Sample((3, 4), params=(np.inf, None, False)), Sample((5,), params=(3, 0, False))],
)


def norm(x: Any, p: float | str | None = "fro", dim: int | Sequence[int] | None = None,
         keepdim: bool = False) -> Any:
    """The vector norm of ``x`` over ``dim`` (all elements by default); ``p`` may be a
    number, ``inf``, or ``'fro'`` (2).

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.tensor([3.0, 4.0]).norm()
    tensor(5.)
    """
    if p is None or p == "fro":
        p = 2
    if p == "nuc":
        raise NotImplementedError("the nuclear norm is not available yet")
    if isinstance(dim, list):
        dim = tuple(dim)
    return vector_norm(x, float(p), dim, keepdim)


def var(x: Any, dim: Axis = None, correction: float = 1, keepdim: bool = False) -> Any:
    """The variance over ``dim`` with Bessel's ``correction`` (1: unbiased, as PyTorch)."""
    from .elementwise import sub

    shape = np.shape(_data(x))
    centered = sub(x, mean(x, dim, True))
    n = _count(shape, dim)
    return div(sum(mul(centered, centered), dim, keepdim), max(n - correction, 0))
