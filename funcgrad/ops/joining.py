"""Primitives for moving data around: flip, roll, pad, repeat and diagonal, each paired with
its transpose where it is not its own inverse.

All of them are linear, so each VJP is the transpose map and each JVP is the map itself.
Parameters address the trailing dimensions (axes are made negative inside the rules, pad
widths and diagonal axes name the input's own dimensions), so a leading batch of cotangents
or tangents passes through untouched. ``pad``/``pad_transpose``, ``repeat``/
``repeat_transpose`` and ``diagonal``/``diagonal_transpose`` are each other's VJP, which
gives derivatives of any order.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

from ..backend import namespace
from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from ._primitive import Sample, defprimitive

if TYPE_CHECKING:
    from typing import Literal

    from typing_extensions import TypeAlias

    from .._typing import Array, Shape

    #: One of LINEAR_PAD_MODES.
    PadMode: TypeAlias = Literal[
        "constant", "edge", "reflect", "symmetric", "wrap", "linear_ramp", "mean"]

    #: One (before, after) pair per padded dimension.
    PadWidth: TypeAlias = tuple[tuple[int, int], ...]
    #: ``np.pad``'s keyword arguments as hashable (key, value) pairs.
    PadOptions: TypeAlias = tuple[tuple[str, Any], ...]
    #: One count for every entry (a tuple), or the same count for all (an int).
    Repeats: TypeAlias = "int | tuple[int, ...]"

__all__ = [
    "flip", "roll", "pad", "pad_transpose", "repeat", "repeat_transpose", "diagonal",
    "diagonal_transpose", "LINEAR_PAD_MODES",
]


def _neg(axes: tuple[int, ...], ndim: int) -> tuple[int, ...]:
    """``axes`` (a tuple of ints) as negative axes of an ``ndim``-dimensional input."""
    return tuple(int(a) % ndim - ndim for a in axes) if ndim else tuple(axes)


def _nbatch(g: Any, own_ndim: int) -> int:
    return np.ndim(_data(g)) - own_ndim


# ---- flip -------------------------------------------------------------------------------


def _flip_forward(x: Array, axes: tuple[int, ...]) -> Array:
    """``x`` reversed along ``axes`` (a tuple of ints), a view as ``np.flip``."""
    return np.flip(x, axes) if axes else x[...]


def _flip_vjp(g: Any, needs: tuple[bool, ...], ans: None, x_shape: Shape,
              axes: tuple[int, ...]) -> tuple[Any]:
    return (flip(g, _neg(axes, len(x_shape))),)


def _flip_jvp(t: tuple[Any, ...], ans: Any, x: Any, axes: tuple[int, ...]) -> Any:
    return flip(t[0], _neg(axes, np.ndim(_data(x))))


flip = defprimitive(
    "flip", _flip_forward, _flip_vjp, _flip_jvp, save="s", view=True,
    samples=[Sample((3, 4), params=((0,),)), Sample((2, 3, 4), params=((0, 2),)),
             Sample((3, 2), params=((-1,),), dtype=np.complex128)],
)


# ---- roll -------------------------------------------------------------------------------


def _roll_forward(x: Array, shift: tuple[int, ...], axes: tuple[int, ...]) -> Array:
    """``x`` rolled by ``shift`` along ``axes`` (equal-length tuples), as ``np.roll``."""
    return np.roll(x, shift, axes)


def _roll_vjp(g: Any, needs: tuple[bool, ...], ans: None, x_shape: Shape,
              shift: tuple[int, ...], axes: tuple[int, ...]) -> tuple[Any]:
    return (roll(g, tuple(-s for s in shift), _neg(axes, len(x_shape))),)


def _roll_jvp(t: tuple[Any, ...], ans: Any, x: Any, shift: tuple[int, ...],
              axes: tuple[int, ...]) -> Any:
    return roll(t[0], shift, _neg(axes, np.ndim(_data(x))))


roll = defprimitive(
    "roll", _roll_forward, _roll_vjp, _roll_jvp, save="s",
    samples=[Sample((5,), params=((2,), (0,))), Sample((3, 4), params=((1, -3), (0, 1))),
             Sample((3, 4), params=((1, 2), (1, 1)))],
)


# ---- pad --------------------------------------------------------------------------------

# Modes whose padded values are a linear function of the array (plus a constant): their
# derivative is the same padding with the constants set to zero.
LINEAR_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap", "linear_ramp", "mean")
# Keyword arguments that hold per-axis pairs (extended with the first pair over a batch).
_PER_AXIS = ("constant_values", "end_values", "stat_length")


def _full_options(options: PadOptions, nb: int) -> dict[str, Any]:
    """``options`` (key, value) pairs for an input with ``nb`` extra leading dimensions."""
    out: dict[str, Any] = {}
    for key, value in options:
        if key in _PER_AXIS and value == ():
            continue  # a 0-d input: nothing is padded, NumPy's default serves
        if key in _PER_AXIS and isinstance(value, tuple) and nb:
            value = (value[0],) * nb + value  # batch dimensions are not padded: any pair serves
        out[key] = value
    return out


def _pad_forward(x: Array, pad_width: PadWidth, mode: PadMode, options: PadOptions) -> Array:
    """``x`` padded as ``np.pad(x, pad_width, mode, **dict(options))``.

    ``pad_width`` holds one (before, after) pair per dimension of ``x`` (its trailing
    dimensions, under a batch); ``mode`` is one of LINEAR_PAD_MODES; per-axis options hold
    one pair per dimension.
    """
    nb = np.ndim(x) - len(pad_width)
    if not nb + len(pad_width):  # a 0-d array has nothing to pad (np.pad rejects the empty widths)
        return x.copy()
    return np.pad(x, ((0, 0),) * nb + pad_width, mode, **_full_options(options, nb))


def _linear_options(options: PadOptions) -> PadOptions:
    """The options of the linear part of a padding: constants zeroed."""
    return tuple((k, 0 if k in ("constant_values", "end_values") else v) for k, v in options)


def _pad_vjp(g: Any, needs: tuple[bool, ...], ans: None, x_shape: Shape, pad_width: PadWidth,
             mode: PadMode, options: PadOptions) -> tuple[Any]:
    return (pad_transpose(g, pad_width, mode, _linear_options(options), tuple(x_shape)),)


def _pad_jvp(t: tuple[Any, ...], ans: Any, x: Any, pad_width: PadWidth, mode: PadMode,
             options: PadOptions) -> Any:
    return pad(t[0], pad_width, mode, _linear_options(options))


pad = defprimitive(
    "pad", _pad_forward, _pad_vjp, _pad_jvp, save="s",
    samples=[Sample((3, 4), params=(((1, 2), (0, 3)), "constant", (("constant_values", 1.5),))),
             Sample((3, 4), params=(((2, 1), (3, 0)), "edge", ())),
             Sample((3, 4), params=(((2, 5), (1, 3)), "reflect", (("reflect_type", "even"),))),
             Sample((4,), params=(((3, 6),), "reflect", (("reflect_type", "odd"),))),
             Sample((3, 4), params=(((4, 1), (2, 3)), "symmetric", (("reflect_type", "even"),))),
             Sample((2, 3), params=(((5, 2), (1, 7)), "wrap", ())),
             Sample((3, 4), params=(((1, 2), (2, 1)), "linear_ramp", (("end_values", 0.5),))),
             Sample((3, 4), params=(((1, 2), (2, 1)), "mean", (("stat_length", ((2, 2), (1, 3))),))),
             Sample((2, 2), params=(((1, 1), (1, 0)), "wrap", ()), dtype=np.complex128)],
)


@functools.lru_cache(maxsize=512)
def _pad_plan(n: int, before: int, after: int, mode: PadMode,
              options: PadOptions) -> tuple[str, Any]:
    """How the cotangent of one padded axis flows back: ``(kind, what)``.

    The padding of one axis is a linear map ``M`` (rows: padded positions, columns: the
    ``n`` input positions) whose middle rows are the identity; its rows for the padded
    positions are found by padding the identity matrix. ``kind`` is "slice" (those rows are
    zero: nothing flows back from the padding), "gather" (each row copies one input; ``what``
    is a tuple of (padded positions, input indices) groups, the indices distinct within a
    group so that one fancy-indexed add per group sums them) or "dense" (``what`` is the
    padded positions and their rows).
    """
    eye = np.eye(n)
    kwargs: dict[str, Any] = {}
    for key, value in options:  # value: the pair of this axis, or a scalar
        kwargs[key] = (value, value) if isinstance(value, tuple) else value
    rows = np.pad(eye, ((before, after), (0, 0)), mode, **kwargs)
    positions = np.concatenate([np.arange(before), np.arange(before + n, before + n + after)])
    padded = rows[positions]
    if not padded.any():
        return "slice", None
    ones = padded == 1
    if not (np.all(ones.sum(axis=1) == 1) and np.all((padded == 0) | ones)):
        return "dense", (positions, padded)
    # first fit: as few groups as the most often copied input needs
    groups: list[tuple[set[int], list[int], list[int]]] = []
    for position, index in zip(positions.tolist(), np.argmax(ones, axis=1).tolist()):
        for used, pos, idx in groups:
            if index not in used:
                break
        else:
            used, pos, idx = set(), [], []
            groups.append((used, pos, idx))
        used.add(index)
        pos.append(position)
        idx.append(index)
    return "gather", tuple((np.array(pos), np.array(idx)) for _, pos, idx in groups)


def _axis_options(options: PadOptions, k: int) -> PadOptions:
    """The options restricted to axis ``k`` (hashable, for the plan cache)."""
    out: list[tuple[str, Any]] = []
    for key, value in options:
        if key in _PER_AXIS and isinstance(value, tuple):
            value = tuple(value[k])
        out.append((key, value))
    return tuple(out)


def _pad_transpose_forward(g: Array, pad_width: PadWidth, mode: PadMode, options: PadOptions,
                           x_shape: Shape) -> Array:
    """The transpose of the linear part of ``pad``: the cotangent of a padded array summed
    back onto the ``x_shape`` input it came from."""
    nb = g.ndim - len(x_shape)
    xp = namespace(g)
    options = _linear_options(options)
    out = g
    for k, (n, (before, after)) in enumerate(zip(x_shape, pad_width)):
        if not before and not after:
            continue
        ax = nb + k
        lead = (slice(None),) * ax
        kind, what = _pad_plan(n, before, after, mode, _axis_options(options, k))
        middle = out[lead + (slice(before, before + n),)]
        if kind == "slice":
            out = middle
            continue
        if kind == "gather":
            middle = middle.copy()
            source, target = xp.moveaxis(out, ax, 0), xp.moveaxis(middle, ax, 0)  # views
            for positions, indices in what:
                target[xp.asarray(indices)] += source[xp.asarray(positions)]
        else:
            positions, rows = what
            rest = out[lead + (xp.asarray(positions),)]
            weights = xp.asarray(rows, dtype=g.dtype if g.dtype.kind in "fc" else np.float64)
            # tensordot (BLAS on contiguous copies), its result laid out as middle where it can be
            if ax == g.ndim - 1:
                middle = middle + xp.tensordot(rest, weights, axes=([ax], [0]))
            else:
                middle = middle + xp.moveaxis(xp.tensordot(weights.T, rest, axes=([1], [ax])), 0, ax)
        out = middle
    return out if out is not g else g.copy()


def _pad_transpose_vjp(g: Any, needs: tuple[bool, ...], ans: None, g_shape: None,
                       pad_width: PadWidth, mode: PadMode, options: PadOptions,
                       x_shape: Shape) -> tuple[Any]:
    return (pad(g, pad_width, mode, options),)


def _pad_transpose_jvp(t: tuple[Any, ...], ans: Any, g: Any, pad_width: PadWidth, mode: PadMode,
                       options: PadOptions, x_shape: Shape) -> Any:
    return pad_transpose(t[0], pad_width, mode, options, x_shape)


pad_transpose = defprimitive(
    "pad_transpose", _pad_transpose_forward, _pad_transpose_vjp, _pad_transpose_jvp, save="-",
    samples=[Sample((6, 7), params=(((1, 2), (0, 3)), "constant", (("constant_values", 0),), (3, 4))),
             Sample((10, 8), params=(((2, 5), (1, 3)), "reflect", (("reflect_type", "odd"),), (3, 4))),
             Sample((9,), params=(((5, 1),), "wrap", (), (3,))),
             Sample((6, 7), params=(((1, 2), (2, 1)), "mean", (("stat_length", ((2, 2), (1, 3))),), (3, 4)))],
)


# ---- repeat -----------------------------------------------------------------------------


def _repeat_forward(x: Array, repeats: Repeats, axis: int) -> Array:
    """``x`` with its entries repeated along ``axis`` (an int): ``repeats`` is an int or a
    tuple with one count per entry, as ``np.repeat``."""
    return np.repeat(x, repeats, axis)


def _repeat_vjp(g: Any, needs: tuple[bool, ...], ans: None, x_shape: Shape, repeats: Repeats,
                axis: int) -> tuple[Any]:
    if isinstance(repeats, int) and repeats == 0:  # the input's length is not in g: spell it out
        repeats = (0,) * x_shape[axis]
    return (repeat_transpose(g, repeats, _neg((axis,), len(x_shape))[0]),)


def _repeat_jvp(t: tuple[Any, ...], ans: Any, x: Any, repeats: Repeats, axis: int) -> Any:
    return repeat(t[0], repeats, _neg((axis,), np.ndim(_data(x)))[0])


repeat = defprimitive(
    "repeat", _repeat_forward, _repeat_vjp, _repeat_jvp, save="s",
    samples=[Sample((3, 4), params=(2, 1)), Sample((3, 2), params=((1, 0, 3), 0)),
             Sample((4,), params=((2, 1, 1, 3), -1), dtype=np.complex128)],
)


def _repeat_transpose_forward(g: Array, repeats: Repeats, axis: int) -> Array:
    """The transpose of ``repeat``: the sums of the runs it made from each entry."""
    xp = namespace(g)
    ax = axis % g.ndim
    if isinstance(repeats, int):
        if repeats <= 0:
            raise ValueError("repeat_transpose: an int repeats must be positive (pass one count per entry)")
        if repeats <= 16:  # a few strided adds beat a reduction over a short inner axis
            lead = (slice(None),) * ax
            out = g[lead + (slice(0, None, repeats),)].copy()
            for k in range(1, repeats):
                out += g[lead + (slice(k, None, repeats),)]
            return out
        shape = g.shape
        return g.reshape(shape[:ax] + (shape[ax] // repeats, repeats) + shape[ax + 1:]).sum(axis=ax + 1)
    counts = np.asarray(repeats, dtype=np.intp)
    out = xp.zeros(g.shape[:ax] + (len(counts),) + g.shape[ax + 1:], dtype=g.dtype)
    nonempty = np.flatnonzero(counts)
    if len(nonempty):
        starts = (np.cumsum(counts) - counts)[nonempty]
        sums = xp.add.reduceat(g, xp.asarray(starts), axis=ax)
        out[(slice(None),) * ax + (xp.asarray(nonempty),)] = sums
    return out


def _repeat_transpose_vjp(g: Any, needs: tuple[bool, ...], ans: None, g_shape: None,
                          repeats: Repeats, axis: int) -> tuple[Any]:
    return (repeat(g, repeats, axis),)


def _repeat_transpose_jvp(t: tuple[Any, ...], ans: Any, g: Any, repeats: Repeats,
                          axis: int) -> Any:
    return repeat_transpose(t[0], repeats, axis)


repeat_transpose = defprimitive(
    "repeat_transpose", _repeat_transpose_forward, _repeat_transpose_vjp, _repeat_transpose_jvp,
    save="-",
    samples=[Sample((3, 8), params=(2, -1)), Sample((4, 2), params=((1, 0, 3), -2))],
)


# ---- diagonal ---------------------------------------------------------------------------


def _diagonal_forward(x: Array, offset: int, axis1: int, axis2: int) -> Array:
    """The diagonal of ``x`` in the plane (axis1, axis2), a view as ``np.diagonal``."""
    return np.diagonal(x, offset, axis1, axis2)


def _diagonal_vjp(g: Any, needs: tuple[bool, ...], ans: None, x_shape: Shape, offset: int,
                  axis1: int, axis2: int) -> tuple[Any]:
    a1, a2 = _neg((axis1, axis2), len(x_shape))
    return (diagonal_transpose(g, offset, a1, a2, tuple(x_shape)),)


def _diagonal_jvp(t: tuple[Any, ...], ans: Any, x: Any, offset: int, axis1: int,
                  axis2: int) -> Any:
    a1, a2 = _neg((axis1, axis2), np.ndim(_data(x)))
    return diagonal(t[0], offset, a1, a2)


diagonal = defprimitive(
    "diagonal", _diagonal_forward, _diagonal_vjp, _diagonal_jvp, save="s", view=True,
    samples=[Sample((4, 4), params=(0, 0, 1)), Sample((3, 5), params=(1, 0, 1)),
             Sample((2, 4, 3), params=(-1, 2, 0)), Sample((3, 3), params=(0, 1, 0), dtype=np.complex128)],
)


def _diagonal_transpose_forward(g: Array, offset: int, axis1: int, axis2: int,
                                x_shape: Shape) -> Array:
    """The transpose of ``diagonal``: an ``x_shape`` array of zeros holding ``g`` on that
    diagonal (``np.diag`` of a vector, batched)."""
    nd = len(x_shape)
    nb = g.ndim - (nd - 1)
    xp = namespace(g)
    full = xp.zeros(g.shape[:nb] + tuple(x_shape), dtype=g.dtype)
    plane = xp.moveaxis(full, (nb + axis1 % nd, nb + axis2 % nd), (-2, -1))  # a view of full
    k = g.shape[-1]
    i = xp.arange(k)
    rows, cols = (i, i + offset) if offset >= 0 else (i - offset, i)
    plane[..., rows, cols] = g
    return full


def _diagonal_transpose_vjp(g: Any, needs: tuple[bool, ...], ans: None, g_shape: None,
                            offset: int, axis1: int, axis2: int,
                            x_shape: Shape) -> tuple[Any]:
    nd = len(x_shape)
    return (diagonal(g, offset, axis1 % nd - nd, axis2 % nd - nd),)


def _diagonal_transpose_jvp(t: tuple[Any, ...], ans: Any, g: Any, offset: int, axis1: int,
                            axis2: int, x_shape: Shape) -> Any:
    return diagonal_transpose(t[0], offset, axis1, axis2, x_shape)


diagonal_transpose = defprimitive(
    "diagonal_transpose", _diagonal_transpose_forward, _diagonal_transpose_vjp,
    _diagonal_transpose_jvp, save="-",
    samples=[Sample((4,), params=(0, 0, 1, (4, 4))), Sample((2,), params=(-1, 0, 1, (3, 5))),
             Sample((4, 2), params=(1, 2, 0, (3, 4, 3)))],
)
