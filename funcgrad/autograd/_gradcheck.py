"""``gradcheck`` and ``gradgradcheck``: PyTorch's full-Jacobian checks by finite differences."""

from __future__ import annotations

import warnings
from typing import Any, Callable, Sequence

import numpy as np

from ..backend import is_cuda_array, namespace
from ..tensor import Tensor, _from_array
from .engine import grad as autograd_grad
from .engine import run_backward

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by :func:`gradcheck` when the analytical and numerical Jacobians differ."""


def _host(a: Any) -> Any:
    return a.get() if is_cuda_array(a) else a


def _to_device_of(a: np.ndarray, like: Any) -> Any:
    """The host array ``a`` on the device of ``like``."""
    return namespace(like).asarray(a) if is_cuda_array(like) else a


def _as_tuple(x: Any) -> tuple[Any, ...]:
    return x if isinstance(x, tuple) else (x,)


def _outputs(func: Callable[..., Any], inputs: Sequence[Any]) -> list[Tensor]:
    return [o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor)]


def _numerical_jacobian(func: Callable[..., Any], inputs: Sequence[Any], k: int, out_index: int,
                        eps: float) -> np.ndarray:
    """d out / d inputs[k] by central differences: shape (out.size, in.size)."""
    x = inputs[k]
    flat = x._data.reshape(-1)
    columns = []
    for i in range(flat.size):
        orig = flat[i].item()
        flat[i] = orig + eps
        plus = _host(_outputs(func, inputs)[out_index]._data.astype(np.float64).reshape(-1))
        flat[i] = orig - eps
        minus = _host(_outputs(func, inputs)[out_index]._data.astype(np.float64).reshape(-1))
        flat[i] = orig
        columns.append((plus - minus) / (2 * eps))
    out_size = _outputs(func, inputs)[out_index]._data.size
    return np.stack(columns, axis=1) if columns else np.zeros((out_size, 0))


def _analytical_jacobian(out: Tensor, inputs: Sequence[Any], k: int) -> np.ndarray:
    """d out / d inputs[k] by one backward pass with one-hot cotangents."""
    n = out._data.size
    x = inputs[k]
    if n == 0 or not out._requires_grad:
        return np.zeros((n, x._data.size))
    # One-hot cotangents where the output is; the Jacobian compared on the host.
    eye = namespace(out._data).eye(n, dtype=out._data.dtype).reshape((n,) + out._data.shape)
    (g,) = run_backward((out,), (eye,), True, False, [x._grad_fn or x._get_accumulator()],
                        accumulate=False, batched=True)
    if g is None:
        return np.zeros((n, x._data.size))
    g = g._data if isinstance(g, Tensor) else g
    return np.asarray(_host(g), dtype=np.float64).reshape(n, -1)


def gradcheck(func: Callable[..., Any], inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, nondet_tol: float = 0.0,
              check_undefined_grad: bool = True, fast_mode: bool = False, **unused: Any) -> bool:
    """Check ``func``'s gradients against finite differences (full Jacobians).

    Parameters
    ----------
    func : callable
        Takes ``inputs`` (Tensors), returns a Tensor or tuple of Tensors.
    inputs : Tensor or tuple
        Tensors with ``requires_grad=True`` are checked; use float64.
    eps, atol, rtol : float
        Finite-difference step and tolerances, as in PyTorch.
    raise_exception : bool
        Raise :class:`GradcheckError` on a mismatch (else return False).

    Returns
    -------
    bool
        True when every Jacobian matches.

    Examples
    --------
    >>> import funcgrad as fg
    >>> x = fg.tensor([0.5, 1.5], dtype=fg.float64, requires_grad=True)
    >>> fg.autograd.gradcheck(lambda t: (t.sin() * t).sum(), (x,))
    True
    """
    inputs = _as_tuple(inputs)
    checked = [k for k, x in enumerate(inputs) if isinstance(x, Tensor) and x._requires_grad]
    if not checked:
        raise ValueError("gradcheck expects at least one input tensor to require gradient")
    for k in checked:
        if inputs[k]._data.dtype != np.float64:
            warnings.warn(
                f"Input #{k} requires gradient and is not a double precision floating point. "
                "This check will likely fail if all the inputs are not of double precision "
                "floating point.", UserWarning, stacklevel=2)
    outputs = _outputs(func, inputs)
    for j, out in enumerate(outputs):
        for k in checked:
            analytical = _analytical_jacobian(out, inputs, k)
            numerical = _numerical_jacobian(func, inputs, k, j, eps)
            if not np.allclose(analytical, numerical, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {j} with respect to input {k},\n"
                    f"numerical:{_from_array(numerical)!r}\nanalytical:{_from_array(analytical)!r}\n"
                )
    return True


def gradgradcheck(func: Callable[..., Any], inputs: Any, grad_outputs: Any = None, *, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, gen_non_contig_grad_outputs: bool = False,
                  raise_exception: bool = True, **unused: Any) -> bool:
    """Check second derivatives: ``gradcheck`` of the gradient of ``func``.

    Random ``grad_outputs`` (float64, requiring grad) are used unless given.

    Examples
    --------
    >>> import funcgrad as fg
    >>> x = fg.tensor([0.5, 1.5], dtype=fg.float64, requires_grad=True)
    >>> fg.autograd.gradgradcheck(lambda t: t ** 3, (x,))
    True
    """
    inputs = _as_tuple(inputs)
    outputs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            _from_array(_to_device_of(rng.standard_normal(o._data.shape), o._data)).requires_grad_()
            for o in outputs
        )
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)

    def first_derivative(*all_args: Any) -> tuple[Tensor, ...]:
        xs, gos = all_args[:n_in], all_args[n_in:]
        outs = _outputs(func, xs)
        ins = [x for x in xs if isinstance(x, Tensor) and x._requires_grad]
        grads = autograd_grad(outs, ins, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
