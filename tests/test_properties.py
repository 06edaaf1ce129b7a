"""Property-based tests (hypothesis) over the primitive registry.

Every differentiable primitive in ``funcgrad.ops.REGISTRY`` belongs to exactly one family,
which says how its inputs are drawn:

* **unary elementwise** (``UNARY``): any shape (0-d and empty included), values drawn by
  hypothesis inside the domain ``[low, high]`` of one of the primitive's samples (whose
  params it also takes);
* **binary broadcasting** (``BINARY``: ``nin == 2`` and ``prim.broadcasts``, less
  ``BINARY_ONLY_AS_SAMPLES``): two mutually broadcastable shapes
  (``hypothesis.extra.numpy.mutually_broadcastable_shapes``, 0-d and empty included),
  values drawn by hypothesis inside a sample's domain;
* **samples** (everything else, and the samples of binary primitives with a constant input):
  the registry's own ``Sample`` (shapes and params known valid), drawn with
  ``sample.draw(rng)`` from a hypothesis-drawn seed, so ``low``/``high``/``make`` hold.

Every case then varies the precision (float32 / float64; complex64 / complex128 for complex
samples) and the memory layout of each input: the same values as a transposed (reversed
strides) array, a slice with step 2, a negative-stride view, both at once, or (elementwise
families only) a broadcast view with a zero stride. Directions ``v`` (one per input) and the
output cotangent ``u`` come from a hypothesis-drawn seed.

The properties (one test each, per primitive):

1. ``test_vjp_is_the_transpose_of_the_jvp``: ``<u, J v>`` from the JVP rule
   (``apply_jvp``) and from ``fg.jvp`` equals ``<J^T u, v>`` from ``fg.vjp``.
2. ``test_rules_match_finite_differences``: both agree with central differences computed in
   double precision on the double-precision copy of the (possibly float32) inputs.
3. ``test_backward_matches_grad``: ``Tensor.backward`` and ``fg.grad`` on
   ``sum(f(x) * u)`` give the same gradients.
4. ``test_gradients_are_linear``: the gradient of ``sum(f(x) * u) + sum(sin(x) * w)`` is
   the sum of the two gradients; backward twice (retained graph) and once more on a fresh
   graph accumulates 2 and then 3 times the gradient into ``.grad``.
5. ``test_gradients_have_their_inputs_dtypes``: every gradient (``.grad``, ``fg.grad``,
   ``fg.vjp``) has its input's dtype (float32 leaves get float32 gradients), and
   ``fg.jvp``'s tangent has the output's dtype;
   ``test_noncontiguous_inputs_match_contiguous_copies``: non-contiguous inputs give the same
   output, gradients and tangents as their contiguous copies, and are not written to.

The pairing is ``<a, b> = Re sum(a * b)`` (no conjugation), under which funcgrad's VJP is the
transpose of its JVP for complex values too (docs/complex.md).

Settings: a registered hypothesis profile, derandomized (a fixed seed in CI), no deadline, no
example database; ``FUNCGRAD_PROPERTY_EXAMPLES=N`` sets ``max_examples`` per test for a longer
run (default ``DEFAULT_EXAMPLES``).
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import funcgrad as fg
from funcgrad.ops import REGISTRY
from funcgrad.ops._primitive import apply_jvp

# =========================================================================================
# The tables: families, and every variation a primitive is excluded from (with the reason)
# =========================================================================================

# Unary primitives that act elementwise (output shape == input shape, each output element a
# function of the same input element): they take any shape. Listed by hand so that a new
# primitive lands in the sample family (always valid) until someone classifies it.
UNARY = (
    "abs", "alias", "angle", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctanh",
    "cbrt", "ceil", "clamp", "clone", "conj", "cos", "cosh", "erf", "erfc", "exp", "exp2",
    "expm1", "fill",
    "floor", "imag", "log", "log10", "log1p", "log2", "neg", "real", "real_part",
    "reciprocal", "relu", "round", "sgn", "sigmoid", "sign", "sin", "sinc", "sinh", "spacing",
    "sqrt", "tan", "tanh", "to_copy", "trunc",
)

# Binary broadcasting primitives that the binary family cannot draw (they go to the sample
# family, which varies dtype and layout on their samples).
BINARY_ONLY_AS_SAMPLES = {
    "copy": "copy(dst, src): src broadcasts to dst's shape one way only, not mutually",
    "ldexp": "the second input is an integer exponent (a Const), not a float array",
}

# Samples of the unary family carry a ``make`` that is no domain constraint: the unary family
# uses their (low, high, params) with hypothesis-drawn values (which include the points make
# would place). A unary primitive with any other ``make`` fails test_families_are_complete.
UNARY_MAKE_IS_NOT_A_DOMAIN = {
    "sinc": "make (_near_zero) only moves two points to / near 0, which hypothesis draws",
}

# Params that encode the input's dtype, rewritten for the drawn precision.
PARAMS_FOR_DTYPE = {
    # to_copy(x, dtype, source_dtype): the source is the drawn dtype; the target the other
    # precision (float32 <-> float64), so every draw is a real conversion.
    "to_copy": lambda params, dtype: (
        np.float64 if np.dtype(dtype) == np.float32 else np.float32, np.dtype(dtype).type),
}

# Singular points: where the function or its derivative is undefined (division by zero), for
# every property. Values there are moved ``MARGIN`` away (see _away). (primitive -> {input index:
# (part, nearest singular point)}); part "re" / "im" of a complex input, "x" of a real one.
MARGIN = 1e-3
_ZERO = lambda a: np.zeros_like(a)  # noqa: E731
SINGULAR = {
    "abs": {0: ("re", _ZERO)},    # complex |z| at z = 0 (the real abs at 0 has gradient 0)
    "sgn": {0: ("re", _ZERO)},    # z / |z| at z = 0
    "angle": {0: ("re", _ZERO)},  # complex arg z at z = 0
    "arctan2": {0: ("x", _ZERO)},  # (0, 0)
    "hypot": {0: ("x", _ZERO)},    # (0, 0)
    "floor_divide": {1: ("x", _ZERO)},  # x1 // 0 is inf or nan (the sample's domain has 0)
}

# Kinks and jumps: points where the function is not differentiable (or not continuous),
# moved off for the finite-difference property only (the other properties hold there: they
# compare funcgrad's rules with each other, e.g. VJP and JVP must agree on maximum's ties).
_INTEGERS = np.round
_HALF_INTEGERS = lambda a: np.floor(a) + 0.5  # noqa: E731  (np.round rounds half to even)
FD_KINKS = {
    "abs": {0: ("x", _ZERO)},
    "relu": {0: ("x", _ZERO)},
    "sign": {0: ("x", _ZERO)},
    "ceil": {0: ("x", _INTEGERS)},
    "floor": {0: ("x", _INTEGERS)},
    "trunc": {0: ("x", _INTEGERS)},
    "round": {0: ("x", _HALF_INTEGERS)},
    "angle": {0: ("x", _ZERO)},  # real: arg jumps from pi to 0 at 0; complex: see below
    "copysign": {0: ("x", _ZERO), 1: ("x", _ZERO)},  # |x1| at 0; the sign of x2 jumps at 0
    "heaviside": {0: ("x", _ZERO)},
}
# angle of a complex input jumps across the negative real axis (its branch cut).
FD_KINKS_COMPLEX = {"angle": {0: ("im", _ZERO)}}
# clamp(x, lo, hi): kinks at its bounds (params).
FD_KINK_BOUNDS = {"clamp"}
# Binary primitives with a kink or jump where x1 == x2: the finite-difference property draws
# x1 and x2 on two interleaved lattices (x1 = k L + L/4, x2 = k L + 3L/4), never closer than
# L/2 to each other.
FD_APART = {
    "maximum", "minimum", "fmax", "fmin",
    "nextafter",   # nextafter(x1, x2) jumps (in x2) when x2 crosses x1
    "fmod", "remainder",  # on [0.6, 0.9]^2 the only integer x1 / x2 is 1, i.e. x1 == x2
    "floor_divide",  # the same, on the narrowed domain below
}
# Finite differences on a narrower domain than the sample's.
FD_DOMAIN = {
    # floor(x1 / x2) jumps wherever x1 / x2 is an integer, which on the sample's [-2, 2]^2 is
    # a dense set near x2 = 0; on [0.6, 0.9]^2 with x1 != x2 no integer is reachable.
    "floor_divide": (0.6, 0.9),
}
LATTICE = 4 * MARGIN

# Layouts. Each is the same values in different memory.
LAYOUTS = ("contiguous", "transposed", "strided", "reversed", "mixed", "broadcast")
NONCONTIGUOUS = LAYOUTS[1:]
# The sample family takes every layout but "broadcast": a zero-stride view repeats values,
# which would change the sample's point (its make, and the distinct values that max-like,
# sort-like and decomposition primitives need to be differentiable).
SAMPLE_LAYOUTS = LAYOUTS[:-1]

# Samples whose differentiable inputs all have at most one element: no layout of them is
# non-contiguous, so test_noncontiguous_inputs_match_contiguous_copies does not run on them
# (every other property does). Checked against the registry by test_families_are_complete.
NOT_STRIDABLE_SAMPLES = {
    ("amax", 3): "one 0-d input",
    ("amin", 3): "one 0-d input",
    ("expand", 1): "one 0-d input",
    ("irfftn", 4): "one (1,) input",
    ("ldexp", 1): "one 0-d input (and a Const)",
    ("mean", 3): "one 0-d input",
    ("prod", 3): "one 0-d input",
    ("rfftn", 4): "one (1,) input",
    ("sum", 3): "one 0-d input",
    ("view", 2): "one 0-d input",
}

# Precisions drawn per kind of sample dtype.
PRECISIONS = {"f": (np.float32, np.float64), "c": (np.complex64, np.complex128)}

# Tolerances, relative to the scale of the quantities compared (see _assert_inner_close and
# _assert_arrays_close); single precision (float32, complex64) and double.
TOL_ADJOINT = {"single": 2e-4, "double": 1e-9}   # property 1: two rules, one precision
TOL_FD_SINGLE = 2e-3  # property 2 in single precision (double: the sample's rtol)
TOL_SAME = {"single": 1e-5, "double": 1e-11}     # properties 3-5: one computation, two routes

# =========================================================================================
# Settings
# =========================================================================================

DEFAULT_EXAMPLES = 8
_EXAMPLES = int(os.environ.get("FUNCGRAD_PROPERTY_EXAMPLES", DEFAULT_EXAMPLES))
settings.register_profile(
    "funcgrad-properties",
    max_examples=_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile("funcgrad-properties")

# =========================================================================================
# Families
# =========================================================================================

DIFFERENTIABLE = sorted(name for name, p in REGISTRY.items() if p.differentiable)
BINARY = tuple(
    name for name in DIFFERENTIABLE
    if REGISTRY[name].nin == 2 and REGISTRY[name].broadcasts and name not in BINARY_ONLY_AS_SAMPLES
)


def _all_shapes(sample):
    return all(isinstance(spec, tuple) for spec in sample.args)


def _unary_domains(name):
    """(kind, low, high, params, eps, rtol) of each of the primitive's samples."""
    return [(s.dtype.kind, s.low, s.high, s.params, s.eps, s.rtol) for s in REGISTRY[name].samples]


