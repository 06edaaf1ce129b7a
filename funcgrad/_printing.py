"""Render arrays the way PyTorch renders tensors.

``tensor_repr`` produces exactly the text of ``repr(torch_tensor)``, with
``torch.`` spelled ``funcgrad.``, so that funcgrad sessions read like PyTorch
ones.  It works on plain NumPy arrays and is not performance sensitive, so
it favours clarity over speed.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["tensor_repr", "set_printoptions", "get_printoptions"]

_PROFILES: dict[str, dict[str, Any]] = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}

# Current options; ``sci_mode`` None means "decide per tensor".
_OPTS: dict[str, Any] = dict(_PROFILES["default"], sci_mode=None)


def set_printoptions(precision: int | None = None, threshold: float | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None) -> None:
    """Set options for printing tensors, like ``torch.set_printoptions``.

    Parameters
    ----------
    precision : int, optional
        Number of digits after the decimal point for floating point values
        (default 4).
    threshold : int or float, optional
        Total number of elements above which the output is summarised with
        ``...`` (default 1000).
    edgeitems : int, optional
        Number of items kept at the start and end of each dimension when
        summarising (default 3).
    linewidth : int, optional
        Number of characters per line used to wrap rows and suffixes
        (default 80).
    profile : {"default", "short", "full"}, optional
        Preset applied first; the explicit arguments above override it.
        ``"short"`` uses precision 2 and 2 edge items, ``"full"`` never
        summarises.
    sci_mode : bool, optional
        Force (True) or forbid (False) scientific notation.  As in PyTorch
        this option is reset to None (automatic) by every call that does not
        pass it.

    Raises
    ------
    ValueError
        If ``profile`` is not one of the known names (PyTorch silently ignores
        an unknown profile; a typo is more likely a mistake).
    """
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(
                f"unknown print profile {profile!r}; expected one of {sorted(_PROFILES)}")
        _OPTS.update(_PROFILES[profile])
    for name, value in (("precision", precision), ("threshold", threshold),
                        ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            _OPTS[name] = value
    # Torch assigns sci_mode unconditionally, so omitting it means "automatic".
    _OPTS["sci_mode"] = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Return a copy of the current print options as a dict."""
    return dict(_OPTS)


class _Formatter:
    """Chooses one notation and column width for all values of a tensor.

    The choice is made on the (possibly summarised) data, as torch does, so
    that values hidden behind ``...`` do not influence the layout.
    """

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        precision = _OPTS["precision"]
        flat = values.reshape(-1)
        if not self.floating:
            for v in flat.tolist():
                self.width = max(self.width, len(str(v)))
            return
        vals = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
        if vals.size == 0:
            # Torch returns before applying the sci_mode option here, so an
            # all-zero (or all-nan) tensor always prints as "0." / "nan".
            return
        amin, amax = np.abs(vals).min(), np.abs(vals).max()
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        if _OPTS["sci_mode"] is None:
            self.sci_mode = bool(amax / amin > 1000.0 or amax > 1.0e8 or amin < 1.0e-4)
        else:
            self.sci_mode = _OPTS["sci_mode"]
        # The width is measured in the notation actually used, so that
        # forcing sci_mode on or off still gives tight columns.
        if self.sci_mode:
            texts = [f"{v:.{precision}e}" for v in vals.tolist()]
        elif self.int_mode:
            # The "." appended to every finite value in int mode counts too.
            texts = [f"{v:.0f}." for v in vals.tolist()]
        else:
            texts = [f"{v:.{precision}f}" for v in vals.tolist()]
        self.width = max(self.width, *(len(t) for t in texts))

    def format(self, value: Any) -> str:
        """Format one Python scalar, right-aligned to the common width."""
        precision = _OPTS["precision"]
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:.{precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if math.isfinite(value):
                text += "."
        else:
            text = f"{value:.{precision}f}"
        return text.rjust(self.width)


def _summarize(a: np.ndarray, edge: int) -> np.ndarray:
    """Keep only the ``edge`` leading and trailing items along every axis."""
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        # Mirrors torch, including a[-0:] being the whole row when edge == 0.
        return np.concatenate((a[:edge], a[-edge:])) if a.shape[0] > 2 * edge else a
    if not edge:
        return np.empty((0,) * a.ndim, dtype=a.dtype)
    rows = list(a[:edge]) + list(a[-edge:]) if a.shape[0] > 2 * edge else list(a)
    return np.stack([_summarize(r, edge) for r in rows])


def _scalar_str(value: Any, real_fmt: _Formatter, imag_fmt: _Formatter | None) -> str:
    if imag_fmt is None:
        return real_fmt.format(value)
    real = real_fmt.format(value.real)
    imag = (imag_fmt.format(value.imag) + "j").lstrip()
    # A negative (or nan/inf-signed) imaginary part already carries its sign.
    return real + imag if imag[0] in "+-" else real + "+" + imag


def _vector_str(a: np.ndarray, indent: int, summarize: bool, real_fmt: _Formatter,
                imag_fmt: _Formatter | None) -> str:
    element_len = real_fmt.width + 2  # ", " between elements
    if imag_fmt is not None:
        element_len += imag_fmt.width + 1  # the "j"
    per_line = max(1, int(math.floor((_OPTS["linewidth"] - indent) / element_len)))
    edge = _OPTS["edgeitems"]

    def fmt(values: np.ndarray) -> list[str]:
        return [_scalar_str(v, real_fmt, imag_fmt) for v in values.tolist()]

    if summarize and not edge:
        items = ["..."]
    elif summarize and a.shape[0] > 2 * edge:
        items = fmt(a[:edge]) + [" ..."] + fmt(a[-edge:])
    else:
        items = fmt(a)
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(a: np.ndarray, indent: int, summarize: bool, real_fmt: _Formatter,
                imag_fmt: _Formatter | None) -> str:
    if a.ndim == 0:
        return _scalar_str(a.item(), real_fmt, imag_fmt)
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, real_fmt, imag_fmt)
    edge = _OPTS["edgeitems"]

    def sub(i: int) -> str:
        return _nested_str(a[i], indent + 1, summarize, real_fmt, imag_fmt)

    n = a.shape[0]
    if summarize and n > 2 * edge:
        blocks = [sub(i) for i in range(edge)] + ["..."] + [sub(i) for i in range(n - edge, n)]
    else:
        blocks = [sub(i) for i in range(n)]
    # One blank line between blocks per extra dimension (3-d: one, 4-d: two).
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(blocks) + "]"


