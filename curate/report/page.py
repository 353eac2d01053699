"""Render a `CorpusTally` as one self-contained HTML page: plotly charts and plain tables.

plotly.js is written into the page itself, so the page opens without a network. Every text
taken from the corpus is escaped; chart ids are fixed, so the same corpus gives the same page.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.offline import get_plotlyjs

from curate import __version__
from curate.report.tally import (
    LARGEST,
    SIMILARITY_BIN,
    SPIN_BIN,
    SPIN_TOP,
    CorpusTally,
    Example,
)

PALETTE = qualitative.Plotly + qualitative.D3
KEPT_COLOUR = "#2ca02c"
CONTEXT_CHARS = 60  # characters of a long source line kept on each side of an example
REMOVED_CHARS = 400  # a longer removed text (a whole related list) is shown cut
PLOT_CONFIG = {"displaylogo": False, "responsive": True}

STYLE = """
body { font-family: system-ui, "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif;
       margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; }
.cards { display: flex; flex-wrap: wrap; gap: 1rem; }
.card { background: #f4f6f8; border-radius: 6px; padding: .8rem 1.2rem; min-width: 9rem; }
.card b { display: block; font-size: 1.5rem; }
.grid { display: grid; gap: 1rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border-bottom: 1px solid #e5e5e5; padding: .25rem .6rem; text-align: left;
         vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.rule { margin: 1.2rem 0; } .why { color: #555; font-style: italic; }
.example { background: #fafafa; border-left: 3px solid #bbb; margin: .4rem 0;
           padding: .3rem .7rem; font-size: .9rem; }
.example .where { color: #777; font-size: .8rem; }
.example pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: .2rem 0;
               font-family: inherit; }
figure { margin: 0; } figcaption { font-weight: 600; margin: .5rem 0 0 .5rem; }
del { background: #fdd; text-decoration: line-through; } ins { background: #dfd; }
.note { color: #777; }
"""


def render_page(tally: CorpusTally) -> str:
    """The whole report as one HTML document."""
    sections = [
        _summary(tally),
        _section("Documents kept and dropped", _documents_chart(tally), _dropped_note(tally)),
        _section("Characters removed, by step and rule", _removed_chart(tally),
                 "<p class=note>Text taken out of kept documents: cut, or moved into a "
                 "metadata field. Replacements are counted in the table below.</p>"),
        _section("Languages and scripts",
                 _grid(_languages_chart(tally), _written_in_chart(tally), _script_chart(tally))),
        _section("Spin scores", _spin_chart(tally),
                 "<p class=note>Weighted density of spin words per 1,000 Han characters "
                 "(metadata <code>spin_score</code>); documents flagged <code>spun</code> "
                 "are shown apart.</p>"),
        _section("Duplicate clusters", _duplicates(tally)),
        _section("Largest sources", _sources(tally)),
        _section("Every step and rule", _changes_table(tally)),
        _section("What each rule removed", _examples(tally)),
    ]
    title = f"curate report: {tally.corpus.name or tally.corpus}"
    return (
        "<!DOCTYPE html>\n<html lang=zh>\n<head>\n<meta charset=utf-8>\n"
        f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n"
        f"<script>{get_plotlyjs()}</script>\n</head>\n<body>\n<h1>{_e(title)}</h1>\n"
        + "\n".join(sections)
        + f"\n<p class=note>Made by curate {__version__}.</p>\n</body>\n</html>\n"
    )


def _summary(tally: CorpusTally) -> str:
    manifest = tally.manifest
    counts = manifest.get("counts") or {}
    removed = sum(row[1] for row in tally.changes.rows.values())
    cards = [
        ("documents kept", tally.kept),
        ("documents dropped", tally.dropped_documents),
        ("characters kept", tally.kept_characters),
        ("characters removed from kept documents", removed),
        ("spans in the rejects", tally.spans_in_rejects),
    ]
    if isinstance(counts.get("already_in_corpus"), int):
        cards.append(("already in the corpus (last run)", counts["already_in_corpus"]))
    facts = [
        ("made", manifest.get("created")),
        ("inputs", ", ".join(_input_name(item) for item in manifest.get("inputs") or [])),
        ("curate", manifest.get("curate")),
        ("rules", ((manifest.get("rules") or {}).get("digest") or "")[:12]),
    ]
    fact_rows = "".join(f"<tr><th>{_e(name)}</th><td>{_e(value)}</td></tr>"
                        for name, value in facts if value)
    if not manifest:
        fact_rows = "<tr><td class=note>no manifest.json in this folder</td></tr>"
    return ("<div class=cards>"
            + "".join(f"<div class=card><b>{value:,}</b>{_e(name)}</div>"
                      for name, value in cards)
            + f"</div>\n<table>{fact_rows}</table>")


def _input_name(item: Any) -> str:
    """An input as the manifest names it: a path, or a record of one with its hash."""
    if isinstance(item, dict):
        return str(item.get("path") or item.get("name") or item)
    return str(item)


def _section(heading: str, *parts: str) -> str:
    return f"<h2>{_e(heading)}</h2>\n" + "\n".join(parts)


def _dropped_note(tally: CorpusTally) -> str:
    if tally.dropped_documents:
        return ""
    return "<p class=note>No document was dropped.</p>"


def _documents_chart(tally: CorpusTally) -> str:
    reasons = _by_step(tally, tally.dropped.rows)
    labels = ["kept"] + [f"{step} · {rule}" for step, rule, _ in reasons]
    values = [tally.kept] + [row[0] for _, _, row in reasons]
    colours = [KEPT_COLOUR] + [_step_colour(tally, step) for step, _, _ in reasons]
    figure = go.Figure(go.Bar(x=values, y=[_e(label) for label in labels], orientation="h",
                              marker_color=colours, text=values, textposition="auto",
                              hovertemplate="%{y}: %{x:,} documents<extra></extra>"))
    return _chart("chart-documents", figure, len(labels), "documents")


def _removed_chart(tally: CorpusTally) -> str:
    rows = [(step, rule, row) for step, rule, row in _by_step(tally, tally.changes.rows)
            if row[1]]
    if not rows:
        return "<p class=note>No text was removed from the kept documents.</p>"
    figure = go.Figure()
    for step in dict.fromkeys(step for step, _, _ in rows):
        mine = [(rule, row) for s, rule, row in rows if s == step]
        figure.add_trace(go.Bar(
            name=step, orientation="h", marker_color=_step_colour(tally, step),
            x=[row[1] for _, row in mine], y=[_e(f"{step} · {rule}") for rule, _ in mine],
            hovertemplate="%{y}: %{x:,} characters<extra></extra>"))
    return _chart("chart-removed", figure, len(rows), "characters", legend=True)


def _languages_chart(tally: CorpusTally) -> str:
    ranked = tally.languages.most_common()
    figure = go.Figure(go.Bar(x=[_e(lang) for lang, _ in ranked], y=[n for _, n in ranked],
                              marker_color=PALETTE[0],
                              hovertemplate="%{x}: %{y:,} documents<extra></extra>"))
    return _chart("chart-languages", figure, None, "documents", title="language of kept documents")


def _written_in_chart(tally: CorpusTally) -> str:
    ranked = tally.written_in.most_common()
    figure = go.Figure(go.Pie(labels=[name for name, _ in ranked], values=[n for _, n in ranked],
                              sort=False, hole=0.4, marker_colors=PALETTE[1:]))
    return _chart("chart-written-in", figure, None, None,
                  title="script written in", legend=True)


def _script_chart(tally: CorpusTally) -> str:
    names = [name for name in ("han", "alphabet", "kana", "hangul", "other")
             if tally.script_characters[name]]
    figure = go.Figure(go.Pie(labels=names, values=[tally.script_characters[n] for n in names],
                              sort=False, hole=0.4, marker_colors=PALETTE[3:]))
    return _chart("chart-scripts", figure, None, None, title="characters of kept text by script",
                  legend=True)


def _spin_chart(tally: CorpusTally) -> str:
    if not tally.spin_bins:
        return "<p class=note>No document has a spin score.</p>"
    bins = sorted(tally.spin_bins)
    figure = go.Figure()
    for flagged, name, colour in ((0, "not flagged", PALETTE[0]), (1, "flagged spun", PALETTE[1])):
        figure.add_trace(go.Bar(
            name=name, x=[(b + 0.5) * SPIN_BIN for b in bins], width=SPIN_BIN * 0.9,
            y=[tally.spin_bins[b][flagged] for b in bins], marker_color=colour,
            customdata=[_spin_label(b) for b in bins],
            hovertemplate="score %{customdata}: %{y:,} documents<extra></extra>"))
    figure.update_layout(barmode="stack", xaxis_title="spin score", xaxis_rangemode="tozero")
    return _chart("chart-spin", figure, None, "documents", legend=True)


def _spin_label(bin_: int) -> str:
    low = bin_ * SPIN_BIN
    return f"{low:g} or more" if low >= SPIN_TOP else f"{low:g} to {low + SPIN_BIN:g}"


def _duplicates(tally: CorpusTally) -> str:
    copies = tally.exact_copies + tally.near_copies
    if not copies:
        return "<p class=note>No document was dropped as a duplicate.</p>"
    sizes = {}
    for row in tally.clusters.rows.values():
        sizes[row[0] + 1] = sizes.get(row[0] + 1, 0) + 1
    size_figure = go.Figure(go.Bar(
        x=[str(size) for size in sorted(sizes)], y=[sizes[size] for size in sorted(sizes)],
        marker_color=PALETTE[2],
        hovertemplate="%{y:,} clusters of %{x} documents<extra></extra>"))
    size_figure.update_layout(xaxis_title="documents in the cluster (the copy kept and those "
                                          "dropped)", xaxis_type="category")
    bins = sorted(tally.similarity_bins)
    similarity_figure = go.Figure(go.Bar(
        x=[f"{b * SIMILARITY_BIN:.2f}" for b in bins], y=[tally.similarity_bins[b] for b in bins],
        marker_color=PALETTE[4],
        hovertemplate="Jaccard %{x}: %{y:,} copies<extra></extra>"))
    similarity_figure.update_layout(xaxis_title="Jaccard similarity of the 3-grams with the "
                                                "copy kept", xaxis_type="category")
    rows = [(key, tally.cluster_titles.get(key), values["copies"])
            for key, values in tally.clusters.top(LARGEST)]
    table = _table(("copy kept", "title", "copies dropped"),
                   [(key, title or "", n) for key, title, n in rows])
    approximate = "" if tally.clusters.exact else (
        "<p class=note>More clusters than the report tallies exactly: the smallest were let "
        "go, so the figures are lower bounds.</p>")
    charts = [_chart("chart-cluster-sizes", size_figure, None, "clusters",
                     title="cluster sizes")]
    if bins:
        charts.append(_chart("chart-similarity", similarity_figure, None, "copies",
                             title="similarity of near copies"))
    return (f"<p>{copies:,} copies dropped: {tally.exact_copies:,} exact, "
            f"{tally.near_copies:,} near.</p>" + _grid(*charts)
            + f"<h3>Largest clusters</h3>{table}{approximate}")


def _sources(tally: CorpusTally) -> str:
    parts = []
    for name, table, chart_id in (("site", tally.sites, "chart-sites"),
                                  ("input file", tally.files, "chart-files")):
        top = table.top(LARGEST)
        if not top:
            continue
        figure = go.Figure(go.Bar(
            x=[values["characters"] for _, values in top],
            y=[_e(key) for key, _ in top], orientation="h", marker_color=PALETTE[5],
            hovertemplate="%{y}: %{x:,} characters kept<extra></extra>"))
        parts.append(f"<h3>By {name}</h3>")
        parts.append(_chart(chart_id, figure, len(top), "characters kept"))
        parts.append(_table(
            (name, "kept", "characters kept", "dropped", "characters removed"),
            [(key, v["kept"], v["characters"], v["dropped"], v["removed"]) for key, v in top]))
        if not table.exact:
            parts.append("<p class=note>More sources than the report tallies exactly: the "
                         "smallest were let go, so the figures are lower bounds.</p>")
    return "\n".join(parts) or "<p class=note>No source is named in this corpus.</p>"


def _changes_table(tally: CorpusTally) -> str:
    keys = dict.fromkeys([*tally.changes.rows, *tally.dropped.rows])
    rows = []
    for step, rule, _ in _by_step(tally, {key: [0] for key in keys}):
        change = tally.changes.rows.get(f"{step}\t{rule}", [0, 0, 0])
        dropped = tally.dropped.rows.get(f"{step}\t{rule}", [0, 0])
        rows.append((step, rule, change[0], change[1], change[2], dropped[0]))
    return _table(("step", "rule", "edits in kept documents", "characters removed",
                   "characters replaced", "documents dropped"), rows)


def _examples(tally: CorpusTally) -> str:
    by_rule: dict[tuple[str, str], list[Example]] = {}
    for sample in (tally.dropped_examples, tally.examples):
        for key, chosen in sample.by_rule.items():
            by_rule.setdefault(key, []).extend(chosen)
    keys = _by_step(tally, {f"{step}\t{rule}": [0] for step, rule in by_rule})
    parts = []
    for step, rule, _ in keys:
        examples = by_rule[(step, rule)]
        why = next((example.why for example in examples if example.why), "")
        parts.append(f"<div class=rule><h3>{_e(step)} · {_e(rule)}</h3>"
                     f"<div class=why>{_e(why)}</div>"
                     + "".join(_example(example) for example in examples) + "</div>")
    return "\n".join(parts) or "<p class=note>No rule changed anything.</p>"


def _example(example: Example) -> str:
    where = " ".join(part for part in (
        _source_place(example), f"“{example.title}”" if example.title else None,
        f"document {example.document}") if part)
    if example.action == "drop":
        body = f"<pre>dropped: {_e(example.text)}</pre>"
    elif example.context:
        body = "".join(_context_line(example, number, line) for number, line in example.context)
    else:
        body = _without_source(example)
    return f"<div class=example><div class=where>{_e(where)}</div>{body}</div>"


def _source_place(example: Example) -> str | None:
    """``file:line``; for a JSONL record ``dump:record``, then the line of its text."""
    if not example.file:
        return None
    if example.record is not None:
        place = f"{example.file}:{example.record}"
        return f"{place}, line {example.line} of its text" if example.line else place
    return f"{example.file}:{example.line}" if example.line else example.file


def _context_line(example: Example, number: int, line: str) -> str:
    if number != example.line:
        return f"<pre>{number}  {_e(_head(line, 2 * CONTEXT_CHARS))}</pre>"
    at = line.find(example.text) if example.text else -1
    if at < 0:  # the text had changed by the time this step saw it
        return f"<pre>{number}  {_e(_head(line, 2 * CONTEXT_CHARS))}</pre>{_change(example)}"
    before = _tail(line[:at])
    after = _head(line[at + len(example.text):])
    return f"<pre>{number}  {_e(before)}{_marked(example)}{_e(after)}</pre>"


def _without_source(example: Example) -> str:
    if example.position == "above" and example.neighbour:
        return f"{_change(example)}<pre>{_e(example.neighbour)}</pre>"
    if example.position == "below" and example.neighbour:
        return f"<pre>{_e(example.neighbour)}</pre>{_change(example)}"
    return _change(example)


def _change(example: Example) -> str:
    return f"<pre>{_marked(example)}</pre>"


def _marked(example: Example) -> str:
    removed = f"<del>{_e(_visible(_head(example.text, REMOVED_CHARS)))}</del>"
    if example.replacement is not None:
        return f"{removed}<ins>{_e(_visible(example.replacement))}</ins>"
    return removed


def _visible(text: str) -> str:
    """Control and format characters shown as their pictures or code points, not as nothing.

    >>> _visible("正文\x07\u200b")
    '正文␇<U+200B>'
    """
    return "".join(_picture(char) if unicodedata.category(char) in ("Cc", "Cf") else char
                   for char in text)


def _picture(char: str) -> str:
    point = ord(char)
    if point < 0x20:
        return chr(0x2400 + point)  # the Control Pictures block: ␀ … ␟
    return "␡" if point == 0x7F else f"<U+{point:04X}>"


def _tail(text: str) -> str:
    return text if len(text) <= CONTEXT_CHARS else "…" + text[-CONTEXT_CHARS:]


def _head(text: str, limit: int = CONTEXT_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _by_step(tally: CorpusTally, rows: dict[str, list[int]]
             ) -> list[tuple[str, str, list[int]]]:
    """``(step, rule, row)`` in pipeline order, each step's rules largest first."""
    order = {step: index for index, step in enumerate(tally.step_order)}
    split = [(*key.split("\t", 1), row) for key, row in rows.items()]
    return sorted(split, key=lambda item: (order.get(item[0], len(order)), item[0],
                                           -item[2][0], item[1]))


def _step_colour(tally: CorpusTally, step: str) -> str:
    order = tally.step_order
    index = order.index(step) if step in order else len(order)
    return PALETTE[index % len(PALETTE)]


def _chart(div_id: str, figure: go.Figure, bars: int | None, axis: str | None,
           title: str | None = None, legend: bool = False) -> str:
    """One figure as a ``<div>``; horizontal bar charts grow with their number of bars."""
    height = 360 if bars is None else max(220, 90 + 24 * bars)
    figure.update_layout(height=height, margin={"l": 10, "r": 10, "t": 30, "b": 40},
                         showlegend=legend, template="plotly_white",
                         legend={"orientation": "h", "y": -0.25 if bars is None else 1.02,
                                 "yanchor": "top" if bars is None else "bottom"},
                         font_family="Noto Sans CJK SC, WenQuanYi Zen Hei, sans-serif")
    if bars is not None:
        figure.update_layout(yaxis_autorange="reversed", xaxis_title=axis)
    elif axis:
        figure.update_layout(yaxis_title=axis)
    caption = f"<figcaption>{_e(title)}</figcaption>" if title else ""
    return (f"<figure>{caption}"
            + figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                             config=PLOT_CONFIG)
            + "</figure>")


def _grid(*charts: str) -> str:
    """Charts side by side; the columns are fixed before the first chart measures its width."""
    columns = f"repeat({len(charts)}, minmax(0, 1fr))"
    return f'<div class=grid style="grid-template-columns: {columns}">' + "".join(charts) + "</div>"


def _table(headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headings)
    body = "".join("<tr>" + "".join(_cell(value) for value in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _cell(value: Any) -> str:
    if isinstance(value, int):
        return f"<td class=n>{value:,}</td>"
    return f"<td>{_e(value)}</td>"


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)
