"""The primitive: one declaration holding an operation's forward, VJP and JVP rules.

A primitive is called like the function it is. Given only raw arrays (or Python numbers)
it runs its forward and returns what NumPy (or CuPy) returns. Given any Tensor it returns a
Tensor, and, when grad mode is on and an input requires grad, records a Node on the tape.

Rule conventions
----------------
``vjp(g, needs, ans, *saved)`` receives the output cotangent ``g`` of shape
``batch + out.shape`` (any leading batch), the tuple ``needs`` saying which inputs want a
gradient, the output ``ans`` (if the primitive saves it, else None), and the forward's
arguments as saved (``save`` code per input: ``v`` the value, ``s`` its shape, ``-``
nothing; ``xx`` for a bilinear binary primitive such as ``mul``: each value is kept only when
the *other* input requires grad, as it serves only that gradient, else None), followed by
the non-array parameters. It returns one cotangent per input, each of
shape ``batch + in.shape`` (or the broadcast shape, for primitives that broadcast: the engine
sums it down), or None for no gradient.

``jvp(tangents, ans, *args)`` receives one tangent per input (None for zero) of shape
``batch + in.shape``, the output and all the forward's arguments, and returns the output's
tangent (``batch + out.shape``, or a shape that broadcasts to it) or None.

Rules are written with funcgrad's own primitives, so the same code runs on raw arrays at
NumPy speed and, given Tensors, records — which is how higher orders come for free.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..autograd import anomaly_mode as _anomaly_mode
from ..autograd import forward_ad as _forward_ad
from ..autograd import grad_mode as _grad_mode
from ..autograd.node import Node, next_sequence_number
from ..tensor import Tensor, _from_array

if TYPE_CHECKING:
    from .._typing import Array, DTypeLike, Shape

__all__ = ["Primitive", "Sample", "Const", "REGISTRY", "defprimitive"]

REGISTRY: dict[str, "Primitive"] = {}

_grad_state = _grad_mode._state
_ANOMALY = _anomaly_mode._STATE
_ndarray = np.ndarray


class Const:
    """A sample argument passed as is (not differentiated), e.g. a boolean mask."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Const({self.value!r})"


class Sample:
    """Sample inputs for testing a primitive's rules.

    Parameters
    ----------
    *args
        One entry per array input: a shape tuple (a random float64 input drawn uniformly
        from ``[low, high]``, which the tests differentiate) or a :class:`Const`.
    params : tuple
        The trailing non-array arguments.
    low, high : float
        The input domain (for complex inputs, of the real and imaginary parts).
    dtype : dtype
        float64 (default) or complex128.
    make : callable, optional
        Maps each random input to a valid one (e.g. ``a -> a @ a.T + 3 I`` for a
        symmetric positive definite matrix); the made array is the point differentiated at.
    eps, rtol : float
        Finite-difference step and tolerance (looser for float32 outputs).
    """

    __slots__ = ("args", "params", "low", "high", "eps", "rtol", "dtype", "make")

    def __init__(self, *args: Shape | Const, params: Iterable[Any] = (), low: float = -2.0,
                 high: float = 2.0, eps: float = 1e-6, rtol: float = 1e-5,
                 dtype: DTypeLike = np.float64,
                 make: Callable[[Array], Array] | None = None) -> None:
        self.args = args
        self.params = tuple(params)
        self.low = low
        self.high = high
        self.eps = eps
        self.rtol = rtol
        self.dtype = np.dtype(dtype)
        self.make = make

    def draw(self, rng: np.random.Generator) -> list[Array]:
        """Random values for the differentiable (shape-tuple) inputs."""
        xs = []
        for spec in self.args:
            if not isinstance(spec, tuple):
                continue
            a = rng.uniform(self.low, self.high, size=spec)
            if self.dtype.kind == "c":
                a = a + 1j * rng.uniform(self.low, self.high, size=spec)
            a = np.asarray(a, dtype=self.dtype)
            xs.append(np.asarray(self.make(a), dtype=self.dtype) if self.make else a)
        return xs

    def __repr__(self) -> str:
        return f"Sample{self.args + self.params}"


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