def _binary_domains(name):
    """Samples with two differentiable inputs; those with a Const go to the sample family."""
    return [(s.dtype.kind, s.low, s.high, s.params, s.eps, s.rtol)
            for s in REGISTRY[name].samples if _all_shapes(s)]


# The sample family: (name, sample index).
SAMPLE_CASES = [
    (name, k)
    for name in DIFFERENTIABLE if name not in UNARY and name not in BINARY
    for k in range(len(REGISTRY[name].samples))
] + [
    (name, k)
    for name in BINARY
    for k, s in enumerate(REGISTRY[name].samples) if not _all_shapes(s)
]

# =========================================================================================
# Cases
# =========================================================================================


def _single(dtype) -> bool:
    return np.dtype(dtype) in (np.dtype(np.float32), np.dtype(np.complex64))


def _case_precision(case, out) -> str:
    """Single when an input or the output is single precision (to_copy: either)."""
    return "single" if _single(case.dtype) or _single(out.dtype) else "double"


def _real_dtype(dtype):
    return np.float32 if _single(dtype) else np.float64


def _hi(a):
    """``a`` in double precision (complex128 for complex values)."""
    a = np.asarray(a)
    return a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)


class Case:
    """One primitive call: the inputs (in their drawn dtype and layout), params, directions."""

    def __init__(self, name, params, specs, xs, layouts, dtype, seed, eps, rtol, origin):
        self.name = name
        self.prim = REGISTRY[name]
        self.params = tuple(params)
        self.specs = specs  # per rule input: None (differentiable, next of xs) or a Const
        self.xs = xs
        self.layouts = layouts
        self.dtype = np.dtype(dtype)
        self.seed = seed
        self.eps = eps
        self.rtol = rtol
        self.origin = origin

    def build(self, xs):
        it = iter(xs)
        inputs = [next(it) if spec is None else spec.value for spec in self.specs]
        if self.prim.nin < 0:
            return (tuple(inputs),) + self.params
        return tuple(inputs) + self.params

    def f(self, *xs):
        return self.prim(*self.build(xs))

    def tangents(self, vs):
        it = iter(vs)
        return tuple(next(it) if spec is None else None for spec in self.specs)

    def contiguous(self):
        """The same case with every input a C-contiguous copy."""
        xs = [np.array(x, order="C") for x in self.xs]  # (ascontiguousarray makes 0-d 1-d)
        return Case(self.name, self.params, self.specs, xs, ["contiguous"] * len(xs),
                    self.dtype, self.seed, self.eps, self.rtol, self.origin)

    def __repr__(self):
        lines = [f"Case({self.name}, {self.origin}, params={self.params!r}, dtype={self.dtype}, "
                 f"seed={self.seed}"]
        it = iter(zip(self.xs, self.layouts))
        for i, spec in enumerate(self.specs):
            if spec is not None:
                lines.append(f"  input {i}: {spec!r}")
                continue
            x, layout = next(it)
            lines.append(f"  input {i}: shape={x.shape} layout={layout} strides={x.strides} "
                         f"values={np.array2string(x, precision=17, threshold=64)}")
        return "\n".join(lines) + ")"


