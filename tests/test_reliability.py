"""Nothing lost, nothing let in: what `curate run` guarantees whatever it is given.

- every document read is kept, rejected or already in the corpus, file by file;
- a run killed at any point and started again ends with the corpus an uninterrupted run
  makes, with no document lost or written twice;
- bad input (binary, empty, undecodable or NUL-bearing lines, mixed encodings, truncated
  gzip, malformed JSONL, absurdly long lines, deep or entity-bomb HTML, link loops, FIFOs,
  unreadable files) never stops a run: one message each, a reject each, every good article
  kept, and exit code 1;
- rules are checked when loaded, their patterns cannot hang a run, YAML is loaded safely and
  nothing is unpickled;
- nothing is written outside the output folder, whatever ids, titles or paths the input holds.
"""

from __future__ import annotations

import errno
import gzip
import io
import itertools
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

import curate.rules
from curate.cli import main
from curate.corpus import CorpusBusyError, CorpusLock
from curate.io.decode import DecodeError, decode_bytes
from curate.io.readers import MAX_LINE_CHARS
from curate.pipeline import STEPS, load_steps
from curate.rules import RuleError, Rules, RuleTimeout
from curate.run import run
from curate.storage import CARD, DOCUMENTS, LOOKUP, MANIFEST, REJECTS
from tests.fixtures import corpus_bytes, corpus_records

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = Path(os.environ.get("CURATE_SHARED", REPO.parent / "shared"))
EPOCH = "1767225600"
# What a run leaves in a corpus folder.
CORPUS_LISTING = sorted([DOCUMENTS, REJECTS, MANIFEST, CARD, LOOKUP, ".index"])


def run_cli(*args: str):
    return CliRunner().invoke(main, list(args), env={"SOURCE_DATE_EPOCH": EPOCH},
                              catch_exceptions=False)


def read_jsonl(path: Path) -> list[dict]:
    """The records of a corpus's ``documents`` or ``rejects``, or of a JSONL file."""
    if path.name in (DOCUMENTS, REJECTS):
        return corpus_records(path.parent, path.name)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def clean_paragraphs() -> list[str]:
    """Whole sentences of the committed corpus: text every cleaning step leaves as it is,
    wherever it stands (a paragraph cut off with "……" at the start would be a teaser, and
    HTML folds no-break spaces into spaces)."""
    return [paragraph for record in read_jsonl(REPO / "corpus" / DOCUMENTS)
            for paragraph in record["text"].split("\n")
            if len(paragraph) >= 60 and paragraph.endswith("。") and "…" not in paragraph
            and paragraph.isprintable()]


def articles(count: int) -> list[str]:
    """``count`` different articles of three clean paragraphs each."""
    paragraphs = clean_paragraphs()
    assert len(paragraphs) >= 3 * count
    return ["\n".join(paragraphs[3 * n: 3 * n + 3]) for n in range(count)]


def assert_accounts_for_every_document(out: Path) -> dict:
    """documents = kept + rejected + already in corpus, per file and in total, and the
    records in the files agree with the counts."""
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    counts, files = manifest["counts"], manifest["files"]
    for stats in files:
        assert stats["parts"] == stats["kept"] + stats["rejected"] + stats["already_in_corpus"], \
            stats["path"]
        assert stats["parts"] >= stats["read"], stats["path"]
    for name in ("read", "kept", "rejected", "already_in_corpus"):
        assert counts[name] == sum(stats[name] for stats in files), name
    assert counts["documents"] == sum(stats["parts"] for stats in files)
    assert counts["documents"] == counts["kept"] + counts["rejected"] + counts["already_in_corpus"]
    assert counts["files"] == len(files)
    assert counts["corpus_documents"] == len(read_jsonl(out / DOCUMENTS))
    return manifest


# --- accounting ---------------------------------------------------------------------------

def test_seeds_every_document_is_kept_rejected_or_already_in_corpus(tmp_path):
    out = tmp_path / "corpus"
    assert run_cli("run", str(SEEDS), "-o", str(out)).exit_code == 0
    manifest = assert_accounts_for_every_document(out)
    rejected = [r for r in read_jsonl(out / REJECTS) if r["kind"] == "document"]
    assert manifest["counts"]["rejected"] == len(rejected)
    again = run_cli("run", str(SEEDS), "-o", str(out))
    assert again.exit_code == 0
    kept = manifest["counts"]["kept"]
    assert f"0 kept, 0 rejected, {kept} already in corpus" in again.output
    assert assert_accounts_for_every_document(out) == manifest  # nothing new: left as it was


def test_dev_set_every_document_is_kept_rejected_or_already_in_corpus(dev_corpus):
    out = dev_corpus.out
    assert dev_corpus.result.exit_code in (0, 1), dev_corpus.result.output
    manifest = assert_accounts_for_every_document(out)
    assert manifest["counts"]["files"] == len([p for p in dev_corpus.raw.rglob("*")
                                                if p.is_file()])
    rejected = [r for r in read_jsonl(out / REJECTS) if r["kind"] == "document"]
    assert manifest["counts"]["rejected"] == len(rejected)


# --- crash safety -------------------------------------------------------------------------

def slow_dump(folder: Path, files: int, paragraphs: list[str], seed: int) -> Path:
    """Many articles made of clean paragraphs drawn at random, some shared: a run long
    enough to be killed in the middle, with near-duplicates and repeated passages to decide."""
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    for number in range(files):
        text = "\n".join(rng.sample(paragraphs, 6))
        (folder / f"{number:04d}.txt").write_text(text + "\n", encoding="utf-8")
    return folder


def curate_process(*args: str) -> list[str]:
    return [sys.executable, "-m", "curate", "run", *args, "--quiet"]


