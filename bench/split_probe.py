"""Concatenate articles two or three to a file under headers and closings of many forms, clean
them, and measure how the files are split into their articles.

    python bench/split_probe.py [--forms tuned|held-out|all] [--eval-dir ../shared/eval]
                                [--seed 7] [--keep DIR]

The articles are the development set's expected texts (unspun, with a title, 300 characters
or more). Each file holds two or three of them, each under a header and over a closing drawn
from one set of forms, written for this probe: title lines over date, site and byline lines,
Markdown headings over bold metadata, closing source, editor and end-mark lines of various
wording, and none at all. The *tuned* forms are the ones the split step was developed
against; the *held-out* forms were written apart and only measured. Deduplication is off:
the probe is about splitting.

Prints, per set of forms: boundaries found (recall) and boundaries made that are right
(precision), files split exactly into their articles, and `score.py`'s figures on the set
(a gold.jsonl is written beside the files, with the header and closing lines as junk), so
similarity, junk_leaked and lost_docs read as on the development set. Never fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

from curate.storage import CorpusReader

REPO = Path(__file__).resolve().parent.parent
DEFAULT_EVAL = Path(os.environ.get("CURATE_SHARED", REPO.parent / "shared")) / "eval"
MIN_ARTICLE_CHARS = 300
SITES = ["新华网", "人民网", "光明日报", "经济日报", "中国新闻网", "澎湃新闻", "第一财经", "央视新闻"]
PEOPLE = ["王芳", "李明", "张伟", "刘洋", "陈静", "赵磊", "孙丽", "周强"]
DATES = ["2024-03-02 10:30", "2023年11月20日 16:45", "2024/05/12 08:00", "2025-01-09",
         "2024.07.08 09:12:33", "2023年08月05日21:30"]

# A form is (header lines, closing lines) around an article, as functions of the title and a
# random source. Each header keeps the title as its first line or heading.
Form = tuple[str, object, object]


def _pick(rng: random.Random, items: list[str]) -> str:
    return rng.choice(items)


TUNED_FORMS: list[Form] = [
    ("title, date", lambda t, r: [t, _pick(r, DATES)], lambda r: []),
    ("title, source and date row", lambda t, r: [t, f"来源：{_pick(r, SITES)}  {_pick(r, DATES)}"],
     lambda r: [f"责任编辑：{_pick(r, PEOPLE)}"]),
    ("markdown heading, bold site and date", lambda t, r: [f"# {t}", f"**{_pick(r, SITES)}**",
                                                          f"**{_pick(r, DATES)}**"],
     lambda r: [f"本文源自：{_pick(r, SITES)}"]),
    ("title, byline with writer", lambda t, r: [
        t, f"作者：{_pick(r, PEOPLE)}  来源：{_pick(r, SITES)}  {_pick(r, DATES)}"],
     lambda r: ["（完）"]),
    ("title only", lambda t, r: [t], lambda r: [f"（来源：{_pick(r, SITES)}）"]),
    ("title, reporter byline", lambda t, r: [t, f"本报记者 {_pick(r, PEOPLE)} {_pick(r, PEOPLE)}"],
     lambda r: [f"【编辑：{_pick(r, PEOPLE)}】"]),
]
HELD_OUT_FORMS: list[Form] = [
    ("title, publish time and views", lambda t, r: [
        t, f"发布时间：{_pick(r, DATES)}  浏览次数：{r.randint(10, 9999)}"],
     lambda r: [f"稿件来源 | {_pick(r, SITES)}", f"审核：{_pick(r, PEOPLE)}"]),
    ("markdown level-two heading, date line", lambda t, r: [f"## {t}", _pick(r, DATES)],
     lambda r: ["-END-"]),
    ("title, site and weekday", lambda t, r: [t, f"{_pick(r, DATES)} 星期三 {_pick(r, SITES)}"],
     lambda r: [f"文章来自：{_pick(r, SITES)}"]),
    ("title, writer slash", lambda t, r: [t, f"文/{_pick(r, PEOPLE)}"],
     lambda r: [f"（编辑 {_pick(r, PEOPLE)} 审核 {_pick(r, PEOPLE)}）"]),
    ("title, nothing else", lambda t, r: [t], lambda r: []),
    ("title, URL", lambda t, r: [t, f"https://news.example.com/a/{r.randint(1000, 99999)}.html"],
     lambda r: [f"供稿：{_pick(r, SITES)}"]),
    ("markdown heading, bold byline", lambda t, r: [
        f"# {t}", f"**{_pick(r, SITES)} 记者 {_pick(r, PEOPLE)}**"],
     lambda r: [f"原文链接：https://www.example.cn/{r.randint(100, 999)}"]),
    ("title, date and source in brackets", lambda t, r: [t, f"（{_pick(r, DATES)} {_pick(r, SITES)}）"],
     lambda r: ["—— 完 ——"]),
]
# Written after the held-out forms had been measured and the split step fixed for what they
# found (so those are held out no longer), and measured once, as they stand.
FRESH_FORMS: list[Form] = [
    ("title, source and writer in one row", lambda t, r: [
        t, f"{_pick(r, SITES)} | 作者 {_pick(r, PEOPLE)} | {_pick(r, DATES)}"],
     lambda r: [f"（本文转载自{_pick(r, SITES)}）"]),
    ("bracketed title, date", lambda t, r: [f"【{t}】", _pick(r, DATES)],
     lambda r: [f"编审：{_pick(r, PEOPLE)}  监制：{_pick(r, PEOPLE)}"]),
    ("markdown heading, italic-free date and source rows", lambda t, r: [
        f"### {t}", f"**发布时间：{_pick(r, DATES)}**", f"**来源：{_pick(r, SITES)}**"],
     lambda r: ["（完）"]),
    ("title, reporter dateline", lambda t, r: [t, f"{_pick(r, SITES)}记者{_pick(r, PEOPLE)}报道"],
     lambda r: [f"[责任编辑:{_pick(r, PEOPLE)}]"]),
    ("title, time and click count", lambda t, r: [
        t, f"时间：{_pick(r, DATES)}  点击：{r.randint(10, 999)}次"],
     lambda r: []),
    ("title, nothing, closing end mark", lambda t, r: [t], lambda r: ["END"]),
]
FORM_SETS = {"tuned": TUNED_FORMS, "held-out": HELD_OUT_FORMS, "fresh": FRESH_FORMS}


def folded(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def read_articles(gold: Path) -> list[dict]:
    seen, found = set(), []
    for line in gold.read_text(encoding="utf-8").splitlines():
        for article in json.loads(line)["articles"]:
            if (article["spun"] or not article["title"] or article["gold_id"] in seen
                    or len(article["text"]) < MIN_ARTICLE_CHARS or article.get("dup_group")):
                continue
            seen.add(article["gold_id"])
            found.append(article)
    return found


def build_set(name: str, forms: list[Form], articles: list[dict], folder: Path,
              rng: random.Random) -> list[dict]:
    """Write the files of one set into ``folder`` and return their gold entries."""
    folder.mkdir(parents=True)
    pool = list(articles)
    rng.shuffle(pool)
    entries, number = [], 0
    while len(pool) >= 3:
        count = rng.choice((2, 3))
        chosen, pool = pool[:count], pool[count:]
        markdown = False
        blocks, junk = [], []
        for article in chosen:
            form_name, header, closing = forms[rng.randrange(len(forms))]
            head, tail = header(article["title"], rng), closing(rng)
            markdown |= head[0].startswith("#")
            blocks.append([*head, *article["text"].split("\n"), *tail])
            junk += [line for line in [*head[1:], *tail] if len(folded(line)) >= 4]
        suffix = ".md" if markdown else ".txt"
        file = f"{name}-{number:04d}{suffix}"
        separator = "\n\n" if markdown else "\n"
        (folder / file).write_text(separator.join(line for block in blocks for line in block) + "\n",
                                   encoding="utf-8")
        entries.append({"file": file, "encoding": "utf-8", "format": suffix[1:], "junk": junk,
                        "articles": [{"gold_id": a["gold_id"], "title": a["title"], "text": a["text"],
                                      "spun": False, "dup_group": None} for a in chosen]})
        number += 1
    return entries


def split_figures(entries: list[dict], out: Path) -> dict:
    """Boundaries found and made, from the parts of each file in the output and the rejects."""
    parts: dict[str, list[str]] = {}
    corpus = CorpusReader(out)
    for name in ("documents", "rejects"):
        for record in corpus.records(name):
            if name == "rejects" and record["kind"] != "document":
                continue
            file = Path(record["provenance"]["file"]).name
            parts.setdefault(file, []).append(folded(record["text"]))
    expected = found = made = exact = 0
    for entry in entries:
        texts = parts.get(entry["file"], [])
        made += max(0, len(texts) - 1)
        articles = entry["articles"]
        expected += len(articles) - 1
        owners = [_owner(texts, article) for article in articles]
        right = sum(1 for before, after in zip(owners, owners[1:], strict=False)
                    if before is not None and after is not None and before != after)
        found += right
        exact += int(len(texts) == len(articles) and right == len(articles) - 1)
    return {"files": len(entries), "boundaries": expected, "found": found, "made": made,
            "recall": round(found / max(1, expected), 4),
            "precision": round(found / max(1, made), 4), "files_exact": exact}


def _owner(texts: list[str], article: dict) -> int | None:
    """The part holding the start of ``article``'s text."""
    opening = folded(article["text"].split("\n")[0])[:20]
    for index, text in enumerate(texts):
        if opening and opening in text:
            return index
    return None


