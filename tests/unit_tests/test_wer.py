from __future__ import annotations

import pytest

from tests._wer import edit_distance, word_error_rate, words


def test_words_ignore_case_and_punctuation() -> None:
    assert words("Hello, my name is Wolfgang!  Where are you heading?") == [
        "hello", "my", "name", "is", "wolfgang", "where", "are", "you", "heading",
    ]  # fmt: skip


def test_words_keep_apostrophes_inside_words() -> None:
    assert words("Don't stop; it\u2019s 'fine'.") == ["don't", "stop", "it's", "fine"]


def test_words_fold_german_sharp_s() -> None:
    assert words("Ich heiße Wolfgang") == words("ich heisse wolfgang")


@pytest.mark.parametrize(
    ("reference", "hypothesis", "distance"),
    [
        ([], [], 0),
        (["a"], [], 1),
        ([], ["a", "b"], 2),
        (["a", "b", "c"], ["a", "b", "c"], 0),
        (["a", "b", "c"], ["a", "x", "c"], 1),
        (["a", "b", "c"], ["a", "c"], 1),
        (["a", "c"], ["a", "b", "c"], 1),
        (["kitten"], ["sitting"], 1),
        (["a", "b", "c", "d"], ["b", "c", "d", "a"], 2),
    ],
)
def test_edit_distance(reference: list[str], hypothesis: list[str], distance: int) -> None:
    assert edit_distance(reference, hypothesis) == distance


def test_a_perfect_transcript_scores_zero_despite_case_and_punctuation() -> None:
    said = "Hello, my name is Wolfgang and I come from Germany."
    assert word_error_rate(said, "hello my name is wolfgang and i come from germany") == 0.0


def test_rate_is_edits_per_reference_word() -> None:
    said = "Hello, my name is Wolfgang and I come from Germany. Where are you heading today?"
    heard = "Hello, my name is Wolfgang, and I come from Germany. Where are you having today?"
    assert word_error_rate(said, heard) == pytest.approx(1 / 15)


def test_added_words_can_push_the_rate_above_one() -> None:
    assert word_error_rate("yes", "no no no") == 3.0


def test_empty_reference() -> None:
    assert word_error_rate("", "") == 0.0
    assert word_error_rate("...", "") == 0.0
    assert word_error_rate("", "something") == 1.0
