"""Progress of `curate run` on standard error: a bar on a terminal, nothing in a pipe, and
with --verbose in a pipe a line every few seconds at most."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from curate import progress
from curate.cli import main
from curate.progress import Progress, progress_for

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def test_on_a_terminal_the_run_draws_a_bar_of_documents_and_rate(tmp_path):
    leader, follower = pty.openpty()
    process = subprocess.Popen([str(Path(sys.executable).parent / "curate"), "run", str(SEEDS), "-o",
                                str(tmp_path / "out"), "--workers", "1"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=follower, env={**os.environ, "COLUMNS": "120"})
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the run closed its end
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(timeout=300) == 0
    text = shown.decode("utf-8", "replace")
    size = sum(path.stat().st_size for path in SEEDS.rglob("*") if path.is_file()) / 1000
    assert "5 documents" in text  # read: seed 004 is split into three afterwards
    assert f"{size:.1f}/{size:.1f} kB" in text
    assert "documents/s" in text
    assert "\x1b[" in text  # drawn with terminal control sequences


def test_in_a_pipe_nothing_is_shown_but_the_summary(tmp_path):
    result = CliRunner().invoke(main, ["run", str(SEEDS), "-o", str(tmp_path / "out"),
                                       "--workers", "1"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("5 files, 7 documents: 7 kept")
    assert "progress" not in result.output
    assert progress_for([str(SEEDS)], quiet=False, verbose=False, stream=io.StringIO()) is None
    assert progress_for([str(SEEDS)], quiet=True, verbose=True, stream=io.StringIO()) is None


def test_with_verbose_in_a_pipe_a_line_every_five_seconds_at_most(monkeypatch):
    clock = iter([100.0, 101.0, 104.0, 106.0, 108.0, 111.5])
    monkeypatch.setattr(progress.time, "monotonic", lambda: next(clock))
    stream = io.StringIO()
    shown = Progress(total_bytes=4_000_000, stream=stream, bar=False)
    shown.advance(200, 500_000, 3_000_000, file_done=False)   # at 101 s
    shown.advance(200, 500_000, 3_000_000, file_done=False)   # 104 s
    shown.advance(200, 500_000, 3_000_000, file_done=True)    # 106 s: a line
    shown.advance(100, 900_000, 1_000_000, file_done=False)   # 108 s
    shown.advance(100, 300_000, 1_000_000, file_done=False)   # 111.5 s: a line
    assert stream.getvalue().splitlines() == [
        "progress: 600 documents, 3.0 of 4.0 MB, 100 documents/s, 6 s elapsed",
        "progress: 800 documents, 4.0 of 4.0 MB, 70 documents/s, 12 s elapsed",
    ]
