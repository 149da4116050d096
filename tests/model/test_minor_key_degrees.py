"""A minor key's sixth and seventh degrees come natural and raised, and a key lock detected from
the music allows each the piece plays: the notes around a fill's gap fitted natural A minor where
the piece's E major bars were in the gap, and the fills could play no G# (QA qa19 H1: 0 in 9
variations; the piece plays 11 G# and 9 G)."""

from __future__ import annotations

import numpy as np

from composer.model.region_writer import _minor_degrees
from composer.music import Note, Score, Voice
from composer.music.scales import Key
from composer.request import fill_request

Q, BAR = 480, 1920
# Am Dm E Am | F Dm E E | Am G C G | F Dm E Am: (root, third, fifth) of each bar's triad
TRIADS = {"Am": (57, 60, 64), "Dm": (50, 53, 57), "E": (52, 56, 59), "F": (53, 57, 60), "G": (55, 59, 62),
          "C": (48, 52, 55)}
PROGRESSION = "Am Dm E Am F Dm E E Am G C G F Dm E Am".split()


def minor_piece() -> Score:
    """A tune on each bar's chord tones over half-note triads and a root bass."""
    notes = []
    for b, name in enumerate(PROGRESSION):
        root, third, fifth = TRIADS[name]
        tune = [third + 12, fifth + 12, root + 24, fifth + 12] if b % 2 else [root + 24, third + 12, fifth + 12, third + 12]
        notes += [Note(p, b * BAR + i * Q, Q - 20, 85, 0) for i, p in enumerate(tune)]
        notes += [Note(p, b * BAR + h * 2 * Q, 2 * Q - 20, 65, 1) for h in (0, 1) for p in (root, third, fifth)]
        notes.append(Note(36 + (root - 36) % 12, b * BAR, BAR - 20, 75, 2))
    return Score(notes=notes, voices=[Voice("Flute", 73), Voice("Piano", 0), Voice("Bass", 33)])


def test_the_degrees_a_minor_piece_plays_are_allowed():
    a_minor = Key(9, "minor")
    notes = np.array([[0, 480, p, 80, 0] for p in [68, 68, 80, 66, 67, 69]])  # G# x3, F# once
    assert _minor_degrees(a_minor, notes) == {8}
    assert _minor_degrees(Key(9, "harmonic_minor"), notes) == frozenset()  # (its scale holds G#)
    assert _minor_degrees(Key(0, "major"), notes) == frozenset()


def test_a_fill_of_a_minor_piece_may_play_its_leading_note():
    score = minor_piece()
    gap = [n for n in score.notes if 4 * BAR <= n.onset < 8 * BAR]
    outside = [n for n in score.notes if not 4 * BAR <= n.onset < 8 * BAR]
    assert sum(n.pitch % 12 == 8 for n in gap) > 0 and sum(n.pitch % 12 == 7 for n in outside) > \
        sum(n.pitch % 12 == 8 for n in outside) > 0  # the G# of the gap's E bars; outside, more G

    from composer.generate import CoWriter

    cowriter = CoWriter.load(None)
    raised = 0
    for seed in (1, 2, 3):
        request = fill_request(score, 4 * BAR, 8 * BAR, variations=4, seed=seed)
        for variation in cowriter.generate(request):
            raised += sum(n.pitch % 12 == 8 for n in variation.notes if n.generated)
    # before: 0, the lock (natural A minor) forbidding it. The model itself leans to the relative
    # major's G here: 1 G# in 12 fills (the QA's piece: 8 in 24).
    assert raised >= 1, raised
