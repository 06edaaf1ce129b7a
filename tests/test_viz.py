import re
import sys

import pytest

import funcgrad as fg
from funcgrad.viz import render, to_dot


def _labels(dot):
    """node id -> label text (DOT-escaped) for every node statement."""
    return dict(re.findall(r'^\t(\w+) \[label="((?:[^"\\]|\\.)*)"', dot, flags=re.M))


def _edges(dot, solid_only=True):
    out = []
    for line in dot.splitlines():
        m = re.match(r"^\t(\w+) -> (\w+)(.*)$", line)
        if m and not (solid_only and "dashed" in m.group(3)):
            out.append((m.group(1), m.group(2)))
    return out


def _id_of(labels, text):
    hits = [k for k, v in labels.items() if v.startswith(text)]
    assert len(hits) == 1, (text, labels)
    return hits[0]


@pytest.fixture
def xw():
    x = fg.ones(2, 3, requires_grad=True)
    w = fg.ones(2, 3, requires_grad=True)
    return x, w


def test_mul_sum_graph(xw):
    x, w = xw
    y = (x * w).sum()
    dot = to_dot(y, params={"x": x, "w": w, "loss": y})
    assert dot.startswith("digraph {") and dot.rstrip().endswith("}")
    labels = _labels(dot)
    assert list(labels.values()).count("AccumulateGrad\\nx\\n(2, 3) funcgrad.float32") == 1
    assert list(labels.values()).count("AccumulateGrad\\nw\\n(2, 3) funcgrad.float32") == 1
    assert "loss\\n() funcgrad.float32" in labels.values()
    s = _id_of(labels, "SumBackward0")
    m = _id_of(labels, "MulBackward0")
    lx = _id_of(labels, "AccumulateGrad\\nx")
    lw = _id_of(labels, "AccumulateGrad\\nw")
    out = _id_of(labels, "loss")
    edges = _edges(dot)
    assert set(edges) == {(lx, m), (lw, m), (m, s), (s, out)}
    # leaves are styled differently from operations
    assert 'fillcolor="lightblue"' in dot
    leaf_line = next(line for line in dot.splitlines() if line.startswith(f"\t{lx} ["))
    assert "lightblue" in leaf_line


def test_saved_only_with_show_saved(xw):
    x, w = xw
    y = (x * w).sum()
    with_saved = to_dot(y)
    without = to_dot(y, show_saved=False)
    assert "orange" in with_saved and "dashed" in with_saved
    assert "orange" not in without and "dashed" not in without
    assert "saved[" not in without
    labels = _labels(with_saved)
    m = _id_of(labels, "MulBackward0")
    dashed = [e for e in _edges(with_saved, solid_only=False) if e not in _edges(with_saved)]
    assert len(dashed) == 2 and all(dst == m for _, dst in dashed)
    # the solid graph is the same either way
    assert _edges(with_saved) == _edges(without)


def test_saved_result_shown():
    x = fg.ones(4, requires_grad=True)
    dot = to_dot(x.exp().sum())
    assert "result\\n(4,) funcgrad.float32" in dot


def test_shared_leaf_appears_once():
    x = fg.ones(3, requires_grad=True)
    y = (x * x + x).sum()
    dot = to_dot(y, params={"x": x})
    labels = _labels(dot)
    assert sum(v.startswith("AccumulateGrad") for v in labels.values()) == 1


def test_multiple_outputs_share_graph(xw):
    x, w = xw
    z = x * w
    a, b = z.sum(), z.mean()
    dot = to_dot(a, b)
    labels = _labels(dot)
    assert sum(v == "MulBackward0" for v in labels.values()) == 1
    assert "o0" in labels and "o1" in labels


def test_deterministic(xw):
    x, w = xw
    y = ((x * w).exp() + x).sum()
    first = to_dot(y, params={"x": x, "w": w})
    assert first == to_dot(y, params={"x": x, "w": w})
    # same structure rebuilt from fresh tensors gives the same text (no id() in output)
    x2 = fg.ones(2, 3, requires_grad=True)
    w2 = fg.ones(2, 3, requires_grad=True)
    y2 = ((x2 * w2).exp() + x2).sum()
    assert first == to_dot(y2, params={"x": x2, "w": w2})
    assert "0x" not in first


def test_quotes_escaped():
    x = fg.ones(2, requires_grad=True)
    name = 'my "x" \\ param'
    dot = to_dot((x * 2).sum(), params={name: x})
    assert 'my \\"x\\" \\\\ param' in dot
    for line in dot.splitlines():
        # every unescaped quote is paired up on its line
        assert len(re.findall(r'(?<!\\)"', line.replace("\\\\", ""))) % 2 == 0


def test_long_chain():
    x = fg.ones(2, requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y * 1.0001
    dot = to_dot(y, show_saved=False)
    assert dot.count('"MulBackward0"') == 20_000
    assert dot.count("AccumulateGrad") == 1
    assert len(_edges(dot)) == 20_001


def test_no_grad_output():
    x = fg.ones(2)
    dot = to_dot(x)
    assert "(2,) funcgrad.float32" in dot and "->" not in dot


def test_render_without_graphviz(monkeypatch, tmp_path, xw):
    x, w = xw
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(ImportError, match=r"pip install funcgrad\[viz\]") as info:
        render((x * w).sum(), tmp_path / "g.svg")
    assert "to_dot" in str(info.value)


def test_render_dot_file_needs_no_graphviz(monkeypatch, tmp_path, xw):
    x, w = xw
    monkeypatch.setitem(sys.modules, "graphviz", None)
    y = (x * w).sum()
    out = render(y, tmp_path / "g.dot", params={"x": x})
    assert open(out).read() == to_dot(y, params={"x": x})


def test_render_without_dot_binary(monkeypatch, tmp_path, xw):
    import types

    class ExecutableNotFound(RuntimeError):
        pass

    class Source:
        def __init__(self, src):
            self.src = src

        def pipe(self, format=None):
            raise ExecutableNotFound("failed to execute 'dot'")

    fake = types.ModuleType("graphviz")
    fake.Source = Source
    fake.ExecutableNotFound = ExecutableNotFound
    monkeypatch.setitem(sys.modules, "graphviz", fake)
    x, w = xw
    with pytest.raises(RuntimeError, match="'dot' program"):
        render((x * w).sum(), tmp_path / "g.png")


def test_render_with_fake_graphviz(monkeypatch, tmp_path, xw):
    import types

    seen = {}

    class Source:
        def __init__(self, src):
            seen["src"] = src

        def pipe(self, format=None):
            seen["format"] = format
            return b"<svg/>"

    fake = types.ModuleType("graphviz")
    fake.Source = Source
    fake.ExecutableNotFound = type("ExecutableNotFound", (RuntimeError,), {})
    monkeypatch.setitem(sys.modules, "graphviz", fake)
    x, w = xw
    out = render([(x * w).sum()], tmp_path / "g.svg")
    assert seen["format"] == "svg" and "MulBackward0" in seen["src"]
    assert open(out, "rb").read() == b"<svg/>"
    render((x * w).sum(), tmp_path / "g.out", format="png")
    assert seen["format"] == "png"
    with pytest.raises(ValueError):
        render((x * w).sum(), tmp_path / "noext")
