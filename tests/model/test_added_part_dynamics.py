"""A part added under a whole piece follows the others' dynamics as they change (composer.model.
dynamics, a new part: the level of the notes of its kind nearest each new note).

Found by QA: `composer accompany song.mid --part counter` on a tune that starts p (velocity 40)
and turns ff (110) at bar 5 wrote all 21 counter-melody notes at 40, the level of the notes before
the region, which for a part added from the first bar line is the pickup alone."""

from __future__ import annotations

import statistics

import numpy as np

from composer.model.dynamics import follow_dynamics
from composer.music import Note, Score, Voice
from composer.music.meter import MeterChange
from composer.request import add_part

Q = 480
BAR = 4 * Q
TUNE = [71, 74, 72, 69, 67, 71, 74, 79]
PICKUP = MeterChange(-3 * Q, 4, 4)  # a one-beat pickup: the first full bar starts at Q
METERS = np.array([[PICKUP.tick, 4, 4]])


def tune(soft: int = 40, loud: int = 110) -> list[Note]:
    """A one-beat pickup, then 4 bars of quarter notes at `soft` and 4 at `loud` (voice 0)."""
    notes = [Note(62, 0, Q, soft)]
    for beat in range(32):
        notes.append(Note(TUNE[beat % 8], Q + beat * Q, Q - 20, soft if beat < 16 else loud))
    return notes


def test_a_new_part_follows_the_level_around_each_note():
    bass = [Note(43, Q + bar * BAR, 2 * Q, 75, 1, generated=True) for bar in range(8)]
    out = follow_dynamics(bass, tune(), start=Q, end=None, meters=METERS)
    assert [n.velocity for n in out] == [40] * 4 + [110] * 4
    # dynamics change at the bar line: the last beat of the p bars is p, the ff bar's first beat ff
    edge = [Note(43, Q + 15 * Q, Q, 75, 1), Note(43, Q + 16 * Q, Q, 75, 1)]
    assert [n.velocity for n in follow_dynamics(edge, tune(), start=Q, end=None, meters=METERS)] == [40, 110]


def test_an_added_bass_is_soft_under_the_soft_bars_and_loud_under_the_loud(cowriter):
    score = Score(notes=tune(), voices=[Voice("Flute", 73)], meters=[PICKUP])
    for variation in cowriter.generate(add_part(score, "bass", variations=2, seed=4)):
        new = [n for n in variation.notes if n.generated]
        soft = [n.velocity for n in new if n.onset < Q + 4 * BAR]
        loud = [n.velocity for n in new if n.onset >= Q + 4 * BAR + BAR // 2]
        assert soft and loud, "the bass was not written under both halves"
        assert statistics.median(soft) <= 50, soft
        assert statistics.median(loud) >= 100, loud
