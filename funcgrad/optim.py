"""Optimizers: PyTorch's ``torch.optim`` API over Tensors, and pure functional forms.

Two faces, as in the rest of funcgrad:

* :class:`SGD`, :class:`Adam` and :class:`AdamW` follow ``torch.optim``: they hold
  parameter Tensors in ``param_groups``, keep per-parameter ``state`` and update the
  parameters in place (under :func:`funcgrad.no_grad`) when :meth:`Optimizer.step` is called.
* :func:`sgd`, :func:`adam` and :func:`adamw` are pure, for the :func:`funcgrad.grad` style
  over pytrees of arrays: ``opt.init(params) -> state`` and
  ``opt.update(grads, state, params) -> (new_params, new_state)``; nothing is mutated.

The update formulas are those of PyTorch's documentation for each algorithm.

Examples
--------
>>> import numpy as np
>>> import funcgrad as fg
>>> from funcgrad import optim
>>> w = fg.tensor([1.0, -2.0], requires_grad=True)
>>> opt = optim.SGD([w], lr=0.1)
>>> for _ in range(3):
...     opt.zero_grad()
...     (w * w).sum().backward()
...     opt.step()
>>> w
tensor([ 0.5120, -1.0240], requires_grad=True)

The same in the functional style:

>>> params = {"w": np.array([1.0, -2.0])}
>>> fopt = optim.sgd(lr=0.1)
>>> state = fopt.init(params)
>>> for _ in range(3):
...     grads = fg.grad(lambda p: (p["w"] ** 2).sum())(params)
...     params, state = fopt.update(grads, state, params)
>>> params["w"]
array([ 0.512, -1.024])
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING, Any, Callable, Iterable, NamedTuple, Union

import numpy as np
from typing_extensions import TypeAlias

from . import backend as _backend
from . import tree as _tree
from .autograd import no_grad
from .creation import zeros_like
from .backend import namespace
from .tensor import Tensor

if TYPE_CHECKING:
    from ._typing import Array, PyTree

__all__ = [
    "Optimizer", "SGD", "Adam", "AdamW",
    "GradientTransformation", "sgd", "adam", "adamw",
    "SGDState", "AdamState",
]


class _RequiredParameter:
    """Marks a hyper-parameter that every param group must give."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()

#: What an optimizer takes: Tensors, or param groups (dicts with ``"params"``).
Params: TypeAlias = Union[Iterable[Tensor], Iterable[dict[str, Any]]]


# ---- the Tensor face -------------------------------------------------------------------------


