"""Numerical checks of derivatives against central finite differences.

The checks compare inner products: for a random input direction ``v`` and a random output
cotangent ``u``, the analytic ``<u, J v>`` (or ``<J^T u, v>``) must equal the numerical
directional derivative ``<u, (f(x + eps v) - f(x - eps v)) / (2 eps)>``. Their cost does not
grow with the input's size. Use float64 inputs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from .ops._primitive import apply_jvp
from .tensor import Tensor, _from_array

if TYPE_CHECKING:
    from ._typing import Array, ArrayLike, Shape
    from .ops._primitive import Primitive, Sample

__all__ = ["check_grads", "check_vjp", "check_primitive", "GradientCheckError"]


class GradientCheckError(AssertionError):
    """An analytic derivative disagrees with finite differences."""


def _raw(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _precise(a: Any) -> Array:
    """``a`` in double precision (complex128 for complex values)."""
    a = np.asarray(_raw(a))
    return a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)


def _leaf(a: Any) -> Tensor:
    t = _from_array(np.array(_precise(a)))
    t.requires_grad_(True)
    return t


def _inner(a: Any, b: Any) -> float:
    # Re sum(a * b), without conjugation: the pairing under which funcgrad's VJP is the
    # transpose of its JVP for complex values too (JAX's convention).
    return float(np.real(np.sum(_precise(a) * _precise(b))))


def _random_like(rng: np.random.Generator, value: Any) -> Array:
    shape, kind = np.shape(_raw(value)), np.asarray(_raw(value)).dtype.kind
    r = rng.standard_normal(shape)
    return r + 1j * rng.standard_normal(shape) if kind == "c" else r


def _numeric_directional(f: Callable[..., Any], xs: Sequence[Array], vs: Sequence[Array],
                         eps: float) -> Array:
    plus = f(*[_from_array(x + eps * v) for x, v in zip(xs, vs)])
    minus = f(*[_from_array(x - eps * v) for x, v in zip(xs, vs)])
    return (_precise(plus) - _precise(minus)) / (2 * eps)


def _compare(what: str, analytic: float, numeric: float, rtol: float, atol: float) -> None:
    if not np.isclose(analytic, numeric, rtol=rtol, atol=atol):
        raise GradientCheckError(
            f"{what}: analytic {analytic!r} but finite differences give {numeric!r} "
            f"(difference {abs(analytic - numeric):.3g})"
        )


def check_vjp(f: Callable[..., Any], args: Sequence[ArrayLike], *, eps: float = 1e-6, rtol: float = 1e-5,
              atol: float = 1e-6, rng: np.random.Generator | None = None,
              name: str = "f") -> Callable[..., tuple[Tensor, ...]]:
    """Check the reverse-mode derivative of ``f`` at ``args`` once; return it as a function.

    Returns ``vjp_fun(*xs)``: the gradient of ``<u, f(xs)>`` for the random ``u`` used, built
    with ``create_graph=True`` so it can be checked in turn (second order).
    """
    from .autograd.engine import grad as autograd_grad

    rng = rng or np.random.default_rng(0)
    xs = [_precise(a) for a in args]
    out = _raw(f(*[_leaf(x) for x in xs]))
    u = _random_like(rng, out)
    vs = [_random_like(rng, x) for x in xs]

    def vjp_fun(*inputs: Any) -> tuple[Tensor, ...]:
        leaves = [i if isinstance(i, Tensor) and i.requires_grad else _leaf(i) for i in inputs]
        y = f(*leaves)
        if not isinstance(y, Tensor) or not y.requires_grad:
            return tuple(_from_array(np.zeros(np.shape(_raw(i)))) for i in inputs)
        grads = autograd_grad(y, leaves, grad_outputs=_from_array(u), create_graph=True,
                              allow_unused=True)
        return tuple(_from_array(np.zeros(np.shape(_raw(i)))) if g is None else g
                     for g, i in zip(grads, inputs))

    grads = vjp_fun(*xs)
    analytic = sum(_inner(g, v) for g, v in zip(grads, vs))
    numeric = _inner(u, _numeric_directional(f, xs, vs, eps))
    _compare(f"VJP of {name}", analytic, numeric, rtol, atol)
    return vjp_fun


def check_grads(f: Callable[..., Any], args: Sequence[ArrayLike], order: int = 2, *, eps: float = 1e-6,
                rtol: float = 1e-5, atol: float = 1e-6, seed: int = 0, name: str | None = None) -> None:
    """Check reverse-mode derivatives of ``f`` up to ``order`` against finite differences.

    Parameters
    ----------
    f : callable
        A function of Tensors returning a Tensor (built from funcgrad operations).
    args : sequence of arrays
        The point to check at (converted to float64).
    order : int
        1 checks the gradient; 2 also the derivative of the gradient; and so on.

    Raises
    ------
    GradientCheckError
        When a derivative disagrees with finite differences.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg
    >>> from funcgrad.testing import check_grads
    >>> check_grads(lambda x: (x.sin() * x).sum(), [np.array([0.5, 1.0])], order=3)
    """
    rng = np.random.default_rng(seed)
    name = name or getattr(f, "__name__", "f")
    fun = f
    for k in range(1, order + 1):
        vjp_fun = check_vjp(fun, args, eps=eps, rtol=rtol, atol=atol, rng=rng, name=f"{name} (order {k})")
        fun = _sum_of_outputs(vjp_fun, rng, [np.shape(_raw(a)) for a in args])


def _sum_of_outputs(vjp_fun: Callable[..., tuple[Tensor, ...]], rng: np.random.Generator,
                    shapes: Sequence[Shape]) -> Callable[..., Any]:
    """A one-output function from a tuple-valued one: a random projection of its outputs."""
    from .ops import add, mul, reshape, cat

    weights = [rng.standard_normal(s) for s in shapes]

    def projected(*xs: Any) -> Any:
        grads = vjp_fun(*xs)
        parts = [reshape(mul(g, w), (-1,)) for g, w in zip(grads, weights)]
        return cat(tuple(parts), 0)

    return projected


# ---- primitives: the rules themselves ---------------------------------------------------


def _sample_args(prim: Primitive, sample: Sample, rng: np.random.Generator
                 ) -> tuple[list[Array], list[int], Callable[..., tuple[Any, ...]]]:
    """The sample's random float64 inputs (to differentiate) and a builder of full args."""
    diff = sample.draw(rng)
    positions = [i for i, spec in enumerate(sample.args) if isinstance(spec, tuple)]

    def build(*xs: Any) -> tuple[Any, ...]:
        inputs: list[Any] = []
        it = iter(xs)
        for spec in sample.args:
            inputs.append(next(it) if isinstance(spec, tuple) else spec.value)
        if prim.nin < 0:
            return (tuple(inputs),) + sample.params
        return tuple(inputs) + sample.params

    return diff, positions, build


