"""The documentation site: generated pages are current, every code block runs, the graph
picture matches the code beside it.

pytest doctests docs/**/*.md (``--doctest-glob=*.md``), but only the ``>>>`` lines of a page:
a Python block written as plain code would be shown on the site and never run. The checks
here make sure nothing escapes: Python blocks are doctest sessions in full, shell commands
are ``bash`` blocks (shown, not run), and no ``>>>`` line hides outside a Python block.

``python tests/test_docs.py`` redraws docs/img/graph.svg and docs/img/graph.dot from the
autograd tutorial's code (it needs ``pip install graphviz`` and Graphviz's ``dot``).
"""

from __future__ import annotations

import collections
import doctest
import importlib.util
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PYTHON_LANGS = {"python", "py", "pycon"}
SHELL_LANG = "bash"
TUTORIAL = DOCS / "autograd.md"
GRAPH_DOT = DOCS / "img" / "graph.dot"
GRAPH_SVG = DOCS / "img" / "graph.svg"

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\s]*)[^`]*$")


def test_numpy_api_page_is_generated_from_the_current_code():
    spec = importlib.util.spec_from_file_location("gen_api_docs", ROOT / "tools" / "gen_api_docs.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    page = (ROOT / "docs" / "numpy-api.md").read_text()
    assert page == gen.generate(), "docs/numpy-api.md is stale: run python tools/gen_api_docs.py"


# ---- code blocks ------------------------------------------------------------------------------

Block = collections.namedtuple("Block", "path line lang text")


def fenced_blocks(text: str, path: Path = Path("<text>")) -> tuple[list[Block], list[int]]:
    """The fenced blocks of a Markdown page, and the numbers of the lines outside them.

    A block opens with three or more backticks (or tildes) and closes with a fence of the
    same character at least as long; fences may be indented (admonitions, tabs), and the
    block's text is dedented by its opening fence's indent.
    """
    blocks, outside = [], []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            outside.append(i + 1)
            i += 1
            continue
        indent, fence = len(m["indent"]), m["fence"]
        lang = m["info"].lstrip("{.").rstrip("}").lower()
        body, j = [], i + 1
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        while j < len(lines) and not closing.match(lines[j]):
            body.append(lines[j][indent:] if lines[j][:indent].strip() == "" else lines[j])
            j += 1
        if j == len(lines):
            raise AssertionError(f"{path}:{i + 1}: a code fence that never closes")
        blocks.append(Block(path, i + 1, lang, "\n".join(body) + "\n"))
        i = j + 1
    return blocks, outside


def not_doctest(text: str) -> list[str]:
    """The lines of ``text`` that a doctest run would neither execute nor compare."""
    parsed = doctest.DocTestParser().parse(text)
    return [line for piece in parsed if isinstance(piece, str)
            for line in piece.splitlines() if line.strip()]


def _pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def test_the_site_has_pages_to_check():
    names = {p.relative_to(DOCS).as_posix() for p in _pages()}
    assert {"index.md", "autograd.md", "transforms.md", "pytorch.md", "jax.md"} <= names


def test_block_checks_catch_what_they_should():
    # The checks below are only as good as the parser: feed it each kind of offence.
    page = (
        "text\n\n```python\nx = 1\n```\n\n```pycon\n>>> 1 + 1\n2\n\n```\n\n"
        "    ```py\n    >>> 2\n    2\n\n    ```\n\n```sh\nls\n```\n\n>>> 3\n3\n\n"
        "```pycon\n>>> 1\n1\n\ny = 2\n```\n"
    )
    blocks, outside = fenced_blocks(page)
    assert [(b.lang, b.line) for b in blocks] == [
        ("python", 3), ("pycon", 7), ("py", 13), ("sh", 19), ("pycon", 26)]
    assert not_doctest(blocks[0].text) == ["x = 1"]
    assert not_doctest(blocks[1].text) == [] and not_doctest(blocks[2].text) == []
    assert not_doctest(blocks[4].text) == ["y = 2"]
    assert [n for n in outside if page.splitlines()[n - 1].startswith(">>>")] == [23]


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.relative_to(DOCS).as_posix())
def test_every_python_block_is_a_complete_doctest_session(page):
    blocks, _ = fenced_blocks(page.read_text(), page)
    for b in blocks:
        if b.lang not in PYTHON_LANGS:
            continue
        where = f"{page.relative_to(ROOT)}:{b.line}"
        assert doctest.DocTestParser().get_examples(b.text), f"{where}: a Python block with no >>> lines"
        stray = not_doctest(b.text)
        assert not stray, f"{where}: lines that doctest would not run or check: {stray}"


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.relative_to(DOCS).as_posix())
def test_other_blocks_are_bash_and_no_doctest_hides_outside_a_python_block(page):
    text = page.read_text()
    blocks, outside = fenced_blocks(text, page)
    for b in blocks:
        where = f"{page.relative_to(ROOT)}:{b.line}"
        assert b.lang in PYTHON_LANGS | {SHELL_LANG}, (
            f"{where}: a ```{b.lang} block: write Python as a doctest session (```pycon or "
            "```python with >>>) and shell commands as ```bash")
        if b.lang == SHELL_LANG:
            assert ">>>" not in b.text, f"{where}: a bash block with >>> (doctest would run it)"
    lines = text.splitlines()
    hidden = [n for n in outside if lines[n - 1].lstrip().startswith(">>>")]
    assert not hidden, f"{page.relative_to(ROOT)}: >>> outside a Python block on lines {hidden}"


# ---- the API reference's Griffe extension -----------------------------------------------------


def test_griffe_extension_keeps_builtin_annotations_and_links_sphinx_roles():
    griffe = pytest.importorskip("griffe")  # the docs extra (part of the test extra)
    exts = griffe.load_extensions(f"{DOCS / '_griffe' / 'funcgrad_docs.py'}:FuncgradDocs")
    pkg = griffe.load("funcgrad", search_paths=[str(ROOT)], extensions=exts,
                      docstring_parser="numpy", resolve_aliases=True)
    # `bool` in a submodule must not resolve to the package's dtype alias funcgrad.bool.
    assert "bool" not in pkg.members
    has_aux = pkg["transforms.reverse.grad"].parameters["has_aux"].annotation
    assert str(has_aux) == "bool" and has_aux.canonical_path == "bool"
    doc = pkg["optim"].docstring.value
    assert ":class:" not in doc and ":func:" not in doc
    assert '<autoref identifier="funcgrad.optim.Adam" optional><code>Adam</code></autoref>' in doc


# ---- the graph picture in the autograd tutorial -----------------------------------------------


def tutorial_graph() -> dict:
    """Run the tutorial's examples, in order, until one defines ``dot``; return the namespace.

    The picture must come from the code the page shows, so the code is taken from the page.
    """
    ns: dict = {"__name__": "__main__"}
    for ex in doctest.DocTestParser().get_examples(TUTORIAL.read_text()):
        exec(compile(ex.source, str(TUTORIAL), "exec"), ns)
        if "dot" in ns:
            return ns
    raise AssertionError(f"{TUTORIAL.relative_to(ROOT)} never defines `dot`")


def _dot_graph(text: str) -> tuple[dict, collections.Counter]:
    nodes = {m[1]: m[2].split("\\n") for m in re.finditer(r'^\t(\w+) \[label="(.*?)"', text, re.M)}
    edges = collections.Counter(re.findall(r"^\t(\w+) -> (\w+)", text, re.M))
    return nodes, edges


def _svg_graph(text: str) -> tuple[dict, collections.Counter]:
    ns = {"svg": "http://www.w3.org/2000/svg"}
    nodes, edges = {}, collections.Counter()
    for g in ET.fromstring(text).iter("{http://www.w3.org/2000/svg}g"):
        title = g.findtext("svg:title", namespaces=ns)
        if g.get("class") == "node":
            nodes[title] = [t.text or "" for t in g.findall("svg:text", ns)]
        elif g.get("class") == "edge":
            edges[tuple(title.split("->"))] += 1
    return nodes, edges


def test_the_graph_picture_is_drawn_from_the_tutorials_code():
    ns = tutorial_graph()
    assert ns["dot"] == GRAPH_DOT.read_text(), (
        "docs/img/graph.dot is stale: run python tests/test_docs.py to redraw the picture")
    dot_nodes, dot_edges = _dot_graph(ns["dot"])
    assert {"MeanBackward0", "AddBackward0"} <= {label[0] for label in dot_nodes.values()}
    svg_nodes, svg_edges = _svg_graph(GRAPH_SVG.read_text())
    assert svg_nodes == dot_nodes, "docs/img/graph.svg was not drawn from docs/img/graph.dot"
    assert svg_edges == dot_edges, "docs/img/graph.svg was not drawn from docs/img/graph.dot"
    assert "](img/graph.svg)" in TUTORIAL.read_text()


def render_graph() -> None:
    """Write docs/img/graph.dot and graph.svg with ``funcgrad.viz.render``."""
    ns = tutorial_graph()
    out, params = ns["out"], ns.get("params")
    render = ns["fg"].viz.render
    GRAPH_DOT.parent.mkdir(exist_ok=True)
    render(out, GRAPH_DOT, params=params)
    render(out, GRAPH_SVG, params=params)
    print(f"wrote {GRAPH_DOT.relative_to(ROOT)} and {GRAPH_SVG.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    render_graph()
