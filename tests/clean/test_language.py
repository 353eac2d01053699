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