def score(eval_dir: Path, probe: Path, out: Path) -> dict:
    finished = subprocess.run([sys.executable, str(eval_dir / "score.py"), str(probe), str(out),
                               "--json"], capture_output=True, text=True, check=True)
    return json.loads(finished.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", choices=[*FORM_SETS, "all"], default="all")
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="write the sets and their output here")
    args = parser.parse_args()
    gold = args.eval_dir / "dev" / "gold.jsonl"
    if not gold.is_file():
        sys.exit(f"{gold}: not found (set --eval-dir or CURATE_SHARED)")
    articles = read_articles(gold)
    chosen = list(FORM_SETS) if args.forms == "all" else [args.forms]
    with tempfile.TemporaryDirectory() as temporary:
        scratch = args.keep or Path(temporary)
        scratch.mkdir(parents=True, exist_ok=True)
        config = Path(scratch) / "curate.toml"
        config.write_text('[dedup]\nnear = false\n[pipeline]\ndisable = ["drop_exact_duplicates"]\n',
                          encoding="utf-8")
        for name in chosen:
            probe = Path(scratch) / name
            entries = build_set(name, FORM_SETS[name], articles, probe / "raw",
                                random.Random(args.seed))
            with (probe / "gold.jsonl").open("w", encoding="utf-8") as stream:
                stream.writelines(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries)
            out = probe / "out"
            subprocess.run([sys.executable, "-m", "curate", "run", str(probe / "raw"), "-o",
                            str(out), "--quiet", "--config", str(config)], check=False)
            figures = split_figures(entries, out)
            scored = score(args.eval_dir, probe, out)
            print(f"{name} forms ({len(FORM_SETS[name])}), {figures['files']} files, "
                  f"{figures['boundaries']} boundaries between articles")
            print(f"  split recall     {figures['recall']:.4f} ({figures['found']} found)")
            print(f"  split precision  {figures['precision']:.4f} ({figures['made']} made)")
            print(f"  files exact      {figures['files_exact']} of {figures['files']}")
            for key in ("similarity", "junk_leaked", "body_lost", "lost_docs"):
                print(f"  {key:16s} {scored[key]}")


if __name__ == "__main__":
    main()
