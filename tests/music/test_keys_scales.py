"""Pitch names, keys, scales and key estimation."""

from __future__ import annotations

import pytest

from composer.music import SCALES, Key, Note, estimate_key, note_name, pitch_class_of, transpose


@pytest.mark.parametrize("name, pc", [("C", 0), ("c#", 1), ("Db", 1), ("Eb", 3), ("F##", 7), ("Cb", 11),
                                      ("B#", 0), ("B-", 10), (" g ", 7)])
def test_pitch_class_of(name, pc):
    assert pitch_class_of(name) == pc


@pytest.mark.parametrize("name", ["", "H", "C$", "#C", "x"])
def test_pitch_class_of_rejects_non_names(name):
    with pytest.raises(ValueError, match="not a note name"):
        pitch_class_of(name)


def test_note_names():
    assert [note_name(p) for p in (0, 60, 61, 69, 127)] == ["C-1", "C4", "C#4", "A4", "G9"]


@pytest.mark.parametrize("text, key", [
    ("C:major", Key(0)), ("A minor", Key(9, "minor")), ("a min", Key(9, "minor")), ("Bbm", Key(10, "minor")),
    ("F#:dorian", Key(6, "dorian")), ("E aeolian", Key(4, "minor")), ("G", Key(7)), ("D ionian", Key(2)),
    ("D harmonic minor", Key(2, "harmonic_minor")), ("Eb major-pentatonic", Key(3, "major_pentatonic")),
    ("  a   MINOR ", Key(9, "minor")), ("C#m", Key(1, "minor")),
])
def test_key_parse(text, key):
    assert Key.parse(text) == key


@pytest.mark.parametrize("text, message", [("H major", "not a note name"), ("C:lydianish", "unknown scale"),
                                           ("", "not a note name"), ("m", "not a note name")])
def test_key_parse_errors_name_the_problem(text, message):
    with pytest.raises(ValueError, match=message):
        Key.parse(text)


def test_every_key_survives_str_and_parse():
    for tonic in range(12):
        for scale in SCALES:
            key = Key(tonic, scale)
            assert Key.parse(str(key)) == key


def test_key_validation_and_contents():
    with pytest.raises(ValueError):
        Key(12)
    with pytest.raises(ValueError, match="unknown scale"):
        Key(0, "nope")
    assert Key(0).pitch_classes == frozenset({0, 2, 4, 5, 7, 9, 11})
    assert Key(9, "minor").pitch_classes == Key(0).pitch_classes
    assert Key(2, "dorian").contains(71) and not Key(2, "dorian").contains(70)
    assert len(Key(5, "chromatic").pitch_classes) == 12
    assert all(len(set(steps)) == len(steps) and steps[0] == 0 for steps in SCALES.values())


def scale_tune(tonic: int, scale: str) -> list[Note]:
    """Up and down the scale, with long notes on the tonic triad, as a tune would stress them."""
    steps = SCALES[scale]
    notes, onset = [], 0
    for degree in [0, 1, 2, 3, 4, 5, 6, 4, 2, 0, 4, 0]:
        length = 960 if degree in (0, 2, 4) else 240
        notes.append(Note(60 + tonic + steps[degree], onset, length))
        onset += length
    return notes


@pytest.mark.parametrize("tonic", range(12))
@pytest.mark.parametrize("scale", ["major", "minor", "harmonic_minor"])
def test_estimate_key_finds_scale_tunes(tonic, scale):
    expected = Key(tonic, "major" if scale == "major" else "minor")
    assert estimate_key(scale_tune(tonic, scale)) == expected


def test_estimate_key_of_nothing_is_none():
    assert estimate_key([]) is None


def test_estimate_key_follows_transposition_of_real_melodies():
    music21_corpus = pytest.importorskip("music21.corpus")
    from composer.io import read_scores

    path = next(p for p in music21_corpus.getPaths() if p.name == "test1.abc")
    tunes = read_scores(path)
    assert len(tunes) > 10
    for tune in tunes:
        key = estimate_key(tune.notes)
        for shift in (-5, -1, 2, 7):
            moved = estimate_key(transpose(tune.notes, shift))
            assert moved == Key((key.tonic + shift) % 12, key.scale)


def test_estimate_key_of_a_bach_chorale():
    music21_corpus = pytest.importorskip("music21.corpus")
    from composer.io import read_score

    score = read_score(next(p for p in music21_corpus.getPaths() if "bach/bwv66.6.mxl" in str(p)))
    assert estimate_key(score.notes) == Key.parse("F# minor")  # as the score's key signature says
