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


# The QA's piece: Twinkle in C continued, then a bass added that dwelt on A (eighth-note units:
# pitch, onset, duration). The profiles read A minor (r 0.871 against C major's 0.829).
_TWINKLE = [(72, 0, 2), (72, 2, 2), (79, 4, 2), (79, 6, 2), (81, 8, 2), (81, 10, 2), (79, 12, 4), (77, 16, 2),
            (77, 18, 2), (76, 20, 2), (76, 22, 2), (74, 24, 2), (74, 26, 2), (72, 28, 4), (76, 32, 2), (74, 34, 2),
            (72, 36, 2), (69, 38, 2), (67, 40, 4), (74, 44, 2), (71, 46, 2), (72, 48, 2), (69, 50, 2), (67, 52, 2),
            (72, 54, 2), (76, 56, 2), (81, 58, 2), (74, 60, 2), (77, 62, 2), (76, 64, 2), (79, 66, 2), (81, 68, 2),
            (81, 70, 2), (79, 72, 4), (76, 76, 2), (74, 78, 2), (72, 80, 2), (69, 82, 2), (67, 84, 2), (72, 86, 2),
            (76, 88, 2), (81, 90, 2), (74, 92, 2), (76, 94, 2), (74, 96, 2), (74, 98, 2)]
_BASS = [(36, 0, 4), (36, 4, 4), (36, 8, 4), (48, 12, 4), (41, 16, 8), (45, 24, 4), (41, 28, 4), (40, 32, 4),
         (43, 36, 4), (40, 40, 4), (38, 44, 4), (45, 48, 8), (45, 56, 4), (41, 60, 4), (40, 64, 4), (43, 68, 4),
         (40, 72, 4), (45, 76, 4), (45, 80, 4), (38, 84, 4), (48, 88, 4), (45, 92, 4), (38, 96, 4), (36, 104, 4),
         (41, 108, 4)]


def _notes(rows, voice=0, shift=0):
    return [Note(p + shift, at * 240, length * 240 - 10, 80, voice) for p, at, length in rows]


def test_relative_keys_are_told_apart_by_the_notes_the_piece_opens_and_closes_on():
    # (Krumhansl-Schmuckler alone: A minor, the lock's name and tonic for every request after)
    assert estimate_key(_notes(_TWINKLE) + _notes(_BASS, 1)) == Key(0, "major")
    assert estimate_key(_notes(_TWINKLE)) == Key(0, "major")
    # A bass that opens and closes on A, two of its A's now C: the profiles read C major by 0.025,
    # the outer notes A minor; one more C (0.08): C major, the profiles beyond RELATIVE_MARGIN.
    bass = [(33, 0, 4)] + _BASS[1:5] + [(36, 24, 4)] + _BASS[6:11] + [(36, 48, 8)] + _BASS[12:-1] + [(45, 108, 4)]
    assert estimate_key(_notes(_TWINKLE) + _notes(bass, 1)) == Key(9, "minor")
    bass[12] = (36, 56, 4)
    assert estimate_key(_notes(_TWINKLE) + _notes(bass, 1)) == Key(0, "major")
    # Transposed, the same answer
    assert estimate_key(_notes(_TWINKLE, shift=5) + _notes(_BASS, 1, shift=5)) == Key(5, "major")
