"""The device under test in the device tests (see tests/conftest.py's ``device`` fixture)."""

from __future__ import annotations

from typing import Any

import numpy as np

import funcgrad as fg
from funcgrad import backend


class Device:
    """A device under test: how to put arrays there and how closely results must agree."""

    def __init__(self, name: str, module: Any, rtol: float) -> None:
        self.name, self.module, self.rtol = name, module, rtol

    def put(self, value: Any) -> Any:
        """NumPy arrays (also inside tuples and lists) moved to the device; the rest as is."""
        if isinstance(value, np.ndarray):
            return self.module.asarray(value)
        if isinstance(value, tuple):
            return tuple(self.put(v) for v in value)
        if isinstance(value, list):
            return [self.put(v) for v in value]
        return value

    def get(self, value: Any) -> Any:
        if isinstance(value, fg.Tensor):
            value = value._data
        assert backend.namespace(value) is self.module, (
            f"expected a device array, got {type(value).__name__}")
        return value.get()

    def close(self, got: Any, want: Any, what: str) -> None:
        want = np.asarray(want._data if isinstance(want, fg.Tensor) else want)
        np.testing.assert_allclose(self.get(got), want, rtol=self.rtol, atol=self.rtol * 1e-3,
                                   err_msg=what)
