"""Write docs/numpy-api.md: the covered NumPy API and the primitive registry, from the code.

``python tools/gen_api_docs.py`` regenerates it; tests/test_docs.py fails when the file and
the code disagree, so the page cannot drift.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "numpy-api.md"


FAMILY_TITLES = {
    "_api": "arithmetic, comparisons, core reductions and reshapes, creation",
    "_ufuncs": "elementwise math",
    "_stats": "reductions and statistics",
    "_products": "products",
    "_shape": "shape manipulation and joining",
    "_indexing": "indexing, selection and sorting",
}


def _summary(obj) -> str:
    from funcgrad.ops import Primitive

    if not isinstance(obj, Primitive) and (getattr(obj, "__module__", None) or "").startswith("numpy"):
        return "NumPy's own (makes constants; no gradient)"
    doc = inspect.getdoc(obj) or ""
    line = doc.strip().splitlines()[0] if doc.strip() else ""
    return line.replace("|", "\\|")


def generate() -> str:
    import funcgrad.numpy as fnp
    import funcgrad.scipy.special as special
    from funcgrad.numpy import _dispatch
    from funcgrad.ops import REGISTRY

    lines = [
        "# Covered API",
        "",
        "Generated from the code by `python tools/gen_api_docs.py` (a test checks that it is "
        "current). Every name below records on the tape when given a Tensor, and is "
        "differentiable in reverse and forward mode unless its summary says otherwise.",
        "",
    ]
    sections = [("funcgrad.numpy", mod) for mod in _dispatch.FAMILIES if mod.__name__.split(".")[-1].startswith("_")]
    sections += [("funcgrad.numpy.linalg", fnp.linalg), ("funcgrad.numpy.fft", fnp.fft),
                 ("funcgrad.scipy.special", special)]
    for title, mod in sections:
        names = sorted(getattr(mod, "__all__", []))
        if not names:
            continue
        family = FAMILY_TITLES.get(mod.__name__.rsplit(".", 1)[-1])
        lines += [f"## {title}: {family}" if family else f"## {title}", "",
                  "| name | summary |", "| --- | --- |"]
        for name in names:
            lines.append(f"| `{name}` | {_summary(getattr(mod, name))} |")
        lines.append("")
    lines += ["## Primitives", "",
              "Each is declared once with its forward, VJP and JVP rules; the test suite checks "
              "every one against finite differences to second order on these samples.", "",
              "| primitive | node names | samples |", "| --- | --- | --- |"]
    for name in sorted(REGISTRY):
        prim = REGISTRY[name]
        nodes = ", ".join(f"`{t.__name__}`" for t in prim.node_types) if prim.differentiable else "(no gradient)"
        lines.append(f"| `{name}` | {nodes} | {len(prim.samples)} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    TARGET.write_text(generate())
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
