"""Primitives: Indexing and selection: take, take_along_axis, choose, compress, select, sort, partition."""

from __future__ import annotations

import numpy as np

from ._primitive import Const, Sample, defprimitive  # noqa: F401
