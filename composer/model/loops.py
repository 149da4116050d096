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

PERIODS = range(1, 9)  # cycle lengths guarded, in notes


def most_repeats(period: int) -> int:
    """How many statements in a row a cycle of `period` notes may make: four (issue 12's rule for
    4-note cycles), 12 notes' worth of a 2-note cycle (a trill) and 8 repeated notes (16 of one
    pitch in a row, as sampled melodies did, is a stuck note)."""
    return 8 if period == 1 else max(4, -(-12 // period))


def longest_cycle_run(pitches: Sequence[int], period: int = 4) -> int:
    """The most times in a row a `period`-note cycle is stated in `pitches` (1 = never repeated)."""
    pitches = list(pitches)
    best = 1
    for start in range(len(pitches) - period):
        runs, i = 1, start + period
        while i + period <= len(pitches) and pitches[i:i + period] == pitches[start:start + period]:
            runs, i = runs + 1, i + period
        best = max(best, runs)
    return best


def allowed_periods(seed: Sequence[int]) -> frozenset[int]:
    """Cycle lengths the seed itself loops in beyond most_repeats: the guard leaves those alone."""
    return frozenset(p for p in PERIODS if longest_cycle_run(seed, p) > most_repeats(p))


def loop_bans(pitches: Sequence[int], exempt: frozenset[int] = frozenset()) -> set[int]:
    """Pitches that, written next after `pitches` (the voice's line so far, seed included), would
    state some cycle of a guarded period (not in `exempt`) more times in a row than allowed."""
    banned = set()
    for period in PERIODS:
        if period in exempt:
            continue
        need = period * (most_repeats(period) + 1) - 1  # notes before the one that would break the rule
        if len(pitches) < need:
            continue
        tail = list(pitches[-need:])
        if all(tail[i] == tail[i - period] for i in range(period, need)):
            banned.add(tail[need - period])
    return banned
