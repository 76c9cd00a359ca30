"""Sentence splitting: whole texts, streamed texts, abbreviations, numbers and limits."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from langchain_onerouter_audio._sentences import (
    SentenceSplitter,
    aiter_sentences,
    iter_sentences,
    split_sentences,
)

TEXT = (
    "Dr. Smith paid $1,000 for v2.0 of the tool, i.e. the new one. Pi is about 3.14 and "
    "the U.S. economy grew... and then it stopped. Wait... What happened next? Wow! "
    'See Fig. 3 and No. 5 for details. He said "Stop." Then he left the room quietly.'
)
EXPECTED = [
    "Dr. Smith paid $1,000 for v2.0 of the tool, i.e. the new one.",
    "Pi is about 3.14 and the U.S. economy grew... and then it stopped.",
    "Wait... What happened next?",
    "Wow! See Fig. 3 and No. 5 for details.",
    'He said "Stop." Then he left the room quietly.',
]


def by_characters(text: str) -> list[str]:
    splitter = SentenceSplitter()
    out = [sentence for char in text for sentence in splitter.feed(char)]
    return out + splitter.flush()


def test_whole_text_splits_at_real_sentence_ends_only() -> None:
    assert split_sentences(TEXT) == EXPECTED


def test_streaming_character_by_character_gives_the_same_sentences() -> None:
    assert by_characters(TEXT) == EXPECTED


@pytest.mark.parametrize(
    "text",
    [
        "The value of pi is 3.14159 and that is that.",
        "We counted 1,000,000 stars, roughly 2.5 per cent of them.",
        "Version v2.0.1 shipped yesterday with many fixes.",
        "Use a tool, e.g. a hammer, to drive the nail home.",
        "Mr. and Mrs. Jones met Prof. Lee at St. Paul's today.",
        "The U.S. and the U.K. signed it at 5 p.m. on Friday.",
        "He paused... and then carried on talking for hours.",
        "He waited\u2026 and then carried on talking for hours.",
        "J. R. R. Tolkien wrote many books about hobbits.",
        "It was Jan. 5th and cold outside.",
        "They met on Sept. 12 and again on Dec. 3 that year.",
        "Between Feb. 2 and Mar. 9 it rained on Apr. 1, Jun. 6 and Jul. 7.",
        "Aug. 15, Sep. 30, Oct. 1 and Nov. 11 are the other dates.",
        "Read Vol. 2, Ch. 4, Sec. 3 and Fig. 7 on p. 12 or pp. 14-16.",
    ],
)
def test_never_splits_inside_numbers_abbreviations_or_ellipses(text: str) -> None:
    assert split_sentences(text, min_chars=1) == [text]  # no short piece hides a wrong cut
    assert by_characters(text) == [text]


SPLITS = {
    "It grew in 2020. The next year was worse.": ["It grew in 2020.", "The next year was worse."],
    "Is it done yet? yes, it is done now.": ["Is it done yet?", "yes, it is done now."],
    'She said "go home." Then she left.': ['She said "go home."', "Then she left."],
    "So do I. Then we both left the party.": ["So do I.", "Then we both left the party."],
    "We met in Jan. Then it snowed.": ["We met in Jan.", "Then it snowed."],
    "A paragraph without a stop\n\nthe next": ["A paragraph without a stop", "the next"],
}


@pytest.mark.parametrize(("text", "expected"), list(SPLITS.items()))
def test_splits_at_sentence_ends(text: str, expected: list[str]) -> None:
    assert split_sentences(text, min_chars=5) == expected


def test_cjk_terminators_need_no_space() -> None:
    first, second = "\u4eca\u65e5\u306f\u6674\u308c\u3067\u3059\u3002", "\u660e\u65e5\uff01"
    assert split_sentences(first + second, min_chars=1) == [first, second]


def test_a_boundary_waits_for_the_next_character() -> None:
    splitter = SentenceSplitter(min_chars=1)
    assert splitter.feed("Pi is 3.") == []
    assert splitter.feed("14 exactly. ") == []  # the next sentence may start lower-case
    assert splitter.feed("That") == ["Pi is 3.14 exactly."]
    assert splitter.flush() == ["That"]


def test_short_sentences_join_the_next_one() -> None:
    assert split_sentences("Sure. Okay. Here is the full answer you wanted.") == [
        "Sure. Okay. Here is the full answer you wanted."
    ]
    assert split_sentences("Hi. Yo.", min_chars=0) == ["Hi.", "Yo."]


def test_flush_emits_the_rest_and_ignores_blank_input() -> None:
    assert split_sentences("no full stop at the end") == ["no full stop at the end"]
    assert split_sentences("   \n ") == []
    assert split_sentences("") == []


def test_over_long_sentence_splits_at_a_clause_within_the_limit() -> None:
    text = "alpha beta gamma, delta epsilon zeta; eta theta iota kappa lambda mu."
    parts = split_sentences(text, min_chars=0, max_chars=40)
    assert parts == ["alpha beta gamma, delta epsilon zeta;", "eta theta iota kappa lambda mu."]


def test_over_long_sentence_without_clauses_splits_between_words() -> None:
    words = " ".join(f"w{i:04d}" for i in range(3000))  # 17,999 characters, one sentence
    parts = split_sentences(words)
    assert all(len(part) <= 4096 for part in parts)
    assert " ".join(parts) == words  # no word broken, nothing lost
    assert len(parts) == 5


def test_over_long_numbers_are_not_split_at_their_commas() -> None:
    text = " ".join(["1,000,000"] * 20)
    parts = split_sentences(text, max_chars=50)
    assert all(re.fullmatch(r"(1,000,000 ?)+", part) for part in parts)
    assert all(len(part) <= 50 for part in parts)


def test_over_long_stream_is_cut_as_soon_as_the_limit_is_passed() -> None:
    splitter = SentenceSplitter(max_chars=30)
    words = ("lorem ipsum dolor sit amet consectetur adipiscing elit " * 2).split()
    out = [sentence for word in words for sentence in splitter.feed(word + " ")]
    assert out[0] == "lorem ipsum dolor sit amet"
    assert all(len(part) <= 30 for part in out + splitter.flush())


def test_a_word_longer_than_the_limit_is_cut_hard() -> None:
    assert split_sentences("x" * 25, max_chars=10) == ["x" * 10, "x" * 10, "x" * 5]


def test_bad_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="max_chars"):
        SentenceSplitter(max_chars=0)


def test_iter_sentences_yields_before_the_stream_ends() -> None:
    pieces = iter(["The first sentence is here.", " The second ", "one follows."])
    sentences = iter_sentences(pieces)
    assert next(sentences) == "The first sentence is here."
    # It needed the next visible character (" The") to be sure, and read no further.
    assert next(pieces) == "one follows."


async def test_aiter_sentences_matches_iter_sentences() -> None:
    async def pieces() -> AsyncIterator[str]:
        for index in range(0, len(TEXT), 7):
            yield TEXT[index : index + 7]

    assert [s async for s in aiter_sentences(pieces())] == EXPECTED


def test_each_candidate_is_judged_once_however_the_stream_is_cut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import langchain_onerouter_audio._sentences as sentences

    judged: list[int] = []
    real = sentences._is_boundary

    def counting(text: str, match: re.Match[str]) -> bool:
        judged.append(match.start())
        return real(text, match)

    monkeypatch.setattr(sentences, "_is_boundary", counting)
    text = "a. " * 2000  # initials only: no boundary until the length limit forces a cut
    splitter = SentenceSplitter(max_chars=4096)
    out = [s for i in range(0, len(text), 4) for s in splitter.feed(text[i : i + 4])]
    out += splitter.flush()
    assert "".join(out).replace(" ", "") == text.replace(" ", "")
    assert len(judged) <= text.count(". ")
