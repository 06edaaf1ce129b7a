"""Primitives for products with NumPy's semantics (dot, vdot, inner, outer, tensordot, einsum,
kron, cross).

One primitive, ``einsum``, carries every contraction that is not already a ``matmul``:
tensordot, N-D dot and inner, outer and kron are einsums with particular labels. Its
subscripts are normalised once (:func:`parse_subscripts`) to integer labels: a tuple of
labels per operand and one for the output, ellipses expanded, implicit output made explicit.

The VJP for an operand is another einsum of the cotangent with the other operands:

* a batch of cotangents gets fresh labels in front, kept in the result;
* a label repeated in the operand (a diagonal, ``ii->i``) is written back onto the diagonal
  by an identity matrix among the einsum's operands (``delta(i, i')``);
* a label found only in the operand (summed away, ``ij->i``) is restored by broadcasting;
* a label of size 1 that broadcast against a larger one is summed and kept as a unit axis.

The JVP is the sum over operands of the einsum with that operand replaced by its tangent.
Complex operands follow JAX: the rules are transposes, with no conjugation.

The forward runs at BLAS speed: two operands with a contracted label become one ``matmul``
(their shared output labels as its batch, the rest folded into rows and columns), with no
contracted label a broadcast multiply; three or more are contracted pairwise in the order
``numpy.einsum_path`` finds (cached per shapes).
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..backend import namespace
from ..tensor import _shape_of as _shape  # a Tensor's, an array's or a number's shape
from ..tensor import _unwrap as _data  # a Tensor's array; anything else as is
from ._primitive import Const, Sample, defprimitive  # noqa: F401
from .elementwise import add
from .linalg import matmul
from .reduce import expand
from .shape import reshape

if TYPE_CHECKING:
    from typing_extensions import TypeAlias

    from .._typing import Array, Shape

    #: The integer labels of one operand's (or the output's) dimensions.
    Labels: TypeAlias = tuple[int, ...]

__all__ = ["einsum", "parse_subscripts", "conj"]

# NumPy's label order: sublist integers 0..25 are 'A'..'Z' and 26..51 are 'a'..'z', and the
# implicit output sorts labels in that (ASCII) order. Ellipsis dimensions get 52, 53, ...
_LETTERS = string.ascii_uppercase + string.ascii_lowercase
_LABEL = {c: i for i, c in enumerate(_LETTERS)}
_ELLIPSIS_BASE = len(_LETTERS)


# ---- subscripts -------------------------------------------------------------------------


def _parse_term(term: str, where: str) -> list[Any]:
    """One comma-separated term: a list of integer labels, with Ellipsis for ``...``."""
    out: list[Any] = []
    i = 0
    while i < len(term):
        c = term[i]
        if c == ".":
            if term[i : i + 3] != "..." or Ellipsis in out:
                raise ValueError(f"einsum: invalid ellipsis in the subscripts of {where}")
            out.append(Ellipsis)
            i += 3
            continue
        if c not in _LABEL:
            raise ValueError(
                f"einsum: invalid subscript {c!r} in {where}; subscripts are letters a-z, A-Z "
                f"and '...'"
            )
        out.append(_LABEL[c])
        i += 1
    return out


def _sublist(sub: Sequence[Any], where: str) -> list[Any]:
    out: list[Any] = []
    for s in sub:
        if s is Ellipsis:
            if Ellipsis in out:
                raise ValueError(f"einsum: more than one ellipsis in the sublist of {where}")
            out.append(Ellipsis)
        elif isinstance(s, (int, np.integer)) and not isinstance(s, bool) and 0 <= s < _ELLIPSIS_BASE:
            out.append(int(s))
        else:
            raise ValueError(
                f"einsum: sublist entries are integers in [0, 52) or Ellipsis; got {s!r} in {where}"
            )
    return out


def parse_subscripts(
    subscripts: str | Sequence[Sequence[Any]],
    shapes: Sequence[Shape],
    output: Sequence[Any] | None = None,
) -> tuple[tuple[Labels, ...], Labels]:
    """NumPy's einsum subscripts for operands of ``shapes`` as explicit integer labels.

    ``subscripts`` is NumPy's string (``"ij,jk->ik"``, implicit output, ``...``) or, for the
    sublist form, a sequence of per-operand sublists (then ``output`` is the output sublist or
    None). Returns ``(ins, out)``: a tuple of label tuples, one per operand, and the output's.

    Examples
    --------
    >>> parse_subscripts("ij,jk", [(2, 3), (3, 4)])
    (((34, 35), (35, 36)), (34, 36))
    """
    if isinstance(subscripts, str):
        spec = subscripts.replace(" ", "")
        if "->" in spec:
            lhs, rhs = spec.split("->", 1)
            if "-" in rhs or ">" in rhs:
                raise ValueError("einsum: the subscripts may contain '->' only once")
            out_terms = _parse_term(rhs, "the output")
        else:
            if "-" in spec or ">" in spec:
                raise ValueError("einsum: invalid '-' or '>' in the subscripts (use '->')")
            lhs, out_terms = spec, None
        terms = [_parse_term(t, f"operand {k}") for k, t in enumerate(lhs.split(","))]
    else:
        terms = [_sublist(s, f"operand {k}") for k, s in enumerate(subscripts)]
        out_terms = None if output is None else _sublist(output, "the output")
    if len(terms) != len(shapes):
        raise ValueError(
            f"einsum: the subscripts name {len(terms)} operand(s) but {len(shapes)} were given"
        )

    # Ellipsis dimensions align from the right and broadcast, as NumPy's do.
    n_ellipsis = 0
    for k, (term, shape) in enumerate(zip(terms, shapes)):
        named = len(term) - (Ellipsis in term)
        if (Ellipsis in term and len(shape) < named) or (Ellipsis not in term and len(shape) != named):
            raise ValueError(
                f"einsum: operand {k} has {len(shape)} dimension(s) but its subscripts name {named}"
            )
        if Ellipsis in term:
            n_ellipsis = max(n_ellipsis, len(shape) - named)
    ellipsis = tuple(range(_ELLIPSIS_BASE, _ELLIPSIS_BASE + n_ellipsis))

    def expand_term(term: list[Any], ndim: int) -> Labels:
        if Ellipsis not in term:
            return tuple(term)
        at = term.index(Ellipsis)
        e = ndim - (len(term) - 1)
        return tuple(term[:at]) + ellipsis[n_ellipsis - e :] + tuple(term[at + 1 :])

    ins = tuple(expand_term(t, len(s)) for t, s in zip(terms, shapes))
    if out_terms is None:
        counts: dict[int, int] = {}
        for labels in ins:
            for label in labels:
                if label < _ELLIPSIS_BASE:
                    counts[label] = counts.get(label, 0) + 1
        with_ellipsis = any(Ellipsis in t for t in terms)
        out = (ellipsis if with_ellipsis else ()) + tuple(sorted(l for l, c in counts.items() if c == 1))
    else:
        if Ellipsis not in out_terms and n_ellipsis:
            raise ValueError(
                "einsum: the operands have dimensions under '...' but the output subscripts "
                "have no '...' to put them in"
            )
        out = expand_term(out_terms, len(out_terms) - (Ellipsis in out_terms) + n_ellipsis)
        present = {label for labels in ins for label in labels}
        for label in out:
            if label not in present:
                raise ValueError(f"einsum: output subscript {_name(label)!r} appears in no operand")
        if len(set(out)) != len(out):
            raise ValueError("einsum: an output subscript appears more than once")
    _label_sizes(ins, shapes)  # validates sizes
    return ins, out


def _name(label: int) -> str:
    return _LETTERS[label] if label < _ELLIPSIS_BASE else "..."


def _label_sizes(ins: Sequence[Labels], shapes: Sequence[Shape]) -> dict[int, int]:
    """The size of each label: equal across operands, or 1 broadcasting against it."""
    sizes: dict[int, int] = {}
    for k, (labels, shape) in enumerate(zip(ins, shapes)):
        own: dict[int, int] = {}
        for label, n in zip(labels, shape):
            if own.setdefault(label, n) != n:
                raise ValueError(
                    f"einsum: operand {k} repeats subscript {_name(label)!r} over dimensions of "
                    f"different sizes ({own[label]} and {n})"
                )
            m = sizes.get(label)
            if m is None or m == 1:
                sizes[label] = n
            elif n != 1 and n != m:
                raise ValueError(
                    f"einsum: subscript {_name(label)!r} has size {m} in one operand and {n} in "
                    f"operand {k}; they must be equal (or 1, to broadcast)"
                )
    return sizes


# ---- the forward: contractions at BLAS speed --------------------------------------------


def _single(x: Array, labels: Labels, out: Labels) -> Array:
    """A one-operand einsum: transpose, diagonal, sums."""
    if labels == out:
        return x
    if sorted(labels) == sorted(out):  # a permutation
        return x.transpose([labels.index(label) for label in out])
    subs, out_subs = _sublists((labels,), out)
    return namespace(x).einsum(x, subs[0], out_subs)


def _sublists(ins: Sequence[Labels], out: Sequence[int]) -> tuple[list[list[int]], list[int]]:
    """``numpy.einsum``'s sublist arguments for these labels, renumbered below 52."""
    used = sorted({label for labels in ins for label in labels})
    if len(used) > _ELLIPSIS_BASE:
        raise ValueError(f"einsum: at most 52 distinct labels, got {len(used)}")
    index = {label: i for i, label in enumerate(used)}
    return [[index[label] for label in labels] for labels in ins], [index[label] for label in out]