class Primitive:
    """An operation with its forward, VJP rule and JVP rule; see the module docstring."""

    # No __slots__: each primitive carries its own __doc__ and __name__, like a function.

    def __init__(
        self,
        name: str,
        forward: Callable[..., Any],
        vjp: Callable[..., Any] | None = None,
        jvp: Callable[..., Any] | None = None,
        *,
        nin: int = 1,
        save: str = "",
        save_output: bool = False,
        broadcasts: bool = False,
        view: bool = False,
        differentiable: bool = True,
        samples: Iterable[Sample] = (),
        node_names: Sequence[str] | None = None,
        pick_node: Callable[[tuple[Any, ...]], int] | None = None,
        register: bool = True,
        saves_params: bool = False,
    ) -> None:
        if differentiable and (vjp is None or jvp is None):
            raise TypeError(f"primitive {name!r} needs both a vjp and a jvp rule")
        self.name = name
        self.forward = forward
        self.vjp = vjp
        self.jvp = jvp
        self.nin = nin  # -1: variadic (a tuple of arrays first, then the params)
        self.save = save or "-" * max(nin, 1)
        # "xx": x * y keeps x only for y's gradient and y only for x's (PyTorch's MulBackward0
        # saves nothing of x in x * 2.0): less memory, and no false in-place error.
        self.cross_saves = nin == 2 and self.save == "xx"
        self.saves_all_inputs = nin > 0 and (self.save == "v" * nin or self.cross_saves)
        self.saves_input_values = "v" in self.save or self.cross_saves
        self.save_output = save_output
        self.broadcasts = broadcasts
        self.view = view
        self.differentiable = differentiable
        self.samples = tuple(samples)
        names = node_names or (_camel(name) + "Backward0",)
        # Freeing a node after backward drops what its rule needs: saved inputs, the output,
        # or (custom rules) the parameters holding residuals.
        saves = save_output or saves_params or any(c in "vx" for c in save)
        self.node_types = tuple(
            type(n, (Node,), {"__slots__": (), "primitive": self, "_saves_values": saves})
            for n in names
        )
        self.pick_node = pick_node  # (args) -> index into node_types; None: always the first
        self.__name__ = self.__qualname__ = name
        # A forward written here documents the primitive; NumPy's own docstrings do not.
        own = getattr(forward, "__module__", "") or ""
        generic = (f"The primitive ``{name}``, with VJP and JVP rules." if differentiable
                   else f"The primitive ``{name}`` (no gradient).")
        self.__doc__ = forward.__doc__ if own.startswith("funcgrad") and forward.__doc__ else generic
        self.__module__ = getattr(forward, "__module__", __name__)
        self.__wrapped__ = forward
        if register:
            if name in REGISTRY:
                raise ValueError(f"primitive {name!r} declared twice")
            REGISTRY[name] = self

    def __repr__(self) -> str:
        return f"<funcgrad primitive {self.name}>"

    def __call__(self, *args: Any) -> Any:
        # Hot path: unary and binary primitives are checked without building a tuple.
        nin = self.nin
        if nin == 1:
            if isinstance(args[0], Tensor):
                return _apply(self, args)
        elif nin == 2:
            if isinstance(args[0], Tensor) or isinstance(args[1], Tensor):
                return _apply(self, args)
        else:
            for a in args[0] if nin < 0 else args[:nin]:
                if isinstance(a, Tensor):
                    return _apply(self, args)
        return self.forward(*args)


