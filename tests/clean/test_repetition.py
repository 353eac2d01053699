"""A line recurring across a dump's documents is template; its counts stay with the corpus."""

import json
import re
import unicodedata
from pathlib import Path

from curate.clean.repetition import COUNTS_FILE, line_key, nfkc, read_counts
from curate.rules import Rules
from curate.run import run
from tests.fixtures import SEEDS, SHARED, corpus_records, seed_text

# A blog platform's trackback notice under every post (CWCED gold set, page ab65832c, MIT).
TRACKBACK = "你可以使用这个链接引用该篇文章 http://publishblog.blogchina.com/blog/tb.b?diaryID=2756656"


def seed_paragraphs() -> list[str]:
    """Long body paragraphs of the seeds, one article of a test dump each."""
    lines = [line for prefix in ("000", "002", "003") for line in seed_text(prefix).split("\n")]
    return [line for line in lines if len(line) >= 80 and "。" in line]


def write_dump(folder: Path, bodies: list[str], footer: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number, body in enumerate(bodies):
        (folder / f"{number:03d}.txt").write_text(f"{body}\n{footer}\n", encoding="utf-8")
    return folder


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run_dump(dump: Path, out: Path) -> list[dict]:
    run([str(dump)], out, rules=Rules(), config={"dedup": {"near": False}})
    return corpus_records(out)


def repeated_edits(doc: dict) -> list[dict]:
    return [e for e in doc["provenance"]["edits"] if e["rule"] == "repeated-line"]


def test_line_in_every_document_of_the_dump_is_removed_with_its_count(tmp_path):
    bodies = seed_paragraphs()[:5]
    documents = run_dump(write_dump(tmp_path / "dump", bodies, TRACKBACK), tmp_path / "out")
    assert sorted(doc["text"] for doc in documents) == sorted(bodies)
    for doc in documents:
        (edit,) = repeated_edits(doc)
        assert edit["text"] == TRACKBACK
        assert edit["why"] == "repeated in 5 documents of this dump and the corpus"


def test_counts_kept_with_the_corpus_serve_the_next_run(tmp_path):
    paragraphs = seed_paragraphs()
    out = tmp_path / "out"
    run_dump(write_dump(tmp_path / "first", paragraphs[:5], TRACKBACK), out)
    assert read_counts(out)[line_key(TRACKBACK)] == 5
    # One new page of the same site: alone in its run, its footer is known from the corpus.
    documents = run_dump(write_dump(tmp_path / "second", paragraphs[5:6], TRACKBACK), out)
    (new,) = [doc for doc in documents if "second" in doc["provenance"]["file"]]
    assert repeated_edits(new)[0]["why"] == "repeated in 6 documents of this dump and the corpus"
    assert read_counts(out)[line_key(TRACKBACK)] == 5  # a line of one run's document waits


def test_line_in_three_documents_is_not_yet_a_template(tmp_path):
    documents = run_dump(write_dump(tmp_path / "dump", seed_paragraphs()[:3], TRACKBACK),
                         tmp_path / "out")
    assert all(doc["text"].endswith(TRACKBACK) for doc in documents)


def test_copies_of_one_article_are_left_to_deduplication(tmp_path):
    body = seed_paragraphs()[0]
    documents = run_dump(write_dump(tmp_path / "dump", [body] * 5, TRACKBACK), tmp_path / "out")
    assert documents and all(repeated_edits(doc) == [] for doc in documents)


def test_fresh_run_forgets_the_counts(tmp_path):
    out = tmp_path / "out"
    run_dump(write_dump(tmp_path / "dump", seed_paragraphs()[:5], TRACKBACK), out)
    assert (out / COUNTS_FILE).is_file()
    run([str(tmp_path / "dump")], out, rules=Rules(), config={"dedup": {"near": False}},
        fresh=True)
    assert read_counts(out)[line_key(TRACKBACK)] == 5


# A site's notice under its pages (held-out set B of bench/heldout_sets.py): a sentence, but
# it opens with its label and runs to three clauses.
NOTICE = "【特别说明】本站部分图文来自网络，若有不妥请告知，我们将及时处理。"
# What CCTV's transcripts repeat honestly: a stock closing sentence, the show's opening.
STOCK_SENTENCE = "王毅参加会见。"
SHOW_OPENING = "央视网消息（新闻联播）："


def test_notice_in_every_document_is_removed_though_it_ends_like_a_sentence(tmp_path):
    bodies = seed_paragraphs()[:5]
    documents = run_dump(write_dump(tmp_path / "dump", bodies, NOTICE), tmp_path / "out")
    assert sorted(doc["text"] for doc in documents) == sorted(bodies)
    assert all([e["text"] for e in repeated_edits(doc)] == [NOTICE] for doc in documents)


def test_stock_sentence_of_news_stays_in_however_many_documents(tmp_path):
    documents = run_dump(write_dump(tmp_path / "dump", seed_paragraphs()[:25], STOCK_SENTENCE),
                         tmp_path / "out")
    assert len(documents) == 25
    assert all(doc["text"].endswith(STOCK_SENTENCE) for doc in documents)
    assert all(repeated_edits(doc) == [] for doc in documents)


def test_show_opening_left_open_for_the_next_line_stays(tmp_path):
    dump = tmp_path / "dump"
    dump.mkdir()
    for number, body in enumerate(seed_paragraphs()[:6]):
        (dump / f"{number:03d}.txt").write_text(f"{SHOW_OPENING}\n{body}\n", encoding="utf-8")
    documents = run_dump(dump, tmp_path / "out")
    assert len(documents) == 6
    assert all(doc["text"].startswith(SHOW_OPENING) for doc in documents)


def run_rows(tmp_path: Path, rows: list[str]) -> tuple[list[str], list[dict]]:
    """A dump of one seed paragraph a file, each with one row of ``rows`` under it, run."""
    dump = tmp_path / "dump"
    dump.mkdir()
    bodies = seed_paragraphs()[: len(rows)]
    for number, (body, row) in enumerate(zip(bodies, rows, strict=True)):
        (dump / f"{number:03d}.txt").write_text(f"{body}\n{row}\n", encoding="utf-8")
    return bodies, run_dump(dump, tmp_path / "out")


def test_line_counted_whatever_its_numbers_and_script(tmp_path):
    # A Q&A site's vote row (held-out set C), its count and its script changing by page.
    rows = ["7423 人赞同了该回答", "4861 人贊同了該回答", "2553 人贊同了該回答", "6630 人赞同了该回答",
            "5645 人赞同了该回答"]
    bodies, documents = run_rows(tmp_path, rows)
    assert sorted(doc["text"] for doc in documents) == sorted(bodies)
    removed = sorted(edit["text"] for doc in documents for edit in repeated_edits(doc))
    assert removed == sorted(rows)
    assert {edit["why"] for doc in documents for edit in repeated_edits(doc)} == {
        "repeated in 5 documents of this dump and the corpus"}


def test_counter_under_a_short_label_is_counted_whatever_its_number(tmp_path):
    # A Q&A page's counters under the answerer (held-out set D): the label is the template's,
    # the number the page's; a date is no label and stays counted as written.
    rows = ["赞同数 7665", "赞同数 303", "赞同数 3943", "赞同数 8136"]
    bodies, documents = run_rows(tmp_path, rows)
    assert sorted(doc["text"] for doc in documents) == sorted(bodies)
    assert sorted(edit["text"] for doc in documents for edit in repeated_edits(doc)) == sorted(rows)
    assert line_key("2023年10月18日") != line_key("2021年3月9日")


# Headlines of four Q&A pages (held-out set D), over their answers' counters.
QA_HEADLINES = ["【奋进强国路 阔步新征程】中国航天实现历史性高质量跨越式发展",
                "第二十八次全国高校党的建设工作会议在京召开 丁薛祥出席会议并讲话",
                "国务院新闻办公室发表《新时代的中国国家安全》白皮书全文",
                "黄河几字弯攻坚战正式启动 三北工程片区治理全面推进"]


def run_answers(tmp_path: Path, between: list[list[str]]) -> tuple[list[str], list[dict]]:
    """Four Q&A pages whose header step takes the font row for the title, so the headline
    is the first line, with ``between`` the two counters under it; the bodies and the run."""
    dump = tmp_path / "dump"
    dump.mkdir()
    bodies = seed_paragraphs()[:4]
    for number, (body, headline, lines) in enumerate(
            zip(bodies, QA_HEADLINES, between, strict=True)):
        page = ["字体：A+ A-　打印", headline, f"{1000 + number} 个回答", *lines,
                f"赞同数 {300 + number}", body]
        (dump / f"{number:03d}.txt").write_text("\n".join(page) + "\n", encoding="utf-8")
    return bodies, run_dump(dump, tmp_path / "out")


def test_answerer_lines_between_two_repeated_counters_go_with_them(tmp_path):
    # The counters recur; the answerer's name between them is the page's own.
    names = [["江南烟雨", "健康养生领域创作者"], ["奶茶续命", "科教领域创作者"],
             ["二狗子不二", "社会万象领域创作者"], ["码农小周", "财经观察领域创作者"]]
    bodies, documents = run_answers(tmp_path, names)
    assert sorted(doc["text"] for doc in documents) == sorted(
        f"{headline}\n{body}" for headline, body in zip(QA_HEADLINES, bodies, strict=True))
    enclosed = sorted((e["text"], e["why"]) for doc in documents
                      for e in doc["provenance"]["edits"] if e["rule"] == "enclosed-line")
    why = ("a short line between two repeated lines outside the text, sharing none of the "
           "text's words, is what the template fills in per page")
    assert enclosed == sorted((name, why) for name, _ in names)
    # The badges are known by their form before the counters are counted.
    badges = sorted(e["text"] for doc in documents for e in doc["provenance"]["edits"]
                    if e["rule"] == "answerer-badge")
    assert badges == sorted(badge for _, badge in names)


def test_a_subtitle_between_two_repeated_lines_stays(tmp_path):
    # A subtitle uses the text's words: the text's own line, whatever stands around it.
    subtitles = [re.search(r"[\u4e00-\u9fff]{10}", body).group(0) for body in seed_paragraphs()[:4]]
    bodies, documents = run_answers(tmp_path, [[line] for line in subtitles])
    texts = [doc["text"] for doc in documents]
    for subtitle, body in zip(subtitles, bodies, strict=True):
        assert [text for text in texts if text.endswith(f"\n{body}")][0].endswith(
            f"{subtitle}\n{body}")
    assert not [e for doc in documents for e in doc["provenance"]["edits"]
                if e["rule"] == "enclosed-line"]


def test_counts_kept_under_an_earlier_key_are_read_and_counting_starts_again(tmp_path):
    out = tmp_path / "out"
    paragraphs = seed_paragraphs()
    run_dump(write_dump(tmp_path / "first", paragraphs[:5], TRACKBACK), out)
    # The rows an earlier form of the key wrote: sixteen hex digits and a count.
    kept = (out / COUNTS_FILE).read_text(encoding="utf-8")
    (out / COUNTS_FILE).write_text("9f3a61c2d48e0b75\t12\n" + kept, encoding="utf-8")
    documents = run_dump(write_dump(tmp_path / "second", paragraphs[5:6], TRACKBACK), out)
    (new,) = [doc for doc in documents if "second" in doc["provenance"]["file"]]
    assert repeated_edits(new)[0]["why"] == "repeated in 6 documents of this dump and the corpus"
    assert read_counts(out)["9f3a61c2d48e0b75"] == 12


def test_rows_left_open_go_with_the_notice_they_open(tmp_path):
    # A forum's rules under every thread (CWCED gold set, a 乐趣园 page, MIT): each item is
    # left open by its ；, and the next one recurs too.
    rules = "1. 任何言论纯属作者个人观点，与乐趣园无关；\n2. 禁止发表反动、色情和其他违反国家法律、法规的言论、信息；"
    bodies = seed_paragraphs()[:5]
    documents = run_dump(write_dump(tmp_path / "dump", bodies, rules), tmp_path / "out")
    assert sorted(doc["text"] for doc in documents) == sorted(bodies)
    assert all([e["text"] for e in repeated_edits(doc)] == rules.split("\n")
               for doc in documents)


def test_keys_fold_width_as_nfkc_does_on_every_seed_and_development_line():
    lines = [line for path in sorted(SEEDS.glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines()]
    raw = SHARED / "eval" / "dev" / "raw"
    lines += [line for path in sorted(raw.glob("*.txt"))
              for line in path.read_bytes().decode("utf-8", errors="replace").splitlines()]
    # Full-width marks next to what NFKC composes or reorders: an accent after a comma,
    # a voiced half-width kana, Hangul jamo, a ligature.
    lines += ["，\u0301结果", "ｶﾞ：ガ", "（\u1100\u1161\u11a8）", "ﬁ…\xa0½！"]
    assert [nfkc(line) for line in lines] == [unicodedata.normalize("NFKC", line)
                                              for line in lines]
    assert line_key("记者：王毅（外交部长）说，Ｈ２０芯片") == line_key("记者:王毅(外交部长)说,H20芯片")
