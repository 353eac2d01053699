"""Language identification: script first, langdetect only where the script cannot tell."""

from __future__ import annotations

import pytest

from curate.clean.language import (
    LanguageGuess,
    ScriptCounts,
    count_scripts,
    guess_with_langdetect,
    identify_language,
)
from tests.fixtures import seed_text


def test_traditional_seed_is_chinese_by_script_even_where_langdetect_says_korean():
    text = seed_text("001")

    assert guess_with_langdetect(text).lang == "ko"
    assert identify_language(text) == LanguageGuess("zh", "script", 0.6395)


def test_hong_kong_seed_is_chinese_by_script():
    guess = identify_language(seed_text("003"))

    assert (guess.lang, guess.method) == ("zh", "script")
    assert guess.confidence > 0.9


@pytest.mark.parametrize("prefix", ["000", "002", "004"])
def test_simplified_seeds_are_chinese_by_script(prefix):
    guess = identify_language(seed_text(prefix))

    assert (guess.lang, guess.method) == ("zh", "script")


def test_chinese_line_with_latin_product_names_is_chinese():
    line = "英伟达明星产品A100/H100芯片因“触线”,对华出口受阻。"

    assert identify_language(line).lang == "zh"


def test_a_japanese_title_quoted_in_a_chinese_article_does_not_make_it_japanese():
    article = seed_text("002") + "\n（参见《となりのトトロ》）"

    assert count_scripts(article).kana == 7
    assert identify_language(article).lang == "zh"


def test_katakana_middle_dot_and_long_mark_are_not_counted_as_kana():
    assert count_scripts("威廉・瓊斯ー") == ScriptCounts(han=4, kana=0, hangul=0, alphabet=0)


def test_japanese_sentence_is_japanese_by_script():
    guess = identify_language("エヌビディアは中国向けの半導体の販売を再開すると発表した。")

    assert guess == LanguageGuess("ja", "script", 1.0)


def test_korean_sentence_is_korean_by_script():
    guess = identify_language("엔비디아는 중국에 H20 칩 판매를 재개한다고 밝혔다.")

    assert (guess.lang, guess.method) == ("ko", "script")


def test_english_sentence_goes_to_langdetect():
    guess = identify_language("Nvidia said it would resume sales of its H20 chip to China.")

    assert (guess.lang, guess.method) == ("en", "langdetect")


def test_langdetect_answers_the_same_every_time():
    text = "Nvidia said it would resume sales of its H20 chip to China."

    assert len({guess_with_langdetect(text) for _ in range(5)}) == 1


@pytest.mark.parametrize("text", ["", "2025-07-19 11:04", "\n\n![](/1000)\n"])
def test_text_without_letters_is_undetermined(text):
    assert identify_language(text) == LanguageGuess("und", "script", 0.0)


def _seed_and_mixed_texts() -> list[str]:
    """The seeds, and lines of every script the counts tell apart, with astral Han."""
    texts = [seed_text(prefix) for prefix in ("000", "001", "002", "003", "004")]
    texts += ["黃仁勛在Computex 2025期間表示", "ソニーの新型カメラ 삼성전자 발표", "𠀀𪚥 Ｇｐｕ ß Ω"]
    return texts


def test_script_counts_over_code_points_are_those_counted_character_by_character():
    from curate.clean.language import _ASTRAL_HAN, _BMP, _BMP_SCRIPT, _SCRIPTS

    for text in _seed_and_mixed_texts():
        counts = dict.fromkeys(_SCRIPTS, 0)
        for char in text:
            script = int(_BMP_SCRIPT[min(ord(char), _BMP - 1)])
            if script:
                counts[_SCRIPTS[script - 1]] += 1
            counts["han"] += _ASTRAL_HAN[0] <= ord(char) <= _ASTRAL_HAN[1]
        assert count_scripts(text) == ScriptCounts(**counts)


def test_code_point_classes_are_those_the_function_gives_each_character():
    from curate.clean.line_features import CodePointClasses, code_points

    def classes(char: str) -> int:
        return char.isdigit() | char.isspace() << 1 | ("\u4e00" <= char <= "\u9fff") << 2

    table = CodePointClasses(classes)
    for text in _seed_and_mixed_texts():
        points = code_points(text)
        assert table(points).tolist() == [classes(char) for char in text]
        assert table(points).tolist() == [classes(char) for char in text]  # asked before