def _apply(prim: Primitive, args: tuple[Any, ...]) -> Tensor:
    """Run ``prim`` on arguments that include a Tensor; record a Node when needed."""
    # Gather the inputs' arrays and flags; unary and binary primitives (nearly every call)
    # take a path without loops.
    nin = prim.nin
    if nin == 1:
        x = args[0]  # __call__ checked that it is a Tensor
        inputs: tuple[Any, ...] = (x,)
        raw: list[Array] | tuple[Array, ...] = (x._data,)
        requires = x._requires_grad
        dual = x._fw is not None
        out = prim.forward(x._data, *args[1:]) if len(args) > 1 else prim.forward(x._data)
    elif nin == 2:
        x, y = args[0], args[1]
        inputs = (x, y)
        requires = dual = False
        xt, yt = isinstance(x, Tensor), isinstance(y, Tensor)
        if xt:
            xd = x._data
            requires = x._requires_grad
            dual = x._fw is not None
        else:
            xd = x
        if yt:
            yd = y._data
            requires = requires or y._requires_grad
            dual = dual or y._fw is not None
        else:
            yd = y
        raw = (xd, yd)
        try:
            out = prim.forward(xd, yd, *args[2:]) if len(args) > 2 else prim.forward(xd, yd)
        except TypeError:  # (free unless raised) CuPy's word for arrays on two devices
            _check_one_device(raw)
            raise
    else:
        variadic = nin < 0
        inputs = args[0] if variadic else args[:nin]
        raw = []
        requires = dual = False
        for a in inputs:
            if isinstance(a, Tensor):
                raw.append(a._data)
                requires = requires or a._requires_grad
                dual = dual or a._fw is not None
            else:
                raw.append(a)
        try:
            out = prim.forward(raw, *args[1:]) if variadic else prim.forward(*raw, *args[nin:])
        except TypeError:
            _check_one_device(raw)
            raise
    if type(out) is not _ndarray:
        out = _asarray(out)

    if not (requires and prim.differentiable and _grad_state.enabled):
        result = _from_array(out)
        if prim.view:
            _make_view(result, inputs[0])
        if dual and prim.differentiable:
            _push_tangents(prim, inputs, args, result)
        return result

    pick = prim.pick_node
    node = prim.node_types[0 if pick is None else pick(args)]()
    if nin == 1:
        node._next = (x._grad_fn or x._get_accumulator(),)
    elif nin == 2:
        node._next = (
            (x._grad_fn or x._get_accumulator()) if xt and x._requires_grad else None,
            (y._grad_fn or y._get_accumulator()) if yt and y._requires_grad else None,
        )
    else:
        node._next = tuple([
            (a._grad_fn or a._get_accumulator()) if isinstance(a, Tensor) and a._requires_grad
            else None
            for a in inputs
        ])
    node._seq = next_sequence_number()
    node._pre_hooks = node._post_hooks = node._versions = node._ans_fw = None
    if _ANOMALY[0]:
        _anomaly_mode.record_trace(node)
    if not prim.broadcasts:
        node._shapes = None
    elif nin == 2:  # inline: the commonest case by far
        out_shape = out.shape
        if (xt and x._requires_grad and xd.shape != out_shape) or (
                yt and y._requires_grad and yd.shape != out_shape):
            node._shapes = (getattr(xd, "shape", ()), getattr(yd, "shape", ()))
        else:
            node._shapes = None
    else:
        node._shapes = _broadcast_shapes(inputs, raw, out)

    result = _new_tensor(_Tensor)
    result._data = out
    result._grad_fn = node
    result._requires_grad = True
    result._grad = result._base = result._hooks = result._accumulator = result._fw = None
    result._version = [0]
    result._retains_grad = False
    if prim.view:
        _make_view(result, inputs[0])

    # Saved values: what the VJP rule needs, and the versions of saved tensors so an
    # in-place change before backward is caught.
    save = prim.save
    versions = None
    if nin < 0:
        code = save[:1]
        saved = [a if code == "v" else (np.shape(r) if code == "s" else None) for a, r in zip(inputs, raw)]
        if code == "v":
            versions = [(a._version, a._version[0]) for a in inputs if isinstance(a, Tensor)]
        node._saved = (tuple(saved),) + args[1:]
    elif prim.cross_saves and not (xt and yt and x._requires_grad and y._requires_grad):
        keep_x = yt and y._requires_grad
        keep_y = xt and x._requires_grad
        node._saved = (x if keep_x else None, y if keep_y else None) + args[2:]
        if keep_x:
            versions = [(x._version, x._version[0])] if xt else None
        elif keep_y and yt:
            versions = [(y._version, y._version[0])]
    elif prim.saves_all_inputs:
        node._saved = args
        if nin == 1:
            versions = [(x._version, x._version[0])]
        elif nin == 2:
            versions = []
            if xt:
                versions.append((x._version, x._version[0]))
            if yt:
                versions.append((y._version, y._version[0]))
        else:
            versions = [(a._version, a._version[0]) for a in inputs if isinstance(a, Tensor)]
    else:
        saved = list(args)
        for i, code in enumerate(save):
            if code == "v":
                a = args[i]
                if isinstance(a, Tensor):
                    if versions is None:
                        versions = []
                    versions.append((a._version, a._version[0]))
            elif code == "s":
                saved[i] = np.shape(raw[i])
            else:
                saved[i] = None
        node._saved = tuple(saved)
    if prim.save_output:
        node._ans = out
        if versions is None:
            versions = []
        versions.append((result._version, result._version[0]))
    else:
        node._ans = None
    if versions:
        node._versions = tuple(versions)
    if dual:
        _push_tangents(prim, inputs, args, result)
        if prim.save_output and result._fw:
            # The rule's output must carry its tangents too (forward over reverse). This
            # makes a cycle (the tangents' graph holds the output); gc collects it.
            node._ans_fw = result._fw
    return result


