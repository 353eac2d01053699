"""Wrap clean articles in page templates the development set does not use, clean them, and
count the junk lines that leak and the article paragraphs that are lost.

    python bench/template_probe.py [--eval-dir ../shared/eval]

The articles are the development set's expected texts (unspun, with a title); the templates
below were written for this probe from forms Chinese news pages use, so a rule fitted to the
development set's own templates shows up here as a leak. Deduplication is switched off: the
probe is about cleaning. Prints figures; never fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz

REPO = Path(__file__).resolve().parent.parent
DEFAULT_EVAL = Path(os.environ.get("CURATE_SHARED", REPO.parent / "shared")) / "eval"

# (header lines before the title, header lines after it, trailing lines).
TEMPLATES = [
    (["您现在的位置：新闻中心 >> 国内新闻 >> 正文"], ["发布时间：2024年03月02日 10:30  来源：新华网"],
     ["责任编辑：李华", "【版权声明】本网站所刊载信息，不代表本站观点。如转载请注明出处。", "相关阅读",
      "国务院常务会议部署稳就业工作", "多地出台措施促进消费"]),
    (["首页 / 财经 / 宏观"], ["2024/05/12 08:00"],
     ["（完）", "编辑 / 张三  校对 / 李四", "扫码关注我们的公众号，获取更多资讯",
      "Copyright © 2024 某某网 版权所有 京ICP备12345678号"]),
    (["澳门威尼斯人_皇冠体育官网_乐鱼体育下载_开元棋牌app_欧宝娱乐登录"], ["2023.11.02"],
     ["文章来源：人民日报", "猜你喜欢", "央视网消息：国家统计局今天发布数据显示，前三季度国内生产总值同比增长……",
      "今年以来，各地积极推进老旧小区改造，一大批民生工程[详细]"]),
    (["网站首页 > 新闻中心 > 社会新闻"], ["来源：澎湃新闻  作者：王强  2024-02-03 09:12:33",
                                      "分享到：微信 微博 QQ空间"],
     ["上一篇：多地发布高温预警", "下一篇：暑运客流持续攀升", "扫描二维码 关注我们"]),
    (["最新電影在線觀看|免費高清視頻|日韓無碼|成人影院|午夜福利"], ["2023年12月1日"],
     ["（本文来自澎湃新闻，更多原创资讯请下载“澎湃新闻”APP）", "图/视觉中国", "点击查看更多>>"]),
    ([], ["文/张伟"],
     ["本文为转载，如有侵权请联系删除。", "联系电话：010-12345678", "返回搜狐，查看更多"]),
    (["当前位置: 主页 » 科技 » 互联网"], ["时间：2024-07-08"],
     ["声明：本文仅代表作者观点，不代表本站立场。", "延伸阅读：", "工信部：加快推进5G应用",
      "教育部部署暑期安全工作", "外交部回应热点问题"]),
    ([], ["2024-06-01 14:22:05", "责任编辑：王小明"],
     ["免责声明：本文内容来源于网络，仅供参考。", "热门评论", "点击加载更多"]),
]


def squash(text: str) -> str:
    return "".join(text.split())


def articles(gold: Path) -> list[dict]:
    seen, found = set(), []
    for line in gold.read_text(encoding="utf-8").splitlines():
        for article in json.loads(line)["articles"]:
            if article["spun"] or not article["title"] or article["gold_id"] in seen:
                continue
            seen.add(article["gold_id"])
            found.append(article)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    args = parser.parse_args()
    gold = args.eval_dir / "dev" / "gold.jsonl"
    if not gold.is_file():
        sys.exit(f"{gold}: not found (set --eval-dir or CURATE_SHARED)")
    with tempfile.TemporaryDirectory() as scratch:
        raw, out = Path(scratch) / "raw", Path(scratch) / "out"
        raw.mkdir()
        expected = {}
        for number, article in enumerate(articles(gold)):
            before, after, tail = TEMPLATES[number % len(TEMPLATES)]
            lines = [*before, article["title"], *after, *article["text"].split("\n"), *tail]
            name = f"{number:04d}.txt"
            (raw / name).write_text("\n".join(lines), encoding="utf-8")
            expected[name] = (article["text"], [*before, *after, *tail])
        config = Path(scratch) / "curate.toml"
        config.write_text('[dedup]\nnear = false\n[pipeline]\ndisable = ["drop_exact_duplicates"]\n')
        subprocess.run([sys.executable, "-m", "curate", "run", str(raw), "-o", str(out),
                        "--quiet", "--config", str(config)], check=False)
        outputs: dict[str, str] = {}
        for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            name = Path(doc["provenance"]["file"]).name
            outputs[name] = outputs.get(name, "") + squash(doc["text"])
        leaked, junk, lost, paragraphs = Counter(), 0, 0, 0
        for name, (text, junk_lines) in expected.items():
            output = outputs.get(name, "")
            for line in junk_lines:
                junk += 1
                if squash(line)[:14] in output:
                    leaked[line] += 1
            for paragraph in text.split("\n"):
                paragraph = squash(paragraph)
                if len(paragraph) < 8:
                    continue
                paragraphs += 1
                if paragraph not in output and fuzz.partial_ratio(paragraph, output) < 90:
                    lost += 1
        print(f"articles        {len(expected)} in {len(TEMPLATES)} templates")
        print(f"junk_leaked     {sum(leaked.values()) / max(1, junk):.4f} "
              f"({sum(leaked.values())} of {junk} junk lines)")
        print(f"body_lost       {lost / max(1, paragraphs):.4f} ({lost} of {paragraphs} paragraphs)")
        for line, count in leaked.most_common(10):
            print(f"  leaked {count}x: {line}")


if __name__ == "__main__":
    main()
