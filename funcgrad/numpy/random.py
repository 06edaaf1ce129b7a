"""funcgrad.numpy.random: NumPy's random module, passed through (random draws have no
gradient)."""

from __future__ import annotations

from typing import Any

from numpy.random import *  # noqa: F401,F403
from numpy.random import __all__  # noqa: F401


def __getattr__(name: str) -> Any:
    import numpy.random

    return getattr(numpy.random, name)