def _perm(labels: Sequence[int], order: Sequence[int]) -> tuple[int, ...] | None:
    perm = tuple(labels.index(label) for label in order)
    return None if perm == tuple(range(len(perm))) else perm


def _pair_plan(la: Labels, a_shape: Shape, lb: Labels, b_shape: Shape,
               out: Labels) -> tuple[Any, ...]:
    """How to contract two operands: a tuple of steps, computed once per labels and shapes.

    ``("numpy", subs_a, subs_b, subs_out)``: NumPy's loop (size-1 broadcasting of a shared
    label). Otherwise each operand first loses its own summed labels and diagonals (a
    one-operand einsum, or None), then either ``("mul", ...)``: a broadcast product, each
    operand transposed to output order and given unit axes; or ``("matmul", ...)``: each
    operand transposed and reshaped to ``(batch, rows, k)`` and ``(batch, k, columns)``, one
    matmul, and the result reshaped and transposed to the output's labels.
    """
    out_set = set(out)

    def own(labels: Labels, shape: Shape,
            other: Labels) -> tuple[tuple[list[int], list[int]] | None, Labels, Shape]:
        keep = out_set | set(other)
        target = tuple(dict.fromkeys(label for label in labels if label in keep))
        if target == labels:
            return None, labels, shape
        sizes = dict(zip(labels, shape))
        subs, target_subs = _sublists((labels,), target)
        return (subs[0], target_subs), target, tuple(sizes[label] for label in target)

    red_a, la2, sa2 = own(la, a_shape, lb)
    red_b, lb2, sb2 = own(lb, b_shape, la2)
    sa, sb = dict(zip(la2, sa2)), dict(zip(lb2, sb2))
    shared = [label for label in la2 if label in sb]
    if any(sa[label] != sb[label] for label in shared):
        subs, out_subs = _sublists((la, lb), out)
        return ("numpy", subs[0], subs[1], out_subs)
    batch = [label for label in shared if label in out_set]
    summed = [label for label in shared if label not in out_set]
    left = [label for label in la2 if label not in sb]
    right = [label for label in lb2 if label not in sa]
    if not summed:
        def placed(labels: Labels, sizes: dict[int, int]) -> tuple[tuple[int, ...] | None, Shape]:
            order = [label for label in out if label in sizes]
            return _perm(labels, order), tuple(sizes.get(label, 1) for label in out)

        return ("mul", red_a, red_b) + placed(la2, sa) + placed(lb2, sb)

    def prod(labels: Sequence[int], sizes: dict[int, int]) -> int:
        n = 1
        for label in labels:
            n *= sizes[label]
        return n

    nb, nl, nk, nr = prod(batch, sa), prod(left, sa), prod(summed, sa), prod(right, sb)
    a_to = (nb, nl, nk) if batch else (nl, nk)
    b_to = (nb, nk, nr) if batch else (nk, nr)
    full = tuple(sa[label] for label in batch + left) + tuple(sb[label] for label in right)
    return ("matmul", red_a, red_b, _perm(la2, batch + left + summed), a_to,
            _perm(lb2, batch + summed + right), b_to, full, _perm(batch + left + right, list(out)))