def _tensor_str(a: np.ndarray, indent: int) -> str:
    summarize = a.size > _OPTS["threshold"]
    def formatter(values: np.ndarray) -> _Formatter:
        return _Formatter(_summarize(values, _OPTS["edgeitems"]) if summarize else values)

    if a.dtype.kind == "c":
        return _nested_str(a, indent, summarize, formatter(a.real), formatter(a.imag))
    return _nested_str(a, indent, summarize, formatter(a), None)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    # Torch's length bookkeeping (including its off-by-two for a single line)
    # decides where suffixes wrap, so it is reproduced as is.
    # A suffix is measured as torch spells it ("dtype=torch.int32"), so that
    # line breaks fall exactly where they do in PyTorch's output.
    parts = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        suffix_len = len(suffix.replace("funcgrad.", "torch."))
        if last_line_len + suffix_len + 2 > _OPTS["linewidth"]:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + suffix_len
        else:
            parts.append(", " + suffix)
            last_line_len += suffix_len + 2
    parts.append(")")
    return "".join(parts)


def _dtype_name(dtype: np.dtype[Any]) -> str:
    return "funcgrad." + np.dtype(dtype).name


def tensor_repr(data: Any, *, default_dtype: np.dtype[Any] | type, device: str | None = None,
                grad_fn_name: str | None = None, requires_grad: bool = False) -> str:
    """Return the PyTorch-style ``repr`` of a tensor's data.

    The result equals ``repr(t)`` of the equivalent ``torch.Tensor`` with
    every ``torch.`` replaced by ``funcgrad.``, under the options set by
    :func:`set_printoptions`.

    Parameters
    ----------
    data : numpy.ndarray
        The values, of any shape (0-d and empty included) and of a bool,
        integer, floating or complex dtype.  Objects with a ``get()`` method
        (CuPy arrays) are copied to the host first.
    default_dtype : numpy.dtype or type
        The current default floating dtype; tensors of this dtype (and of the
        matching complex dtype, int64 and bool) print without ``dtype=``.
    device : str, optional
        Device name such as ``"cuda:0"``; None means CPU and adds no suffix.
    grad_fn_name : str, optional
        Name of the node that created the tensor, shown as
        ``grad_fn=<name>``.
    requires_grad : bool, optional
        Shown as ``requires_grad=True`` when set and there is no
        ``grad_fn_name`` (a leaf).

    Returns
    -------
    str
        The text, e.g. ``"tensor([1., 2.], requires_grad=True)"``.
    """
    if not isinstance(data, np.ndarray) and hasattr(data, "get"):
        data = data.get()
    data = np.asarray(data)
    default_dtype = np.dtype(default_dtype)
    default_complex = np.dtype(np.complex128 if default_dtype == np.float64 else np.complex64)
    prefix = "tensor("
    indent = len(prefix)

    suffixes = []
    if device is not None:
        suffixes.append(f"device='{device}'")
    if data.size == 0:
        # Nothing to infer the dtype or shape from, so both are spelled out.
        if data.ndim != 1:
            suffixes.append(f"size={tuple(data.shape)}")
        if data.dtype != default_dtype:
            suffixes.append("dtype=" + _dtype_name(data.dtype))
        body = "[]"
    else:
        if not _OPTS["edgeitems"]:
            suffixes.append(f"size={tuple(data.shape)}")
        if data.dtype not in (default_dtype, default_complex, np.dtype(np.int64), np.dtype(bool)):
            suffixes.append("dtype=" + _dtype_name(data.dtype))
        body = _tensor_str(data, indent)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