def _rule_inputs(prim: Primitive, args: Sequence[Any]) -> list[Any]:
    return list(args[0]) if prim.nin < 0 else list(args[: prim.nin])


def _saved_for_rule(prim: Primitive, args: Sequence[Any], ans: Any) -> tuple[tuple[Any, ...], Any]:
    """The arguments a VJP rule receives, as the tape would save them."""
    inputs = _rule_inputs(prim, args)
    params = args[1:] if prim.nin < 0 else args[prim.nin :]
    codes = prim.save * len(inputs) if prim.nin < 0 else prim.save
    saved: list[Any] = []
    for a, code in zip(inputs, codes):
        saved.append(a if code in "vx" else (np.shape(_raw(a)) if code == "s" else None))
    if prim.nin < 0:
        return (tuple(saved),) + tuple(params), (ans if prim.save_output else None)
    return tuple(saved) + tuple(params), (ans if prim.save_output else None)


def _vjp_rule(prim: Primitive, g: Any, args: Sequence[Any], ans: Any, needs: tuple[bool, ...]) -> tuple[Any, ...]:
    from .ops.reduce import sum_to_shape

    saved, ans_saved = _saved_for_rule(prim, args, ans)
    assert prim.vjp is not None, f"primitive {prim.name!r} has no VJP rule"
    grads: tuple[Any, ...] = prim.vjp(g, needs, ans_saved, *saved)
    if prim.broadcasts:
        inputs = _rule_inputs(prim, args)
        out_ndim = max(np.ndim(_raw(a)) for a in inputs)
        nb = np.ndim(_raw(g)) - out_ndim
        grads = tuple(
            None if ct is None else sum_to_shape(ct, np.shape(_raw(a)), nb)
            for ct, a in zip(grads, inputs)
        )
    return grads


