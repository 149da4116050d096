"""Add part > Bass plays every downbeat, mostly the chord's root, as bass players do: a new bass
part keeps the plain lines a bass player starts from (region_writer.default_bass_line) and gets a
root bonus where the chord arrives (priors.BASS_ROOT_STRENGTH: the downbeat, or a strong beat
where it changes) on top of the chord-tone bonus every voice gets. Before, an added bass over a
lead sheet's chords left about a quarter of the downbeats empty and played thirds and fifths on
them as often as roots (10 of 39 roots, QA). The tune here starts no bar on its chord's root, so
the bass cannot find the roots by doubling it."""

from __future__ import annotations

import numpy as np
import pytest

from composer.music import Note, Score, Voice
from composer.music.chords import ChordSymbol
from composer.music.score import TimeSignature
from composer.request import add_part

Q, BAR = 480, 1920
FIGURES = "F Dm Bb C7 F Dm Gm C7".split()
ROOTS = {"F": 5, "Dm": 2, "Bb": 10, "C7": 0, "Gm": 7}
# Each bar of the tune: its chord's third or fifth on the downbeat, then other tones.
TUNE = [(69, 72, 77, 72), (69, 65, 62, 65), (65, 62, 70, 65), (67, 64, 70, 67),
        (72, 69, 65, 69), (69, 65, 62, 65), (70, 67, 62, 67), (64, 67, 70, 72)]


def _lead_sheet() -> Score:
    notes = [Note(p, b * BAR + i * Q, Q, 90, 0) for b, bar in enumerate(TUNE * 2) for i, p in enumerate(bar)]
    score = Score(notes=notes, voices=[Voice("Flute", 73)])
    score.chords = [ChordSymbol(b * BAR, BAR, FIGURES[b % len(FIGURES)]) for b in range(2 * len(TUNE))]
    return score


def test_added_bass_plays_the_root_on_most_downbeats(cowriter):
    score = _lead_sheet()
    downbeats = roots = 0
    pitches_a_bar = []
    for variation in cowriter.generate(add_part(score, "bass", variations=4, seed=5)):
        new = [n for n in variation.notes if n.generated]
        for n in new:
            if n.onset % BAR == 0:
                downbeats += 1
                roots += n.pitch % 12 == ROOTS[FIGURES[n.onset // BAR % len(FIGURES)]]
        by_bar: dict[int, set[int]] = {}
        for n in new:
            by_bar.setdefault(n.onset // BAR, set()).add(n.pitch)
        pitches_a_bar += [len(p) for p in by_bar.values()]
    assert downbeats >= 0.95 * 4 * 16, f"{downbeats} of {4 * 16} downbeats played"
    assert roots >= 0.6 * downbeats, f"roots on {roots} of {downbeats} downbeats"
    assert np.mean(pitches_a_bar) > 1.3, "the line still moves within the bar, not a root held or repeated"


@pytest.mark.parametrize("meter", [(3, 4), (6, 8), (5, 4)])
def test_added_bass_plays_the_downbeats_in_other_meters(cowriter, meter):
    """The plain lines count the meter in force: its beats (dotted beats in 6/8), never off them."""
    numerator, denominator = meter
    unit = 4 * Q // denominator
    bar = numerator * unit
    tune = [67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 69, 71, 67, 62, 67] * 3
    count = len(tune) // numerator * numerator
    score = Score(notes=[Note(p, i * unit, unit, 90, 0) for i, p in enumerate(tune[:count])],
                  voices=[Voice("Flute", 73)], time_signature=TimeSignature(numerator, denominator))
    beat = 3 * unit if denominator == 8 else unit
    for variation in cowriter.generate(add_part(score, "bass", variations=2, seed=1)):
        new = [n for n in variation.notes if n.generated]
        downbeats = {n.onset // bar for n in new if n.onset % bar == 0}
        assert len(downbeats) >= 0.95 * (count // numerator), (len(downbeats), count // numerator)
        assert all(n.onset % beat == 0 for n in new), sorted({n.onset % bar for n in new})


def test_added_bass_plays_the_downbeats_after_a_meter_change(cowriter):
    """The plain lines are made in the meter where the part starts; in the shorter bars of a later
    meter their notes still end by the bar line (LineRhythm.within_bar): a whole note of 4/4 had
    covered the next 3/4 downbeat (89 of 96 played, QA)."""
    from composer.music.meter import MeterChange

    change = 4 * BAR  # four bars of 4/4, then eight of 3/4
    tune = [Note(p, i * Q, Q, 90, 0) for i, p in enumerate([67, 71, 74, 71, 72, 76, 79, 76] * 2)]
    tune += [Note(p, change + i * Q, Q, 90, 0) for i, p in enumerate([76, 79, 83, 72, 76, 79, 74, 78, 81, 79, 74, 71] * 2)]
    score = Score(notes=tune, voices=[Voice("Flute", 73)], meters=[MeterChange(0, 4, 4), MeterChange(change, 3, 4)])
    lines = [change + b * 3 * Q for b in range(8)]
    for variation in cowriter.generate(add_part(score, "bass", variations=6, seed=5)):
        onsets = {n.onset for n in variation.notes if n.generated}
        assert all(t in onsets for t in lines), [b for b, t in enumerate(lines) if t not in onsets]


def test_added_bass_plays_the_bass_note_of_slash_chords(cowriter):
    """A slash chord names the bass note ("C/B": B under C major): a lead sheet's descending line
    C C/B Am Am/G F G/F C/E G is played where the chords arrive (priors.SLASH_BASS_STRENGTH), not
    the roots (QA: Eb/G got Eb). Before: 26 of 64 downbeats; with the roots' bonus 30."""
    figures = "C C/B Am Am/G F G/F C/E G".split()
    bass = [0, 11, 9, 7, 5, 5, 4, 7]  # the pitch class each chord wants in the bass
    tune = [(72, 76, 79, 76), (74, 79, 74, 71), (72, 76, 72, 69), (76, 72, 69, 72),
            (77, 72, 69, 72), (74, 71, 74, 77), (79, 76, 72, 76), (74, 71, 67, 71)]
    notes = [Note(p, b * BAR + i * Q, Q, 90, 0) for b, bar in enumerate(tune * 2) for i, p in enumerate(bar)]
    score = Score(notes=notes, voices=[Voice("Flute", 73)])
    score.chords = [ChordSymbol(b * BAR, BAR, figures[b % 8]) for b in range(16)]
    hits = total = 0
    for variation in cowriter.generate(add_part(score, "bass", variations=4, seed=3)):
        for n in variation.notes:
            if n.generated and n.onset % BAR == 0:
                total += 1
                hits += n.pitch % 12 == bass[n.onset // BAR % 8]
    assert total >= 0.95 * 4 * 16
    assert hits >= 0.6 * total, f"the chord's bass note on {hits} of {total} downbeats"


def test_slash_bass_reads_the_written_bass_note():
    from composer.music.chords import slash_bass

    assert [slash_bass(f) for f in ("Eb/G", "D/F#", "Am7/G", "Bb7/Ab")] == [7, 6, 7, 8]
    assert [slash_bass(f) for f in ("C", "C/C", "N.C.", "H/X")] == [None, None, None, None]
