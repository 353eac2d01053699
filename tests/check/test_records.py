"""`curate check` of corpus records and files: a corpus folder with its rejects, hostile
records and files beside good ones, `.gz` and `.json` inputs."""

import gzip
import json
import os
import re
import shutil
import threading

import pytest
import yaml
from click.testing import CliRunner

from curate.check import check_command
from curate.check.checker import MAX_FINDINGS_PER_FILE
from curate.check.files import MAX_RECORD_BYTES
from curate.storage import CorpusReader
from tests.fixtures import REPO

CORPUS = REPO / "corpus"
GOOD_LINES = [line.decode("utf-8") for line, _, _ in CorpusReader(CORPUS).lines("documents")]
GOOD = json.loads(GOOD_LINES[0])
REJECT_LINES = [line.decode("utf-8") for line, _, _ in CorpusReader(CORPUS).lines("rejects")]


def check(*args):
    return CliRunner().invoke(check_command, [str(a) for a in args], catch_exceptions=False)


def line_of(record: dict, ensure_ascii: bool = False) -> str:
    return json.dumps(record, ensure_ascii=ensure_ascii) + "\n"


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_corpus_folder_is_checked_documents_and_rejects_each_by_its_schema(in_tmp):
    shutil.copytree(CORPUS, in_tmp / "corpus")
    result = check(in_tmp / "corpus")
    assert result.exit_code == 0, result.output
    documents, rejects = len(GOOD_LINES), len(REJECT_LINES)
    assert result.stdout == f"No findings in 2 files ({documents + rejects} documents).\n"


def test_a_reject_is_held_to_the_rejects_schema(in_tmp):
    span = json.loads(REJECT_LINES[0])
    no_reason = {k: v for k, v in span.items() if k != "reason"}
    bad_kind = {**span, "kind": "paragraph", "reason": {"step": "parse_markup"}}
    (in_tmp / "rejects.jsonl").write_text(REJECT_LINES[0] + line_of(no_reason)
                                          + line_of(bad_kind) + GOOD_LINES[0], encoding="utf-8")
    result = check(in_tmp / "rejects.jsonl", "-q")
    path = in_tmp / "rejects.jsonl"
    reason_column = line_of(bad_kind).index('{"step": "parse_markup"}') + 1
    assert result.stdout.splitlines() == [
        f"{path}:2:1: C102 missing field 'reason'",
        f"{path}:3:10: C103 field 'kind' is 'paragraph', expected document or span",
        f"{path}:3:{reason_column}: C104 reason has no rule, why",
        # a kept document's line in a rejects file has neither kind nor reason
        f"{path}:4:1: C102 missing field 'kind'",
        f"{path}:4:1: C102 missing field 'reason'",
    ]


def test_rejects_share_ids_and_hold_junk_without_findings(in_tmp):
    """Every span cut from one document carries its id, and holds what cleaning removed."""
    (in_tmp / "rejects.jsonl").write_text("".join(REJECT_LINES), encoding="utf-8")
    ids = [json.loads(line)["id"] for line in REJECT_LINES]
    assert len(set(ids)) < len(ids)
    assert check(in_tmp / "rejects.jsonl").exit_code == 0


def test_the_hook_checks_documents_and_not_rejects():
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))

    def hooked(name: str) -> bool:
        return bool(re.search(hook["files"], name)) and not re.search(hook["exclude"], name)

    assert hooked("corpus/documents.jsonl") and hooked("notes/page.md")
    assert hooked("corpus/documents.jsonl.gz")
    assert not hooked("corpus/rejects.jsonl") and not hooked("corpus/manifest.json")


def test_a_fifo_is_reported_without_being_read(in_tmp):
    fifo = in_tmp / "dump.jsonl"
    os.mkfifo(fifo)
    # A writer that never comes: reading the FIFO would wait for ever.
    outcome: list = []
    good = CORPUS / "documents" / "part-00000.jsonl.gz"
    worker = threading.Thread(target=lambda: outcome.append(check(fifo, good)), daemon=True)
    worker.start()
    worker.join(60)
    assert outcome, "curate check waited on a FIFO"
    assert outcome[0].stdout.splitlines() == [
        f"{fifo}:1:1: C107 not a regular file (a FIFO, socket or device, which may never end); "
        "check a file",
        "Found 1 finding in 1 of 2 files (C107 ×1)."]


def test_dev_zero_is_reported_without_being_read():
    result = check("/dev/zero", CORPUS / "documents" / "part-00000.jsonl.gz")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "/dev/zero:1:1: C107 not a regular file (a FIFO, socket or device, which may never "
        "end); check a file",
        "Found 1 finding in 1 of 2 files (C107 ×1)."]


def test_a_line_longer_than_any_record_is_skipped_and_the_next_one_checked(in_tmp):
    corpus = in_tmp / "documents.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        out.write('{"id": "x", "text": "' + "正文" * (MAX_RECORD_BYTES // 5) + '"}\n')
        out.write(GOOD_LINES[0])
    result = check(corpus)
    assert result.stdout.splitlines() == [
        f"{corpus}:1:1: C101 a line longer than 32 MiB: no corpus record is that long; not read",
        "Found 1 finding in 1 of 1 file (C101 ×1).",
    ]


