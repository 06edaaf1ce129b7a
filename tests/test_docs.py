"""docs/numpy-api.md is generated from the code: it must be current."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_numpy_api_page_is_generated_from_the_current_code():
    spec = importlib.util.spec_from_file_location("gen_api_docs", ROOT / "tools" / "gen_api_docs.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    page = (ROOT / "docs" / "numpy-api.md").read_text()
    assert page == gen.generate(), "docs/numpy-api.md is stale: run python tools/gen_api_docs.py"