def _strip_levels(a: Any, level: int) -> Any:
    """``a`` without its tangents at ``level`` and above (the value the enclosing levels see)."""
    fw = a._fw if isinstance(a, Tensor) else None
    if not fw or all(lv < level for lv in fw):
        return a
    stripped = _from_array(a._data)
    stripped._grad_fn = a._grad_fn
    stripped._requires_grad = a._requires_grad
    stripped._version = a._version
    if a._requires_grad and a._grad_fn is None:
        a._get_accumulator()
        stripped._accumulator = a._accumulator  # gradients still reach the original leaf
    kept = {lv: t for lv, t in fw.items() if lv < level}
    stripped._fw = kept or None
    return stripped


def _push_tangents(prim: Primitive, inputs: Sequence[Any], args: tuple[Any, ...],
                   result: Tensor) -> None:
    """Give ``result`` its tangent at every open level some input carries one at."""
    active = _forward_ad.active_levels()
    levels = sorted({lv for a in inputs if isinstance(a, Tensor) and a._fw for lv in a._fw if lv in active})
    if not levels:
        return
    variadic = prim.nin < 0
    out_shape = result._data.shape
    fw: dict[int, Any] = {}
    for level in levels:
        tangents = tuple(a._fw.get(level) if isinstance(a, Tensor) and a._fw else None for a in inputs)
        if all(t is None for t in tangents):
            continue
        stripped_inputs = [_strip_levels(a, level) for a in inputs]
        if variadic:
            stripped_args = (tuple(stripped_inputs),) + args[1:]
        else:
            stripped_args = tuple(stripped_inputs) + args[prim.nin:]
        result._fw = fw or None  # the rule sees the output's tangents at enclosing levels
        previous = _forward_ad.set_current(level)  # custom rules strip their residuals
        try:
            t = apply_jvp(prim, tangents, result, stripped_args)
        finally:
            _forward_ad.set_current(previous)
        if t is None:
            continue
        expected = active[level] + out_shape
        t_shape = t._data.shape if isinstance(t, Tensor) else np.shape(t)
        if t_shape != expected:
            t = _broadcast_tangent(t, t_shape, expected, len(active[level]))
        fw[level] = t
    result._fw = fw or None


def _broadcast_tangent(t: Any, t_shape: Shape, expected: Shape, nb: int) -> Any:
    """A tangent that broadcasts to ``batch + out.shape`` (e.g. a copy's source), expanded."""
    from .reduce import expand
    from .shape import reshape

    own = t_shape[nb:] if len(t_shape) >= nb else t_shape
    batch = t_shape[:nb] if len(t_shape) >= nb else ()
    if len(t_shape) < nb or t_shape[:nb] != expected[:nb]:
        return expand(t, expected)  # an unbatched tangent: same for every batch entry
    pad = len(expected) - nb - len(own)
    return expand(reshape(t, batch + (1,) * pad + own), expected)


_new_tensor = object.__new__
_Tensor = Tensor