def _representable(low, high, dtype):
    """[low, high] shrunk to values exactly representable in ``dtype`` (hypothesis asks)."""
    lo, hi = np.asarray(low, dtype), np.asarray(high, dtype)
    if float(lo) < low:
        lo = np.nextafter(lo, dtype(np.inf))
    if float(hi) > high:
        hi = np.nextafter(hi, dtype(-np.inf))
    return float(lo), float(hi)


def _elements(real_dtype, low, high):
    lo, hi = _representable(low, high, real_dtype)
    width = 32 if real_dtype == np.float32 else 64
    return st.floats(lo, hi, width=width, allow_nan=False, allow_infinity=False)


@st.composite
def _values(draw, shape, dtype, low, high):
    """An array of ``shape`` and ``dtype`` with (real and imaginary) parts in [low, high]."""
    real = _real_dtype(dtype)
    re = draw(hnp.arrays(real, shape, elements=_elements(real, low, high)))
    if np.dtype(dtype).kind != "c":
        return re
    im = draw(hnp.arrays(real, shape, elements=_elements(real, low, high)))
    return (re + 1j * im).astype(dtype)


def _broadcast_base(shape):
    """For the broadcast layout: ``shape`` with its first axis longer than 1 set to 1."""
    for axis, n in enumerate(shape):
        if n > 1:
            return shape[:axis] + (1,) + shape[axis + 1:]
    return shape


