"""Memory probe: does a model remember what the piece already said?

A random 16-note phrase (random pitches of the C major scale in C4-A5 and random eighth/quarter
durations from a fixed seed: not a tune of any corpus, so only memory of the piece predicts it) is
stated five times in a row. Seeded with the first statement, the repeats are scored one note at a
time given all earlier true notes (teacher forcing); the probe reports top-1 pitch accuracy on
them. Anything that remembers the piece gets ~100 %; a model of the style alone cannot (issue 12).
The transposed variant restates the phrase in other keys (the restatement's first note, which
picks the new key, cannot be known; `accuracy_within` leaves those notes out).

Used by the tests (with the shipped model) and by bench/.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

PROBE_SEED = 20260412
PHRASE_NOTES = 16
STATEMENTS = 5
TRANSPOSITIONS = (0, 5, -3, 7, 2)  # semitones of each statement in the transposed variant
_SCALE = np.array([60, 62, 64, 65, 67, 69, 71, 72, 74, 76, 77, 79, 81])


def repeated_phrase(*, statements: int = STATEMENTS, length: int = PHRASE_NOTES,
                    transpositions: Sequence[int] | None = None, seed: int = PROBE_SEED) -> np.ndarray:
    """The probe's notes, int (statements * length, 5): onset, duration, pitch, velocity, voice
    (score ticks, 480 per quarter; voice 0; velocity 80). transpositions: semitones per statement
    (None = all 0). Raises ValueError if their count differs from `statements`."""
    shifts = [0] * statements if transpositions is None else list(transpositions)
    if len(shifts) != statements:
        raise ValueError(f"{len(shifts)} transpositions for {statements} statements")
    rng = np.random.default_rng(seed)
    pitches = rng.choice(_SCALE, size=length)
    for i in range(1, length):  # no repeated note: each step must be recalled, not just held
        while pitches[i] == pitches[i - 1]:
            pitches[i] = rng.choice(_SCALE)
    durations = rng.choice([240, 480], size=length, p=[0.6, 0.4])
    rows, onset = [], 0
    for shift in shifts:
        for pitch, duration in zip(pitches, durations):
            rows.append((onset, int(duration), int(pitch) + shift, 80, 0))
            onset += int(duration)
    return np.array(rows, dtype=np.int64)


@dataclass
class ProbeResult:
    accuracy: float  # top-1 pitch accuracy over every note of the repeats
    accuracy_within: float  # the same without each repeat's first note
    notes: int


def memory_probe(checkpoint, *, transposed: bool = False, seed: int = PROBE_SEED,
                 scorer: Callable | None = None) -> ProbeResult:
    """Score the repeats of the probe phrase with `scorer` (default: the model's
    composer.model.scoring.score_region, called with the checkpoint, no style, no key, 4/4) and
    return the top-1 pitch accuracy. `scorer` must return per-note top-1 flags as
    "pitch_correct" (or "pitch_top1"), in time order."""
    if scorer is None:
        from composer.model.scoring import score_region as scorer
    notes = repeated_phrase(transpositions=TRANSPOSITIONS if transposed else None, seed=seed)
    result = scorer(checkpoint, notes, meters=np.array([[0, 4, 4]]), style=None, key=None, chords=None,
                    region_start=int(notes[PHRASE_NOTES, 0]), region_end=None, voices=(0,))
    hits = np.asarray(result.get("pitch_correct", result.get("pitch_top1")), dtype=bool)
    if len(hits) != len(notes) - PHRASE_NOTES:
        raise ValueError(f"the scorer returned {len(hits)} notes for {len(notes) - PHRASE_NOTES} repeat notes")
    within = np.ones(len(hits), dtype=bool)
    within[::PHRASE_NOTES] = False
    return ProbeResult(float(hits.mean()), float(hits[within].mean()), int(len(hits)))