_PLANS: dict[tuple[Any, ...], tuple[Any, ...]] = {}


def _arranged(x: Array, perm: tuple[int, ...] | None, shape: Shape) -> Array:
    if perm is not None:
        x = x.transpose(perm)
    return x.reshape(shape) if x.shape != shape else x


def _pair(a: Array, la: Labels, b: Array, lb: Labels, out: Labels) -> Array:
    """A two-operand einsum as one ``matmul`` (or a broadcast multiply)."""
    key = (la, a.shape, lb, b.shape, out)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _pair_plan(la, a.shape, lb, b.shape, out)
        if len(_PLANS) > 4096:
            _PLANS.clear()
        _PLANS[key] = plan
    xp = namespace(a)
    if plan[0] == "numpy":
        return xp.einsum(a, plan[1], b, plan[2], plan[3])
    if plan[1] is not None:
        a = xp.einsum(a, *plan[1])
    if plan[2] is not None:
        b = xp.einsum(b, *plan[2])
    if plan[0] == "mul":
        return _arranged(a, plan[3], plan[4]) * _arranged(b, plan[5], plan[6])
    # The raw matmul primitive: its forward knows the identity seeds of jacrev/jacfwd.
    r = matmul(_arranged(a, plan[3], plan[4]), _arranged(b, plan[5], plan[6]))
    if r.shape != plan[7]:
        r = r.reshape(plan[7])
    return r if plan[8] is None else r.transpose(plan[8])