def _relayout(a, layout):
    """The values of ``a`` in the memory layout ``layout`` (a view where it is not
    contiguous). "broadcast" expects ``a`` already a zero-stride view (see _broadcast_base)."""
    a = np.asarray(a)
    if a.ndim == 0:  # a 0-d array has one layout
        return np.array(a)
    if layout in ("contiguous", "broadcast"):
        return a if layout == "broadcast" else np.ascontiguousarray(a)
    if layout == "transposed":  # reversed strides: the transpose of a C-contiguous array
        return np.ascontiguousarray(a.T).T
    steps = 2 if layout in ("strided", "mixed") else 1
    sign = -1 if layout in ("reversed", "mixed") else 1
    if layout == "mixed":  # every trick at once: transposed, step 2, negative strides
        buf = np.empty(tuple(steps * n for n in reversed(a.shape)), a.dtype)
        view = buf[(slice(None, None, sign * steps),) * a.ndim].T
    else:
        buf = np.empty(tuple(steps * n for n in a.shape), a.dtype)
        view = buf[(slice(None, None, sign * steps),) * a.ndim]
    view[...] = a
    return view


def _away(a, part, points, low, high):
    """``a`` with each element (or its real / imaginary part) closer than MARGIN to the
    nearest of ``points`` moved to that point +- MARGIN (inside [low, high])."""
    if part == "im" and a.dtype.kind != "c":
        return a
    if part == "x" and a.dtype.kind == "c":
        return a
    complex_ = a.dtype.kind == "c"
    re, im = (np.real(a), np.imag(a)) if complex_ else (a, None)
    t = _hi(im if part == "im" else re)
    p = points(t)
    d = t - p
    moved = p + np.where(d >= 0, MARGIN, -MARGIN)
    moved = np.where(moved > high, p - MARGIN, np.where(moved < low, p + MARGIN, moved))
    t = np.where(np.abs(d) < MARGIN, moved, t)
    if not complex_:
        return t.astype(a.dtype)
    re, im = (_hi(re), t) if part == "im" else (t, _hi(im))
    return (re + 1j * im).astype(a.dtype)


def _on_lattice(a, offset, low, high):
    """Each element moved to the lattice point ``k L + offset L`` at or above its floor."""
    t = _hi(a)
    t = LATTICE * np.floor(t / LATTICE) + offset * LATTICE
    t = np.where(t > high, t - LATTICE, np.where(t < low, t + LATTICE, t))
    return t.astype(a.dtype)


def _repair(name, xs, low, high, params, fd):
    """Move the drawn values off singular points (always) and kinks (``fd``)."""
    xs = list(xs)
    tables = [SINGULAR]
    if fd:
        tables += [FD_KINKS, FD_KINKS_COMPLEX]
    for table in tables:
        for i, (part, points) in table.get(name, {}).items():
            xs[i] = _away(xs[i], part, points, low, high)
    if fd and name in FD_KINK_BOUNDS:
        for bound in params[:2]:
            if bound is not None:
                xs[0] = _away(xs[0], "x", lambda t, b=bound: np.full_like(t, b), low, high)
    if fd and name in FD_APART:
        xs[0] = _on_lattice(xs[0], 0.25, low, high)
        xs[1] = _on_lattice(xs[1], 0.75, low, high)
    return xs


