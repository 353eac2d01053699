"""Script: traditional to simplified Chinese, and Chinese punctuation in its full-width form.

Which OpenCC configuration to use follows from the region markers in
``rules/script_markers.yaml``: a Hong Kong text (説, 衞, 户, Cantonese particles) is converted
with ``hk2s``, which also folds the Hong Kong variants that ``t2s`` leaves (衞→卫, 敍→叙);
everything else, Taiwan text included, with the configuration the rules name (``t2s``).

    >>> choose_opencc_config("不能説100%恢復,新的客户需求", Rules())
    'hk2s'
    >>> convert_to_simplified("不能説100%恢復,新的客户需求", "hk2s")
    '不能说100%恢复,新的客户需求'

Punctuation fixes are returned as ``Change``s for the calling step to record and apply:

    >>> [c.new for c in find_punctuation_fixes("營收171.08億美元,同比增長66%")]
    ['，']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import opencc
import regex

from curate.clean.language import count_scripts
from curate.edits import Change
from curate.rules import RuleError, Rules

MARKERS_FILE = "script_markers.yaml"
SIMPLIFIED_KEPT_FILE = "simplified_kept.txt"
STANDARD_CHARACTERS_FILE = "standard_characters.txt"
SIMPLIFIED_WORDS_FILE = "simplified_words.txt"
ZHE_PARTICLE_FILE = "zhe_particle.tsv"
REGIONS = ("hong_kong", "taiwan", "unmarked")
# OpenCC configurations that write simplified Chinese; a rule file may name only these.
SIMPLIFYING_CONFIGS = frozenset({"t2s", "hk2s", "tw2s", "tw2sp", "hk2sp"})

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CLOSING_MARKS = "”’」』）》】〉〕〗"
_OPENING_MARKS = "“‘「『（《【〈〔〖"
# What stands on the left of a half-width mark that ends a Chinese clause.
_CHINESE_LEFT = f"[{_HAN}{_CLOSING_MARKS}]"
_FULL_WIDTH = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
_CORNER_TO_CURLY = {"「": "“", "」": "”", "『": "‘", "』": "’"}
# The half-width marks a clause mark fix makes full-width: a text without them needs none.
_FULL_WIDTH_CLAUSE = ",:;!?"

# `營收,同比` and `從此,DNA` and `首先, 2011`: after Chinese, unless an English phrase follows
# after a space (`北京, and`).
_AFTER_CHINESE = regex.compile(f"(?<={_CHINESE_LEFT})[,:;](?![ \t\u00a0\u3000]+[A-Za-z])")
# `66%,同比` and `DNA,然后` and `(微博),其中`: a number, unit or Latin word ends the clause and
# Chinese starts the next one, maybe after a hard line break (`做GPU,\n芯动`). `1,000` and
# `12:30` have digits on both sides and stay; so does the `;` of an entity (`&nbsp;中国`).
_BEFORE_CHINESE = regex.compile(
    f"(?<=[A-Za-z0-9%‰℃)\\]])(?<!&#?[A-Za-z0-9]+)[,:;](?=\n?[{_HAN}{_OPENING_MARKS}])"
)
# `抗争到底!` and `怎样赔?`; not before ASCII punctuation or a lower-case letter: `??` and
# `?duì` stand for characters lost in a lossy re-encoding (`二??九年`, seed 001's
# `2024年?duì)I業`), `?(` and `?q=` are not Chinese sentence ends.
_SENTENCE_END = regex.compile(f"(?<={_CHINESE_LEFT})[!?](?![!-/:-@\\[-`{{-~a-z])")
# Parentheses whose content is Chinese, with no Latin letters (those are `(BIS)`, `(bǔ)`).
_CHINESE_PARENTHESES = regex.compile(
    f"\\((?=[^()\\n]*[{_HAN}])[^()\\nA-Za-z\u00c0-\u024f]{{1,60}}\\)"
)
# CJK Unified Ideographs, the block every font has; t2s writes a few characters of it as the
# 2013 standard's forms of the extension blocks (鮀 -> 𬶍), which simplified text rarely does.
_BASIC_BLOCK_START, _BASIC_BLOCK_END = 0x4E00, 0x9FFF
_HALF_WIDTH_CLAUSE_COMMA = regex.compile(f"(?<=[{_HAN}]),(?=[{_HAN}])")
_LINE = regex.compile(".+")


@cache
def _converter(config: str) -> opencc.OpenCC:
    """One OpenCC converter per configuration, built once (loading dictionaries is slow)."""
    return opencc.OpenCC(config)


# The text OpenCC converted last, its configuration and the result: a document's text is
# converted with t2s to count its traditional characters, then with the configuration chosen,
# which is most often t2s again.
_LAST_CONVERSION: tuple[str, str, str] = ("", "", "")


def _opencc(text: str, config: str) -> str:
    """``text`` converted by OpenCC with ``config``, the last conversion remembered."""
    global _LAST_CONVERSION
    last_text, last_config, converted = _LAST_CONVERSION
    if config == last_config and text == last_text:
        return converted
    converted = _converter(config).convert(text)
    _LAST_CONVERSION = (text, config, converted)
    return converted


@dataclass(frozen=True)
class SimplifiedForms:
    """What OpenCC's t2s writes wrong in simplified text, from the rules: words whose
    character of the standard it folds into another (昇腾 → 升腾), the particle 著 it
    leaves (随著), and the characters of the standard (覆, 乾, 薹), which a text with no
    other traditional character keeps (覆盖, not 复盖) unless t2s folds one on its own and
    the folded form makes a word with a neighbour (位於 -> 位于)."""

    kept: dict[str, str]  # the word as t2s writes it -> the word as it is kept
    particle: regex.Pattern | None
    standard: frozenset[str]
    folded_alone: frozenset[str]  # characters of the standard that t2s changes on their own
    words: frozenset[str]  # two-character words holding what t2s writes for them


@lru_cache(maxsize=8)
def load_simplified_forms(rules: Rules) -> SimplifiedForms:
    """``rules/simplified_kept.txt`` and ``rules/zhe_particle.tsv``, read once per ``Rules``."""
    kept = {_converter("t2s").convert(word): word for word in rules.lines(SIMPLIFIED_KEPT_FILE)}
    for folded, word in kept.items():
        if len(folded) != len(word):
            raise RuleError(f"rules/{SIMPLIFIED_KEPT_FILE}: {word!r} changes length under t2s "
                            f"({folded!r}); write the word as it is kept, in simplified")
    standard = frozenset("".join(rules.lines(STANDARD_CHARACTERS_FILE)))
    # One call for all of them: no OpenCC phrase spans a line break, so each character
    # between two converts as it does alone.
    alone = sorted(standard)
    converted = _converter("t2s").convert("\n".join(alone)).split("\n")
    folded_alone = frozenset(ch for ch, new in zip(alone, converted, strict=True) if new != ch)
    words = frozenset(rules.lines(SIMPLIFIED_WORDS_FILE))
    sides = {row["side"]: row["characters"] for row in rules.table(ZHE_PARTICLE_FILE)}
    before, after = sides.get("before", ""), sides.get("after", "")
    particle = None
    if before:
        stays = f"(?![{regex.escape(after)}])" if after else ""
        particle = regex.compile(f"(?<=[{regex.escape(before)}])著{stays}")
    return SimplifiedForms(kept, particle, standard, folded_alone, words)


def convert_to_simplified(text: str, config: str = "t2s", rules: Rules | None = None,
                          traditional: bool = False) -> str:
    """Convert ``text`` to simplified Chinese with the OpenCC configuration ``config``; with
    ``rules``, keep the characters of the standard OpenCC folds (昇) and write the particle
    著 as 着, and keep ``text`` as it is where its only changes would fold characters of the
    standard (simplified text: 覆盖, 王丙乾), unless it is part of a ``traditional`` document
    (see `kept_as_written`).

    >>> convert_to_simplified("這是英偉達創始人黃仁勛對H20芯片解禁后的最新表態。", "hk2s")
    '这是英伟达创始人黄仁勋对H20芯片解禁后的最新表态。'
    >>> convert_to_simplified("隨著華為昇騰的著名芯片，直昇機", "t2s", Rules())
    '随着华为昇腾的著名芯片，直升机'
    >>> convert_to_simplified("实施了一批覆盖产业的项目", "t2s", Rules())
    '实施了一批覆盖产业的项目'
    """
    if config not in SIMPLIFYING_CONFIGS:
        raise ValueError(f"{config!r} is not an OpenCC configuration that writes simplified")
    converted = _opencc(text, config)
    if rules is None:
        return converted
    return _with_simplified_forms(text, converted, rules, traditional)


def is_traditional_document(texts: list[str], config: str, rules: Rules) -> bool:
    """Whether at least ``min_traditional_share`` of the Han characters of ``texts`` are
    characters OpenCC changes that no simplified text writes (not of the standard): then
    every paragraph is converted whole, the ones holding none of them too.

    >>> is_traditional_document(["國產芯片的破繭之戰", "乾隆"], "t2s", Rules())
    True
    >>> is_traditional_document(["王丙乾、邹家华出席"], "t2s", Rules())
    False
    """
    joined = "\n".join(text for text in texts if text)  # as convert_paragraphs joins them
    converted = _opencc(joined, config)
    if converted == joined:
        return False
    changed = _traditional_only(joined, converted, load_simplified_forms(rules),
                                _changed_positions(joined, converted))
    return changed > 0 and changed >= (load_script_markers(rules).min_traditional_share
                                       * count_scripts(joined).han)


def _changed_positions(text: str, converted: str) -> list[int] | None:
    """Where ``converted`` has another character than ``text``; None when OpenCC changed
    the length (it kept the length of every text measured)."""
    before, after = _code_points(text), _code_points(converted)
    if len(before) != len(after):
        return None
    return np.flatnonzero(before != after).tolist()


def _traditional_only(text: str, converted: str, forms: SimplifiedForms,
                      changed: list[int] | None) -> int:
    """How many characters OpenCC changes in ``text`` (at ``changed``, `_changed_positions`)
    that are no character of the standard and not one it writes outside the basic block
    (鮀 -> 𬶍, 噁 -> 𫫇)."""
    if changed is None:
        return len(text)
    return sum(1 for position in changed
               if not simplified_may_write(text[position], converted[position], forms))


def kept_as_written(text: str, converted: str, rules: Rules) -> list[int]:
    """Positions of ``text``, a paragraph of a simplified document, where OpenCC's change
    (``converted``) is not made. No position when the paragraph holds a character no
    simplified text writes: it is traditional text, converted whole. Otherwise every change
    but the characters of the standard that t2s folds on their own (於, 乾, 昇) where the
    folded form makes a word with a neighbour (位於 -> 位于; 王丙乾, 乾安县, 王於昌 stay).

    >>> text = "王丙乾出席，会场位於北京，一批覆盖全省"
    >>> converted = convert_to_simplified(text)
    >>> converted
    '王丙干出席，会场位于北京，一批复盖全省'
    >>> [text[i] for i in kept_as_written(text, converted, Rules())]
    ['乾', '覆']
    """
    changed = _changed_positions(text, converted)
    forms = load_simplified_forms(rules)
    if changed is None or _traditional_only(text, converted, forms, changed):
        return []
    return [i for i in changed if not (text[i] in forms.folded_alone and (
        (i > 0 and converted[i - 1:i + 1] in forms.words) or converted[i:i + 2] in forms.words))]


def simplified_may_write(old: str, new: str, forms: SimplifiedForms) -> bool:
    """Whether a simplified text may hold ``old`` where t2s writes ``new``: ``old`` is a
    character of the standard, or t2s writes it with a character outside the basic block.

    >>> forms = load_simplified_forms(Rules())
    >>> simplified_may_write("覆", "复", forms), simplified_may_write("國", "国", forms)
    (True, False)
    """
    return old in forms.standard or (_BASIC_BLOCK_START <= ord(old) <= _BASIC_BLOCK_END
                                     and ord(new) > _BASIC_BLOCK_END)


def convert_paragraphs(texts: list[str], config: str, rules: Rules | None = None,
                       traditional: bool = False) -> list[str]:
    """`convert_to_simplified` of each of ``texts``, OpenCC run once over them all.

    OpenCC's words hold no line break, so the lines of a text convert as the text does; a
    text holding a line break or a NUL (where OpenCC's C strings end) is converted alone.
    Text OpenCC leaves as it is needs no kept form, and only the particle 著 otherwise.

    >>> convert_paragraphs(["英偉達", "", "国产芯片"], "t2s")
    ['英伟达', '', '国产芯片']
    """
    if config not in SIMPLIFYING_CONFIGS:
        raise ValueError(f"{config!r} is not an OpenCC configuration that writes simplified")
    present = [text for text in texts if text]
    if any("\n" in text or "\x00" in text for text in present):
        return [convert_to_simplified(text, config, rules) for text in texts]
    joined = "\n".join(present)
    whole = _opencc(joined, config)
    if whole == joined and (rules is None or "著" not in joined):
        return list(texts)
    parts = whole.split("\n")
    if len(parts) != len(present):
        return [convert_to_simplified(text, config, rules) for text in texts]
    found = iter(parts)
    converted = [next(found) if text else text for text in texts]
    if rules is None:
        return converted
    return [_with_simplified_forms(text, new, rules, traditional) if text else text
            for text, new in zip(texts, converted, strict=True)]


def _with_simplified_forms(text: str, converted: str, rules: Rules, traditional: bool) -> str:
    """``converted`` (OpenCC's output for ``text``) with the kept forms put back and the
    particle 著 written 着; ``text`` itself where the only characters OpenCC changes are ones
    simplified text writes, and ``text`` is not part of a ``traditional`` document."""
    forms = load_simplified_forms(rules)
    if not traditional and converted != text:
        kept = kept_as_written(text, converted, rules)
        if kept:
            written = list(converted)
            for position in kept:
                written[position] = text[position]
            converted = "".join(written)
    # t2s keeps the length of a text, so a kept word is put back where the text had it.
    if len(converted) == len(text):
        for folded, word in forms.kept.items():
            changed = [k for k, (kept, new) in enumerate(zip(word, folded, strict=True))
                       if kept != new]
            start = converted.find(folded)
            while start != -1:
                if all(text[start + k] == word[k] for k in changed):
                    converted = converted[:start] + word + converted[start + len(word):]
                start = converted.find(folded, start + len(word))
    if forms.particle is not None and "著" in converted:
        converted = forms.particle.sub("着", converted)
    return converted


def count_traditional(text: str) -> int:
    """How many characters of ``text`` ``t2s`` would change (the scorer's ``trad_left``).

    OpenCC's t2s keeps the length of the text (checked on 10,322 texts in shared/), so
    characters are compared one to one, as the scorer's ``zip`` does.

    >>> count_traditional("補位英偉達!國產AI芯片")
    5
    """
    before, after = _code_points(text), _code_points(_opencc(text, "t2s"))
    shared = min(len(before), len(after))
    return int(np.count_nonzero(before[:shared] != after[:shared]))


def _code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as an array, for comparing texts without a Python loop."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def has_traditional(text: str) -> bool:
    """Whether any character of ``text`` is traditional, i.e. ``t2s`` would change it.

    >>> has_traditional("国产AI芯片的破茧之战"), has_traditional("國產AI芯片的破繭之戰")
    (False, True)
    """
    return _opencc(text, "t2s") != text


@dataclass(frozen=True)
class RegionMarkers:
    """The compiled marker lists of one region and the configuration it converts with."""

    opencc_config: str
    markers: regex.Pattern | None
    lookalikes: regex.Pattern | None


@dataclass(frozen=True)
class ScriptMarkers:
    """``rules/script_markers.yaml``, validated and compiled."""

    min_traditional_share: float
    regions: dict[str, RegionMarkers]


@dataclass(frozen=True)
class RegionEvidence:
    """How many Hong Kong and Taiwan markers a text holds, and the region they point to."""

    hong_kong: int
    taiwan: int

    @property
    def region(self) -> str:
        """``hong_kong`` or ``taiwan``, whichever has more markers; ``unmarked`` on a tie."""
        if self.hong_kong > self.taiwan:
            return "hong_kong"
        if self.taiwan > self.hong_kong:
            return "taiwan"
        return "unmarked"


def find_region_evidence(text: str, rules: Rules) -> RegionEvidence:
    """Count the Hong Kong and Taiwan markers of ``text`` (every occurrence counts).

    >>> find_region_evidence("不能説100%恢復,新的客户需求和我們現有的庫存", Rules())
    RegionEvidence(hong_kong=2, taiwan=0)
    """
    markers = load_script_markers(rules)
    han = count_scripts(text).han
    with_lookalikes = han > 0 and count_traditional(text) >= markers.min_traditional_share * han
    counts = {
        region: _count_markers(text, markers.regions[region], with_lookalikes)
        for region in ("hong_kong", "taiwan")
    }
    return RegionEvidence(**counts)


def choose_opencc_config(text: str, rules: Rules) -> str:
    """The OpenCC configuration for ``text``: its region's, as ``rules/script_markers.yaml`` says.

    >>> choose_opencc_config("英偉達為規避制裁曾兩度「自降」芯片性能", Rules())
    't2s'
    """
    region = find_region_evidence(text, rules).region
    return load_script_markers(rules).regions[region].opencc_config


def _count_markers(text: str, region: RegionMarkers, with_lookalikes: bool) -> int:
    """Occurrences of a region's markers, and of its lookalikes when they are meaningful."""
    count = len(region.markers.findall(text)) if region.markers else 0
    if with_lookalikes and region.lookalikes:
        count += len(region.lookalikes.findall(text))
    return count


@lru_cache(maxsize=8)
def load_script_markers(rules: Rules) -> ScriptMarkers:
    """Validate and compile ``rules/script_markers.yaml`` once per ``Rules``."""
    data = rules.yaml(MARKERS_FILE)
    label = f"rules/{MARKERS_FILE}"
    if not isinstance(data, dict) or not isinstance(data.get("regions"), dict):
        raise RuleError(f"{label}: expected a mapping with 'regions'")
    missing = [name for name in REGIONS if name not in data["regions"]]
    if missing:
        raise RuleError(f"{label}: regions {', '.join(missing)} are missing")
    regions = {name: _region_markers(name, data["regions"][name], label) for name in REGIONS}
    return ScriptMarkers(float(data.get("min_traditional_share", 0.0)), regions)


def _region_markers(name: str, entry: object, label: str) -> RegionMarkers:
    """One region's entry of the markers file, checked and compiled."""
    if not isinstance(entry, dict) or entry.get("opencc") not in SIMPLIFYING_CONFIGS:
        configs = ", ".join(sorted(SIMPLIFYING_CONFIGS))
        raise RuleError(f"{label}: region {name!r} needs 'opencc', one of {configs}")
    markers = [*entry.get("characters", []), *entry.get("words", [])]
    return RegionMarkers(
        entry["opencc"], _alternation(markers), _alternation(entry.get("lookalikes", []))
    )


def _alternation(entries: list[str]) -> regex.Pattern | None:
    """One pattern matching any of ``entries``, longest first; ``None`` when there are none."""
    if not entries:
        return None
    ordered = sorted({str(entry) for entry in entries}, key=len, reverse=True)
    return regex.compile("|".join(regex.escape(entry) for entry in ordered))


def find_punctuation_fixes(
    text: str,
    *,
    clause_marks: bool = True,
    parentheses: bool = True,
    corner_quotes: bool = True,
    flattened: bool | None = None,
) -> list[Change]:
    """Punctuation in ``text`` to write the Chinese way, as non-overlapping ``Change``s.

    ``clause_marks`` (rule ``fullwidth-punctuation``): ``,:;!?`` ending a Chinese clause.
    ``parentheses`` (rule ``fullwidth-parentheses``): ``(…)`` around Chinese where the commas
    were flattened to half-width; ``flattened`` is the document's verdict for a paragraph
    without commas of its own (``is_punctuation_flattened(doc.text)``), ``None`` to judge
    ``text`` alone; sources that write full-width commas keep their ``(图)``, as the
    evaluation gold does. ``corner_quotes`` (rule ``corner-quotes``): 「」『』 to the
    mainland's “”‘’; the evaluation gold keeps Taiwan Wikipedia's 「城」, so switch it off
    (``[punctuation] corner_quotes = false``) to reproduce the gold.

    >>> from curate.edits import apply_changes
    >>> text = "寒武紀(688256.SH)今年一季度單季營收激增42倍,海光信息(21世紀經濟報道)"
    >>> apply_changes(text, find_punctuation_fixes(text))
    '寒武紀(688256.SH)今年一季度單季營收激增42倍，海光信息（21世紀經濟報道）'
    >>> [c.rule for c in find_punctuation_fixes("「不能説100%恢復」", corner_quotes=True)]
    ['corner-quotes', 'corner-quotes']
    """
    changes: list[Change] = []
    if clause_marks:
        changes += find_clause_mark_fixes(text)
    if parentheses:
        changes += find_parenthesis_fixes(text, flattened)
    if corner_quotes:
        changes += find_corner_quote_fixes(text)
    return sorted(changes, key=lambda change: change.start)


def find_clause_mark_fixes(text: str) -> list[Change]:
    """Half-width ``, : ; ! ?`` that end a Chinese clause, made full-width.

    >>> [c.start for c in find_clause_mark_fixes("潮州的知名企业有:长城集团,开盘12:30,共1,000人")]
    [8, 13, 21]
    """
    if not any(mark in text for mark in _FULL_WIDTH_CLAUSE):
        return []
    positions = {
        match.start()
        for pattern in (_AFTER_CHINESE, _BEFORE_CHINESE, _SENTENCE_END)
        for match in pattern.finditer(text)
    }
    return [
        Change(i, i + 1, _FULL_WIDTH[text[i]], "fullwidth-punctuation", text[i])
        for i in sorted(positions)
    ]


def is_punctuation_flattened(text: str) -> bool | None:
    """Whether the commas of ``text`` were flattened: more ``,`` between Han characters than ``，``.

    ``None`` when ``text`` has neither. Sources such as Sina news write ， yet keep ``(图)``;
    a text whose commas are half-width had all of its punctuation flattened, parentheses too.

    >>> is_punctuation_flattened("美国政府层层加码的AI芯片出口管制,正在改写全球半导体产业格局。")
    True
    """
    half, full = len(_HALF_WIDTH_CLAUSE_COMMA.findall(text)), text.count("，")
    return None if half == full == 0 else half > full


def find_parenthesis_fixes(text: str, flattened: bool | None = None) -> list[Change]:
    r"""``(…)`` around Chinese (a Han character, no Latin letter) made ``（…）`` where flattened.

    Each line is judged by its own commas; a line without commas by ``flattened`` or, when
    that is ``None``, by the whole text's. So an unflattened article concatenated with a
    flattened one keeps its ``(图)``.

    >>> text = "(21世紀經濟報道記者雷晨 北京報道)\n工業和安全局(BIS)發布《規則》起,英偉達(美國)"
    >>> [(c.start, c.new) for c in find_parenthesis_fixes(text)]
    [(0, '（'), (18, '）'), (42, '（'), (45, '）')]
    >>> find_parenthesis_fixes("(21世紀經濟報道記者雷晨 北京報道)", flattened=False)
    []
    """
    if "(" not in text:  # every change is of a parenthesis
        return []
    if flattened is None:
        flattened = bool(is_punctuation_flattened(text))
    changes = []
    for line in _LINE.finditer(text):
        line_flattened = is_punctuation_flattened(line.group())
        if not (flattened if line_flattened is None else line_flattened):
            continue
        for match in _CHINESE_PARENTHESES.finditer(line.group()):
            start, end = line.start() + match.start(), line.start() + match.end() - 1
            changes.append(Change(start, start + 1, "（", "fullwidth-parentheses", "("))
            changes.append(Change(end, end + 1, "）", "fullwidth-parentheses", ")"))
    return changes


def find_corner_quote_fixes(text: str) -> list[Change]:
    """Corner quotes 「」『』 made the mainland's curly quotes “”‘’.

    >>> [c.new for c in find_corner_quote_fixes("「我們可能無法全部恢復」")]
    ['“', '”']
    """
    if not any(quote in text for quote in _CORNER_TO_CURLY):
        return []
    return [
        Change(i, i + 1, _CORNER_TO_CURLY[ch], "corner-quotes", ch)
        for i, ch in enumerate(text)
        if ch in _CORNER_TO_CURLY
    ]
