"""Shared fixtures.

``device``: the two devices the device tests run on, through one parametrisation: ``cuda``
(a real GPU through CuPy; skipped with the reason where there is none) and ``fake-cuda``
(``_fake_cupy.py``, the strict CPU stand-in for CuPy, which runs everywhere).
"""

from __future__ import annotations

from typing import Any

import pytest

import _fake_cupy
import funcgrad as fg
from _devices import Device
from funcgrad import backend


@pytest.fixture(params=["fake-cuda", "cuda"])
def device(request: pytest.FixtureRequest) -> Any:
    if request.param == "cuda":
        if not fg.cuda.is_available():
            pytest.skip("no CUDA device here (needs CuPy and an NVIDIA GPU)")
        yield Device("cuda", backend.cuda_module(), rtol=1e-5)
        return
    with _fake_cupy.installed() as module:
        yield Device("fake-cuda", module, rtol=1e-12)