_seeds = st.integers(0, 2**32 - 1)


@st.composite
def unary_cases(draw, name, fd=False, layouts=LAYOUTS, min_side=0, min_dims=0):
    k = draw(st.integers(0, len(REGISTRY[name].samples) - 1))
    kind, low, high, params, eps, rtol = _unary_domains(name)[k]
    dtype = draw(st.sampled_from(PRECISIONS[kind]))
    if name in PARAMS_FOR_DTYPE:
        params = PARAMS_FOR_DTYPE[name](params, dtype)
    layout = draw(st.sampled_from(layouts))
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=4, min_side=min_side, max_side=4))
    base = _broadcast_base(shape) if layout == "broadcast" else shape
    x = draw(_values(base, dtype, low, high))
    (x,) = _repair(name, [x], low, high, params, fd)
    x = np.broadcast_to(x, shape) if layout == "broadcast" else _relayout(x, layout)
    return Case(name, params, [None], [x], [layout], dtype, draw(_seeds), eps, rtol,
                origin=f"unary family, sample {k}'s domain [{low}, {high}]")


@st.composite
def binary_cases(draw, name, fd=False, layouts=LAYOUTS, min_side=0, min_dims=0):
    domains = _binary_domains(name)
    k = draw(st.integers(0, len(domains) - 1))
    kind, low, high, params, eps, rtol = domains[k]
    if fd and name in FD_DOMAIN:
        low, high = FD_DOMAIN[name]
    dtype = draw(st.sampled_from(PRECISIONS[kind]))
    shapes = draw(hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=min_dims, max_dims=4, min_side=min_side, max_side=4)).input_shapes
    chosen = [draw(st.sampled_from(layouts)) for _ in shapes]
    bases = [_broadcast_base(s) if lay == "broadcast" else s for s, lay in zip(shapes, chosen)]
    xs = [draw(_values(b, dtype, low, high)) for b in bases]
    xs = _repair(name, xs, low, high, params, fd)
    xs = [np.broadcast_to(x, s) if lay == "broadcast" else _relayout(x, lay)
          for x, s, lay in zip(xs, shapes, chosen)]
    return Case(name, params, [None, None], xs, chosen, dtype, draw(_seeds), eps, rtol,
                origin=f"binary family, domain [{low}, {high}]")


@st.composite
def sample_cases(draw, name, k, layouts=SAMPLE_LAYOUTS):
    sample = REGISTRY[name].samples[k]
    dtype = draw(st.sampled_from(PRECISIONS[sample.dtype.kind]))
    params = sample.params
    if name in PARAMS_FOR_DTYPE:
        params = PARAMS_FOR_DTYPE[name](params, dtype)
    seed = draw(_seeds)
    values = sample.draw(np.random.default_rng(seed))
    chosen = [draw(st.sampled_from(layouts)) for _ in values]
    xs = [_relayout(np.asarray(v).astype(dtype), lay) for v, lay in zip(values, chosen)]
    specs = [None if isinstance(spec, tuple) else spec for spec in sample.args]
    return Case(name, params, specs, xs, chosen, dtype, draw(_seeds), sample.eps, sample.rtol,
                origin=f"sample {k} {sample!r} drawn with seed {seed}")


def cases(family, key, **options):
    if family == "unary":
        return unary_cases(key, **options)
    if family == "binary":
        return binary_cases(key, **options)
    # A sample's shapes are fixed, and its values are continuous random draws (a kink is hit
    # with probability zero), so the sample family takes only the layouts.
    for option in ("fd", "min_side", "min_dims"):
        options.pop(option, None)
    return sample_cases(*key, **options)


PARAMS = (
    [pytest.param("unary", name, id=f"unary-{name}") for name in UNARY]
    + [pytest.param("binary", name, id=f"binary-{name}") for name in BINARY]
    + [pytest.param("sample", (name, k), id=f"sample-{name}-{k}") for name, k in SAMPLE_CASES]
)

# =========================================================================================
# Helpers: directions, the three routes to a derivative, comparisons
# =========================================================================================


def _random(rng, shape, dtype):
    r = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        r = r + 1j * rng.standard_normal(shape)
    return np.asarray(r).astype(dtype)


def _output(case, xs=None):
    return np.asarray(case.f(*(case.xs if xs is None else xs)))


def _directions(case, out):
    """Input directions v (one per differentiable input) and an output cotangent u."""
    rng = np.random.default_rng(case.seed)
    vs = [_random(rng, x.shape, x.dtype) for x in case.xs]
    u = _random(rng, out.shape, out.dtype)
    return vs, u