_PATHS: dict[tuple[Any, ...], list[Any]] = {}


def _path(ins: tuple[Labels, ...], out: Labels, shapes: Sequence[Shape]) -> list[Any]:
    """A pairwise contraction order (``numpy.einsum_path``'s greedy one), cached."""
    key = (ins, out, tuple(shapes))
    path = _PATHS.get(key)
    if path is None:
        used = sorted({label for labels in ins for label in labels})
        if len(used) > _ELLIPSIS_BASE:
            raise ValueError(f"einsum: at most 52 distinct labels, got {len(used)}")
        letter = {label: _LETTERS[i] for i, label in enumerate(used)}
        spec = ",".join("".join(letter[label] for label in labels) for labels in ins)
        spec += "->" + "".join(letter[label] for label in out)
        dummies = [np.broadcast_to(np.empty((), dtype=np.int8), s) for s in shapes]
        path = np.einsum_path(spec, *dummies, optimize="greedy")[0][1:]
        if len(_PATHS) > 512:
            _PATHS.clear()
        _PATHS[key] = path
    return path


def _contract(arrays: Sequence[Array], ins: Sequence[Labels], out: Labels) -> Array:
    if len(arrays) == 1:
        return _single(arrays[0], ins[0], out)
    if len(arrays) == 2:
        return _pair(arrays[0], ins[0], arrays[1], ins[1], out)
    arrays, ins = list(arrays), list(ins)
    for step in _path(tuple(ins), out, [np.shape(a) for a in arrays]):
        picked = sorted(step, reverse=True)
        parts = [(arrays.pop(i), ins.pop(i)) for i in picked]
        # Keep the labels that the output or a remaining operand still needs.
        needed = set(out).union(*ins) if ins else set(out)
        x, lx = parts[0]
        for y, ly in parts[1:]:
            keep = tuple(dict.fromkeys(l for l in lx + ly if l in needed))
            x, lx = _pair(x, lx, y, ly, keep), keep
        if len(parts) == 1:
            keep = tuple(dict.fromkeys(l for l in lx if l in needed))
            x, lx = _single(x, lx, keep), keep
        arrays.append(x)
        ins.append(lx)
    return _single(arrays[0], ins[0], out)