def _broadcast_tangent(t: Any, out_shape: Shape, nb_shape: Shape) -> Array:
    if t is None:
        return np.zeros(nb_shape + out_shape)
    t = _precise(t)
    return np.broadcast_to(t, nb_shape + out_shape) if t.shape != nb_shape + out_shape else t


def check_primitive(prim: Primitive, sample: Sample, *, eps: float | None = None, rtol: float | None = None,
                    atol: float = 1e-6, seed: int = 0, batch: int = 3) -> None:
    """Check a primitive's VJP and JVP rules on one sample, to second order.

    Checks (all in float64, against central finite differences): the VJP through the tape
    (``backward``), and its derivative; the JVP rule, and its derivative; and that a leading
    batch of cotangents (VJP) and of tangents (JVP) gives, row by row, the unbatched results.
    """
    eps = sample.eps if eps is None else eps
    rtol = sample.rtol if rtol is None else rtol
    rng = np.random.default_rng(seed)
    xs, positions, build = _sample_args(prim, sample, rng)
    if not xs:
        return
    name = prim.name

    def f(*inputs: Any) -> Any:
        return prim(*build(*inputs))

    # Reverse mode through the tape, to second order.
    check_grads(f, xs, order=2, eps=eps, rtol=rtol, atol=atol, seed=seed, name=name)

    # The JVP rule, against finite differences.
    def needs_mask() -> tuple[bool, ...]:
        inputs = _rule_inputs(prim, build(*xs))
        mask = [False] * len(inputs)
        for p in positions:
            mask[p] = True
        return tuple(mask)

    needs = needs_mask()

    def tangents_for(vs: Sequence[Any]) -> tuple[Any, ...]:
        full: list[Any] = [None] * len(needs)
        for p, v in zip(positions, vs):
            full[p] = v
        return tuple(full)

    args = build(*xs)
    ans = np.asarray(prim(*args))
    vs = [_random_like(rng, x) for x in xs]
    jv = _broadcast_tangent(apply_jvp(prim, tangents_for(vs), ans, args), ans.shape, ())
    numeric = _numeric_directional(f, xs, vs, eps)
    u = _random_like(rng, ans)
    _compare(f"JVP of {name}", _inner(u, jv), _inner(u, numeric), rtol, atol)

    # The JVP rule's own derivative (it is written in primitives, so it records).
    def jvp_as_function(*inputs: Any) -> Any:
        a = build(*inputs)
        out = prim(*a)
        tangent = apply_jvp(prim, tangents_for(vs), out, a)
        # A zero tangent (None) is the constant zero: its derivative is checked as such.
        return _from_array(np.zeros(np.shape(_raw(out)))) if tangent is None else tangent

    check_grads(jvp_as_function, xs, order=1, eps=eps, rtol=rtol, atol=atol, seed=seed + 1,
                name=f"JVP rule of {name}")

    # Batches: a stack of cotangents / tangents gives the stack of the single results.
    us = np.stack([_random_like(rng, ans) for _ in range(batch)])
    batched = _vjp_rule(prim, us, args, ans, needs)
    for b in range(batch):
        single = _vjp_rule(prim, us[b], args, ans, needs)
        for p in positions:
            if batched[p] is None or single[p] is None:  # zero is nothing: both or neither
                if (batched[p] is None) != (single[p] is None):
                    raise GradientCheckError(f"VJP of {name}: batched and unbatched disagree on a zero gradient")
                continue
            got = np.asarray(_raw(batched[p]))[b]
            want = np.asarray(_raw(single[p]))
            if not np.allclose(got, want, rtol=1e-10, atol=1e-12):
                raise GradientCheckError(f"VJP of {name}: batched cotangent row {b} differs from unbatched")
    tangent_batch = [np.stack([_random_like(rng, x) for _ in range(batch)]) for x in xs]
    batched_t = _broadcast_tangent(apply_jvp(prim, tangents_for(tangent_batch), ans, args), ans.shape, (batch,))
    for b in range(batch):
        single = _broadcast_tangent(apply_jvp(prim, tangents_for([t[b] for t in tangent_batch]), ans, args), ans.shape, ())
        if not np.allclose(batched_t[b], single, rtol=1e-10, atol=1e-12):
            raise GradientCheckError(f"JVP of {name}: batched tangent row {b} differs from unbatched")
