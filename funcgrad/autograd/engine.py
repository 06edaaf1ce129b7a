"""The backward engine: walks the tape from the outputs to the leaves.

Nodes are visited in decreasing sequence number, which is a valid reverse topological
order (a Node is created after the Nodes of its inputs), using an explicit heap: no
recursion, so any depth of graph works. Cotangents are buffered per Node: the first is
stored without a copy, a sum is made only when a second one arrives. Saved values are
released as soon as a Node has run, unless ``retain_graph``.
"""

from __future__ import annotations

import sys
import threading
from heapq import heappop, heappush
from typing import TYPE_CHECKING, Any, Sequence, overload

import numpy as np

from . import grad_mode as _grad_mode
from ..backend import namespace
from ..tensor import Size, Tensor, _from_array
from ..ops import _structure
from ..ops.reduce import sum_to_shape  # (the tensor module has loaded the primitives)
from ..ops.ufuncs import cast_cotangent
from .anomaly_mode import _STATE as _ANOMALY
from .anomaly_mode import check_cotangents
from .node import SECOND_BACKWARD_MESSAGE, AccumulateGrad, RetainGradHook, tensor_type_name

if TYPE_CHECKING:
    from .._typing import Array, Shape
    from .node import Node

__all__ = ["backward", "grad", "run_backward"]

_state = _grad_mode._state
_OWNED_REFS = 5
_NEEDS_ONE = (True,)


def _as_sequence(x: Any) -> tuple[Any, ...]:

    if x is None:
        return ()
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _size(shape: Shape) -> str:
    return repr(Size(shape))


def _make_batched_root_grads(outputs: Sequence[Tensor], grad_outputs: Any) -> list[Any]:
    """Cotangents with a leading batch (one backward pass for many cotangents)."""
    roots = []
    batch = None
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        g_shape = g._data.shape if isinstance(g, Tensor) else np.shape(g)
        out_shape = out._data.shape
        nb = len(g_shape) - len(out_shape)
        if nb < 0 or g_shape[nb:] != out_shape or (batch is not None and g_shape[:nb] != batch):
            raise RuntimeError(
                f"a batch of cotangents for output {i} must have shape batch + "
                f"{_size(out_shape)}, but got {_size(g_shape)}"
            )
        batch = g_shape[:nb]
        roots.append(g)
    return roots


def _make_root_grads(outputs: Sequence[Tensor], grad_outputs: Sequence[Any] | None, create_graph: bool) -> list[Any]:
    """The initial cotangent of each output, checked and broadcast to its shape."""

    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(
            f"got {len(grad_outputs)} gradients for {len(outputs)} tensors; pass one per tensor"
        )
    roots = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        data = out._data
        if g is None:
            if data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if data.dtype.kind not in "fc":
                raise RuntimeError(
                    f"grad can be implicitly created only for real scalar outputs but got "
                    f"{out.dtype}"
                )
            xp = np if isinstance(data, np.ndarray) else _namespace(data)
            g = xp.ones(data.shape, dtype=data.dtype)
            roots.append(g)
            continue
        if isinstance(g, Tensor):
            g_data = g._data
        else:
            g_data = np.asarray(g) if not hasattr(g, "shape") else g
            g = None
        shape, g_shape = data.shape, g_data.shape
        if g_shape != shape:
            if g_data.size == 1 and data.size == 1:
                g_data = g_data.reshape(shape)
            else:
                try:
                    ok = np.broadcast_shapes(g_shape, shape) == shape
                except ValueError:
                    ok = False
                if not ok:
                    raise RuntimeError(
                        f"Mismatch in shape: grad_output[{i}] has a shape of {_size(g_shape)} "
                        f"and output[{i}] has a shape of {_size(shape)}: the gradient must "
                        f"have the output's shape or broadcast to it."
                    )
                g_data = _namespace(g_data).broadcast_to(g_data, shape)
            g = None
        if g_data.dtype != data.dtype:
            if g_data.dtype.kind == "c" and data.dtype.kind != "c":
                raise RuntimeError(
                    f"For complex Tensors, both grad_output and output are required to have "
                    f"the same dtype. Mismatch in dtype: grad_output[{i}] has a dtype of "
                    f"{g_data.dtype} and output[{i}] has a dtype of {data.dtype}."
                )
            g_data = g_data.astype(data.dtype)
            g = None
        if create_graph and g is not None:
            roots.append(g)  # keep the Tensor, so the gradient can depend on it
        else:
            roots.append(g_data)
    return roots


