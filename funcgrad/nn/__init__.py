"""funcgrad.nn: neural-network building blocks.

:mod:`funcgrad.nn.functional` holds PyTorch's ``torch.nn.functional`` names (activations,
losses, ``linear``, ``dropout``, ...) over funcgrad Tensors and arrays; import it as
``import funcgrad.nn.functional as F``.

Examples
--------
>>> import funcgrad as fg
>>> import funcgrad.nn.functional as F
>>> F.relu(fg.tensor([-1.0, 2.0]))
tensor([0., 2.])
"""

from __future__ import annotations

from . import functional

__all__ = ["functional"]
