"""`curate export`: every format reads back, with json, pyarrow and `datasets`, as the corpus."""

from __future__ import annotations

import gzip
import json
import re
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from click.testing import CliRunner

from curate.cli import main
from curate.export import export_command, record_from_parquet, select_fields
from tests.fixtures import shard_lines

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
EPOCH = "1767225600"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The corpus `curate run seeds` builds, its records, and `datasets` kept inside tmp."""
    root = tmp_path_factory.mktemp("export")
    with pytest.MonkeyPatch.context() as patch:
        # Set before `datasets` is imported: it reads its cache folders once, at import.
        patch.setenv("HF_DATASETS_OFFLINE", "1")
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("HF_HOME", str(root / "hf"))
        patch.setenv("HF_DATASETS_CACHE", str(root / "hf" / "datasets"))
        patch.chdir(SEEDS.parent)  # so provenance.file reads seeds/… as in the committed corpus
        result = CliRunner().invoke(main, ["run", "seeds", "-o", str(root / "corpus"), "--quiet"],
                                    env={"SOURCE_DATE_EPOCH": EPOCH})
        assert result.exit_code == 0, result.output
        import datasets

        datasets.disable_progress_bars()
        _, lines = shard_lines(root / "corpus")
        yield {"root": root, "corpus": root / "corpus", "records": [json.loads(x) for x in lines],
               "datasets": datasets}


def export(built, name: str, *options: str, exit_code: int = 0):
    """Run `curate export` on the built corpus into ``root/name``; the result and the folder."""
    dest = built["root"] / name
    result = CliRunner().invoke(export_command, [str(built["corpus"]), "-o", str(dest), *options])
    assert result.exit_code == exit_code, result.output
    return result, dest


def shards(dest: Path) -> list[Path]:
    return sorted(dest.glob("part-*"))


def load(built, loader: str, files: list[Path]) -> list[dict]:
    ds = built["datasets"].load_dataset(loader, data_files=[str(f) for f in files], split="train",
                                        cache_dir=str(built["root"] / "hf" / "cache"))
    return list(ds)


def test_seeds_build_seven_documents_three_of_them_spun_from_seed_004(built):
    spun = [r for r in built["records"] if "spun" in r["metadata"]["flags"]]
    assert len(built["records"]) == 7
    assert [r["provenance"]["file"][:9] for r in spun] == ["seeds/004"] * 3


def test_jsonl_export_is_the_documents_file_byte_for_byte(built):
    result, dest = export(built, "jsonl")
    assert [p.name for p in shards(dest)] == ["part-00000.jsonl"]
    shard, _ = shard_lines(built["corpus"])
    assert (dest / "part-00000.jsonl").read_bytes() == gzip.decompress(shard.read_bytes())
    assert result.output == f"7 read, 7 written, 0 filtered, 0 skipped -> 1 jsonl shard in {dest}\n"


@pytest.mark.parametrize("method, suffix, unpack", [
    ("gzip", ".jsonl.gz", gzip.decompress),
    ("zstd", ".jsonl.zst", lambda data: zstandard.ZstdDecompressor().stream_reader(data).read()),
])
def test_compressed_jsonl_holds_every_record_unchanged(built, method, suffix, unpack):
    _, dest = export(built, f"jsonl-{method}", "--compress", method, "--quiet")
    (shard,) = shards(dest)
    assert shard.name == f"part-00000{suffix}"
    lines = unpack(shard.read_bytes()).decode("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == built["records"]


def test_parquet_reads_back_every_record_and_field_with_pyarrow(built):
    _, dest = export(built, "parquet", "--format", "parquet", "--quiet")
    table = pq.read_table(dest / "part-00000.parquet")
    metadata = pa.struct([("title", pa.string()), ("site", pa.string()), ("author", pa.string()),
                          ("url", pa.string()), ("lang", pa.string()),
                          ("flags", pa.list_(pa.string())), ("spin_score", pa.float64()),
                          ("extra", pa.string())])
    assert table.schema.names == ["id", "text", "source", "added", "created", "metadata",
                                  "provenance"]
    assert table.schema.field("metadata").type == metadata
    assert table.schema.field("provenance").type == pa.string()
    assert table.column("metadata").combine_chunks().field("flags").to_pylist()[4:] == [["spun"]] * 3
    assert [record_from_parquet(row) for row in table.to_pylist()] == built["records"]


def test_parquet_reads_back_every_record_and_field_with_datasets(built):
    _, dest = export(built, "parquet-datasets", "--format", "parquet", "--quiet")
    rows = load(built, "parquet", shards(dest))
    assert rows[0]["added"] == "2026-01-01T00:00:00Z"  # the dates stay text, as in the JSONL
    assert [record_from_parquet(row) for row in rows] == built["records"]


def test_datasets_json_loader_reads_every_field_but_turns_dates_into_timestamps(built):
    _, dest = export(built, "jsonl-datasets", "--quiet")
    rows = load(built, "json", shards(dest))

    def as_loaded(record: dict) -> dict:
        # pyarrow's JSON reader takes ISO 8601 strings for timestamps: "…T00:00:00Z" comes back
        # as a naive datetime; every other field comes back as written.
        dates = {key: datetime.fromisoformat(record[key]).replace(tzinfo=None)
                 if record[key] else None for key in ("added", "created")}
        return record | dates

    def rounded(value):
        # pyarrow's JSON reader may parse a decimal such as a restoration's probability 0.941
        # to the neighbouring double (0.9410000000000001): equal to 12 digits is equal.
        if isinstance(value, float):
            return round(value, 12)
        if isinstance(value, dict):
            return {key: rounded(item) for key, item in value.items()}
        if isinstance(value, list):
            return [rounded(item) for item in value]
        return value

    assert rows[0]["added"] == datetime(2026, 1, 1)
    assert rounded(rows) == rounded([as_loaded(record) for record in built["records"]])


def test_selected_fields_keep_their_nesting_in_jsonl_and_parquet(built):
    fields = "id,text,metadata.title,metadata.flags,provenance.file"
    paths = [tuple(name.split(".")) for name in fields.split(",")]
    expected = [select_fields(record, paths) for record in built["records"]]
    _, jsonl = export(built, "fields-jsonl", "--fields", fields, "--quiet")
    _, parquet = export(built, "fields-parquet", "--format", "parquet", "--fields", fields,
                        "--quiet")
    first = json.loads((jsonl / "part-00000.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first == {"id": built["records"][0]["id"], "text": built["records"][0]["text"],
                     "metadata": {"title": "英伟达芯片一片难求，国产替代趁势崛起", "flags": []},
                     "provenance": {"file": "seeds/000_1e4f08b3863a416c.txt"}}
    lines = (jsonl / "part-00000.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == expected
    table = pq.read_table(parquet / "part-00000.parquet")
    assert table.schema.names == ["id", "text", "metadata", "provenance"]
    assert [record_from_parquet(row) for row in table.to_pylist()] == expected
    assert [record_from_parquet(row) for row in load(built, "parquet", shards(parquet))] == expected


def test_text_export_is_one_block_per_document_with_a_line_per_paragraph(built):
    _, dest = export(built, "text", "--format", "text", "--quiet")
    content = (dest / "part-00000.txt").read_text(encoding="utf-8")
    blocks = content.removesuffix("\n\n").split("\n\n")
    assert blocks == [record["text"] for record in built["records"]]
    assert "\n\n\n" not in content and content.endswith("\n\n")


@pytest.mark.parametrize("fmt, read", [
    ("jsonl", lambda path: [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]),
    ("parquet", lambda path: [record_from_parquet(r) for r in pq.read_table(path).to_pylist()]),
])
def test_shards_never_split_a_record_and_hold_every_record_once(built, fmt, read):
    _, dest = export(built, f"shards-{fmt}", "--format", fmt, "--shard-size", "100KB", "--quiet")
    files = shards(dest)
    per_shard = [read(path) for path in files]
    summary = json.loads((dest / "export.json").read_text(encoding="utf-8"))
    # Record lines are 10, 89, 16, 31, 125, 21 and 41 kB: a shard closes before the record
    # that would pass 100 kB, and a record bigger than that fills a shard alone.
    assert [len(records) for records in per_shard] == [2, 2, 1, 2]
    assert [path.name for path in files] == [f"part-{i:05d}.{fmt}" for i in range(4)]
    assert [record for records in per_shard for record in records] == built["records"]
    assert [shard["records"] for shard in summary["shards"]] == [2, 2, 1, 2]
    if fmt == "jsonl":
        assert all(path.stat().st_size <= 100_000 for path, records in zip(files, per_shard, strict=True)
                   if len(records) > 1)


def test_sharded_parquet_loads_as_one_dataset(built):
    _, dest = export(built, "shards-datasets", "--format", "parquet", "--shard-size", "0.1MB",
                     "--quiet")
    rows = load(built, "parquet", shards(dest))
    assert [record_from_parquet(row) for row in rows] == built["records"]


def test_exclude_flag_spun_drops_the_three_articles_of_seed_004(built):
    result, dest = export(built, "not-spun", "--format", "parquet", "--exclude-flag", "spun")
    rows = pq.read_table(dest / "part-00000.parquet").to_pylist()
    kept = [r for r in built["records"] if not r["provenance"]["file"].startswith("seeds/004")]
    assert [record_from_parquet(row) for row in rows] == kept
    assert len(kept) == 4
    summary = json.loads((dest / "export.json").read_text(encoding="utf-8"))
    assert summary["counts"] == {"read": 7, "written": 4, "filtered": {"flag:spun": 3},
                                 "skipped": 0}
    assert summary["options"]["exclude_flags"] == ["spun"]
    assert result.output.startswith("7 read, 4 written, 3 filtered (flag:spun 3), 0 skipped")


def test_min_chars_counts_non_space_characters_of_the_text(built):
    _, dest = export(built, "long", "--min-chars", "3000", "--quiet")
    lines = (dest / "part-00000.jsonl").read_text(encoding="utf-8").splitlines()
    long_enough = [r for r in built["records"] if len(re.sub(r"\s", "", r["text"])) >= 3000]
    assert [json.loads(line) for line in lines] == long_enough
    assert len(long_enough) == 4
    summary = json.loads((dest / "export.json").read_text(encoding="utf-8"))
    assert summary["counts"]["filtered"] == {"min_chars": 3}


def test_lang_keeps_documents_of_that_language_only(built):
    _, chinese = export(built, "zh", "--lang", "zh", "--quiet")
    _, english = export(built, "en", "--lang", "en", "--format", "parquet", "--quiet")
    assert len((chinese / "part-00000.jsonl").read_text(encoding="utf-8").splitlines()) == 7
    # Nothing left is still one readable shard with the full schema.
    table = pq.read_table(english / "part-00000.parquet")
    assert table.num_rows == 0 and "metadata" in table.schema.names
    summary = json.loads((english / "export.json").read_text(encoding="utf-8"))
    assert summary["counts"]["filtered"] == {"lang": 7}


@pytest.mark.parametrize("options", [
    ("--compress", "gzip", "--shard-size", "100KB"),
    ("--compress", "zstd"),
    ("--format", "parquet", "--shard-size", "100KB"),
    ("--format", "text", "--shard-size", "20KB"),
])
def test_the_same_corpus_and_options_export_byte_identical_files(built, options):
    _, first = export(built, "again-1", *options, "--quiet")
    _, second = export(built, "again-2", *options, "--quiet")
    names = sorted(path.name for path in first.iterdir())
    assert names == sorted(path.name for path in second.iterdir())
    assert all((first / n).read_bytes() == (second / n).read_bytes() for n in names)


def test_a_smaller_export_into_the_same_folder_leaves_no_stale_shards(built):
    _, dest = export(built, "reused", "--shard-size", "100KB", "--quiet")
    assert len(shards(dest)) == 4
    export(built, "reused", "--quiet")
    assert [p.name for p in shards(dest)] == ["part-00000.jsonl"]


def test_a_gzipped_corpus_folder_is_read_and_rejects_never_are(built, tmp_path):
    _, packed = export(built, "packed", "--compress", "gzip", "--quiet")
    (packed / "part-00000.jsonl.gz").rename(tmp_path / "documents.jsonl.gz")
    (tmp_path / "rejects.jsonl").write_text('{"kind":"document","text":"广告"}\n', encoding="utf-8")
    result = CliRunner().invoke(export_command, [str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "out" / "part-00000.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == built["records"]


def test_other_metadata_keys_and_mistyped_values_survive_parquet_in_extra(tmp_path):
    records = [
        {"id": "a", "text": "英伟达芯片一片难求", "source": "dump", "added": "2026-01-01T00:00:00Z",
         "created": None, "metadata": {"title": "国产替代", "site": None, "author": None,
                                       "url": None, "lang": "zh", "flags": [], "spin_score": 0,
                                       "tags": ["芯片", "GPU"], "views": 1024},
         "provenance": {"file": "dump.jsonl", "record": 1}},
        {"id": "b", "text": "国产GPU的差距到底有多大", "source": "dump", "added": "2026-01-01T00:00:00Z",
         "created": "2023-06-01", "metadata": None, "provenance": None},
    ]
    corpus = tmp_path / "dump.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                      encoding="utf-8")
    result = CliRunner().invoke(export_command, [str(corpus), "-o", str(tmp_path / "out"),
                                                 "--format", "parquet"])
    assert result.exit_code == 0, result.output
    rows = pq.read_table(tmp_path / "out" / "part-00000.parquet").to_pylist()
    # spin_score 0 is an integer: kept as written in extra, not turned into 0.0.
    assert json.loads(rows[0]["metadata"]["extra"]) == {"spin_score": 0, "tags": ["芯片", "GPU"],
                                                        "views": 1024}
    assert [record_from_parquet(row) for row in rows] == records


def test_a_line_that_is_not_a_document_is_skipped_named_and_exits_1(tmp_path):
    corpus = tmp_path / "dump.jsonl"
    corpus.write_text('{"id":"a","text":"英伟达"}\n{"id":"b",\n{"id":"c"}\n', encoding="utf-8")
    result = CliRunner().invoke(export_command, [str(corpus), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"warning: {corpus}:2: not a line of JSON" in result.output
    assert f"warning: {corpus}:3: not a document: no string field 'text'; skipped" in result.output
    summary = json.loads((tmp_path / "out" / "export.json").read_text(encoding="utf-8"))
    assert summary["counts"] == {"read": 3, "written": 1, "filtered": {}, "skipped": 2}


@pytest.mark.parametrize("options, message", [
    (["--fields", "id,metadata.titel"], "unknown field 'metadata.titel': no document has it"),
    (["--fields", "id,,text"], "bad field '' in --fields"),
    (["--shard-size", "256XB"], "bad size '256XB': write it like 256MB"),
    (["--shard-size", "0MB"], "bad size '0MB'"),
    (["--format", "parquet", "--compress", "gzip"], "--compress is for --format jsonl"),
    (["--format", "text", "--fields", "id"], "--fields does not apply to --format text"),
])
def test_usage_errors_exit_2_with_the_reason(built, options, message):
    result, dest = export(built, "bad", *options, exit_code=2)
    assert message in result.output
    assert not (dest / "export.json").exists()


def test_a_missing_corpus_or_a_folder_without_documents_exits_2(tmp_path):
    missing = CliRunner().invoke(export_command, [str(tmp_path / "nope"), "-o", str(tmp_path)])
    empty = CliRunner().invoke(export_command, [str(tmp_path), "-o", str(tmp_path / "out")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    assert empty.exit_code == 2 and "no documents in this folder" in empty.output


def test_help_shows_an_example():
    result = CliRunner().invoke(export_command, ["--help"])
    assert result.exit_code == 0
    assert "curate export corpus -o out --format parquet --shard-size 256MB" in result.output


def test_the_corpus_folder_itself_loads_with_datasets_documents_apart_from_rejects(built):
    corpus = built["corpus"]
    by_glob = built["datasets"].load_dataset(
        "json", data_files=str(corpus / "documents" / "*.jsonl.gz"), split="train",
        cache_dir=str(built["root"] / "hf" / "cache"))
    whole = built["datasets"].load_dataset(str(corpus), split="train",
                                           cache_dir=str(built["root"] / "hf" / "cache"))
    rejects = built["datasets"].load_dataset(str(corpus), "rejects", split="train",
                                             cache_dir=str(built["root"] / "hf" / "cache"))
    texts = [record["text"] for record in built["records"]]
    assert [row["text"] for row in by_glob] == [row["text"] for row in whole] == texts
    assert "kind" not in whole.column_names
    assert len(rejects) == 573 and set(rejects["kind"]) == {"span"}
