"""PyTorch's ``torch.autograd.functional`` API over funcgrad's transforms.

Inputs are Tensors (or tuples of them); results are Tensors cut from the graph unless
``create_graph=True``. A tuple of inputs gives a tuple of results, one per input; a tuple
of outputs gives a tuple (per output) of those.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Literal

from typing_extensions import TypeAlias

from .. import transforms as _t
from ..tensor import Tensor, _from_array

if TYPE_CHECKING:
    from .._typing import PyTree

__all__ = ["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"]

#: A Tensor, or a tuple of them (one per argument of the function).
Tensors: TypeAlias = Any  # Tensor | tuple[Tensor, ...]


def _tuple(x: Any) -> tuple[tuple[Any, ...], bool]:
    return (x, False) if isinstance(x, tuple) else ((x,), True)


def _check_inputs(inputs: tuple[Any, ...], name: str) -> None:
    for i, x in enumerate(inputs):
        if not isinstance(x, Tensor):
            raise TypeError(f"The inputs given to {name} must be either a Tensor or a tuple of Tensors but the value at index {i} has type {type(x).__name__}.")


def _finish(tree: PyTree, create_graph: bool) -> PyTree:
    from .. import tree as _tree

    def fix(v: Any) -> Any:
        if isinstance(v, Tensor):
            return v if create_graph else _from_array(v._data)
        return _from_array(v) if v is not None else v

    return _tree.map(fix, tree)


def _as_tensors(inputs: tuple[Tensor, ...], create_graph: bool) -> tuple[Tensor, ...]:
    # Without create_graph the inputs are taken as constants: the results do not depend
    # on the caller's graph.
    return tuple(x if create_graph else _from_array(x._data) for x in inputs)


def jacobian(func: Callable[..., Any], inputs: Tensors, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False,
             strategy: Literal["reverse-mode", "forward-mode"] = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs`` (PyTorch's signature).

    ``strategy="forward-mode"`` uses :func:`funcgrad.jacfwd`; both run in one pass.

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.autograd.functional.jacobian(lambda x: x ** 2, fg.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 4.]])
    """
    ins, single_in = _tuple(inputs)
    _check_inputs(ins, "jacobian")
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode".')
    transform = _t.jacrev if strategy == "reverse-mode" else _t.jacfwd
    argnums = 0 if single_in else tuple(range(len(ins)))
    jac = transform(func, argnums=argnums)(*_as_tensors(ins, create_graph))
    return _finish(jac, create_graph)


def hessian(func: Callable[..., Any], inputs: Tensors, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False,
            outer_jacobian_strategy: Literal["reverse-mode", "forward-mode"] = "reverse-mode") -> Any:
    """The Hessian of scalar ``func`` at ``inputs`` (PyTorch's signature).

    Examples
    --------
    >>> import funcgrad as fg
    >>> fg.autograd.functional.hessian(lambda x: (x ** 3).sum(), fg.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    ins, single_in = _tuple(inputs)
    _check_inputs(ins, "hessian")
    argnums = 0 if single_in else tuple(range(len(ins)))
    outer = _t.jacfwd if outer_jacobian_strategy == "forward-mode" else _t.jacrev
    hess = outer(_t.jacrev(func, argnums=argnums), argnums=argnums)(*_as_tensors(ins, create_graph))
    return _finish(hess, create_graph)


def vjp(func: Callable[..., Any], inputs: Tensors, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(inputs), v^T J)`` (PyTorch's signature); ``v`` may be omitted for a
    one-element output.

    Examples
    --------
    >>> import funcgrad as fg
    >>> out, g = fg.autograd.functional.vjp(lambda x: x * 3, fg.tensor([1.0, 2.0]), fg.tensor([1.0, 1.0]))
    >>> g
    tensor([3., 3.])
    """
    ins, single_in = _tuple(inputs)
    _check_inputs(ins, "vjp")
    out, f_vjp = _t.vjp(func, *_as_tensors(ins, create_graph))
    if v is None:
        v = _unit_like(out, "vjp")
    grads = f_vjp(v)
    return _finish(out, create_graph), _finish(grads[0] if single_in else grads, create_graph)


def jvp(func: Callable[..., Any], inputs: Tensors, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(inputs), J v)`` (PyTorch's signature), by forward mode.

    Examples
    --------
    >>> import funcgrad as fg
    >>> out, t = fg.autograd.functional.jvp(lambda x: x ** 2, fg.tensor([1.0, 2.0]), fg.tensor([1.0, 0.0]))
    >>> t
    tensor([2., 0.])
    """
    ins, single_in = _tuple(inputs)
    _check_inputs(ins, "jvp")
    if v is None:
        v = _unit_like(inputs, "jvp")
    vs, _ = _tuple(v)
    out, tangent = _t.jvp(func, _as_tensors(ins, create_graph), vs)
    return _finish(out, create_graph), _finish(tangent, create_graph)


def hvp(func: Callable[..., Any], inputs: Tensors, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(inputs), H v)`` for scalar ``func`` (PyTorch's signature).

    Examples
    --------
    >>> import funcgrad as fg
    >>> out, hv = fg.autograd.functional.hvp(lambda x: (x ** 3).sum(), fg.tensor([1.0, 2.0]), fg.tensor([1.0, 1.0]))
    >>> hv
    tensor([ 6., 12.])
    """
    ins, single_in = _tuple(inputs)
    _check_inputs(ins, "hvp")
    if v is None:
        v = _unit_like(inputs, "hvp")
    vs, _ = _tuple(v)
    args = _as_tensors(ins, create_graph)
    out = func(*args)
    argnums = 0 if single_in else tuple(range(len(ins)))
    _, hv = _t.jvp(_t.grad(func, argnums=argnums), args, vs)
    return _finish(out, create_graph), _finish(hv, create_graph)


def vhp(func: Callable[..., Any], inputs: Tensors, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(inputs), v^T H)``: equal to :func:`hvp`, the Hessian being symmetric."""
    return hvp(func, inputs, v, create_graph, strict)


def _unit_like(value: Any, name: str) -> Tensor:
    data = value._data if isinstance(value, Tensor) else None
    if data is None or data.size != 1:
        raise RuntimeError(
            f"The vector v can only be None if the input to the user-provided function is a "
            f"single Tensor with a single element ({name})."
        )
    return _from_array(data.dtype.type(1) * (data * 0 + 1))
