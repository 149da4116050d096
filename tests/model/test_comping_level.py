"""An added harmony (comping) part sits under the tune (composer.model.dynamics, COMPING_SHARE):
Add part > Harmony under a tune alone played its chords at the tune's own level (every chord note
at the tune's velocity, QA), as loud as the melody it accompanies. Now one dynamic marking softer
(the tune's level times 0.8), bar by bar as the tune's dynamics change; where other accompanying
parts (a bass) play, at their level."""

from __future__ import annotations

import statistics

import numpy as np

from composer.model.dynamics import follow_dynamics
from composer.music import Note, Score, Voice
from composer.request import add_part

Q = 480
BAR = 4 * Q
TUNE = [67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 69, 71, 67, 62, 67] * 2  # 8 bars of quarters
METERS = np.array([[0, 4, 4]])


def tune(soft: int = 50, loud: int = 100) -> list[Note]:
    """8 bars of quarter notes in voice 0: 4 bars at `soft`, 4 at `loud`."""
    return [Note(p, i * Q, Q - 20, soft if i < 16 else loud, 0) for i, p in enumerate(TUNE)]


def chords(voice: int, bars: range) -> list[Note]:
    return [Note(p, b * BAR + h * 2 * Q, 2 * Q, 75, voice, True) for b in bars for h in range(2) for p in (55, 59, 62)]


def test_a_new_comping_part_plays_under_the_tune_bar_by_bar():
    out = follow_dynamics(chords(1, range(8)), tune(), start=0, end=None, meters=METERS,
                          roles=["melody", "harmony"])
    by_bar = [statistics.median(n.velocity for n in out if n.onset // BAR == b) for b in range(8)]
    assert by_bar == [40] * 4 + [80] * 4  # 50 and 100 times 0.8: the tune's dynamics, a marking softer
    # Without the roles (an added counter-melody, bass or drums: a part of its own) the kind's level, as before.
    plain = follow_dynamics(chords(1, range(8)), tune(), start=0, end=None, meters=METERS)
    assert {n.velocity for n in plain} == {50, 100}


def test_a_new_comping_part_plays_at_the_level_of_the_accompaniment_where_there_is_some():
    bass = [Note(43, b * BAR, BAR, 64, 1) for b in range(4, 8)]  # a bass in bars 5-8 only, at 64
    out = follow_dynamics(chords(2, range(8)), tune(90, 90) + bass, start=0, end=None, meters=METERS,
                          roles=["melody", "bass", "harmony"])
    assert {n.velocity for n in out if n.onset < 4 * BAR} == {72}  # no accompaniment: under the tune
    assert {n.velocity for n in out if n.onset >= 4 * BAR} == {64}  # beside the bass, at its level


def test_the_level_stays_a_midi_velocity():
    loud = follow_dynamics(chords(1, range(8)), tune(127, 127), start=0, end=None, meters=METERS,
                           roles=["melody", "harmony"])
    soft = follow_dynamics(chords(1, range(8)), tune(1, 1), start=0, end=None, meters=METERS,
                           roles=["melody", "harmony"])
    assert {n.velocity for n in loud} == {102} and {n.velocity for n in soft} == {1}


def test_add_part_harmony_comps_under_the_tune(cowriter):
    score = Score(notes=tune(), voices=[Voice("Flute", 73)])
    for variation in cowriter.generate(add_part(score, "harmony", variations=2, seed=3)):
        new = [n for n in variation.notes if n.generated]
        soft = [n.velocity for n in new if n.onset < 4 * BAR]
        loud = [n.velocity for n in new if n.onset >= 4 * BAR]
        assert len(soft) >= 12 and len(loud) >= 12
        assert statistics.median(soft) == 40 and statistics.median(loud) == 80


def test_add_part_harmony_beside_a_bass_takes_the_bass_level(cowriter):
    bass = [Note(43 if b % 2 == 0 else 38, b * BAR, BAR, 60, 1) for b in range(8)]
    score = Score(notes=tune(90, 90) + bass, voices=[Voice("Flute", 73), Voice("Bass", 33)])
    (variation,) = cowriter.generate(add_part(score, "harmony", seed=3))
    new = [n for n in variation.notes if n.generated]
    assert len(new) >= 24 and {n.velocity for n in new} == {60}
