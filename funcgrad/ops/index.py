"""Indexing primitives: ``x[key]`` (basic and advanced), its transpose, and ``x[key] = v``.

``getitem`` and ``getitem_transpose`` are each other's VJP, which is what makes indexing
differentiable to any order. Keys apply to the trailing dimensions; a leading batch of
cotangents or tangents is passed through with extra ``:`` in front of the key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import backend as _backend
from ..backend import namespace
from ..tensor import Tensor
from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from ._primitive import Sample, _make_view, defprimitive

if TYPE_CHECKING:
    from .._typing import Array, Shape

_BASIC = (int, slice, type(None), type(Ellipsis))


def normalize_key(key: Any) -> tuple[Any, ...]:
    """``key`` as a tuple of ints, slices, None, Ellipsis and arrays (Tensors unwrapped)."""
    if not isinstance(key, tuple):
        key = (key,)
    out: list[Any] = []
    for k in key:
        if isinstance(k, Tensor):
            k = k._data
            if k.ndim == 0 and k.dtype.kind in "iu":
                k = int(k)
        elif isinstance(k, (list, range)):
            k = np.asarray(k)
        elif isinstance(k, np.integer):
            k = int(k)
        elif isinstance(k, bool):
            k = np.asarray(k)
        out.append(k)
    return tuple(out)


def _is_basic(key: tuple[Any, ...]) -> bool:
    return all(isinstance(k, _BASIC) for k in key)


def _separated_advanced(key: tuple[Any, ...]) -> int:
    """For keys whose advanced indices are split by a slice (NumPy then moves the indexed
    dimensions to the front), the number of those dimensions; else 0."""
    positions = [i for i, k in enumerate(key) if not isinstance(k, _BASIC)]
    if not positions or positions[-1] - positions[0] == len(positions) - 1:
        return 0
    shapes = [(int(np.count_nonzero(k)),) if getattr(k, "dtype", None) == bool else np.shape(k)
              for k in key if not isinstance(k, _BASIC)]
    return len(np.broadcast_shapes(*shapes))


def _batched(key: tuple[Any, ...], nb: int) -> tuple[Any, ...]:
    return (slice(None),) * nb + key if nb else key


def _indexed(x: Array, key: tuple[Any, ...], nb: int) -> Array:
    """``x[key]`` on the trailing dimensions of ``x`` (``nb`` leading batch dimensions)."""
    out = x[_batched(key, nb)]
    if nb:
        k = _separated_advanced(key)
        if k:  # NumPy put the indexed dims before the batch: move the batch back in front
            out = np.moveaxis(out, tuple(range(k, k + nb)), tuple(range(nb)))
    return out


def _indexed_shape(x_shape: Shape, key: tuple[Any, ...]) -> Shape:
    dummy = np.broadcast_to(np.empty((), dtype=np.int8), x_shape)
    try:
        shape: Shape = dummy[key].shape
    except TypeError:  # a device index array: NumPy may not read it; index on its device
        xp = next((namespace(k) for k in key if _backend.is_cuda_array(k)), None)
        if xp is None:
            raise
        shape = xp.broadcast_to(xp.empty((), dtype=np.int8), x_shape)[key].shape
    return shape


def _getitem_forward(x: Array, key: tuple[Any, ...]) -> Array:
    if _is_basic(key) and Ellipsis not in key:
        # A trailing Ellipsis makes an all-int key return a 0-d view, not a scalar copy.
        key = key + (Ellipsis,)
    return x[key]


def _getitem_vjp(g: Any, needs: tuple[bool, ...], ans: None, x_shape: Shape,
                 key: tuple[Any, ...]) -> tuple[Any]:
    return (getitem_transpose(g, key, x_shape),)


def _getitem_jvp(t: tuple[Any, ...], ans: Any, x: Any, key: tuple[Any, ...]) -> Any:
    nb = np.ndim(_data(t[0])) - np.ndim(_data(x))
    return getitem(t[0], _batch_key(key, nb, t[0]))


def _batch_key(key: tuple[Any, ...], nb: int, value: Any) -> tuple[Any, ...]:
    if not nb:
        return key
    if _separated_advanced(key):
        raise NotImplementedError(
            "a batch of tangents through an index whose advanced indices are separated by "
            "a slice is not supported yet; index in two steps"
        )
    return _batched(key, nb)


def _pick_getitem(args: tuple[Any, ...]) -> int:
    key = args[1]
    if not _is_basic(key):
        return 2
    return 0 if any(isinstance(k, int) for k in key) else 1


_getitem = defprimitive(
    "getitem", _getitem_forward, _getitem_vjp, _getitem_jvp, save="s",
    node_names=("SelectBackward0", "SliceBackward0", "IndexBackward0"), pick_node=_pick_getitem,
    samples=[Sample((3, 4), params=((1,),)), Sample((3, 4), params=((slice(None), slice(1, 3)),)),
             Sample((5,), params=((np.array([0, 2, 2, 4]),),)),
             Sample((3, 4), params=((np.array([[True, False, True, True]] * 3),),)),
             Sample((3, 4, 2), params=((Ellipsis, None, 0),))],
)


def getitem(x: Any, key: Any) -> Any:
    """``x[key]`` for basic (ints, slices, None, ``...``) and advanced (integer or boolean
    array) keys; the gradient scatters back, adding over repeated indices.

    Examples
    --------
    >>> import funcgrad as fg
    >>> x = fg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = x[[0, 0, 2]].sum()
    >>> y.backward()
    >>> x.grad
    tensor([2., 0., 1.])
    """
    key = normalize_key(key)
    if any(getattr(k, "dtype", None) is not None and k.dtype.kind not in "iub" for k in key):
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    out = _getitem(x, key)
    if isinstance(x, Tensor) and _is_basic(key):
        _make_view(out, x)  # basic indexing returns a view, sharing x's memory and version
    return out


def _getitem_transpose_forward(g: Array, key: tuple[Any, ...], x_shape: Shape) -> Array:
    out_shape = _indexed_shape(x_shape, key)
    nb = g.ndim - len(out_shape)
    xp = namespace(g)
    full = xp.zeros(g.shape[:nb] + tuple(x_shape), dtype=g.dtype)
    bkey = _batched(key, nb)
    if nb and _separated_advanced(key):
        k = _separated_advanced(key)
        g = xp.moveaxis(g, tuple(range(nb)), tuple(range(k, k + nb)))
    if _is_basic(key):
        full[bkey] = g
    elif xp is np:
        np.add.at(full, bkey, g)  # repeated indices add up
    else:  # CuPy
        _backend.cupyx_module().scatter_add(full, bkey, g)
    return full


def _getitem_transpose_vjp(g: Any, needs: tuple[bool, ...], ans: None, g_in_shape: Shape,
                           key: tuple[Any, ...], x_shape: Shape) -> tuple[Any]:
    nb = np.ndim(_data(g)) - len(x_shape)
    return (getitem(g, _batch_key(key, nb, g)) if nb else getitem(g, key),)


def _getitem_transpose_jvp(t: tuple[Any, ...], ans: Any, g: Any, key: tuple[Any, ...],
                           x_shape: Shape) -> Any:
    return getitem_transpose(t[0], key, x_shape)


getitem_transpose = defprimitive(
    "getitem_transpose", _getitem_transpose_forward, _getitem_transpose_vjp,
    _getitem_transpose_jvp, save="s",
    samples=[Sample((3,), params=((slice(None), 1), (3, 4))),
             Sample((4,), params=((np.array([0, 2, 2, 1]),), (3,)))],
)


def _index_put_forward(x: Array, v: Array, key: tuple[Any, ...]) -> Array:
    out = x.copy()
    out[key] = v
    return out


def _index_put_vjp(g: Any, needs: tuple[bool, ...], ans: None, x_shape: Shape, v_shape: Shape,
                   key: tuple[Any, ...]) -> tuple[Any, Any]:
    nb = np.ndim(_data(g)) - len(x_shape)
    gx = where(_index_mask(x_shape, key, g), 0, g) if needs[0] else None
    gv = None
    if needs[1]:
        from .reduce import sum_to_shape

        gv = sum_to_shape(getitem(g, _batch_key(key, nb, g)), v_shape, nb)
    return (gx, gv)


def _index_mask(x_shape: Shape, key: tuple[Any, ...], like: Any) -> Array:
    """Where ``x[key] = v`` writes, as a boolean array on the device of ``like``."""
    mask = namespace(_data(like)).zeros(x_shape, dtype=bool)
    mask[key] = True
    return mask


def _index_put_jvp(t: tuple[Any, ...], ans: Any, x: Any, v: Any, key: tuple[Any, ...]) -> Any:
    tx, tv = t
    if tx is None and tv is None:
        return None
    x_shape = np.shape(_data(x))
    present = _data(tx if tx is not None else tv)
    batch = present.shape[: present.ndim - (len(x_shape) if tx is not None else np.ndim(_data(v)))]
    if tx is None:
        tx = namespace(present).zeros(batch + x_shape, dtype=present.dtype)
    out = where(_index_mask(x_shape, key, present), 0, tx)
    if tv is None:
        return out
    from .reduce import expand

    region = _indexed_shape(x_shape, key)
    v_shape = np.shape(_data(v))
    # Align v's dims to the right of the indexed region, then broadcast over it.
    tv = reshape(tv, batch + (1,) * (len(region) - len(v_shape)) + v_shape)
    tv = expand(tv, batch + region)
    return add(out, getitem_transpose(tv, key, x_shape))


index_put = defprimitive(
    "index_put", _index_put_forward, _index_put_vjp, _index_put_jvp, nin=2, save="ss",
    node_names=("CopySlices",),
    samples=[Sample((3, 4), (4,), params=((1,),)), Sample((5,), (), params=((np.array([0, 3]),),))],
)

from .elementwise import add, where  # noqa: E402
from .shape import reshape  # noqa: E402