_cast_cotangent = cast_cotangent
_namespace = namespace


def _seq_of(node: Node) -> int:
    return node._seq


def _needed_nodes(roots: list[Node], targets: dict[Node, list[int]]
                  ) -> tuple[set[Node], dict[Node, tuple[bool, ...]], bool]:
    """Which Nodes the pass must run, when only ``targets`` are wanted.

    Returns ``needed`` (every Node from which a target is reachable), ``needs`` (for each
    Node that must run its rule: which of its inputs want a cotangent) and whether the graph
    also reaches a leaf that is not a target (the gradients may then depend on Tensors the
    caller differentiates later).
    """
    seen = set(roots)
    order = list(roots)
    stack = list(roots)
    external = False
    while stack:
        node = stack.pop()
        if type(node) is AccumulateGrad and node not in targets:
            external = True
        for n in node._next:
            if n is not None and n not in seen:
                seen.add(n)
                order.append(n)
                stack.append(n)
    # Inputs come before their consumers in sequence order: one pass settles every Node.
    order.sort(key=_seq_of)
    needed: set[Node] = set()
    needs: dict[Node, tuple[bool, ...]] = {}
    flags: tuple[bool, ...]
    for node in order:
        nxt = node._next
        if len(nxt) == 1:
            flags = (nxt[0] in needed,)  # (a single input always leads somewhere: not None)
        else:
            flags = tuple([n is not None and n in needed for n in nxt])
        if True in flags:
            needs[node] = flags
            needed.add(node)
        elif node in targets:
            needed.add(node)
    return needed, needs, external


@overload
def run_backward(outputs: Sequence[Tensor], grad_outputs: Sequence[Any] | None,
                 retain_graph: bool | None, create_graph: bool | None,
                 targets: None = None, accumulate: bool = True, batched: bool = False) -> None: ...
@overload
def run_backward(outputs: Sequence[Tensor], grad_outputs: Sequence[Any] | None,
                 retain_graph: bool | None, create_graph: bool | None,
                 targets: Sequence[Node], accumulate: bool = True,
                 batched: bool = False) -> list[Any]: ...
