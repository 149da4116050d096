"""Add part > Harmony on a piece that already has its harmony part (composer.music.harmony_part).

Found by QA: over a tune with its own piano comping (a chord on every beat), Add part > Harmony
wrote a second comping part of block chords in the piano's register, two a bar: it doubled the
piano. Now add_part refuses with a message naming the part (PartExists: add it anyway, or
choose another part) and, added anyway, the new part complements it: one held chord a bar beside a
part that moves (a chord on each beat beside one that holds), below the piano's chords where there
is room under the tune. Scores written by the test; the shipped model."""

from __future__ import annotations

from collections import Counter

import pytest

from composer.music import Note, Score, Voice
from composer.music.harmony_part import complement_for, find_harmony_part
from composer.music.region import Controls
from composer.request import PartExists, add_part

Q = 480
BAR = 4 * Q
TUNE = [71, 73, 75, 76, 78, 76, 75, 73, 71, 70, 71, 73, 75, 71, 66, 71] * 2  # B major-ish, F#4-F#5, 8 bars
CHORDS = [(60, 64, 67), (60, 65, 69), (62, 66, 69), (60, 64, 67)] * 2  # C4-A4, a chord a bar


def tune() -> list[Note]:
    return [Note(p, i * Q, Q - 20, 90, 0) for i, p in enumerate(TUNE)]


def piano(every_beat: bool = True, bars: range = range(8)) -> list[Note]:
    """Piano comping in voice 1: the bar's chord on every beat, or held through the bar."""
    beats = range(4) if every_beat else range(1)
    length = Q - 40 if every_beat else BAR
    return [Note(p, b * BAR + beat * Q, length, 70, 1) for b in bars for beat in beats for p in CHORDS[b]]


def with_piano(notes: list[Note]) -> Score:
    return Score(notes=tune() + notes, voices=[Voice("Flute", 73), Voice("Piano", 0)])


def test_a_piano_comping_part_is_found_and_a_line_or_a_bass_is_not():
    assert find_harmony_part(with_piano(piano())) == 1
    assert find_harmony_part(Score(notes=tune(), voices=[Voice("Flute", 73)])) is None
    bass = [Note(48 if b % 2 else 43, b * BAR, BAR, 80, 1) for b in range(8)]
    assert find_harmony_part(Score(notes=tune() + bass, voices=[Voice("Flute", 73), Voice("Bass", 33)])) is None
    # A line doubled in octaves (a riff in octaves, QA qa36) is no harmony part: it asked --anyway.
    octaves = [Note(p - 12 * k, i * Q, Q - 20, 90, 1) for i, p in enumerate(TUNE) for k in (1, 2)]
    doubled = Score(notes=tune() + octaves, voices=[Voice("Flute", 73), Voice("Piano", 0)])
    assert find_harmony_part(doubled) is None
    add_part(Score(notes=octaves, voices=[Voice("Piano", 0), Voice("Piano", 0)]), "harmony")
    # Chords in bars 1-4 only: bars 5-8 have no harmony part to double.
    score = with_piano(piano(bars=range(4)))
    assert find_harmony_part(score, 4 * BAR, 8 * BAR) is None and find_harmony_part(score, 0, 4 * BAR) == 1


def test_add_part_harmony_says_the_piece_has_one():
    with pytest.raises(PartExists) as caught:
        add_part(with_piano(piano()), "harmony")
    text = str(caught.value)
    assert '"Piano"' in text and "double" in text and "--anyway" in text and "another --part" in text
    assert "held chords, one a bar, in C3-B3 below its chords" in text, text
    assert "Add it anyway" in caught.value.question() and "--" not in caught.value.question()
    # Bars where the piano does not play, a tune alone, or asked anyway: a request, as before.
    add_part(with_piano(piano(bars=range(4))), "harmony", 4 * BAR, 8 * BAR)
    add_part(Score(notes=tune(), voices=[Voice("Flute", 73)]), "harmony")
    assert add_part(with_piano(piano()), "harmony", anyway=True).score.voices[-1].name == "Harmony"


def test_beside_held_chords_the_second_part_moves_on_the_beats():
    plan = complement_for(with_piano(piano(every_beat=False)), 1)
    assert plan.chords_a_bar == 4 and plan.plan_text().startswith("a chord on each beat")
    # A range the person gave is theirs: the register is left alone, the rhythm still differs.
    mine = complement_for(with_piano(piano()), 1, keep_range=True)
    assert mine.lowest is None and mine.held


@pytest.mark.parametrize("every_beat", [True, False])
def test_a_harmony_part_added_anyway_complements_the_piano(cowriter, every_beat):
    score = with_piano(piano(every_beat))
    for variation in cowriter.generate(add_part(score, "harmony", anyway=True, variations=2, seed=7)):
        new = [n for n in variation.notes if n.generated]
        onsets = Counter(n.onset for n in new)
        assert len(new) >= 20
        assert {n.velocity for n in new} == {70}  # at the piano's level (the accompaniment's), under the tune's 90
        assert sum(size >= 3 for size in onsets.values()) >= 0.8 * len(onsets), onsets  # block chords
        per_bar = len(onsets) / 8
        if every_beat:  # the piano moves on every beat: one held chord a bar
            assert per_bar == pytest.approx(1, abs=0.25), sorted(onsets)
            assert sum(n.duration >= 3 * Q for n in new) >= 0.8 * len(new)
        else:  # the piano holds its chords: one on each beat
            assert per_bar == pytest.approx(4, abs=0.5), sorted(onsets)
        # Under the piano's chords (C4 and up), not in their register: a stray C4 at most.
        assert sum(n.pitch >= 60 for n in new) <= 0.1 * len(new), sorted(n.pitch for n in new)
        assert sum(n.pitch < 45 for n in new) <= 0.1 * len(new), sorted(n.pitch for n in new)


def test_a_range_the_person_gives_wins_over_the_complement(cowriter):
    request = add_part(with_piano(piano()), "harmony", anyway=True, seed=7, controls=Controls(lowest=62, highest=72))
    (variation,) = cowriter.generate(request)
    new = [n for n in variation.notes if n.generated]
    assert new and all(62 <= n.pitch <= 72 for n in new)
    assert len({n.onset for n in new}) / 8 == pytest.approx(1, abs=0.25)  # held: the rhythm still complements