def _broadcast_shapes(inputs: Sequence[Any], raw: Sequence[Array],
                      out: Array) -> tuple[Shape, ...] | None:
    """The input shapes, for the engine to sum cotangents down; None when no input that
    needs a gradient was broadcast (the common case: nothing to undo)."""
    out_shape = out.shape
    for a, r in zip(inputs, raw):
        if isinstance(a, Tensor) and a._requires_grad and r.shape != out_shape:
            return tuple([getattr(r, "shape", ()) for r in raw])
    return None


def _device_name(data: Any) -> str | None:
    """``'cpu'`` or ``'cuda:N'`` for an array; None for what lives on no device (Python and
    NumPy scalars, which mix with any device, as PyTorch's CPU scalars do)."""
    if isinstance(data, (int, float, complex, np.generic)) or data is None:
        return None
    if isinstance(data, np.ndarray):
        return "cpu"
    device = getattr(data, "device", None)
    index = getattr(device, "id", None)
    return None if index is None else f"cuda:{index}"


def _check_one_device(raw: Sequence[Any]) -> None:
    """Raise PyTorch's error when a primitive's arrays are on different devices."""
    seen: list[str] = []
    for data in raw:
        name = _device_name(data)
        if name is not None and name not in seen:
            seen.append(name)
    if len(seen) > 1:
        raise RuntimeError(
            f"Expected all tensors to be on the same device, but found at least two devices, "
            f"{seen[0]} and {seen[1]}!"
        )


def _asarray(out: Any) -> Array:
    # A 0-d result stays a NumPy scalar (np.float64): arithmetic on those is several times
    # faster than on 0-d arrays, which matters for scalar-heavy code. Tensor turns it into a
    # 0-d array where an array is required (in-place writes, .numpy()).
    if isinstance(out, np.generic) or hasattr(out, "shape"):
        return out
    return np.asarray(out)


def _make_view(result: Tensor, source: Any) -> None:
    # A view shares its base's memory, so it shares its version counter too.
    if isinstance(source, Tensor):
        result._version = source._version
        result._base = source._base if source._base is not None else source


_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def defprimitive(name: str, forward: Callable[..., Any], vjp: Callable[..., Any] | None = None,
                 jvp: Callable[..., Any] | None = None, **options: Any) -> Primitive:
    """Declare a primitive; see :class:`Primitive` and the module docstring.

    Examples
    --------
    >>> import numpy as np
    >>> from funcgrad.ops import REGISTRY
    >>> REGISTRY["mul"](np.array([2.0]), np.array([3.0]))
    array([6.])
    """
    if not _NAME_RE.match(name):
        raise ValueError(f"bad primitive name {name!r}")
    return Primitive(name, forward, vjp, jvp, **options)


def apply_jvp(prim: Primitive, tangents: tuple[Any, ...], ans: Any, args: tuple[Any, ...]) -> Any:
    """Call ``prim``'s JVP rule, first aligning batched tangents of broadcasting inputs.

    A tangent of shape ``batch + in.shape`` gets unit axes between the batch and its own
    dimensions, up to the output's rank, so that NumPy broadcasting lines it up with the
    output (the forward-mode counterpart of the engine's sum-to-shape).
    """
    if prim.broadcasts:
        inputs = args[0] if prim.nin < 0 else args[: prim.nin]
        out_ndim = np.ndim(ans._data if isinstance(ans, Tensor) else ans)
        aligned = []
        for t, a in zip(tangents, inputs):
            if t is not None:
                in_ndim = np.ndim(a._data if isinstance(a, Tensor) else a)
                t_shape = np.shape(t._data if isinstance(t, Tensor) else t)
                nb = len(t_shape) - in_ndim
                if nb and in_ndim < out_ndim:
                    from .shape import reshape

                    t = reshape(t, t_shape[:nb] + (1,) * (out_ndim - in_ndim) + t_shape[nb:])
            aligned.append(t)
        tangents = tuple(aligned)
    assert prim.jvp is not None, f"primitive {prim.name!r} has no JVP rule"
    return prim.jvp(tangents, ans, *args)