def _einsum_forward(operands: Sequence[Array], ins: tuple[Labels, ...], out: Labels) -> Array:
    """The contraction ``numpy.einsum`` computes, with normalised labels.

    ``einsum(operands, ins, out)``: a tuple of operands, a tuple of integer label tuples (one per
    operand) and the output's labels, as :func:`parse_subscripts` returns them.

    Examples
    --------
    >>> import numpy as np
    >>> einsum((np.eye(2), np.array([1.0, 2.0])), ((0, 1), (1,)), (0,))
    array([1., 2.])
    """
    arrays = [np.asarray(a) if not hasattr(a, "shape") else a for a in operands]
    r = _contract(arrays, ins, out)
    if not hasattr(r, "shape"):
        return r
    # A primitive's output owns its memory (a transpose or diagonal is a view): copy it.
    for a in arrays:
        if r is a or np.may_share_memory(r, a):
            return r.copy()
    return r


# ---- the rules --------------------------------------------------------------------------


def _fresh(ins: Sequence[Labels], out: Labels) -> Iterator[int]:
    """An endless supply of labels that none of ``ins`` or ``out`` uses."""
    top = max([l for labels in ins for l in labels] + list(out) + [_ELLIPSIS_BASE - 1])
    return itertools.count(top + 1)


def _operand_cotangent(g: Any, batch: Labels, operands: Sequence[Any], ins: Sequence[Labels],
                       out: Labels, i: int, sizes: dict[int, int], fresh: Iterator[int]) -> Any:
    labels, shape = ins[i], _shape(operands[i])
    others = [j for j in range(len(operands)) if j != i]
    # Labels the einsum can produce at full size: the output's, and the others' unless they
    # hold them as broadcast unit axes.
    available = set(out).union(*(
        (label for label, n in zip(ins[j], _shape(operands[j])) if n == sizes[label]) for j in others
    ))
    g_data = _data(g)
    args = [g] + [operands[j] for j in others]
    subs = [batch + out] + [ins[j] for j in others]
    target = list(batch)
    kept_shape = list(np.shape(g_data)[: len(batch)])
    broadcast = False
    seen = set()
    for label, n in zip(labels, shape):
        if n != sizes[label]:
            kept_shape.append(1)  # a unit axis broadcast against the others: summed over
        elif label in seen:
            # A repeated label (a diagonal): delta(l, l') puts the cotangent back on it.
            twin = next(fresh)
            eye = namespace(g_data).eye(n, dtype=g_data.dtype)
            args.append(eye)
            subs.append((label, twin))
            target.append(twin)
            kept_shape.append(n)
        elif label in available or labels.count(label) > 1:
            seen.add(label)
            target.append(label)
            kept_shape.append(n)
        else:  # summed away in the forward: every entry gets the same cotangent
            kept_shape.append(1)
            broadcast = broadcast or n != 1
    r = einsum(tuple(args), tuple(subs), tuple(target))
    full = tuple(kept_shape[: len(batch)]) + tuple(shape)
    if _shape(r) != tuple(kept_shape):
        r = reshape(r, tuple(kept_shape))
    if broadcast:
        r = expand(r, full)
    return r


