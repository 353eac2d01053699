"""Progress of `curate run`, `check`, `dedup` and `export` on standard error: a bar on a
terminal, nothing in a pipe, and with --verbose in a pipe a line every few seconds at most."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate import progress
from curate.cli import main
from curate.io.writers import json_line
from curate.progress import Progress, progress_for
from tests.fixtures import corpus_records

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> Path:
    """The repository corpus's 7 documents in one JSONL file."""
    path = tmp_path_factory.mktemp("corpus") / "documents.jsonl"
    path.write_text("".join(json_line(r) for r in corpus_records(REPO / "corpus")),
                    encoding="utf-8")
    return path


def shown_on_terminal(arguments: list[str]) -> str:
    """What the command wrote to standard error, a pseudo-terminal."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([str(Path(sys.executable).parent / "curate"), *arguments],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=follower, env={**os.environ, "COLUMNS": "160"})
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
    process.communicate(timeout=300)
    assert process.returncode == 0
    return shown.decode("utf-8", "replace")


def test_on_a_terminal_the_run_draws_a_bar_of_documents_and_rate(tmp_path):
    text = shown_on_terminal(["run", str(SEEDS), "-o", str(tmp_path / "out"), "--workers", "1"])
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


COMMANDS = {
    "check": lambda documents, out: ["check", str(documents)],
    "dedup": lambda documents, out: ["dedup", str(documents), "-o", str(out)],
    "export": lambda documents, out: ["export", str(documents), "-o", str(out)],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_on_a_terminal_check_dedup_and_export_draw_a_bar(command, documents, tmp_path):
    text = shown_on_terminal(COMMANDS[command](documents, tmp_path / "out"))
    size = documents.stat().st_size / 1000
    assert "7 documents" in text
    assert f"{size:.1f}/{size:.1f} kB" in text
    assert "documents/s" in text
    assert "\x1b[" in text


def test_with_verbose_in_a_pipe_check_dedup_and_export_print_progress_lines(
        documents, tmp_path, monkeypatch):
    monkeypatch.setattr(progress, "LINE_SECONDS", 0.0)  # a line for every document
    size = documents.stat().st_size / 1e6
    done = f"7 documents, {size:.1f} of {size:.1f} MB, [0-9,]+ documents/s, [0-9,]+ s elapsed"
    for command, passes in (("check", ["check"]), ("export", ["export"]),
                            ("dedup", ["dedup, reading", "dedup, deciding", "dedup, writing"])):
        result = CliRunner().invoke(main, [*COMMANDS[command](documents, tmp_path / command),
                                           "--verbose"])
        assert result.exit_code == 0, result.output
        lines = result.stderr.splitlines()
        assert all(line.startswith("progress: ") for line in lines)
        last = [next(line for line in reversed(lines) if f" {name}: " in line)
                for name in passes]
        assert all(re.fullmatch(f"progress: {name}: {done}", line)
                   for name, line in zip(passes, last, strict=True)), last
        assert lines[0].startswith(f"progress: {passes[0]}: 1 documents, ")


def test_quiet_check_dedup_and_export_show_no_progress(documents, tmp_path, monkeypatch):
    monkeypatch.setattr(progress, "LINE_SECONDS", 0.0)
    for command, arguments in COMMANDS.items():
        result = CliRunner().invoke(main, [*arguments(documents, tmp_path / command), "--quiet",
                                           "--verbose"])
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
        assert result.stdout == ""