def _jvp_rule(case, xs, vs, out):
    """J v by the primitive's JVP rule, broadcast to the output's shape."""
    t = apply_jvp(case.prim, case.tangents(vs), out, case.build(xs))
    if t is None:
        return np.zeros(out.shape, out.dtype)
    t = np.asarray(t.numpy() if isinstance(t, fg.Tensor) else t)
    assert np.broadcast_shapes(t.shape, out.shape) == out.shape, (
        f"the JVP rule returned shape {t.shape}, which does not broadcast to the output's "
        f"{out.shape}")
    return np.broadcast_to(t, out.shape)


def _leaves(xs):
    return [fg.from_numpy(x).requires_grad_() for x in xs]


def _grads(leaves, xs):
    """Each leaf's .grad as an array (zeros where funcgrad left it None: no gradient)."""
    return [np.zeros(x.shape, x.dtype) if t.grad is None else t.grad.numpy()
            for t, x in zip(leaves, xs)]


def _pair_tensor(out, u):
    """Re sum(out * u) as a recorded scalar."""
    s = REGISTRY["sum"](REGISTRY["mul"](out, u), None, False)
    value = s.detach().numpy() if isinstance(s, fg.Tensor) else s
    return REGISTRY["real"](s) if np.iscomplexobj(value) else s


def _backward(case, xs, u):
    leaves = _leaves(xs)
    out = case.f(*leaves)
    out.backward(fg.from_numpy(np.asarray(u)))
    return leaves, _grads(leaves, xs)


def _pair(a, b) -> float:
    return float(np.real(np.sum(_hi(a) * _hi(b))))


def _abs_pair(a, b) -> float:
    return float(np.sum(np.abs(_hi(a)) * np.abs(_hi(b))))


def _assert_inner_close(what, got, want, scale, rtol, case, atol=1e-12):
    """|got - want| <= rtol * scale + atol, where ``scale`` is a sum of absolute terms of the
    inner products (so cancellation does not make the check meaninglessly tight)."""
    if not abs(got - want) <= rtol * scale + atol:
        raise AssertionError(
            f"{what}: {got!r} != {want!r} (difference {abs(got - want):.3g}, allowed "
            f"{rtol * scale + atol:.3g} = {rtol:g} * scale {scale:.3g} + {atol:g})\n{case!r}")


