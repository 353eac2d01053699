"""What a run imports: modules it does not use are not loaded (each costs every run and
every worker its start-up)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from curate.sorted_unique import sorted_unique

REPO = Path(__file__).resolve().parent.parent

_RUN_AND_LIST_MODULES = """import json, sys
from curate.cli import main
try:
    main(["run", sys.argv[1], "-o", sys.argv[2], "--workers", "1", "-q"])
except SystemExit as stop:
    assert not stop.code, stop.code
print(json.dumps(sorted(sys.modules)))
"""


def test_a_run_over_the_seeds_never_imports_numpy_masked_arrays(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", _RUN_AND_LIST_MODULES, str(REPO / "seeds"), str(tmp_path / "out")],
        capture_output=True, text=True, check=True, cwd=REPO,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"})
    modules = set(json.loads(done.stdout.splitlines()[-1]))
    assert "curate.clean.spin" in modules and "curate.dedup.index" in modules
    assert "numpy.ma" not in modules


def test_sorted_unique_is_numpy_unique_on_the_code_points_of_every_seed():
    for seed in sorted((REPO / "seeds").iterdir()):
        points = np.frombuffer(seed.read_text(encoding="utf-8").encode("utf-32-le"),
                               dtype=np.uint32)
        found = sorted_unique(points)
        assert found.dtype == points.dtype
        assert found.tolist() == np.unique(points).tolist()
    assert sorted_unique(np.empty(0, dtype=np.int64)).tolist() == []