def test_a_file_of_junk_lines_is_checked_up_to_a_bound_of_findings(in_tmp):
    junk = in_tmp / "documents.jsonl"
    junk.write_text(GOOD_LINES[0] + "x\n" * (MAX_FINDINGS_PER_FILE + 5), encoding="utf-8")
    lines = check(junk, "-q").stdout.splitlines()
    assert len(lines) == MAX_FINDINGS_PER_FILE + 1
    assert lines[0] == f"{junk}:2:1: C101 invalid JSON: Expecting value"
    assert lines[-1] == (f"{junk}:{MAX_FINDINGS_PER_FILE + 1}:1: C107 10,000 findings: the rest "
                         "of the file is not checked; is it a corpus file?")


def test_metadata_as_a_list_is_a_type_finding_and_fix_goes_on(in_tmp):
    corpus = in_tmp / "documents.jsonl"
    listed = {**json.loads(GOOD_LINES[1]), "metadata": ["title", "英伟达芯片一片难求"]}
    corpus.write_text(GOOD_LINES[0] + line_of(listed) + GOOD_LINES[2], encoding="utf-8")
    result = check(corpus, "--fix", "-q")
    assert result.stdout.splitlines() == [
        f"{corpus}:2:{line_of(listed).index('[') + 1}: C103 field 'metadata' is array, "
        "expected object",
    ]


def test_json_nested_five_thousand_deep_is_an_invalid_record_not_a_crash(in_tmp):
    corpus = in_tmp / "documents.jsonl"
    deep = '{"id": "x", "text": "正文", "metadata": ' + "[" * 5000 + "]" * 5000 + "}\n"
    corpus.write_text(GOOD_LINES[0] + deep + GOOD_LINES[2], encoding="utf-8")
    for args in ((), ("--fix",)):
        result = check(corpus, "-q", *args)
        assert result.stdout.splitlines() == [
            f"{corpus}:2:1: C101 JSON nested deeper than the parser reads (thousands of "
            "levels); a corpus record is a flat object"]


def test_a_lone_surrogate_in_an_id_is_printed_escaped(in_tmp):
    corpus = in_tmp / "documents.jsonl"
    odd = {**GOOD, "id": "\ud800x"}
    copy = {**json.loads(GOOD_LINES[1]), "id": "\ud800x"}
    corpus.write_text(line_of(odd, ensure_ascii=True) + line_of(copy, ensure_ascii=True),
                      encoding="utf-8")
    result = check(corpus, "--select", "C105", "-q", "--fix")
    assert result.stdout == f"{corpus}:2:8: C105 id \\ud800x is already used at {corpus}:1\n"
    as_json = check(corpus, "--select", "C105", "--format", "json")
    assert json.loads(as_json.stdout)[0]["message"] == f"id \\ud800x is already used at {corpus}:1"


def test_a_lone_surrogate_in_the_text_is_reported_and_left_alone_by_fix(in_tmp):
    corpus = in_tmp / "documents.jsonl"
    broken = {**GOOD, "id": "y", "text": "補(bǔ)位\ud800英偉達"}
    corpus.write_text(GOOD_LINES[0] + line_of(broken, ensure_ascii=True), encoding="utf-8")
    before = corpus.read_bytes()
    result = check(corpus, "--fix", "-q")
    column = line_of(broken, ensure_ascii=True).index('"text": ') + 9
    assert result.stdout.splitlines() == [
        f"{corpus}:2:{column}: C108 text holds "
        "lone surrogates (\\ud800-\\udfff), which is not Unicode"]
    assert corpus.read_bytes() == before


def test_json_files_are_records_as_curate_run_reads_them_and_fix_keeps_them_json(in_tmp):
    dump = in_tmp / "dump.json"
    pinyin = {**json.loads(GOOD_LINES[1]), "text": "補(bǔ)位英偉達"}
    dump.write_text(GOOD_LINES[0] + line_of(pinyin), encoding="utf-8")
    assert "C202" in check(dump).stdout
    assert check(dump, "--fix").exit_code == 0
    first, fixed = dump.read_text(encoding="utf-8").splitlines(keepends=True)
    assert first == GOOD_LINES[0]
    assert json.loads(fixed)["text"] == "补位英伟达"


def test_gzipped_jsonl_is_checked_and_fixed_in_place(in_tmp):
    dump = in_tmp / "documents.jsonl.gz"
    pinyin = {**json.loads(GOOD_LINES[1]), "text": "補(bǔ)位英偉達"}
    dump.write_bytes(gzip.compress((GOOD_LINES[0] + line_of(pinyin)).encode("utf-8")))
    result = check(dump, "--select", "C202")
    assert result.stdout.splitlines()[0].startswith(f"{dump}:2:")
    assert check(dump, "--fix").exit_code == 0
    first, fixed = gzip.decompress(dump.read_bytes()).decode("utf-8").splitlines(keepends=True)
    assert first == GOOD_LINES[0]
    assert json.loads(fixed)["text"] == "补位英伟达"


def test_a_gzipped_text_page_is_read_as_text_and_a_broken_gzip_is_unreadable(in_tmp):
    page = in_tmp / "page.txt.gz"
    page.write_bytes(gzip.compress("熱門資訊> 正文\n".encode()))
    assert "C205 breadcrumb (breadcrumb-path): 熱門資訊> 正文" in check(page).stdout
    broken = in_tmp / "dump.jsonl.gz"
    broken.write_bytes(gzip.compress(GOOD_LINES[0].encode("utf-8"))[:-20])
    result = check(broken, "-q")
    assert result.stdout == (f"{broken}:1:1: C107 cannot read on: Compressed file ended before "
                             "the end-of-stream marker was reached\n")