def test_a_run_killed_at_random_moments_and_started_again_makes_the_same_corpus(tmp_path):
    environment = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    paragraphs = clean_paragraphs()
    earlier = slow_dump(tmp_path / "earlier", 15, paragraphs[:50], seed=3)
    dump = slow_dump(tmp_path / "dump", 150, paragraphs, seed=7)
    before = tmp_path / "before"  # a corpus with documents already, so files are replaced
    subprocess.run(curate_process(str(earlier), "-o", str(before)), env=environment, check=True)
    reference = tmp_path / "reference"
    shutil.copytree(before, reference)
    start = time.monotonic()
    subprocess.run(curate_process(str(dump), "-o", str(reference)), env=environment)
    duration = time.monotonic() - start
    expected = corpus_bytes(reference)
    assert expected[DOCUMENTS] != corpus_bytes(before)[DOCUMENTS]  # the dump adds documents
    rng = random.Random(11)
    for trial in range(3):
        out = tmp_path / f"killed{trial}"
        shutil.copytree(before, out)
        delay = rng.uniform(0.2, duration)
        process = subprocess.Popen(curate_process(str(dump), "-o", str(out)), env=environment)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        subprocess.run(curate_process(str(dump), "-o", str(out)), env=environment)
        # Finished before the kill, the run left the corpus complete, and starting it again
        # adds nothing and leaves it as it is.
        assert corpus_bytes(out) == expected, f"killed after {delay:.2f} s"
        left = sorted(p.name for p in out.iterdir() if p.name.startswith(".")
                      and p.name not in (".index", LOOKUP))
        assert left == [], f"killed after {delay:.2f} s"


class Killed(BaseException):
    """Stands for SIGKILL inside one process: nothing after the kill point happens."""


def kill_at_file_operation(patch: pytest.MonkeyPatch, number: int) -> None:
    """Make the ``number``-th rename, link or deletion from now on raise `Killed`."""
    calls = itertools.count(1)

    def killing(real):
        def operation(*args, **kwargs):
            if next(calls) == number:
                raise Killed
            return real(*args, **kwargs)
        return operation

    for name in ("replace", "rename", "link", "unlink"):
        patch.setattr(os, name, killing(getattr(os, name)))


# The cleaning steps are beside the point here; without them a run takes a tenth of a second.
FAST = {"pipeline": {"steps": ["drop_empty", "drop_exact_duplicates"]}}


def test_a_run_killed_at_every_file_operation_and_started_again_makes_the_same_corpus(
        tmp_path, monkeypatch):
    rules = Rules()
    first, second = tmp_path / "first", tmp_path / "second"
    texts = articles(8)
    for number, text in enumerate(texts):
        folder = first if number < 3 else second
        folder.mkdir(exist_ok=True)
        (folder / f"{number}.txt").write_text(text, encoding="utf-8")
    (second / "copy.txt").write_text(texts[4] + "\n" + texts[0][:80], encoding="utf-8")
    (second / "repeat.txt").write_text(texts[1] + "\n" + texts[5], encoding="utf-8")

    def corpus_run(out: Path) -> None:
        run([str(second)], out, rules=rules, config=FAST)

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    before = tmp_path / "before"
    run([str(first)], before, rules=rules, config=FAST)
    reference = tmp_path / "reference"
    shutil.copytree(before, reference)
    corpus_run(reference)
    expected = corpus_bytes(reference)
    twice = tmp_path / "twice"  # running the same dump again adds nothing and changes nothing
    shutil.copytree(reference, twice)
    corpus_run(twice)
    assert corpus_bytes(twice) == expected
    undone = []
    for kill_at in itertools.count(1):
        out = tmp_path / f"killed{kill_at}"
        shutil.copytree(before, out)
        with monkeypatch.context() as patch:
            kill_at_file_operation(patch, kill_at)
            try:
                corpus_run(out)
                completed = True
            except Killed:
                completed = False
        # Killed after its documents were in place, the run is finished forward (or was
        # complete: started again, it adds nothing); killed before, it is rolled back and
        # done again.
        undone.append(corpus_bytes(out)[DOCUMENTS] != expected[DOCUMENTS])
        corpus_run(out)
        assert corpus_bytes(out) == expected, f"killed at file operation {kill_at}"
        assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [
            ".index", LOOKUP], f"killed at file operation {kill_at}"
        if completed:
            break
    assert kill_at > 10  # every rename and deletion of the commit was a kill point
    assert undone[0] and not undone[-1]  # rolled back early, forward late


def test_leftovers_of_a_killed_run_are_deleted_by_the_next(tmp_path):
    out = tmp_path / "corpus"
    assert run_cli("run", str(SEEDS), "-o", str(out), "--quiet").exit_code == 0
    expected = corpus_bytes(out)
    for name in (".documents.jsonl.k3x9_2ab", ".rejects.jsonl.previous", ".manifest.json.q1",
                 "..pending.json.zz"):
        (out / name).write_text("half written", encoding="utf-8")
    assert run_cli("run", str(SEEDS), "-o", str(out), "--quiet").exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == CORPUS_LISTING
    assert corpus_bytes(out)[DOCUMENTS] == expected[DOCUMENTS]


def test_a_second_run_into_a_folder_being_written_is_refused(tmp_path):
    out = tmp_path / "corpus"
    out.mkdir()
    with CorpusLock(out), pytest.raises(CorpusBusyError, match="another curate run"):
        run([str(SEEDS)], out, rules=Rules(), config={})


# --- bad input ----------------------------------------------------------------------------

