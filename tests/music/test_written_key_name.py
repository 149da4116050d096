"""The detected key lock's name: where the notes are the written key's notes, a major or minor key
is named over a mode on another degree. A piece under a G major signature whose bass held D over
B chords read "Detected: B:phrygian" (QA): the same lock, a name a musician reads as wrong."""

from __future__ import annotations

from composer.music import Note
from composer.music.scales import Key, estimate_key, fitted_scale
from composer.request import estimated_or_written


def line(pitches: list[int], long: int | None = None) -> list[Note]:
    return [Note(p, i * 480, 960 if p % 12 == long else 480, 80) for i, p in enumerate(pitches)]


def test_a_mode_on_another_degree_of_the_written_key_is_named_as_the_key():
    b_centred = line([59, 59, 60, 59, 62, 59, 64, 59, 66, 59, 67, 59, 69, 59, 71, 59, 55, 59], long=11)
    assert str(fitted_scale(estimate_key(b_centred), b_centred)) == "B:phrygian"  # the notes alone
    assert estimated_or_written(Key.parse("G:major"), b_centred) == Key.parse("G:major")


def test_a_key_estimated_under_a_signature_read_as_a_mode_keeps_its_name():
    g_tune = line([67, 71, 74, 67, 69, 71, 72, 74, 67, 66, 67, 71, 74, 79, 67, 67])
    assert estimated_or_written(Key.parse("D:major"), g_tune) == Key.parse("G:major")  # not D mixolydian


def test_a_mode_written_as_one_keeps_its_name():
    # K:Ddor over D dorian's notes (C major's): the same lock either way, and the window had
    # shown "Detected: C major" to the person who wrote D dorian (QA). A major or minor key still
    # wins over a mode the written key only fits as (G major under a D major signature).
    from composer.music import Note
    from composer.music.scales import Key
    from composer.request import estimated_or_written

    tune = [Note(p, i * 480, 470) for i, p in enumerate([62, 65, 69, 69, 71, 72, 69, 67, 64, 62, 65, 69, 74, 72,
                                                           69, 71, 72, 74, 72, 69, 67, 65, 64, 62, 60, 62])]
    assert estimated_or_written(Key(2, "dorian"), tune) == Key(2, "dorian")
