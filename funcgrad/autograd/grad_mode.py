"""Grad mode: whether operations on Tensors are recorded. Per thread, as in PyTorch."""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable, TypeVar, cast, overload

from typing_extensions import Self

_F = TypeVar("_F", bound=Callable[..., Any])

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled"]


class _GradState(threading.local):
    # A class attribute is the default every new thread sees.
    enabled = True


_state = _GradState()


def is_grad_enabled() -> bool:
    """Whether operations are being recorded for differentiation in this thread.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.is_grad_enabled()
    True
    >>> with fg.no_grad():
    ...     fg.is_grad_enabled()
    False
    """
    return _state.enabled


class _GradModeContext:
    """Base of the grad-mode context managers; also usable as a decorator."""

    __slots__ = ("_prev",)
    _mode: bool

    def __enter__(self) -> None:
        self._prev = _state.enabled
        _state.enabled = self._mode
        return None

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self._prev

    def __call__(self, func: _F) -> _F:
        mode = self._mode

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev = _state.enabled
            _state.enabled = mode
            try:
                return func(*args, **kwargs)
            finally:
                _state.enabled = prev

        return cast(_F, wrapper)

    # ``no_grad()`` is a context manager; ``no_grad(f)`` is ``f`` decorated. mypy honours
    # the overload's return type but insists that ``__new__`` return an instance.
    @overload
    def __new__(cls, func: _F) -> _F: ...  # type: ignore[misc]  # see above

    @overload
    def __new__(cls, func: None = None) -> Self: ...

    def __new__(cls, func: Callable[..., Any] | None = None) -> Any:
        self = object.__new__(cls)
        if func is not None and callable(func):
            # ``@no_grad`` without parentheses, as recent PyTorch accepts.
            return self(func)
        return self


class no_grad(_GradModeContext):
    """Context manager and decorator that disables recording in this thread.

    Tensors computed inside have ``requires_grad=False``; in-place updates of leaves that
    require grad (an optimizer step) are allowed inside.

    Examples
    --------
    >>> import funcgrad as fg
    >>> x = fg.ones(2, requires_grad=True)
    >>> with fg.no_grad():
    ...     print((x * 2).requires_grad)
    False
    """

    __slots__ = ()
    _mode = False


class enable_grad(_GradModeContext):
    """Context manager and decorator that enables recording, even inside ``no_grad``.

    Examples
    --------
    >>> import funcgrad as fg
    >>> x = fg.ones(2, requires_grad=True)
    >>> with fg.no_grad():
    ...     with fg.enable_grad():
    ...         print((x * 2).requires_grad)
    True
    """

    __slots__ = ()
    _mode = True


class set_grad_enabled(_GradModeContext):
    """Set grad mode on or off: at once when called, for a block when used with ``with``.

    Examples
    --------
    >>> import funcgrad as fg
    >>> x = fg.ones(2, requires_grad=True)
    >>> with fg.set_grad_enabled(False):
    ...     print((x * 2).requires_grad)
    False
    >>> fg.is_grad_enabled()
    True
    """

    __slots__ = ("_mode",)

    def __new__(cls, mode: bool) -> Self:
        return object.__new__(cls)

    def __init__(self, mode: bool) -> None:
        self._prev = _state.enabled
        self._mode = bool(mode)
        _state.enabled = self._mode

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self._prev

    def __call__(self, func: _F) -> _F:
        # As a decorator the mode applies inside the function only: undo the call's effect.
        _state.enabled = self._prev
        return super().__call__(func)
