"""SciPy's names over funcgrad's primitives (``funcgrad.scipy.special``)."""

from . import special  # noqa: F401