def _einsum_vjp(g: Any, needs: tuple[bool, ...], ans: None, operands: Sequence[Any],
                ins: tuple[Labels, ...], out: Labels) -> tuple[Any, ...]:
    nb = len(_shape(g)) - len(out)
    fresh = _fresh(ins, out)
    batch = tuple(next(fresh) for _ in range(nb))
    sizes = _label_sizes(ins, [_shape(a) for a in operands])
    return tuple(
        _operand_cotangent(g, batch, operands, ins, out, i, sizes, fresh) if need else None
        for i, need in enumerate(needs)
    )


def _einsum_jvp(tangents: tuple[Any, ...], ans: Any, operands: Sequence[Any],
                ins: tuple[Labels, ...], out: Labels) -> Any:
    total = None
    for i, t in enumerate(tangents):
        if t is None:
            continue
        fresh = _fresh(ins, out)
        batch = tuple(next(fresh) for _ in range(len(_shape(t)) - len(ins[i])))
        args = list(operands)
        args[i] = t
        subs = list(ins)
        subs[i] = batch + ins[i]
        term = einsum(tuple(args), tuple(subs), batch + out)
        total = term if total is None else add(total, term)
    return total


def _subs(spec: str) -> tuple[tuple[Labels, ...], Labels]:
    """Sample parameters from a letter spec: ``"ij,jk->ik"`` -> (ins, out)."""
    lhs, rhs = spec.split("->")
    ins = tuple(tuple(_LABEL[c] for c in term) for term in lhs.split(","))
    return (ins, tuple(_LABEL[c] for c in rhs))


einsum = defprimitive(
    "einsum", _einsum_forward, _einsum_vjp, _einsum_jvp, nin=-1, save="v",
    samples=[
        Sample((3, 4), (4, 5), params=_subs("ij,jk->ik")),
        Sample((2, 3, 4), (2, 4, 3), params=_subs("bij,bjk->bki")),
        Sample((3, 4), (4, 2), (2, 5), params=_subs("ij,jk,kl->il")),
        Sample((3, 3), params=_subs("ii->")),
        Sample((3, 3, 2), params=_subs("iij->ji")),
        Sample((3, 4), params=_subs("ij->j")),
        Sample((2, 3, 4), params=_subs("ijk->kij")),
        Sample((3,), (4,), params=_subs("i,j->ij")),
        Sample((3, 4), (5, 4), params=_subs("ij,kj->i")),
        Sample((3, 1), (4,), params=_subs("ij,j->ij")),
        Sample((3, 1), (3, 4), params=_subs("ij,ij->i")),
        Sample((2, 3), (), params=_subs("ij,->ji")),
        Sample((3, 3), (3, 4), params=_subs("ii,ij->j")),
        Sample((2, 3), (3, 2), params=_subs("ij,jk->ik"), dtype=np.complex128),
        Sample((2, 2, 3), (3,), params=_subs("iij,j->i"), dtype=np.complex128),
    ],
)


# ---- conjugation (vdot conjugates its first argument) -----------------------------------


def _conj_forward(x: Array) -> Array:
    return np.conjugate(x)


def _conj_vjp(g: Any, needs: tuple[bool, ...], ans: None, x: None) -> tuple[Any]:
    # conj is R-linear and self-adjoint under the pairing Re sum(a * b).
    return (conj(g),)


def _conj_jvp(t: tuple[Any, ...], ans: Any, x: Any) -> Any:
    return conj(t[0])


# Not registered: the ufuncs family owns NumPy's ``conjugate``; tests/test_numpy_products.py
# checks this one's rules.
conj = defprimitive("conj", _conj_forward, _conj_vjp, _conj_jvp,
                    samples=[Sample((3, 2), dtype=np.complex128)], register=False)