def hostile_dump(folder: Path, good: list[str]) -> dict[str, str | None]:
    """Write hostile inputs around good articles; ``{file: expected message start or None}``
    (None: nothing to report). ``good`` needs 12 articles."""
    folder.mkdir()
    expected: dict[str, str | None] = {}

    def put(name: str, data: bytes, message: str | None) -> None:
        (folder / name).write_bytes(data)
        expected[name] = message

    put("good.txt", good[0].encode(), None)
    put("binary.bin", bytes(range(256)) * 8, "binary.bin: ")
    put("empty.txt", b"", "empty.txt: empty file")
    lines = good[1].split("\n")
    put("bad_utf8.txt", (lines[0] + "\n").encode() + b"\xff\xfe\x80 broken\n"
        + "\n".join(lines[1:]).encode(), "bad_utf8.txt:2: cannot decode")
    lines = good[2].split("\n")
    put("nul.txt", (lines[0] + "\n").encode() + b"GPU\x00\x00\x01 dump\n"
        + "\n".join(lines[1:]).encode(), "nul.txt:2: holds NUL bytes")
    lines = good[3].split("\n")
    put("mixed.txt", (lines[0] + "\n").encode() + "\n".join(lines[1:]).encode("gb18030"), None)
    records = [json.dumps({"text": text, "title": f"第{n}篇"}, ensure_ascii=False)
               for n, text in enumerate(good[4].split("\n") * 30)]
    squeezed = gzip.compress(("\n".join(records) + "\n").encode())
    put("truncated.jsonl.gz", squeezed[: len(squeezed) * 2 // 3],
        "truncated.jsonl.gz: cannot decompress gzip data after line ")
    jsonl = [json.dumps({"text": good[5]}, ensure_ascii=False), "{oops",
             json.dumps({"text": good[6]}, ensure_ascii=False), "[" * 100_000,
             '{"text": NaN}', '{"text": "\\ud800 alone"}', '{"text": 12}',
             '{"text": "一个足够长的句子，写在这里。", "score": 1e999}']
    put("malformed.jsonl", "\n".join(jsonl).encode(), None)
    put("long_line.txt", ("国" * (3 * MAX_LINE_CHARS)).encode(), "long_line.txt:1: a line is ")
    put("deep.html", (f"<html><body>{'<div>' * 100_000}<p>{good[7]}</p>{'</div>' * 100_000}"
                      "</body></html>").encode(), None)
    laughs = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    put("laughs.xhtml", ('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY lol0 "lol">'
                         f'{laughs}]><html xmlns="http://www.w3.org/1999/xhtml"><body>'
                         f"<p>&lol9;</p><p>{good[8]}</p></body></html>").encode(), None)
    os.symlink("loop_b", folder / "loop_a")
    os.symlink("loop_a", folder / "loop_b")
    expected["loop_a"] = "loop_a: cannot read the file: Too many levels of symbolic links"
    expected["loop_b"] = "loop_b: cannot read the file: Too many levels of symbolic links"
    os.mkfifo(folder / "pipe.txt")
    expected["pipe.txt"] = "pipe.txt: not a regular file (a FIFO)"
    (folder / "folder.txt").mkdir()  # a folder named like a file is walked, not read
    put("folder.txt/inside.md", good[9].encode(), None)
    put("z_good.md", good[10].encode(), None)
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w:gz") as tar:
        for name, data in [("first.txt", good[11].encode()), ("noise.bin", os.urandom(50_000))]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    put("truncated.tar.gz", archive.getvalue()[:-20_000],
        "truncated.tar.gz: cannot read the tar archive after member first.txt: ")
    return expected


def test_bad_input_never_stops_a_run_and_every_good_article_is_kept(tmp_path):
    good = articles(12)
    dump = tmp_path / "dump"
    expected = hostile_dump(dump, good)
    out = tmp_path / "out"
    result = run_cli("run", str(dump), "-o", str(out))
    assert result.exit_code == 1, result.output  # partial
    messages = [line.removeprefix("warning: ") for line in result.output.splitlines()
                if line.startswith("warning: ")]
    jsonl_lines = {2: "invalid JSON", 4: "invalid JSON: nested too deeply",
                   5: "invalid JSON: NaN is not a JSON value", 6: "holds an unpaired",
                   7: "no string field 'text'", 8: "invalid JSON: 1e999 is too large"}
    wanted = [f"{dump}/{name}" + ("" if start is None else start[len(name):])
              for name, start in expected.items() if start is not None]
    wanted += [f"{dump}/malformed.jsonl:{line}: {why}" for line, why in jsonl_lines.items()]
    for want in wanted:  # one message each, naming the file (and line)
        assert sum(message.startswith(want) for message in messages) == 1, (want, messages)
    assert len(messages) == len(wanted), messages
    assert all(message.endswith("sent to rejects") for message in messages)

    documents = read_jsonl(out / DOCUMENTS)
    kept_text = "\n".join(record["text"] for record in documents)
    for article in good:  # every good article, every good paragraph
        for paragraph in article.split("\n"):
            assert paragraph in kept_text, paragraph[:30]
    assert "&lol" not in kept_text and "lollol" not in kept_text
    assert "broken" not in kept_text and "dump" not in kept_text
    mixed = next(d for d in documents if d["provenance"]["file"].endswith("mixed.txt"))
    assert mixed["provenance"]["encoding"] == "utf-8+gb18030"
    truncated = [d for d in documents if d["provenance"]["file"].endswith("truncated.jsonl.gz")]
    assert truncated  # the records before the break are read

    rejects = read_jsonl(out / REJECTS)
    for name, start in expected.items():
        if start is None:
            continue
        line = re.match(rf"{re.escape(name)}:(\d+):", start)
        path = f"{dump}/{name}"
        assert any(r["provenance"]["file"] == path and (
            line is None or r["provenance"].get("line") == int(line[1])
            or (r["reason"]["step"] == "read" and r["kind"] == "document"))
            for r in rejects), name
    for line in jsonl_lines:
        assert any(r["provenance"]["file"] == f"{dump}/malformed.jsonl"
                   and r["provenance"].get("record") == line for r in rejects), line
    assert_accounts_for_every_document(out)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode; the FIFO "
                                              "and link-loop cases cover unreadable paths")
