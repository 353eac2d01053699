"""`curate check --fix` on a corpus folder: a shard it re-cleans is written as a run writes
one, with its lookup and its manifest entry, so the corpus still reads and grows."""

import hashlib
import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from curate.check import check_command
from curate.cli import main
from curate.storage import DOCUMENTS, MANIFEST, CorpusReader, ShardWriter, listed_shards

REPO = Path(__file__).resolve().parents[2]
# Seed 001's headline, as scraped: glued pinyin after traditional characters.
HEADLINE = "補(bǔ)位英偉達(dá)!國產(chǎn)AI芯片的破繭之戰(zhàn)"
FIXED = "补位英伟达！国产AI芯片的破茧之战\n补位英伟达！国产AI芯片的破茧之战"


def corpus_with_a_record_to_fix(folder: Path) -> None:
    """The committed corpus's documents but those of seed 000, and one record holding
    ``HEADLINE``, in one shard written and listed as a run writes them."""
    records = [r for r in CorpusReader(REPO / "corpus").records(DOCUMENTS)
               if not r["provenance"]["file"].startswith("seeds/000_")]
    scraped = {**records[0], "id": "r2", "text": f"补位英伟达！国产AI芯片的破茧之战\n{HEADLINE}"}
    scraped["provenance"] = {**records[0]["provenance"], "edits": []}
    writer = ShardWriter(folder, DOCUMENTS, first=0, run=0)
    for record in [*records, scraped]:
        writer.write(record["id"], json.dumps(record, ensure_ascii=False) + "\n")
    staged = writer.finish()
    for shard in staged:
        shard.publish()
    (folder / MANIFEST).write_text(json.dumps(
        {"shards": {DOCUMENTS: [s.shard.to_json() for s in staged], "rejects": []},
         "runs": [{"counts": {"kept": len(records) + 1}}]}), encoding="utf-8")


def test_fix_of_a_shard_updates_its_sha256_and_lookup_and_the_next_run_adds_to_it(
        tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    corpus = tmp_path / "corpus"
    corpus_with_a_record_to_fix(corpus)
    runner = CliRunner()
    assert runner.invoke(check_command, [str(corpus)]).exit_code == 1

    fixed = runner.invoke(check_command, [str(corpus), "--fix"], catch_exceptions=False)
    assert fixed.exit_code == 0, fixed.output
    assert runner.invoke(check_command, [str(corpus)]).exit_code == 0
    (shard,) = listed_shards(json.loads((corpus / MANIFEST).read_text("utf-8")), DOCUMENTS)
    assert shard.sha256 == hashlib.sha256((corpus / shard.file).read_bytes()).hexdigest()
    assert shard.records == len(list(CorpusReader(REPO / "corpus").records(DOCUMENTS)))
    assert CorpusReader(corpus).text("r2") == FIXED  # found through the rewritten lookup

    shutil.copytree(REPO / "seeds", tmp_path / "seeds", ignore=lambda _d, names: [
        n for n in names if not n.startswith("000_")])
    ran = runner.invoke(main, ["run", "seeds", "-o", str(corpus), "--workers", "1"],
                        env={"SOURCE_DATE_EPOCH": "1767225600"}, catch_exceptions=False)
    assert ran.exit_code == 0, ran.output
    reader = CorpusReader(corpus)
    assert [s.sha256 for s in reader.shards(DOCUMENTS)][0] == shard.sha256  # not rewritten
    assert reader.text("r2") == FIXED
    assert len(reader.shards(DOCUMENTS)) == 2 and reader.count(DOCUMENTS) > shard.records
    assert all(reader.text(r["id"]) == r["text"] for r in reader.records(DOCUMENTS))
