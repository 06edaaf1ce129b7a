"""Anomaly mode: find the forward operation whose backward produced a NaN or an infinity.

While it is on, every recorded Node remembers where in the user's code its forward
operation was called, and the backward pass checks each cotangent it computes; the first
NaN (or infinity) raises a RuntimeError naming the Node and showing that forward traceback.
It costs a traceback per operation, so it is for debugging, as in PyTorch.
"""

from __future__ import annotations

import functools
import traceback
import weakref
from typing import TYPE_CHECKING, Any, Callable, Sequence, TypeVar, cast

if TYPE_CHECKING:
    from .node import Node

_F = TypeVar("_F", bound=Callable[..., Any])

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]

# Process-wide, as PyTorch's. A list so that the hot path reads it without a global lookup
# of a rebound name: [enabled, check_nan].
_STATE = [False, True]
_TRACES: weakref.WeakKeyDictionary[Node, traceback.StackSummary] = weakref.WeakKeyDictionary()  # Node -> forward stack


def is_anomaly_enabled() -> bool:
    """Whether anomaly mode is on."""
    return _STATE[0]


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly mode checks cotangents for NaN and infinity."""
    return _STATE[1]


class set_detect_anomaly:
    """Turn anomaly mode on or off: at once, or for a ``with`` block.

    Examples
    --------
    >>> import funcgrad as fg
    >>> with fg.autograd.set_detect_anomaly(True):
    ...     fg.autograd.is_anomaly_enabled()
    True
    >>> fg.autograd.is_anomaly_enabled()
    False
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._prev = tuple(_STATE)
        _STATE[0], _STATE[1] = bool(mode), bool(check_nan)

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        _STATE[0], _STATE[1] = self._prev


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly mode on for its block.

    Examples
    --------
    >>> import numpy as np, funcgrad as fg
    >>> x = fg.tensor([-1.0, 1.0], requires_grad=True)
    >>> with fg.autograd.detect_anomaly(), np.errstate(invalid="ignore"):
    ...     y = x.sqrt().sum()  # sqrt(-1) is NaN; backward finds the op that made it
    ...     try:
    ...         y.backward()
    ...     except RuntimeError as e:
    ...         print(str(e).splitlines()[0])
    Function 'SqrtBackward0' returned nan values in its 0th output.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self._check_nan = check_nan
        self._prev: tuple[bool, ...] = ()

    def __enter__(self) -> None:
        self._prev = tuple(_STATE)
        _STATE[0], _STATE[1] = True, self._check_nan
        return None

    def __exit__(self, *exc: object) -> None:
        _STATE[0], _STATE[1] = self._prev

    def __call__(self, func: _F) -> _F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly(self._check_nan):
                return func(*args, **kwargs)

        return cast(_F, wrapper)


def record_trace(node: Node) -> None:
    """Remember where the forward operation of ``node`` was called (anomaly mode only)."""
    # Drop funcgrad's own frames at the end: the user wants their line.
    stack = traceback.extract_stack()
    while len(stack) > 1 and "/funcgrad/" in stack[-1].filename.replace("\\", "/"):
        stack.pop()
    _TRACES[node] = stack


def check_cotangents(node: Node, grads: Sequence[Any]) -> None:
    """Raise if a cotangent ``node`` computed holds NaN or infinity (anomaly mode only)."""
    import numpy as np

    from ..tensor import Tensor

    for k, ct in enumerate(grads):
        if ct is None:
            continue
        data = ct._data if isinstance(ct, Tensor) else ct
        dtype = data.dtype if hasattr(data, "dtype") else np.asarray(data).dtype  # device too
        if dtype.kind in "fc":
            bad = "nan" if np.isnan(data).any() else ("inf" if np.isinf(data).any() else None)
            if bad is not None:
                message = f"Function '{node.name()}' returned {bad} values in its {k}th output."
                stack = _TRACES.get(node)
                if stack is not None:
                    message += ("\nTraceback of the forward call that caused the error:\n"
                                + "".join(traceback.format_list(stack)))
                else:
                    message += ("\n(The forward call was recorded before anomaly mode was on; "
                                "turn it on before the forward pass to see where it was made.)")
                raise RuntimeError(message)