def test_an_unreadable_file_is_reported_and_the_others_are_read(tmp_path):
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "good.txt").write_text(articles(1)[0], encoding="utf-8")
    locked = dump / "locked.txt"
    locked.write_text("秘密", encoding="utf-8")
    locked.chmod(0)
    try:
        result = run_cli("run", str(dump), "-o", str(tmp_path / "out"))
    finally:
        locked.chmod(0o644)
    assert result.exit_code == 1
    assert f"{locked}: cannot read the file: Permission denied; sent to rejects" in result.output
    assert len(read_jsonl(tmp_path / "out" / DOCUMENTS)) == 1


def test_utf8_text_with_a_stray_nul_is_not_taken_for_utf16():
    raw = "英伟达芯片一片难求\n".encode() + b"\x00" + "国产替代\n".encode()
    with pytest.raises(DecodeError, match="UTF-8 text with NUL bytes"):
        decode_bytes(raw)


def test_a_step_that_fails_on_one_document_rejects_it_and_the_run_goes_on(tmp_path,
                                                                           monkeypatch):
    load_steps()
    trim_teasers = STEPS["trim_teasers"]

    def failing(doc, ctx):
        if "寒武纪" in doc.text:
            raise RecursionError("maximum recursion depth exceeded")
        return trim_teasers(doc, ctx)

    monkeypatch.setitem(STEPS, "trim_teasers", failing)
    result = run_cli("run", str(SEEDS), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    failed = [line for line in result.output.splitlines() if "step trim_teasers failed" in line]
    assert failed and all("RecursionError" in line and "sent to rejects" in line
                          for line in failed)
    rejected = [r for r in read_jsonl(tmp_path / "out" / REJECTS)
                if r["kind"] == "document" and r["reason"]["rule"] == "step-failed"]
    assert len(rejected) == len(failed)
    assert all(r["reason"]["step"] == "trim_teasers" and r["text"] for r in rejected)
    assert_accounts_for_every_document(tmp_path / "out")


# --- rules --------------------------------------------------------------------------------

@pytest.fixture
def rules_copy(tmp_path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(REPO / "rules", folder)
    return folder


def test_a_pattern_that_does_not_compile_is_reported_with_file_and_line(rules_copy, tmp_path):
    credits = rules_copy / "credits.yaml"
    text = credits.read_text(encoding="utf-8")
    credits.write_text(text.replace("pattern: '^(?:(?:作者", "pattern: '^(?:(?:作者("),
                       encoding="utf-8")
    line = text.split("\n").index(next(x for x in text.split("\n") if x.startswith("- id:"))) + 1
    with pytest.raises(RuleError, match=rf"^rules/credits\.yaml:{line}: pattern 'credit-line' "
                                        "does not compile"):
        Rules(rules_copy).patterns("credits.yaml")
    result = run_cli("run", str(SEEDS), "-o", str(tmp_path / "out"), "--rules", str(rules_copy))
    assert result.exit_code == 2
    assert f"rules/credits.yaml:{line}: pattern 'credit-line' does not compile" in result.output


def test_a_pattern_that_matches_nothing_at_all_would_match_every_line_and_is_refused(
        rules_copy):
    (rules_copy / "teasers.yaml").write_text(
        "# test\n- id: everything\n  pattern: '(?:点击阅读)?'\n  why: test\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"rules/teasers\.yaml:2: pattern 'everything' matches "
                                        "the empty string"):
        Rules(rules_copy).patterns("teasers.yaml")


def test_a_lexicon_line_with_an_invisible_character_is_reported(rules_copy):
    path = rules_copy / "navigation.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(n for n, line in enumerate(lines) if line and not line.startswith("#"))
    lines[number] = lines[number] + "\u200b"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(RuleError, match=rf"rules/navigation\.txt:{number + 1}: the entry holds "
                                        "the invisible character U\\+200B"):
        Rules(rules_copy).lines("navigation.txt")


def test_a_rule_file_that_is_not_utf8_is_reported_with_its_line(rules_copy):
    path = rules_copy / "spam_seo_words.txt"
    path.write_bytes(path.read_bytes() + "在线观看\n".encode("gb18030"))
    lines = path.read_bytes().count(b"\n")
    with pytest.raises(RuleError, match=rf"rules/spam_seo_words\.txt:{lines}: not UTF-8"):
        Rules(rules_copy).lines("spam_seo_words.txt")


def test_two_patterns_with_one_id_are_reported(rules_copy):
    (rules_copy / "teasers.yaml").write_text(
        "- id: same\n  pattern: '^a$'\n  why: x\n- id: same\n  pattern: '^b$'\n  why: y\n",
        encoding="utf-8")
    with pytest.raises(RuleError, match=r"rules/teasers\.yaml:4: id 'same' is already used on "
                                        "line 1"):
        Rules(rules_copy).patterns("teasers.yaml")


def test_yaml_rules_cannot_run_code(rules_copy, tmp_path):
    marker = tmp_path / "pwned"
    (rules_copy / "teasers.yaml").write_text(
        f"- !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"rules/teasers\.yaml:1: invalid YAML"):
        Rules(rules_copy).patterns("teasers.yaml")
    assert not marker.exists()


def test_a_catastrophically_backtracking_pattern_costs_one_document_not_the_run(
        rules_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(curate.rules, "MATCH_TIMEOUT", 0.02)  # tried again for 0.2 s
    with (rules_copy / "credits.yaml").open("a", encoding="utf-8") as stream:
        stream.write("- id: overlapping\n  pattern: '^(a|aa)+$'\n  why: a curator's mistake\n")
    line = (rules_copy / "credits.yaml").read_text(encoding="utf-8").count("\n") - 2
    dump = tmp_path / "dump"
    dump.mkdir()
    good = articles(2)
    (dump / "good.txt").write_text(good[0], encoding="utf-8")
    (dump / "trap.txt").write_text(good[1] + "\n" + "a" * 60 + "b", encoding="utf-8")
    result = run_cli("run", str(dump), "-o", str(tmp_path / "out"), "--rules", str(rules_copy))
    assert result.exit_code == 1
    # The first step to run the credit patterns on the trap line is the split.
    assert (f"{dump}/trap.txt: step split_articles: rules/credits.yaml:{line}: pattern "
            "'overlapping' ran longer than 0.2 s") in result.output
    kept = read_jsonl(tmp_path / "out" / DOCUMENTS)
    assert [Path(d["provenance"]["file"]).name for d in kept] == ["good.txt"]


def test_a_match_slowed_past_the_limit_by_a_busy_machine_is_tried_again_not_rejected(
        monkeypatch):
    # A limit no match on two million characters can meet stands for a machine so busy that
    # a sound pattern's scan runs past it; tried again with a second's room, it finds its text.
    monkeypatch.setattr(curate.rules, "MATCH_TIMEOUT", 1e-7)
    monkeypatch.setattr(curate.rules, "RETRY_FACTOR", 1e7)
    # (a repetition: a pattern without one runs with no limit, see the next test)
    pattern = curate.rules.compile_pattern("本文来源：?", "rules/credits.yaml:1: pattern 'source'")
    text = "正文" * 1_000_000 + "本文来源：新华社"
    assert pattern.search(text).start() == 2_000_000
    assert [m.start() for m in pattern.finditer(text)] == [2_000_000]


def test_a_pattern_without_repetition_runs_without_the_limit_and_finds_what_it_did(
        monkeypatch):
    # No timed match can finish within this limit: only the patterns that cannot backtrack
    # still answer, and they answer as before.
    monkeypatch.setattr(curate.rules, "MATCH_TIMEOUT", 1e-9)
    monkeypatch.setattr(curate.rules, "RETRY_FACTOR", 1)
    marks = Rules().yaml_pattern("edge_runs.yaml", "sentence_marks")
    assert marks.linear
    text = "正文" * 1_000_000 + "本文来源：新华社。"
    assert marks.search(text).start() == 2_000_008
    assert [m.group() for m in marks.finditer("一，二。三")] == ["，", "。"]
    overlapping = curate.rules.compile_pattern("(a|aa)+$", "rules/credits.yaml:1: pattern 'x'")
    assert not overlapping.linear
    with pytest.raises(RuleTimeout):
        overlapping.search("a" * 40 + "b")


def test_nothing_in_curate_unpickles_or_loads_yaml_unsafely():
    risky = re.compile(r"\bpickle\b|\bmarshal\b|\bshelve\b|\bdill\b|joblib|torch\.load|"
                       r"allow_pickle\s*=\s*True|np\.load\(|numpy\.load\(|yaml\.load\(|"
                       r"unsafe_load|full_load|yaml\.Loader|\beval\(|\bexec\(")
    found = [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
             for folder in ("curate", "bench")
             for path in sorted((REPO / folder).rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if risky.search(line)]
    assert found == []


# --- writing only inside the output folder -------------------------------------------------

def tree(root: Path, skip: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in root.rglob("*") if skip not in (p, *p.parents) and not p.is_symlink()}


def test_nothing_is_written_outside_the_output_folder_whatever_the_input_says(
        tmp_path, monkeypatch):
    good = articles(3)
    dump = tmp_path / "in" / "..dump"
    (dump / "..").mkdir(parents=True, exist_ok=True)
    (dump / "a..b").mkdir()
    hostile = {"id": "../../etc/x", "title": "../../../../tmp/escape/标题", "url": "file:///etc/x",
               "source": "../..", "site": "/", "created": "../../2024", "path": "/etc/passwd"}
    records = [json.dumps(dict(hostile, text=good[0]), ensure_ascii=False),
               json.dumps({"text": good[1], "id": "/absolute/x", "title": "a/b\\c"},
                          ensure_ascii=False)]
    (dump / "a..b" / "..jsonl").write_text("\n".join(records), encoding="utf-8")
    (dump / "a..b" / "..%2f..%2fx.txt").write_text(good[2], encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    out = tmp_path / "out"
    before = tree(tmp_path, out)
    result = run_cli("run", str(dump), "-o", str(out), "--source", "../../../escape")
    assert result.exit_code == 0, result.output
    assert tree(tmp_path, out) == before
    assert sorted(p.name for p in out.iterdir()) == CORPUS_LISTING
    assert sorted(p.name for p in (out / ".index").iterdir()) == ["documents", "passages"]
    kept = read_jsonl(out / DOCUMENTS)
    assert len(kept) == 3
    assert {d["metadata"].get("id") for d in kept} >= {"../../etc/x", "/absolute/x"}
    assert all(re.fullmatch(r"[0-9a-f]{24}", d["id"]) for d in kept)


# --- bounded memory -----------------------------------------------------------------------

def test_documents_are_deduplicated_batch_by_batch_against_what_earlier_batches_kept(tmp_path):
    paragraphs = clean_paragraphs()
    story, other, third = paragraphs[:6], paragraphs[6:9], paragraphs[9:12]
    dump = tmp_path / "dump"
    dump.mkdir()
    files = {"a.txt": ["国产芯片的破茧之战", "2024-05-01 10:00", *story],
             "b.txt": other,
             "c.txt": third,
             "d.txt": ["国产芯片的破茧之战", "2023-01-01 10:00", *story[:5]],  # earlier copy
             "e.txt": [other[1], *paragraphs[12:14]]}  # repeats a passage of b.txt
    for name, lines in files.items():
        (dump / name).write_text("\n".join(lines), encoding="utf-8")
    config = tmp_path / "curate.toml"

    def kept_and_dropped(batch: int) -> tuple[dict[str, dict], dict[str, dict]]:
        config.write_text(f"[run]\nbatch_documents = {batch}\n", encoding="utf-8")
        out = tmp_path / f"batch{batch}"
        assert run_cli("run", str(dump), "-o", str(out), "--config", str(config)).exit_code == 0
        name = lambda record: Path(record["provenance"]["file"]).name  # noqa: E731
        return ({name(r): r for r in read_jsonl(out / DOCUMENTS)},
                {name(r): r for r in read_jsonl(out / REJECTS) if r["kind"] == "document"})

    kept, dropped = kept_and_dropped(100)  # one batch: the earlier copy is kept
    assert set(kept) == {"b.txt", "c.txt", "d.txt", "e.txt"}
    assert dropped["a.txt"]["provenance"]["duplicate_of"] == kept["d.txt"]["id"]
    kept, dropped = kept_and_dropped(2)  # a.txt was kept by the first batch: d.txt goes
    assert set(kept) == {"a.txt", "b.txt", "c.txt", "e.txt"}
    assert dropped["d.txt"]["provenance"]["duplicate_of"] == kept["a.txt"]["id"]
    # e.txt, in the third batch, loses the passage it repeats from b.txt, read back from disk.
    assert other[1] not in kept["e.txt"]["text"]
    cut = [e for e in kept["e.txt"]["provenance"]["edits"] if e["rule"] == "near-duplicate-passage"]
    assert [e["text"] for e in cut] == [other[1]]


# --- round two: inputs and faults that lost documents or the run --------------------------

def fresh_articles(count: int) -> list[str]:
    """``count`` articles of three paragraphs that no seed holds: each paragraph joins
    sentences of three different seed paragraphs, so it shares at most a third of its
    3-grams with any of them, and the seeds run beside them keep every passage."""
    sentences = [[s + "。" for s in paragraph.split("。") if len(s) >= 15]
                 for paragraph in clean_paragraphs()]
    sentences = [found for found in sentences if found]
    rng = random.Random(12)
    paragraphs = ["".join(rng.choice(group) for group in rng.sample(sentences, 3))
                  for _ in range(3 * count)]
    return ["\n".join(paragraphs[3 * n: 3 * n + 3]) for n in range(count)]


def seed_documents(out: Path) -> list[dict]:
    return [d for d in read_jsonl(out / DOCUMENTS)
            if Path(d["provenance"]["file"]).parent.name == "seeds"]


def gzip_of(chunk: bytes, times: int) -> bytes:
    """``chunk * times`` gzipped, without holding the inflated bytes."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
    return b"".join([*(squeeze.compress(chunk) for _ in range(times)), squeeze.flush()])


def bombs_beside_seeds(folder: Path, good: list[str], outside: Path) -> dict[str, str]:
    """The seven seeds and, around them, inputs that lost documents or the whole run;
    ``{file: the start of its message}``. ``good`` needs 14 articles."""
    shutil.copytree(SEEDS, folder / "seeds")
    expected: dict[str, str] = {}

    def put(name: str | bytes, data: bytes, message: str | None) -> None:
        path = os.path.join(os.fsencode(folder), os.fsencode(name))
        with open(path, "wb") as stream:
            stream.write(data)
        if message is not None:
            expected[os.fsdecode(name)] = message

    records = [json.dumps({"text": text}, ensure_ascii=False) for text in good[:10]]
    records.insert(3, json.dumps({"text": "国" * (MAX_LINE_CHARS + 1)}))
    put("overlong.jsonl", "\n".join(records).encode(), "overlong.jsonl:4: line 1 of its text is "
                                                       "100,001 characters long")
    mib = 2**20
    put("zeros.txt.gz", gzip_of(bytes(mib), 16), "zeros.txt.gz: decompresses to more than "
                                                 "8,388,608 bytes")
    put("chinese.txt.gz", gzip_of(good[10].encode() * 14_000, 1), "chinese.txt.gz: decompresses "
                                                                "to more than 8,388,608 bytes")
    put("zeros.jsonl.gz", gzip_of(bytes(mib), 24), "zeros.jsonl.gz: inflates more than 100 times")
    put("spaces.jsonl.gz", gzip_of(json.dumps({"text": good[11]}, ensure_ascii=False).encode()
                                   + b"\n" + (b" " * 1023 + b"\n") * 1024, 1)
        + gzip_of(b" " * 1023 + b"\n", 20 * 1024),
        "spaces.jsonl.gz: after line 1")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as pages:
        pages.writestr("good.txt", good[12])
        pages.writestr("nested.txt.gz", gzip_of(bytes(mib), 16))
        pages.writestr("zeros.txt", bytes(24 * mib))
    put("pages.zip", archive.getvalue(), None)
    expected["pages.zip!/nested.txt.gz"] = "pages.zip!/nested.txt.gz: decompresses to more than "
    expected["pages.zip!/zeros.txt"] = "pages.zip!/zeros.txt: inflates more than 100 times"
    put("bad_lines.jsonl", b"x\n" * 20_000, None)
    put(b"\xb9\xfa\xbc\xd2.txt", good[13].encode(), None)
    put("environ.txt", b"HOME=/home/wang\x00LANG=zh_CN.UTF-8\x00PATH=/usr/local/bin:/usr/bin\x00"
                       b"SHELL=/bin/bash\x00TERM=xterm-256color\x00USER=wang\x00", "environ.txt: ")
    os.symlink(outside, folder / "passwd.txt")
    expected["passwd.txt"] = f"passwd.txt: a symbolic link to {outside}, outside the folder read"
    return expected


def test_bombs_overlong_records_and_hostile_names_cost_no_good_document(tmp_path):
    good = fresh_articles(14)
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    dump = tmp_path / "dump"
    dump.mkdir()
    expected = bombs_beside_seeds(dump, good, outside)
    out = tmp_path / "out"
    result = run_cli("run", str(dump), "-o", str(out))
    assert result.exit_code == 1, result.output
    messages = [line.removeprefix("warning: ") for line in result.output.splitlines()
                if line.startswith("warning: ")]
    for name, start in expected.items():
        assert sum(m.startswith(f"{dump}/{start}") for m in messages) == 1, (name, messages)
    # 20,000 bad lines: ten messages and rejects one by one, then one for the rest.
    bad = [m for m in messages if m.startswith(f"{dump}/bad_lines.jsonl:")]
    assert len(bad) == 11
    assert bad[-1].startswith(f"{dump}/bad_lines.jsonl:11: 19,990 more records (lines 11 to "
                              "20000) rejected as the 10 before them were, such as: invalid JSON")
    rejects = read_jsonl(out / REJECTS)
    assert sum(r["provenance"]["file"].endswith("bad_lines.jsonl") for r in rejects) == 11
    assert len(messages) == len(expected) + len(bad)

    assert len(seed_documents(out)) == 7  # every seed survives
    documents = read_jsonl(out / DOCUMENTS)
    kept_text = "\n".join(record["text"] for record in documents)
    for article in good[:10] + good[11:]:  # the records after the overlong one too
        assert article.split("\n")[0] in kept_text, article[:30]
    assert "root:x:0:0" not in kept_text and "HOME=" not in kept_text
    named = [d for d in documents if "\\xb9\\xfa" in d["provenance"]["file"]]
    assert [d["provenance"]["file"] for d in named] == [f"{dump}/\\xb9\\xfa\\xbc\\xd2.txt"]
    manifest = assert_accounts_for_every_document(out)
    overlong = next(f for f in manifest["files"] if f["path"].endswith("overlong.jsonl"))
    assert (overlong["read"], overlong["kept"], overlong["rejected"]) == (11, 10, 1)


def test_records_nested_to_the_limit_are_kept_and_export_to_parquet(tmp_path):
    good = articles(2)

    def nested(depth: int) -> str:  # the record itself is the first level
        return "[" * (depth - 1) + "]" * (depth - 1)

    records = [json.dumps({"text": good[0]}, ensure_ascii=False)[:-1] + f', "deep": {nested(99)}}}',
               json.dumps({"text": good[1]}, ensure_ascii=False)[:-1] + f', "deep": {nested(100)}}}']
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "deep.jsonl").write_text("\n".join(records), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("run", str(dump), "-o", str(out))
    assert result.exit_code == 1
    assert (f"warning: {dump}/deep.jsonl:2: invalid JSON: nested too deeply (more than 99 levels"
            in result.output)
    assert len(read_jsonl(out / DOCUMENTS)) == 1
    exported = run_cli("export", str(out), "-o", str(tmp_path / "parquet"), "--format", "parquet")
    assert exported.exit_code == 0, exported.output
    assert "1 read, 1 written, 0 filtered, 0 skipped" in exported.output


def test_odd_corpus_records_are_skipped_by_export_and_shown_by_explain(tmp_path):
    run_cli("run", str(SEEDS), "-o", str(tmp_path / "corpus"))
    documents = tmp_path / "corpus" / DOCUMENTS / "part-00000.jsonl.gz"
    first = json.loads(gzip.decompress(documents.read_bytes()).splitlines()[0])
    odd = [dict(first, id="listed", metadata=["芯片", "国产"]),
           dict(first, id="surrogate", text="国产\ud800替代")]
    lines = [json.dumps(record) for record in odd]
    lines.append(json.dumps(dict(first, id="deep"))[:-1] + ', "x": ' + "[" * 5000 + "]" * 5000
                 + "}")
    with documents.open("ab") as stream:  # one more gzip member: the shard reads on
        stream.write(gzip.compress(("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")))
    for fmt in ("jsonl", "parquet", "text"):
        result = run_cli("export", str(tmp_path / "corpus"), "-o", str(tmp_path / fmt),
                         "--format", fmt)
        assert result.exit_code == 1, result.output  # some lines skipped
        assert f"{documents}:8: metadata is a list, not an object; skipped" in result.output
        assert f"{documents}:9: holds an unpaired UTF-16 surrogate" in result.output
        assert f"{documents}:10: nested deeper than the 100 levels a run accepts" in result.output
        assert "10 read, 7 written, 0 filtered, 3 skipped" in result.output
    for record_id in ("listed", "surrogate"):
        shown = run_cli("explain", record_id, "--corpus", str(tmp_path / "corpus"),
                        "--format", "json")
        assert shown.exit_code == 0, shown.output
        assert json.loads(shown.output)[0]["id"] == record_id


def test_a_corpus_folder_inside_the_input_folder_is_not_read_as_input(tmp_path):
    dump = tmp_path / "in"
    shutil.copytree(SEEDS, dump)
    for _ in range(2):
        result = run_cli("run", str(dump), "-o", str(dump / "corpus"))
        assert result.exit_code == 0, result.output
    manifest = assert_accounts_for_every_document(dump / "corpus")
    assert manifest["counts"]["files"] == 5
    assert manifest["counts"]["corpus_documents"] == 7


def test_a_rule_setting_of_the_wrong_type_stops_the_run_with_its_file_and_line(rules_copy,
                                                                              tmp_path):
    path = rules_copy / "edge_runs.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("min_run: 3", "min_run: three"),
                    encoding="utf-8")
    line = path.read_text(encoding="utf-8").split("\n").index("min_run: three") + 1
    result = CliRunner().invoke(main, ["run", str(SEEDS), "-o", str(tmp_path / "out"),
                                       "--rules", str(rules_copy)])
    assert result.exit_code == 2
    assert f"edge_runs.yaml:{line}: min_run must be a whole number, not 'three'" in result.output
    assert not (tmp_path / "out" / DOCUMENTS).exists()


def test_a_paragraph_repeated_through_a_text_is_indexed_once(tmp_path):
    paragraph = clean_paragraphs()[0]
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "repeated.txt").write_text("\n".join([paragraph] * 3000), encoding="utf-8")
    (dump / "quoting.txt").write_text("\n".join(clean_paragraphs()[1:4] + [paragraph]),
                                      encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("run", str(dump), "-o", str(out)).exit_code == 0
    from curate.dedup.near import NearDuplicateFilter
    near = NearDuplicateFilter(out / ".index")
    try:
        assert len(near.passages) == 1 + 3  # each distinct passage once
    finally:
        near.close()
    quoting = next(d for d in read_jsonl(out / DOCUMENTS)
                   if d["provenance"]["file"].endswith("quoting.txt"))
    assert paragraph not in quoting["text"]  # it repeats the passage kept in repeated.txt


def test_a_document_shard_deleted_by_hand_brings_its_documents_back(tmp_path):
    out = tmp_path / "out"
    assert run_cli("run", str(SEEDS), "-o", str(out)).exit_code == 0
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    (shard,) = manifest["shards"][DOCUMENTS]
    (out / shard["file"]).unlink()
    manifest["shards"][DOCUMENTS] = []
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    result = run_cli("run", str(SEEDS), "-o", str(out))
    assert result.exit_code == 0
    assert (f"note: {out}/.index: indexes 7 documents, the corpus holds 0; rebuilt from the "
            "corpus") in result.output
    assert len(read_jsonl(out / DOCUMENTS)) == 7
    assert run_cli("run", str(SEEDS), "-o", str(out)).output.count("7 already in corpus") == 1


def damage(out: Path, how: str) -> str:
    """Damage a corpus folder; the start of the error it gives."""
    if how == "missing shard":
        shard = out / DOCUMENTS / "part-00000.jsonl.gz"
        shard.unlink()
        return f"{shard}: listed in {MANIFEST} but missing"
    (out / ".index" / "documents" / "signatures.u32").write_bytes(b"garbage!")
    return f"{out}/.index: the near-duplicate index cannot be read"


@pytest.mark.parametrize("how", ["missing shard", "damaged index"])
def test_a_damaged_corpus_stops_the_run_with_exit_code_4_and_is_left_as_it_was(tmp_path, how):
    out = tmp_path / "out"
    assert run_cli("run", str(SEEDS), "-o", str(out)).exit_code == 0
    start = damage(out, how)
    before = corpus_bytes(out)
    result = run_cli("run", str(SEEDS), "-o", str(out))
    assert result.exit_code == 4
    assert result.output.startswith(f"error: {start}")
    assert result.output.count("\n") == 1 and "run again" in result.output
    assert corpus_bytes(out) == before


def fail_writes(patch: pytest.MonkeyPatch, number: int) -> None:
    """The disk fills up: the ``number``-th write of a shard's compressed lines fails with
    ENOSPC."""
    from curate import storage

    flush, calls = storage.ShardWriter._flush_member, itertools.count(1)

    def full(self) -> None:
        if self._member and next(calls) >= number:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        flush(self)

    patch.setattr(storage.ShardWriter, "_flush_member", full)


def refuse_temporaries(patch: pytest.MonkeyPatch) -> None:
    """A read-only file system (root writes through permissions, so it is the file system)."""
    from curate import storage
    from curate.io import writers

    def read_only(path: Path):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path.parent))

    patch.setattr(writers, "temporary_beside", read_only)
    patch.setattr(storage, "temporary_beside", read_only)


@pytest.mark.parametrize("fault", ["disk full", "read-only", "under a file"])
def test_an_output_folder_that_cannot_be_written_stops_the_run_with_exit_code_3(
        tmp_path, monkeypatch, fault):
    # A corpus of the first seed; the run that fails has four new seeds to write.
    out = tmp_path / "out"
    assert run_cli("run", str(SEEDS / "000_1e4f08b3863a416c.txt"), "-o", str(out)).exit_code == 0
    before = corpus_bytes(out)
    target = out
    if fault == "disk full":
        fail_writes(monkeypatch, 1)
        todo = "free space on its disk and run again (the corpus there is as it was"
    elif fault == "read-only":
        refuse_temporaries(monkeypatch)
        todo = "make the folder writable or choose another output folder"
    else:
        (tmp_path / "file").write_text("x", encoding="utf-8")
        target = tmp_path / "file" / "corpus"
        todo = f"{target} lies under a file, not a folder: choose another output folder"
    result = run_cli("run", str(SEEDS), "-o", str(target))
    assert result.exit_code == 3, result.output
    assert result.output.startswith("error: ") and result.output.count("\n") == 1
    assert "cannot write the corpus" in result.output and todo in result.output
    assert corpus_bytes(out) == before
    assert sorted(p.name for p in out.iterdir()) == CORPUS_LISTING


def test_the_exit_codes_of_a_run_are_listed_in_the_help():
    for args in ([], ["run"]):
        shown = CliRunner().invoke(main, [*args, "--help"]).output
        assert "3  the output folder cannot be written" in shown
        assert "4  the corpus in it cannot be read back" in shown
