"""Forward mode: tangents carried by Tensors, one entry per active level.

A Tensor's ``_fw`` is None or a dict ``{level: tangent}``. Each ``jvp`` (or ``jacfwd``)
opens a new level with a fresh number, so tangents of nested transforms never mix: when an
operation runs, its output's tangent at level ``L`` is computed by the primitive's JVP rule
from inputs stripped of levels ``L`` and above — exactly the values of the enclosing levels,
which therefore differentiate the tangent in turn. Tangents have shape
``batch + value.shape``; the batch is fixed per level (empty for ``jvp``, the number of
Jacobian columns for ``jacfwd``).
"""

from __future__ import annotations

import itertools
import threading

from .._typing import Shape

__all__ = ["enter_level", "exit_level", "active_levels"]

_next_level = itertools.count(1).__next__


class _ForwardState(threading.local):
    levels: dict[int, Shape] | None = None  # level -> batch shape; None when no level is open
    current: int | None = None  # the level whose JVP rule is running, if any


_state = _ForwardState()


def active_levels() -> dict[int, Shape]:
    """The open levels of this thread (level -> tangent batch shape)."""
    return _state.levels or {}


def enter_level(batch_shape: Shape = ()) -> int:
    """Open a new forward-mode level whose tangents carry ``batch_shape`` in front."""
    level = _next_level()
    if _state.levels is None:
        _state.levels = {}
    _state.levels[level] = tuple(batch_shape)
    return level


def current_level() -> int | None:
    """The level whose tangents a JVP rule is computing now (None outside JVP rules)."""
    return _state.current


def set_current(level: int | None) -> int | None:
    """Set the level a JVP rule is computing; returns the previous one."""
    previous = _state.current
    _state.current = level
    return previous


def exit_level(level: int) -> None:
    """Close ``level``: tangents recorded at it are ignored from now on."""
    levels = _state.levels
    if levels is not None:
        levels.pop(level, None)
        if not levels:
            _state.levels = None
