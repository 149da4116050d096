"""Loop guard: sampled lines must not fall into a short cycle the seed does not have.

A model that copies from its own history (composer.model.network's match-length memory) can talk
itself into a loop: once a few notes have come round twice, the longest match says "again". A
musician hears a stuck record. The guard is a hard constraint at sampling, as the key lock is:
the one pitch that would state a `period`-note cycle more often in a row than `most_repeats`
allows gets probability zero, unless the voice's own context (the seed) already holds such a run
(an ostinato, an Alberti bass, a drone: then looping is the style).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

PERIODS = range(1, 9)  # cycle lengths guarded, in notes
# Longer figures, up to six bars of eighths: a long continuation could copy a 12- or 25-note
# figure of its own for 150 notes in a row (QA: 157 of 200 notes one 2-bar figure; with
# nothing in the seed to restate, the model's memory of what it wrote itself says "again"); a
# 36-note phrase then came four times (up to 32 notes guarded; QA).
LONG_PERIODS = range(9, 49)


def most_repeats(period: int) -> int:
    """How many statements in a row a cycle of `period` notes may make: four (issue 12's rule for
    4-note cycles), 12 notes' worth of a 2-note cycle (a trill) and 8 repeated notes (16 of one
    pitch in a row, as sampled melodies did, is a stuck note); a figure longer than 8 notes three
    (a phrase stated a third time is a refrain; a fourth, and 100 of 200 notes were one figure)."""
    if period > PERIODS[-1]:
        return 3
    return 8 if period == 1 else max(4, -(-12 // period))


# Notes of one pitch in a row a line may write beyond its context's longest run: 8 let a 7/8 tune
# continue with 8 G4s, a 1-note seed with 7 D5s (QA F5). Melodies of the training split (seed the
# first 16 notes, the next 64): the people run longer than max(6, the seed's run + 1) in 2.0 % of
# 2748 pieces (1.1 % for 8 or more); the model, capped at 8, in 4.4 % of 294 validation
# continuations, 10 of its 13 runs stopped by the cap at exactly 8 (people reach 8: 1.1 %).
REPEAT_FLOOR = 6


def repeat_limit(context: Sequence[int]) -> int:
    """Notes of one pitch in a row a voice may write after `context` (its pitches in order):
    max(REPEAT_FLOOR, its longest run + 1); a context that repeats a pitch more than
    most_repeats(1) is exempt anyway (allowed_periods)."""
    return max(REPEAT_FLOOR, longest_cycle_run(context, 1) + 1 if len(context) else 0)


def longest_cycle_run(pitches: Sequence[int], period: int = 4) -> int:
    """The most times in a row a `period`-note cycle is stated in `pitches` (1 = never repeated)."""
    line = np.asarray(pitches)
    if len(line) <= period:
        return 1
    # k statements in a row <=> (k - 1) * period notes in a row equal to the note a period before
    same = np.r_[False, line[period:] == line[:-period], False]
    edges = np.flatnonzero(np.diff(same.astype(np.int8)))
    longest = int((edges[1::2] - edges[::2]).max()) if len(edges) else 0
    return 1 + longest // period


def allowed_periods(seed: Sequence[int]) -> frozenset[int]:
    """Cycle lengths the seed itself loops in beyond most_repeats (a figure longer than 8 notes:
    as often; the piece's own refrain, which may come once more): the guard leaves those alone."""
    def loops(p: int) -> bool:
        runs = longest_cycle_run(seed, p)
        return runs > most_repeats(p) or (p > PERIODS[-1] and runs >= most_repeats(p))
    return frozenset(p for p in (*PERIODS, *LONG_PERIODS) if len(seed) >= p * 2 and loops(p))


def loop_bans(pitches: Sequence[int], exempt: frozenset[int] = frozenset(), repeats: int | None = None) -> set[int]:
    """Pitches that, written next after `pitches` (the voice's line so far, seed included), would
    state some cycle of a guarded period (not in `exempt`) more times in a row than allowed;
    repeats: notes of one pitch in a row allowed (repeat_limit; None: most_repeats(1))."""
    banned = set()
    for period in PERIODS:
        if period in exempt:
            continue
        most = repeats if period == 1 and repeats is not None else most_repeats(period)
        need = period * (most + 1) - 1  # notes before the one that would break the rule
        if len(pitches) < need:
            continue
        tail = list(pitches[-need:])
        if all(tail[i] == tail[i - period] for i in range(period, need)):
            banned.add(tail[need - period])
    line, last = None, pitches[-1] if len(pitches) else None
    for period in LONG_PERIODS:  # (the same rule, in one array comparison each)
        need = period * (most_repeats(period) + 1) - 1
        if len(pitches) < need:
            break
        if period in exempt or pitches[-1 - period] != last:  # (most periods fail at the last note)
            continue
        if line is None:
            line = np.asarray(pitches[-(LONG_PERIODS[-1] * (most_repeats(LONG_PERIODS[-1]) + 1)):])
        tail = line[-need:]
        if np.array_equal(tail[period:], tail[:-period]):
            banned.add(int(tail[need - period]))
    return banned