class Optimizer:
    """Base class of the Tensor optimizers (``torch.optim.Optimizer``).

    Parameters
    ----------
    params : iterable of Tensor or of dict
        The Tensors to optimize, or param groups: dicts with a ``"params"`` entry and any
        hyper-parameters that override ``defaults`` for that group.
    defaults : dict
        The default hyper-parameters of every group.

    Attributes
    ----------
    param_groups : list of dict
        One dict per group: ``"params"`` (a list of Tensors) and its hyper-parameters.
    state : dict
        Per-parameter state (keyed by the parameter Tensor), e.g. momentum buffers.

    Examples
    --------
    >>> import funcgrad as fg
    >>> from funcgrad import optim
    >>> a = fg.zeros(2, requires_grad=True)
    >>> b = fg.zeros(3, requires_grad=True)
    >>> opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    >>> [g["lr"] for g in opt.param_groups]
    [0.1, 0.5]
    """

    def __init__(self, params: Params, defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {type(params).__name__}"
            )
        param_groups: list[Any] = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(group):
                if key != "params":
                    lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (a dict with ``"params"``) with its own hyper-parameters.

        Examples
        --------
        >>> import funcgrad as fg
        >>> from funcgrad import optim
        >>> opt = optim.SGD([fg.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
        >>> opt.add_param_group({"params": fg.zeros(2, requires_grad=True), "lr": 0.01})
        >>> opt.param_groups[1]["lr"], opt.param_groups[1]["momentum"]
        (0.01, 0.9)
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}"
                )
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        group = dict(param_group)
        group["params"] = params
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(
                    f"parameter group didn't specify a value of required optimization parameter {name}"
                )
            group.setdefault(name, default)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        ids = [id(p) for p in params]
        if len(set(ids)) != len(ids) or seen.intersection(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self._check_hyperparameters(group)
        self.param_groups.append(group)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        """Raise ValueError for invalid values in ``group`` (subclasses override)."""

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all the parameters.

        Parameters
        ----------
        set_to_none : bool, default True
            Set ``.grad`` to None (the default, as in PyTorch) instead of filling it with zeros.

        Examples
        --------
        >>> import funcgrad as fg
        >>> from funcgrad import optim
        >>> w = fg.ones(2, requires_grad=True)
        >>> opt = optim.SGD([w], lr=0.1)
        >>> w.sum().backward()
        >>> opt.zero_grad(set_to_none=False)
        >>> w.grad
        tensor([0., 0.])
        >>> opt.zero_grad()
        >>> w.grad is None
        True
        """
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if g.grad_fn is not None:
                        g = g.detach()
                        p.grad = g
                    with no_grad():
                        g.zero_()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update the parameters once; ``closure``, when given, recomputes and returns the loss."""
        raise NotImplementedError

    def _call_closure(self, closure: Callable[[], Any] | None) -> Any:
        if closure is None:
            return None
        from .autograd import enable_grad

        with enable_grad():
            return closure()


def _check_lr(lr: float) -> None:
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def _check_weight_decay(weight_decay: float) -> None:
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum (``torch.optim.SGD``).

    For each parameter :math:`\theta` with gradient :math:`g` at step :math:`t`:

    .. math::
        g &\leftarrow -g \text{ if maximize} \\
        g &\leftarrow g + \lambda \theta \text{ if } \lambda \ne 0 \\
        b_t &\leftarrow g \text{ at } t = 1, \text{ else } \mu b_{t-1} + (1 - \tau) g \\
        g &\leftarrow g + \mu b_t \text{ if nesterov, else } b_t \quad (\text{if } \mu \ne 0) \\
        \theta &\leftarrow \theta - \gamma g

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters to optimize, or param groups.
    lr : float, default 1e-3
        Learning rate :math:`\gamma`.
    momentum : float, default 0
        Momentum factor :math:`\mu`.
    dampening : float, default 0
        Dampening :math:`\tau` for momentum.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda`.
    nesterov : bool, default False
        Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).
    maximize : bool, default False
        Maximize the objective instead of minimizing it.

    Examples
    --------
    >>> import funcgrad as fg
    >>> from funcgrad import optim
    >>> w = fg.tensor([1.0], requires_grad=True)
    >>> opt = optim.SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     (w * w).sum().backward()   # gradient 2 w
    ...     opt.step()
    >>> w     # 1 - 0.1*2 = 0.8, then 0.8 - 0.1*(0.9*2 + 1.6) = 0.46
    tensor([0.4600], requires_grad=True)
    >>> opt.state[w]["momentum_buffer"]
    tensor([3.4000])
    """

    def __init__(self, params: Params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False) -> None:
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        _check_lr(group["lr"])
        if group["momentum"] < 0.0:
            raise ValueError(f"Invalid momentum value: {group['momentum']}")
        _check_weight_decay(group["weight_decay"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update the parameters once; returns ``closure()`` when a closure is given."""
        loss = self._call_closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr, momentum = group["lr"], group["momentum"]
                dampening, weight_decay = group["dampening"], group["weight_decay"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    d_p = -p.grad if group["maximize"] else p.grad
                    if weight_decay != 0:
                        d_p = d_p + weight_decay * p
                    if momentum != 0:
                        state = self.state[p]
                        buf = state.get("momentum_buffer")
                        if buf is None:
                            buf = d_p.detach().clone()
                            state["momentum_buffer"] = buf
                        else:
                            buf.mul_(momentum).add_(d_p, alpha=1 - dampening)
                        d_p = d_p + momentum * buf if group["nesterov"] else buf
                    p.add_(d_p, alpha=-lr)
        return loss


class Adam(Optimizer):
    r"""Adam (``torch.optim.Adam``), with L2 weight decay folded into the gradient.

    For each parameter :math:`\theta` with gradient :math:`g` at step :math:`t`:

    .. math::
        g &\leftarrow -g \text{ if maximize} \\
        g &\leftarrow g + \lambda \theta \text{ if } \lambda \ne 0 \\
        m_t &\leftarrow \beta_1 m_{t-1} + (1 - \beta_1) g \\
        v_t &\leftarrow \beta_2 v_{t-1} + (1 - \beta_2) g^2 \\
        \hat v_t &\leftarrow \max(\hat v_{t-1}, v_t) \text{ if amsgrad, else } v_t \\
        \theta &\leftarrow \theta - \frac{\gamma}{1 - \beta_1^t} \, m_t \Big/
            \Big(\frac{\sqrt{\hat v_t}}{\sqrt{1 - \beta_2^t}} + \epsilon\Big)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters to optimize, or param groups.
    lr : float, default 1e-3
        Learning rate :math:`\gamma`.
    betas : (float, float), default (0.9, 0.999)
        Decay rates :math:`(\beta_1, \beta_2)` of the running averages, each in [0, 1).
    eps : float, default 1e-8
        Added to the denominator for stability.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda` (added to the gradient; see :class:`AdamW` for decoupled decay).
    amsgrad : bool, default False
        Use the running maximum of the second moment (AMSGrad).
    maximize : bool, default False
        Maximize the objective instead of minimizing it.

    Examples
    --------
    >>> import funcgrad as fg
    >>> from funcgrad import optim
    >>> w = fg.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()           # the first Adam step moves each entry by about lr
    >>> w
    tensor([ 0.9000, -0.9000], requires_grad=True)
    >>> sorted(opt.state[w])
    ['exp_avg', 'exp_avg_sq', 'step']
    """

    _decoupled = False

    def __init__(self, params: Params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize)
        super().__init__(params, defaults)

    def _check_hyperparameters(self, group: dict[str, Any]) -> None:
        _check_lr(group["lr"])
        if not 0.0 <= group["eps"]:
            raise ValueError(f"Invalid epsilon value: {group['eps']}")
        betas = group["betas"]
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        _check_weight_decay(group["weight_decay"])

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update the parameters once; returns ``closure()`` when a closure is given."""
        loss = self._call_closure(closure)
        with no_grad():
            for group in self.param_groups:
                lr, (beta1, beta2) = group["lr"], group["betas"]
                eps, weight_decay = group["eps"], group["weight_decay"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    grad = -p.grad if group["maximize"] else p.grad
                    state = self.state[p]
                    if len(state) == 0:
                        state["step"] = 0
                        state["exp_avg"] = zeros_like(p.detach())
                        state["exp_avg_sq"] = zeros_like(p.detach())
                        if group["amsgrad"]:
                            state["max_exp_avg_sq"] = zeros_like(p.detach())
                    state["step"] += 1
                    step = state["step"]
                    if weight_decay != 0:
                        if self._decoupled:
                            p.mul_(1 - lr * weight_decay)
                        else:
                            grad = grad + weight_decay * p
                    exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                    exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                    exp_avg_sq.mul_(beta2).add_(grad * grad, alpha=1 - beta2)
                    bias_correction1 = 1 - beta1 ** step
                    bias_correction2_sqrt = math.sqrt(1 - beta2 ** step)
                    step_size = lr / bias_correction1
                    if group["amsgrad"]:
                        max_sq = state["max_exp_avg_sq"]
                        max_sq.copy_(max_sq.maximum(exp_avg_sq))
                        denom = max_sq.sqrt() / bias_correction2_sqrt + eps
                    else:
                        denom = exp_avg_sq.sqrt() / bias_correction2_sqrt + eps
                    p.add_(exp_avg / denom, alpha=-step_size)
        return loss


class AdamW(Adam):
    r"""Adam with decoupled weight decay (``torch.optim.AdamW``).

    As :class:`Adam`, except that weight decay does not touch the gradient: each step first
    shrinks the parameter, :math:`\theta \leftarrow \theta (1 - \gamma \lambda)`, then takes
    the Adam step with the plain gradient. ``weight_decay`` defaults to ``1e-2``.

    Examples
    --------
    >>> import funcgrad as fg
    >>> from funcgrad import optim
    >>> w = fg.tensor([1.0], requires_grad=True)
    >>> opt = optim.AdamW([w], lr=0.1, weight_decay=0.5)
    >>> (w * w).sum().backward()
    >>> opt.step()           # 1 * (1 - 0.1*0.5) - 0.1
    >>> w
    tensor([0.8500], requires_grad=True)
    """

    _decoupled = True

    def __init__(self, params: Params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize)


# ---- the functional face ---------------------------------------------------------------------


class GradientTransformation(NamedTuple):
    """A pure optimizer: ``init(params) -> state``, ``update(grads, state, params)``.

    ``update`` returns ``(new_params, new_state)`` and never mutates its arguments.
    """

    init: Callable[[PyTree], Any]
    update: Callable[[PyTree, Any, PyTree], tuple[PyTree, Any]]


class SGDState(NamedTuple):
    """State of :func:`sgd`: the momentum buffers (a pytree like the params, or None)."""

    momentum: Any


class AdamState(NamedTuple):
    """State of :func:`adam` and :func:`adamw`: step count and the moment estimates."""

    count: int  # type: ignore[assignment]  # shadows tuple.count on purpose: optax's name
    mu: Any
    nu: Any


def _zeros_of(p: Any) -> Array:
    data = p._data if isinstance(p, Tensor) else p
    if _backend.is_cuda_array(data):  # state lives where the parameter does
        return namespace(data).zeros_like(data)
    return np.zeros_like(np.asarray(data))


def _zeros_tree(params: PyTree) -> PyTree:
    return _tree.map(_zeros_of, params)


def _check_functional(lr: float, weight_decay: float) -> None:
    _check_lr(lr)
    _check_weight_decay(weight_decay)


def sgd(lr: float, momentum: float = 0.0, nesterov: bool = False,
        weight_decay: float = 0.0) -> GradientTransformation:
    r"""Pure SGD with optional (Nesterov) momentum and L2 weight decay, over pytrees.

    Same formulas as :class:`SGD` with ``dampening=0``: with
    :math:`g \leftarrow g + \lambda\theta`, :math:`b \leftarrow \mu b + g` (from :math:`b = 0`),
    the step is :math:`\theta - \gamma (g + \mu b)` with Nesterov, else
    :math:`\theta - \gamma b`.

    Parameters
    ----------
    lr : float
        Learning rate.
    momentum : float, default 0
        Momentum factor; 0 keeps no state.
    nesterov : bool, default False
        Nesterov momentum (needs ``momentum > 0``).
    weight_decay : float, default 0
        L2 penalty added to the gradient.

    Returns
    -------
    GradientTransformation
        ``init(params) -> SGDState`` and ``update(grads, state, params) -> (params, state)``.

    Examples
    --------
    >>> import numpy as np
    >>> from funcgrad import optim
    >>> opt = optim.sgd(lr=0.1, momentum=0.9)
    >>> params = {"w": np.array([1.0])}
    >>> state = opt.init(params)
    >>> params, state = opt.update({"w": np.array([2.0])}, state, params)
    >>> params, state = opt.update({"w": np.array([1.6])}, state, params)
    >>> params["w"], state.momentum["w"]
    (array([0.46]), array([3.4]))
    """
    _check_functional(lr, weight_decay)
    if momentum < 0.0:
        raise ValueError(f"Invalid momentum value: {momentum}")
    if nesterov and momentum <= 0:
        raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def init(params: PyTree) -> SGDState:
        return SGDState(_zeros_tree(params) if momentum != 0 else None)

    def update(grads: PyTree, state: SGDState, params: PyTree) -> tuple[PyTree, SGDState]:
        if weight_decay != 0:
            grads = _tree.map(lambda g, p: g + weight_decay * p, grads, params)
        if momentum == 0:
            new_params = _tree.map(lambda p, g: p - lr * g, params, grads)
            return new_params, state
        bufs = _tree.map(lambda b, g: momentum * b + g, state.momentum, grads)
        if nesterov:
            steps = _tree.map(lambda g, b: g + momentum * b, grads, bufs)
        else:
            steps = bufs
        new_params = _tree.map(lambda p, s: p - lr * s, params, steps)
        return new_params, SGDState(bufs)

    return GradientTransformation(init, update)


def _adam(lr: float, b1: float, b2: float, eps: float, weight_decay: float,
          decoupled: bool) -> GradientTransformation:
    _check_functional(lr, weight_decay)
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= b1 < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {b1}")
    if not 0.0 <= b2 < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {b2}")

    def init(params: PyTree) -> AdamState:
        return AdamState(0, _zeros_tree(params), _zeros_tree(params))

    def update(grads: PyTree, state: AdamState, params: PyTree) -> tuple[PyTree, AdamState]:
        count = state.count + 1
        if weight_decay != 0:
            if decoupled:
                params = _tree.map(lambda p: p * (1 - lr * weight_decay), params)
            else:
                grads = _tree.map(lambda g, p: g + weight_decay * p, grads, params)
        mu = _tree.map(lambda m, g: b1 * m + (1 - b1) * g, state.mu, grads)
        nu = _tree.map(lambda v, g: b2 * v + (1 - b2) * g * g, state.nu, grads)
        step_size = lr / (1 - b1 ** count)
        bc2_sqrt = math.sqrt(1 - b2 ** count)
        new_params = _tree.map(
            lambda p, m, v: p - step_size * (m / (np.sqrt(v) / bc2_sqrt + eps)), params, mu, nu
        )
        return new_params, AdamState(count, mu, nu)

    return GradientTransformation(init, update)


def adam(lr: float = 1e-3, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8,
         weight_decay: float = 0.0) -> GradientTransformation:
    r"""Pure Adam over pytrees, with the formulas of :class:`Adam` (L2 weight decay).

    Parameters
    ----------
    lr : float, default 1e-3
        Learning rate.
    b1, b2 : float, default 0.9, 0.999
        Decay rates of the first and second moment estimates, each in [0, 1).
    eps : float, default 1e-8
        Added to the denominator for stability.
    weight_decay : float, default 0
        L2 penalty added to the gradient (as ``torch.optim.Adam``; see :func:`adamw`).

    Returns
    -------
    GradientTransformation
        ``init(params) -> AdamState`` and ``update(grads, state, params) -> (params, state)``.

    Examples
    --------
    >>> import numpy as np
    >>> import funcgrad as fg
    >>> from funcgrad import optim
    >>> loss = lambda p: ((p["w"] - 3.0) ** 2).sum()
    >>> params = {"w": np.zeros(2)}
    >>> opt = optim.adam(lr=0.1)
    >>> state = opt.init(params)
    >>> for _ in range(300):
    ...     params, state = opt.update(fg.grad(loss)(params), state, params)
    >>> np.round(params["w"], 3)
    array([3., 3.])
    >>> state.count
    300
    """
    return _adam(lr, b1, b2, eps, weight_decay, decoupled=False)


def adamw(lr: float = 1e-3, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8,
          weight_decay: float = 1e-2) -> GradientTransformation:
    r"""Pure AdamW over pytrees, with the formulas of :class:`AdamW` (decoupled decay).

    Examples
    --------
    >>> import numpy as np
    >>> from funcgrad import optim
    >>> opt = optim.adamw(lr=0.1, weight_decay=0.5)
    >>> params = [np.array([1.0])]
    >>> params, state = opt.update([np.array([2.0])], opt.init(params), params)
    >>> params
    [array([0.85])]
    """
    return _adam(lr, b1, b2, eps, weight_decay, decoupled=True)
