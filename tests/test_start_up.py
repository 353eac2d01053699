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


_BLAS_THREADS_WHEN_NUMPY_LOADS = """import builtins, json, os
seen = {}
real_import = builtins.__import__
def noting(name, *args, **kwargs):
    if name == "numpy" and "threads" not in seen:
        seen["threads"] = os.environ.get("OPENBLAS_NUM_THREADS")
    return real_import(name, *args, **kwargs)
builtins.__import__ = noting
import curate.cli
print(json.dumps(seen))
"""


def test_the_command_line_asks_one_blas_thread_before_numpy_loads_openblas():
    # OpenBLAS reads the variable when NumPy first loads it: its idle threads would spin
    # after each call they share, beside the worker processes.
    env = {key: value for key, value in os.environ.items() if key != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run([sys.executable, "-c", _BLAS_THREADS_WHEN_NUMPY_LOADS],
                          capture_output=True, text=True, check=True, cwd=REPO, env=env)
    assert json.loads(done.stdout) == {"threads": "1"}
