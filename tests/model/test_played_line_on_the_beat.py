"""A played (unquantised) line is continued near the beats it was played on, with the player's
share of notes on them: a keyboard player's eighth-note take (onsets 12 ticks from the beat at the
median) was continued a third of a beat late throughout (a median 80 ticks off; QA), the
continuation starting at its last, late note and the eighths going on from there. Unit tests and
the shipped model on a take the test writes."""

from __future__ import annotations

import random

import numpy as np

from composer.model.priors import near_grid, on_beat_pull, played_grid
from composer.music import Note, Score, Voice
from composer.request import continue_request

Q = 480
EIGHTH = Q // 2


def test_a_played_line_near_eighths_keeps_to_them():
    rng = np.random.default_rng(0)
    # grid units since the bar line, a unit off the beat a third of the time (+-25 ticks, rounded)
    eighths = np.arange(32) * 6 + rng.choice([-1, 0, 0, 0, 1], 32)
    assert played_grid(eighths) == 6
    assert played_grid(np.arange(32) * 6 + 3) is None  # off-beat sixteenths: no grid it keeps to
    assert played_grid(np.arange(32) * 6 + rng.choice([-1, 1], 32)) is None  # never on it
    assert played_grid(np.arange(7) * 6) is None  # too few notes to say
    assert near_grid(np.array([0, 1, 2, 5, 6, 11]), 6).tolist() == [True, True, False, True, True, True]
    assert on_beat_pull(np.r_[np.zeros(8, int), [1, 5]], 6) > on_beat_pull(np.r_[np.zeros(2, int), [1, 5] * 4], 6) == 0


def take(seed: int = 3) -> Score:
    """64 eighths in C major at 100 bpm, each onset moved by up to 25 ticks: a player's take."""
    rng = random.Random(seed)
    scale = [60, 62, 64, 65, 67, 69, 71, 72]
    notes = [Note(rng.choice(scale), max(0, i * EIGHTH + rng.randint(-25, 25)), rng.randint(170, 230),
                  rng.randint(60, 100), 0) for i in range(64)]
    return Score(notes=notes, voices=[Voice("Played", 0)])


def test_a_played_take_is_continued_on_the_beat(cowriter):
    score = take()
    end = max(n.onset for n in score.notes)
    for v in cowriter.generate(continue_request(score, bars=4, variations=2, seed=1)):
        onsets = np.array([n.onset for n in v.notes if n.generated and n.onset > end])
        off = np.abs((onsets + EIGHTH // 2) % EIGHTH - EIGHTH // 2)
        assert len(onsets) >= 8
        assert off.max() <= 40 and np.median(off) <= 20, off  # (a median 80 ticks off before)
