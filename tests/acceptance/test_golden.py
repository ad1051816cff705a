"""The outputs of kpictl on the demo portfolio, byte for byte against tests/golden/demo/.

The demo's history is generated with fixed dates, so every output is determined by kpictl's
code alone. A deliberate change of output regenerates the files
(`python tests/golden/capture.py tests/golden/demo`) and says why in its commit.
"""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from tests.golden.capture import COMMANDS, capture

GOLDEN = REPO / "tests" / "golden" / "demo"


@pytest.fixture(scope="module")
def captured(tmp_path_factory):
    out = tmp_path_factory.mktemp("golden")
    capture(out)
    return out


@pytest.mark.parametrize("name", [name for name, _ in COMMANDS] + ["kpis.json"])
def test_output_matches_the_golden_file(captured, name):
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    actual = (captured / name).read_text(encoding="utf-8")
    assert actual == expected, (
        f"{name} differs from tests/golden/demo/{name}; if the change is deliberate, regenerate "
        "with `python tests/golden/capture.py tests/golden/demo`"
    )
