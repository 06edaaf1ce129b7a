"""Gradient checkpointing: recompute a function's forward in backward instead of storing it."""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from typing_extensions import ParamSpec

from ..autograd import grad_mode
from .custom import custom_vjp
from .reverse import vjp

__all__ = ["checkpoint"]

P = ParamSpec("P")
R = TypeVar("R")


def checkpoint(f: Callable[P, R]) -> Callable[P, R]:
    """``f`` that keeps no intermediate values for backward: it recomputes them.

    The forward pass runs without recording, so only ``f``'s inputs are saved; the backward
    pass runs ``f`` again, recorded, and pulls the cotangent back through it. Memory for
    ``f``'s intermediates is traded for one more forward pass. It composes with every
    transform (second order recomputes too; ``jvp`` goes through the transposed rule).
    ``f``'s arguments are the values to differentiate (arrays, Tensors, pytrees of them);
    arguments given by keyword are differentiated too, taken at their positions.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg, funcgrad.numpy as fnp
    >>> block = fg.checkpoint(lambda x: fnp.tanh(fnp.tanh(x) * 2.0))
    >>> fg.grad(lambda x: fnp.sum(block(x)))(np.array([0.1, -0.3]))
    array([1.90349059, 1.32662902])
    """

    @functools.wraps(f)
    def recompute(*args: P.args, **kwargs: P.kwargs) -> R:
        return f(*args, **kwargs)

    # custom_vjp hands its rules every argument by position: kwargs stay empty.
    def forward(*args: P.args, **kwargs: P.kwargs) -> tuple[R, tuple[Any, ...]]:
        with grad_mode.no_grad():  # nothing recorded, so nothing of f's kept
            out = f(*args, **kwargs)
        return out, args

    def backward(args: tuple[Any, ...], cotangent: Any) -> tuple[Any, ...]:
        _, pull_back = vjp(f, *args)  # the forward again, recorded this time
        return pull_back(cotangent)

    rule = custom_vjp(recompute)
    rule.defvjp(forward, backward)
    return rule