def _assert_arrays_close(what, got, want, rtol, case):
    """Normwise: max |got - want| <= rtol * max(|got|, |want|) (both arrays the same shape),
    over the finite entries; a nan or inf must be the same nan or inf in both."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}\n{case!r}"
    g, w = _hi(got), _hi(want)
    finite = np.isfinite(g) & np.isfinite(w)
    np.testing.assert_array_equal(np.where(finite, 0, g), np.where(finite, 0, w),
                                  err_msg=f"{what}: non-finite entries differ\n{case!r}")
    if not finite.any():
        return
    g, w = g[finite], w[finite]
    err = float(np.max(np.abs(g - w)))
    ref = max(float(np.max(np.abs(g))), float(np.max(np.abs(w))))
    if not err <= rtol * ref + 1e-300:
        raise AssertionError(
            f"{what}: max difference {err:.3g} > {rtol:g} * max {ref:.3g}\n"
            f"got  {got!r}\nwant {want!r}\n{case!r}")


# =========================================================================================
# The properties
# =========================================================================================


@pytest.mark.parametrize("family, key", PARAMS)
@PROFILE
@given(data=st.data())
def test_vjp_is_the_transpose_of_the_jvp(family, key, data):
    case = data.draw(cases(family, key), label="case")
    out = _output(case)
    vs, u = _directions(case, out)
    jv_rule = _jvp_rule(case, case.xs, vs, out)
    _, jv_forward = fg.jvp(case.f, tuple(case.xs), tuple(vs))
    _, pull = fg.vjp(case.f, *case.xs)
    cts = pull(u)
    for ct, x in zip(cts, case.xs):
        assert np.shape(ct) == x.shape, (
            f"fg.vjp: cotangent shape {np.shape(ct)} for an input of shape {x.shape}\n{case!r}")
    assert np.shape(jv_forward) == out.shape, (
        f"fg.jvp: tangent shape {np.shape(jv_forward)} for an output of shape {out.shape}\n"
        f"{case!r}")
    reverse = sum(_pair(ct, v) for ct, v in zip(cts, vs))
    scale = max(_abs_pair(u, jv_rule), sum(_abs_pair(ct, v) for ct, v in zip(cts, vs)))
    rtol = TOL_ADJOINT[_case_precision(case, out)]
    _assert_inner_close("<u, J v> (JVP rule) vs <J^T u, v> (fg.vjp)",
                        _pair(u, jv_rule), reverse, scale, rtol, case)
    _assert_inner_close("<u, J v> (fg.jvp) vs <J^T u, v> (fg.vjp)",
                        _pair(u, jv_forward), reverse, scale, rtol, case)


@pytest.mark.parametrize("family, key", PARAMS)
@PROFILE
@given(data=st.data())
def test_rules_match_finite_differences(family, key, data):
    case = data.draw(cases(family, key, fd=True), label="case")
    out = _output(case)
    vs, u = _directions(case, out)
    jv = _jvp_rule(case, case.xs, vs, out)
    _, cts = _backward(case, case.xs, u)
    # Central differences in double precision, on the double copy of the inputs (and the
    # same directions, exactly widened).
    xs64, vs64, eps = [_hi(x) for x in case.xs], [_hi(v) for v in vs], case.eps
    plus = _hi(case.f(*[x + eps * v for x, v in zip(xs64, vs64)]))
    minus = _hi(case.f(*[x - eps * v for x, v in zip(xs64, vs64)]))
    numeric = _pair(u, (plus - minus) / (2 * eps))
    scale = max(_abs_pair(u, jv), sum(_abs_pair(ct, v) for ct, v in zip(cts, vs)))
    single = _case_precision(case, out) == "single"
    rtol = max(TOL_FD_SINGLE, case.rtol) if single else case.rtol
    atol = 1e-6 if single else 1e-8
    _assert_inner_close("<u, J v> (JVP rule) vs finite differences", _pair(u, jv), numeric,
                        scale, rtol, case, atol)
    _assert_inner_close("<J^T u, v> (backward) vs finite differences",
                        sum(_pair(ct, v) for ct, v in zip(cts, vs)), numeric, scale, rtol,
                        case, atol)


@pytest.mark.parametrize("family, key", PARAMS)
@PROFILE
@given(data=st.data())
def test_backward_matches_grad(family, key, data):
    case = data.draw(cases(family, key), label="case")
    out = _output(case)
    _, u = _directions(case, out)

    def loss(*xs):
        return _pair_tensor(case.f(*xs), u)

    leaves = _leaves(case.xs)
    loss(*leaves).backward()
    by_backward = _grads(leaves, case.xs)
    by_grad = fg.grad(loss, argnums=tuple(range(len(case.xs))))(*case.xs)
    rtol = TOL_SAME[_case_precision(case, out)]
    for i, (a, b) in enumerate(zip(by_backward, by_grad)):
        _assert_arrays_close(f"input {i}: .grad after backward vs fg.grad", a, b, rtol, case)


@pytest.mark.parametrize("family, key", PARAMS)
@PROFILE
@given(data=st.data())
def test_gradients_are_linear(family, key, data):
    case = data.draw(cases(family, key), label="case")
    out = _output(case)
    _, u = _directions(case, out)
    rng = np.random.default_rng(case.seed + 1)
    ws = [_random(rng, x.shape, x.dtype) for x in case.xs]
    sin = REGISTRY["sin"]

    def first(*xs):
        return _pair_tensor(case.f(*xs), u)

    def second(*xs):
        total = None
        for x, w in zip(xs, ws):
            term = _pair_tensor(sin(x), w)
            total = term if total is None else total + term
        return total

    def grads_of(loss):
        leaves = _leaves(case.xs)
        loss(*leaves).backward()
        return _grads(leaves, case.xs)

    g1, g2 = grads_of(first), grads_of(second)
    both = grads_of(lambda *xs: first(*xs) + second(*xs))
    rtol = TOL_SAME[_case_precision(case, out)]
    for i, (a, b, c) in enumerate(zip(g1, g2, both)):
        _assert_arrays_close(f"input {i}: grad (f1 + f2) vs grad f1 + grad f2", c, a + b,
                             rtol * 4, case)

    # Accumulation into .grad: twice through a retained graph, then a fresh graph.
    leaves = _leaves(case.xs)
    y = first(*leaves)
    y.backward(retain_graph=True)
    once = [g.copy() for g in _grads(leaves, case.xs)]
    y.backward()
    for i, (g, g0) in enumerate(zip(_grads(leaves, case.xs), once)):
        _assert_arrays_close(f"input {i}: .grad after two backward calls vs twice one", g,
                             2 * g0, rtol, case)
    first(*leaves).backward()
    for i, (g, g0) in enumerate(zip(_grads(leaves, case.xs), once)):
        _assert_arrays_close(f"input {i}: .grad after three backward calls vs 3 times one",
                             g, 3 * g0, rtol, case)


@pytest.mark.parametrize("family, key", PARAMS)
@PROFILE
@given(data=st.data())
def test_gradients_have_their_inputs_dtypes(family, key, data):
    case = data.draw(cases(family, key), label="case")
    out = _output(case)
    vs, u = _directions(case, out)
    leaves, _ = _backward(case, case.xs, u)
    _, pull = fg.vjp(case.f, *case.xs)
    by_vjp = pull(u)
    by_grad = fg.grad(lambda *xs: _pair_tensor(case.f(*xs), u),
                      argnums=tuple(range(len(case.xs))))(*case.xs)
    for i, (t, x) in enumerate(zip(leaves, case.xs)):
        if t.grad is not None:  # None: no gradient reached the leaf (fill, copy's dst, ...)
            got = t.grad.numpy().dtype
            assert got == x.dtype, f"input {i}: .grad is {got} for a {x.dtype} leaf\n{case!r}"
        got = np.asarray(by_vjp[i]).dtype
        assert got == x.dtype, f"input {i}: fg.vjp gives {got} for a {x.dtype} input\n{case!r}"
        got = np.asarray(by_grad[i]).dtype
        assert got == x.dtype, f"input {i}: fg.grad gives {got} for a {x.dtype} input\n{case!r}"
    _, tangent = fg.jvp(case.f, tuple(case.xs), tuple(vs))
    got = np.asarray(tangent).dtype
    assert got == out.dtype, f"fg.jvp's tangent is {got} for a {out.dtype} output\n{case!r}"


PARAMS_STRIDABLE = [
    p for p in PARAMS if not (p.values[0] == "sample" and p.values[1] in NOT_STRIDABLE_SAMPLES)
]


@pytest.mark.parametrize("family, key", PARAMS_STRIDABLE)
@PROFILE
@given(data=st.data())
def test_noncontiguous_inputs_match_contiguous_copies(family, key, data):
    layouts = NONCONTIGUOUS if family != "sample" else SAMPLE_LAYOUTS[1:]

    case = data.draw(cases(family, key, layouts=layouts, min_side=1, min_dims=1), label="case")
    # A 0-d input, or one with a single element, has no other layout (binary family).
    assume(any(not x.flags.c_contiguous for x in case.xs))
    before = [x.copy() for x in case.xs]
    out = _output(case)
    vs, u = _directions(case, out)
    plain = case.contiguous()
    _, grads = _backward(case, case.xs, u)
    _, plain_grads = _backward(plain, plain.xs, u)
    _, tangent = fg.jvp(case.f, tuple(case.xs), tuple(vs))
    _, plain_tangent = fg.jvp(plain.f, tuple(plain.xs), tuple(vs))
    rtol = TOL_SAME[_case_precision(case, out)]
    _assert_arrays_close("the output for non-contiguous inputs vs contiguous copies'", out,
                         _output(plain), rtol, case)
    for i, (a, b) in enumerate(zip(grads, plain_grads)):
        _assert_arrays_close(f"input {i}: .grad for the {case.layouts[i]} input vs its "
                             "contiguous copy's", a, b, rtol, case)
    _assert_arrays_close("fg.jvp's tangent for non-contiguous inputs vs contiguous copies'",
                         tangent, plain_tangent, rtol, case)
    for i, (x, x0) in enumerate(zip(case.xs, before)):
        np.testing.assert_array_equal(x, x0, err_msg=f"input {i} was written to\n{case!r}")


# =========================================================================================
# The tables stay true
# =========================================================================================


def test_families_are_complete():
    """Every differentiable primitive has a family; the tables name real primitives and say
    true things about them."""
    covered = set(UNARY) | set(BINARY) | {name for name, _ in SAMPLE_CASES}
    assert covered == set(DIFFERENTIABLE)
    assert not set(UNARY) & set(BINARY)
    for name in UNARY:
        prim = REGISTRY[name]
        assert prim.nin == 1 and prim.differentiable, name
        for s in prim.samples:
            assert s.make is None or name in UNARY_MAKE_IS_NOT_A_DOMAIN, name
            x = np.full((2, 3), (s.low + s.high) / 2, s.dtype)
            params = s.params
            if name in PARAMS_FOR_DTYPE:
                params = PARAMS_FOR_DTYPE[name](params, s.dtype)
            assert np.shape(prim(x, *params)) == (2, 3), f"{name} is not elementwise"
    for name in BINARY:
        assert _binary_domains(name), f"{name} has no sample with two differentiable inputs"
    for table in (BINARY_ONLY_AS_SAMPLES, UNARY_MAKE_IS_NOT_A_DOMAIN, PARAMS_FOR_DTYPE,
                  SINGULAR, FD_KINKS, FD_KINKS_COMPLEX, FD_DOMAIN):
        assert set(table) <= set(DIFFERENTIABLE), table
    assert FD_KINK_BOUNDS | FD_APART <= set(DIFFERENTIABLE)
    unstridable = {
        (name, k) for name, k in SAMPLE_CASES
        if all(math.prod(spec) <= 1 for spec in REGISTRY[name].samples[k].args
               if isinstance(spec, tuple))
    }
    assert unstridable == set(NOT_STRIDABLE_SAMPLES), sorted(unstridable)