def run_backward(outputs: Sequence[Tensor], grad_outputs: Sequence[Any] | None,
                 retain_graph: bool | None, create_graph: bool | None,
                 targets: Sequence[Node] | None = None, accumulate: bool = True,
                 batched: bool = False) -> Any:
    """Run the tape backward from ``outputs``.

    Parameters
    ----------
    outputs : tuple of Tensor
    grad_outputs : tuple or None
        Their cotangents (None: implicit ones for one-element outputs).
    create_graph : bool or None
        Record the backward pass. None (with ``targets``): record it when the graph reaches
        leaves other than the targets, whose derivatives may be asked for later.
    targets : list of Node, optional
        Capture and return the total cotangent arriving at each of these Nodes.
    accumulate : bool
        Write gradients into the leaves' ``.grad`` (only those among ``targets``, when
        targets are given).
    batched : bool
        Each cotangent has a leading batch (the same for all): the result is the batch of
        vector-Jacobian products, from one pass.
    """

    root_nodes: list[Node] = []
    for i, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            raise TypeError(f"element {i} of tensors is a {type(out).__name__}, not a Tensor")
        if not out._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        root_nodes.append(out._grad_fn or out._get_accumulator())

    target_index: dict[Node, list[int]] | None = None
    needed: set[Node] | None = None
    needs_of: dict[Node, tuple[bool, ...]] | None = None
    captured: Any = None  # with targets: the cotangent arriving at each (None: none arrived)
    grads: tuple[Any, ...] | None
    if targets is not None:
        target_index = {}
        for k, node in enumerate(targets):
            target_index.setdefault(node, []).append(k)
        captured = [None] * len(targets)
        needed, needs_of, external = _needed_nodes(root_nodes, target_index)
        if create_graph is None:
            create_graph = external
    create_graph = bool(create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    if batched:
        root_grads = _make_batched_root_grads(outputs, grad_outputs)
    else:
        root_grads = _make_root_grads(outputs, grad_outputs, create_graph)

    buffers: dict[Node, Any] = {}
    heap: list[tuple[int, Node]] = []
    zero_reached: list[Node] = []  # nodes a rule sent an exact-zero (None) cotangent to
    for node, g in zip(root_nodes, root_grads):
        if needed is not None and node not in needed:
            continue
        if node in buffers:
            buffers[node] = buffers[node] + g
        else:
            buffers[node] = g
            heappush(heap, (-node._seq, node))

    prev_mode = _state.enabled
    _state.enabled = bool(create_graph)
    # Masked branches (0 * inf) are fixed up by the rules; NumPy's warnings about them
    # would only be noise, and PyTorch's backward is silent too (anomaly mode finds NaNs).
    errstate = np.errstate(divide="ignore", invalid="ignore", over="ignore")
    errstate.__enter__()
    try:
        while heap:
            node = heappop(heap)[1]
            g = buffers.pop(node)
            if node._pre_hooks is not None:
                g = _run_pre_hooks(node, g, create_graph)
            if target_index is not None and node in target_index:
                for k in target_index[node]:
                    captured[k] = g
            if type(node) is AccumulateGrad:
                if accumulate and (target_index is None or node in target_index):
                    _accumulate(node, g, create_graph)
                continue
            if needs_of is None:
                needs = None
            else:
                needs = needs_of.get(node)
                if needs is None:
                    continue  # a target with nothing needed beyond it: do not run (or free) it
            grads = _apply_node(node, g, needs, create_graph, retain_graph)
            if _ANOMALY[0] and _ANOMALY[1]:
                check_cotangents(node, grads)
            if node._post_hooks is not None:
                _run_post_hooks(node, grads, g)
            for nxt, ct in zip(node._next, grads):
                if ct is None or nxt is None:
                    if nxt is not None:
                        zero_reached.append(nxt)  # an exact zero (PyTorch: a zeros tensor)
                    continue
                if needed is not None and nxt not in needed:
                    continue
                if nxt in buffers:
                    buffers[nxt] = buffers[nxt] + ct
                else:
                    buffers[nxt] = ct
                    heappush(heap, (-nxt._seq, nxt))
            # Drop this frame's references, so a leaf can take its gradient without a copy.
            grads = ct = g = None
        if zero_reached and accumulate and target_index is None:
            _zero_fill_leaves(zero_reached)
    finally:
        errstate.__exit__(None, None, None)
        _state.enabled = prev_mode
    return captured


def _reachable_nodes(outputs: Sequence[Tensor]) -> set[Node]:
    """Every node of the graphs behind ``outputs``."""
    seen: set[Node] = set()
    stack = [t._grad_fn for t in outputs if t._grad_fn is not None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(n for n in node._next if n is not None)
    return seen


def _zero_fill_leaves(starts: list[Node]) -> None:
    """Give a zero ``.grad`` to the leaves behind ``starts`` that got no gradient at all.

    funcgrad's rules return None for an exact zero (``sign``, ``round``, an unused branch),
    and the engine skips what only zeros reach; PyTorch sends zeros tensors instead, so a
    leaf that is part of the graph ends with ``.grad`` zeros, not None. This runs only when
    a rule returned such a None.
    """
    seen: set[int] = set()
    stack = list(starts)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if type(node) is AccumulateGrad:
            leaf = node._variable_ref
            if leaf._grad is None:
                data = leaf._data
                leaf._grad = _from_array(namespace(data).zeros(data.shape, dtype=data.dtype))
            continue
        stack.extend(n for n in node._next if n is not None)


def _apply_node(node: Node, g: Any, needs: tuple[bool, ...] | None, create_graph: bool,
                retain_graph: bool) -> tuple[Any, ...]:
    """Run one Node's VJP rule, summing cotangents down to broadcast inputs' shapes."""

    prim = node.primitive
    saved = node._saved
    if saved is None:
        raise RuntimeError(SECOND_BACKWARD_MESSAGE)
    if node._versions is not None:
        _check_versions(node)
    if needs is None:  # (given when only some inputs lead to what is wanted)
        nxt = node._next
        if len(nxt) == 1:
            needs = _NEEDS_ONE  # a unary node exists only because its input needs a gradient
        elif len(nxt) == 2:
            needs = (nxt[0] is not None, nxt[1] is not None)
        else:
            needs = tuple([n is not None for n in nxt])
    ans = node._ans
    if create_graph:
        if not isinstance(g, Tensor):
            g = _from_array(g)
        if ans is not None:
            ans = _from_array(ans)
            ans._grad_fn = node
            ans._requires_grad = True
            ans._fw = node._ans_fw
        args: list[Any] | tuple[Any, ...] = saved
    else:
        if isinstance(g, Tensor):
            g = g._data
        if prim.saves_input_values:  # saved Tensors are handed to the rule as arrays
            args = [a._data if isinstance(a, Tensor) else a for a in saved]
            if prim.nin < 0:
                args[0] = [a._data if isinstance(a, Tensor) else a for a in args[0]]
        else:
            args = saved
    # Only differentiable primitives (their vjp set) record nodes; no check on the hot path.
    grads: tuple[Any, ...] = prim.vjp(g, needs, ans, *args)  # type: ignore[misc]
    if not retain_graph and node._saves_values:
        node._saved = None
        node._ans = None
        node._ans_fw = None
    shapes = node._shapes
    if shapes is not None:
        # The output has the broadcast shape of the inputs: its ndim is the largest.
        nb = g.ndim - max(len(s) for s in shapes)
        grads = tuple(
            ct if ct is None or ct.shape[nb:] == s else _sum_to(ct, s, nb)
            for ct, s in zip(grads, shapes)
        )
    return grads


def _sum_to(ct: Any, shape: Shape, nb: int) -> Any:
    return sum_to_shape(ct, shape, nb)


def _check_versions(node: Node) -> None:

    for counter, version in node._versions or ():
        if counter[0] != version:
            # Name the tensor: a saved input if it is one, else the node's own output.
            described = None
            for a in node._saved or ():
                if isinstance(a, Tensor) and a._version is counter:
                    described = a
                    break
            if described is not None:
                what = f"[{tensor_type_name(described._data)} {list(described._data.shape)}]"
                if described._grad_fn is not None:
                    what += f", which is output 0 of {described._grad_fn.name()},"
            else:
                what = f"[{tensor_type_name(node._ans)} {list(node._ans.shape)}], which is output 0 of {node.name()},"
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: {what} is at version {counter[0]}; expected version "
                f"{version} instead. Hint: the operation that modified it ran after this "
                "tensor was used; use an out-of-place operation or clone() the tensor first."
            )


def _run_pre_hooks(node: Node, g: Any, create_graph: bool) -> Any:

    retain = None
    for hook in list(node._pre_hooks or ()):
        if type(hook) is RetainGradHook:
            retain = hook
            continue
        gt = g if isinstance(g, Tensor) else _from_array(g)
        result = hook(gt)
        if result is not None:
            g = _check_hook_result(result, gt)
    if retain is not None:
        # As in PyTorch 2, .grad of a retained tensor sees what the other hooks returned.
        t = retain.tensor_ref()
        if t is not None:
            _store_grad(t, g, create_graph)
    return g


def _run_post_hooks(node: Node, grads: Sequence[Any], g: Any) -> None:

    def wrap(a: Any) -> Any:
        return None if a is None else (_from_array(a) if not hasattr(a, "_data") else a)

    for hook in node._post_hooks or ():
        hook(tuple(wrap(a) for a in grads), (wrap(g),))


def _check_hook_result(result: Any, grad: Tensor) -> Any:

    data = result._data if isinstance(result, Tensor) else result
    if getattr(data, "shape", None) != grad._data.shape:
        raise RuntimeError(
            f"hook returned a gradient of shape {_size(np.shape(data))}, but the gradient "
            f"it was given has shape {_size(grad._data.shape)}; a hook must keep the shape"
        )
    return result if isinstance(result, Tensor) and _state.enabled else data


def _accumulate(node: AccumulateGrad, g: Any, create_graph: bool) -> None:
    leaf = node._variable_ref
    if leaf._hooks:

        for hook in list(leaf._hooks):
            gt = g if isinstance(g, Tensor) else _from_array(g)
            result = hook(gt)
            if result is not None:
                g = _check_hook_result(result, gt)
    _store_grad(leaf, g, create_graph)


class _Pass(threading.local):
    active = False  # a backward() (accumulating into .grad) is running in this thread


_pass = _Pass()
# Two threads backpropagating into one shared leaf must both be counted.
_accumulate_lock = threading.Lock()


def _store_grad(tensor: Tensor, g: Any, create_graph: bool) -> None:
    """Add ``g`` into ``tensor.grad``: in place when possible, as PyTorch does."""
    with _accumulate_lock:
        _store_grad_unlocked(tensor, g, create_graph)


def _store_grad_unlocked(tensor: Tensor, g: Any, create_graph: bool) -> None:

    dtype = tensor._data.dtype
    if create_graph:
        if not isinstance(g, Tensor):
            g = _from_array(g)
        if g._data.dtype != dtype:
            g = _cast_cotangent(g, dtype)
        tensor._grad = g if tensor._grad is None else tensor._grad + g
        return
    if isinstance(g, Tensor):
        g = g._data
    if g.dtype != dtype:
        g = _cast_cotangent(g, dtype)
    current = tensor._grad
    if current is None:
        # Steal the array when nothing else can see it (a fresh, owned result); otherwise
        # copy, so that .grad never aliases a user's gradient or another leaf's .grad.
        # References when it is owned: run_backward's ``g``, _accumulate's, _store_grad's,
        # this frame's, and getrefcount's argument (_OWNED_REFS).
        if isinstance(g, np.generic):
            g = np.asarray(g)  # a NumPy scalar: .grad holds an array, written in place later
        elif not (g.base is None and g.flags.writeable and sys.getrefcount(g) <= _OWNED_REFS):
            g = g.copy()
        elif _structure._DIAGONALS:
            _structure.forget(g)  # .grad is written in place later: no longer known diagonal
        tensor._grad = _from_array(g)
    elif current._grad_fn is not None or current._requires_grad:
        tensor._grad = current + _from_array(g)
    else:
        current._data += g
        current._version[0] += 1


def backward(tensors: Tensor | Sequence[Tensor], grad_tensors: Any = None,
             retain_graph: bool | None = None, create_graph: bool = False,
             inputs: Tensor | Sequence[Tensor] | None = None, grad_variables: Any = None) -> None:
    """Compute the sum of gradients of ``tensors`` with respect to the graph's leaves.

    Parameters
    ----------
    tensors : Tensor or sequence of Tensor
    grad_tensors : sequence, optional
        One gradient per tensor (None for a one-element tensor's implicit 1).
    retain_graph, create_graph : bool
        See :meth:`funcgrad.Tensor.backward`.
    inputs : sequence of Tensor, optional
        Accumulate only into these.

    Examples
    --------
    >>> import funcgrad as fg
    >>> x = fg.tensor([1.0, 2.0], requires_grad=True)
    >>> fg.autograd.backward([(x * x).sum(), x.sum()])
    >>> x.grad
    tensor([3., 5.])
    """

    if grad_variables is not None:
        import warnings

        warnings.warn("grad_variables is deprecated; use grad_tensors", DeprecationWarning, stacklevel=2)
        grad_tensors = grad_variables
    tensors = _as_sequence(tensors)
    if grad_tensors is not None:
        grad_tensors = _as_sequence(grad_tensors) if not isinstance(grad_tensors, Tensor) else (grad_tensors,)
    if _pass.active:
        raise RuntimeError(
            "backward() was called while a backward pass is running in this thread (from a "
            "hook or a custom backward?). Accumulating into .grad from inside a pass is not "
            "supported: compute what you need with funcgrad.autograd.grad(...), or call "
            "backward() after the pass has finished."
        )
    _pass.active = True
    try:
        if inputs is None:
            run_backward(tensors, grad_tensors, retain_graph, create_graph)
            return
        inputs = _as_sequence(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        targets = [_target_node(t, i) for i, t in enumerate(inputs)]
        captured = run_backward(tensors, grad_tensors, retain_graph, create_graph, targets, accumulate=True)
        for t, node, g in zip(inputs, targets, captured):
            if g is not None and type(node) is not AccumulateGrad:
                _store_grad(t, g, create_graph)
    finally:
        _pass.active = False


def _target_node(t: Any, i: int) -> Node:

    if not isinstance(t, Tensor):
        raise TypeError(f"inputs[{i}] is a {type(t).__name__}, not a Tensor")
    if not t._requires_grad:
        raise RuntimeError(f"One of the differentiated Tensors does not require grad")
    return t._grad_fn or t._get_accumulator()


def grad(outputs: Tensor | Sequence[Tensor], inputs: Tensor | Sequence[Tensor],
         grad_outputs: Any = None, retain_graph: bool | None = None, create_graph: bool = False,
         allow_unused: bool | None = None, is_grads_batched: bool = False,
         materialize_grads: bool = False) -> tuple[Tensor | None, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, without touching ``.grad``.

    Parameters
    ----------
    outputs : Tensor or sequence of Tensor
    inputs : Tensor or sequence of Tensor
    grad_outputs : sequence, optional
        The cotangents of the outputs (implicit 1 for one-element outputs).
    retain_graph : bool, optional
        Defaults to ``create_graph``.
    create_graph : bool
        Record the computation, to differentiate the result again.
    allow_unused : bool
        Return None for an input the outputs do not depend on, instead of raising.
    materialize_grads : bool
        Return zeros instead of None for unused inputs.

    Returns
    -------
    tuple of Tensor

    Examples
    --------
    >>> import funcgrad as fg
    >>> x = fg.tensor(3.0, requires_grad=True)
    >>> (dx,) = fg.autograd.grad(x ** 3, x, create_graph=True)
    >>> dx
    tensor(27., grad_fn=<MulBackward0>)
    >>> fg.autograd.grad(dx, x)
    (tensor(18.),)
    """

    outputs = _as_sequence(outputs)
    inputs = _as_sequence(inputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    if grad_outputs is not None:
        grad_outputs = _as_sequence(grad_outputs) if not isinstance(grad_outputs, Tensor) else (grad_outputs,)
    batch = ()
    if is_grads_batched:  # one pass for a whole batch of cotangents (the engine's batched mode)
        if grad_outputs is None:
            raise RuntimeError("is_grads_batched=True requires grad_outputs with a leading batch dimension")
        first = grad_outputs[0]
        first_shape = first._data.shape if isinstance(first, Tensor) else np.shape(first)
        batch = first_shape[: len(first_shape) - outputs[0]._data.ndim]
    targets = [_target_node(t, i) for i, t in enumerate(inputs)]
    captured = run_backward(outputs, grad_outputs, retain_graph, create_graph, targets,
                            accumulate=False, batched=is_grads_batched)
    result: list[Tensor | None] = []
    reachable: set[Node] | None = None
    for i, (t, g) in enumerate(zip(inputs, captured)):
        if g is None:
            if reachable is None:
                reachable = _reachable_nodes(outputs)
            # In the graph but reached only by exact zeros: PyTorch's zeros, not "unused".
            if materialize_grads or targets[i] in reachable:
                result.append(_from_array(_namespace(t._data).zeros(batch + t._data.shape, dtype=t._data.dtype)))
                continue
            if not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior."
                )
            result.append(None)
            continue
        if not isinstance(g, Tensor):
            g = _from_array(g if g.base is None else g.copy())
        if g._data.dtype != t._data.dtype:
            g = _cast_cotangent(g, t._data.dtype)
        result.append(g)
    return tuple(result)
