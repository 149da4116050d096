"""An inner voice written among parts that strike chords together completes their chords.

A chorale's alto filled beside its soprano, tenor and bass was written as a tune: above the
soprano, on a tone of none of the chords in 21-29 of 48 beats (QA qa31). In four-part writing each
chord is complete: root, third and fifth (and seventh) sound, the part written supplies the tone
the others lack, doubles the root where none is lacking, and seldom doubles the third (the leading
tone of a dominant); and the voices keep their order (Piston, *Harmony*, ch. 2-3, "Doubling",
"Spacing"). The model alone knows none of this at a beat's resolution (the chords the sampler
estimates are a bar's or a half bar's, and a chorale changes chord every beat).

chord_completion reads the chord at each onset where the other parts strike together (template
matching of what sounds there until their next onset: priors.span_chord) and gives the voice a
log-prior on the grid, in the shape of sampling.TargetVoice.doubled: the tones those parts lack
favoured, tones outside the chord disfavoured, and, where the voice's place among the parts is
known, pitches above the part above it or below the part below it disfavoured (no crossing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from composer.model import vocab as V
from composer.model.priors import chord_tones, span_chord

# Share of the other parts' onsets in the region at which two or more of them strike together
# for the texture to count as chords struck together (a chorale: every beat; a tune over a bass
# line: seldom).
HOMOPHONY_SHARE = 0.7
MIN_PARTS = 2  # other pitched parts it takes (a melody over one piano part is no inner voice)
COMPLETE_BONUS = 3.5  # nats for a tone of the chord that the other parts lack at an onset they strike
ROOT_BONUS = 1.0  # ... for the root, where they lack none (the usual doubling)
OUTSIDE_PENALTY = 4.0  # nats off a tone outside the chord at such an onset
PASSING_PENALTY = 1.0  # ... off one between their onsets (a passing tone: common, but not on every beat)
THIRD_PENALTY = 1.5  # ... off the third where they already sound it (a doubled third, a doubled leading tone)
CROSS_PENALTY = 6.0  # nats off a pitch above the part above or below the part below (sampling.UNISON_PENALTY)
UNISON_PENALTY = 2.0  # ... and off its pitch (a unison with a neighbour is a voice lost)
PARALLEL_PENALTY = 4.0  # nats off a move in parallel fifths or octaves with another part (Completion.parallels)
REST_PENALTY = 3.0  # nats off a next onset that leaves the voice silent under a chord the others strike (Completion.rests)
SPACING = 12  # semitones an upper voice keeps within of the part above it (soprano-alto, alto-tenor)
SPACING_PENALTY = 0.5  # nats a semitone beyond it


def homophonic(others: np.ndarray, start: int, end: int | None) -> bool:
    """Whether the other parts (note array rows: onset, duration, pitch, ..., voice; ticks) that
    sound in [start, end) are MIN_PARTS or more and strike together: two or more of them start at
    HOMOPHONY_SHARE or more of their onsets there."""
    inside = others[(others[:, 0] >= start) & ((others[:, 0] < end) if end is not None else True)]
    if len(np.unique(inside[:, 4])) < MIN_PARTS:
        return False
    pairs = np.unique(inside[:, [0, 4]], axis=0)  # (each part once at each onset)
    _, parts = np.unique(pairs[:, 0], return_counts=True)
    return bool(len(parts)) and float(np.mean(parts >= 2)) >= HOMOPHONY_SHARE


def neighbours(others: np.ndarray, voice: int, own: np.ndarray) -> tuple[int | None, int | None]:
    """The parts just above and just below the voice (score voice numbers; None: none): by the
    median pitch of its own notes where it has 8 or more, else by the score's order of parts where
    the others' medians fall with it (tracks written top-down, as choral scores are) and it lies
    between two of them (a part added after the others is no inner voice), else (None, None)."""
    parts = np.unique(others[:, 4]).tolist()
    medians = {p: float(np.median(others[others[:, 4] == p, 2])) for p in parts}
    if len(own) >= 8:
        mine = float(np.median(own[:, 2]))
        above = [p for p in parts if medians[p] > mine]
        below = [p for p in parts if medians[p] <= mine]
        return (min(above, key=medians.get) if above else None), (max(below, key=medians.get) if below else None)
    if [medians[p] for p in sorted(parts)] != sorted(medians.values(), reverse=True):
        return None, None
    above = [p for p in parts if p < voice]
    below = [p for p in parts if p > voice]
    return (max(above), min(below)) if above and below else (None, None)


@dataclass(frozen=True)
class Completion:
    """What chord_completion read: prior (first grid tick, (N_PITCH, span) float32 log-prior from
    the region's start on, sampling.TargetVoice.doubled's shape), and the chords the other parts
    strike: ticks (n,) grid ticks of their onsets, tones (n, 12) bool the chord's pitch classes
    there (all True where no chord was read)."""

    prior: tuple[int, np.ndarray]
    ticks: np.ndarray
    tones: np.ndarray
    # (parts, span) the pitch each other part sounds at each grid tick from prior's first (-1: none)
    parts: np.ndarray | None = None

    def parallels(self, last: int, since: int, onset: int, n_delta: int) -> np.ndarray:
        """(N_PITCH, n_delta) log-prior for the voice's next note at onset + delta after its last,
        `last` (MIDI) struck at grid tick `since`: -PARALLEL_PENALTY on each pitch that would move in
        a parallel fifth or octave (or unison) with another part that moves too (the rule of
        four-part writing; Piston, ch. 3)."""
        out = np.zeros((V.N_PITCH, n_delta))
        if self.parts is None or not 0 <= last < V.N_PITCH:
            return out
        first = self.prior[0]
        span = self.parts.shape[1]
        at = since - first
        if not 0 <= at < span:
            return out
        before = self.parts[:, at]
        pitches = np.arange(V.N_PITCH)
        for d in range(n_delta):
            i = onset + d - first
            if not 0 <= i < span:
                continue
            now = self.parts[:, i]
            for a, b in zip(before.tolist(), now.tolist()):
                # (the interval either way: taken as last - a mod 12, a fifth with the part above
                # read as a fourth, and a tenor moved in fifths under the alto, A3 Bb3 A3 under E4 F4 E4)
                interval = last - a
                if a < 0 or b < 0 or a == b or abs(interval) % 12 not in (0, 7):
                    continue
                moved = pitches - b
                parallel = (np.sign(moved) == np.sign(interval)) & (np.abs(moved) % 12 == abs(interval) % 12)
                out[:, d] -= np.where(parallel & (pitches != last), PARALLEL_PENALTY, 0.0)
        return out

    def rests(self, busy: int, onset: int, n_delta: int) -> np.ndarray:
        """(n_delta,) log-prior for the voice's next onset at onset + delta when its last note
        sounds until grid tick `busy`: -REST_PENALTY where it would be silent at an onset of the
        others, at or after `busy` and before its own (an inner voice sings through the chords
        the others strike: a chorale's alto filled over 8 bars had rested a beat 1-2 times a
        fill). Where the others all rest too (a phrase's end) it may rest with them."""
        out = np.zeros(n_delta)
        struck = self.ticks[(self.ticks >= busy) & (self.ticks < onset + n_delta)]
        if not len(struck) or self.parts is None:
            return out
        first = self.prior[0]
        for tick in struck.tolist():
            i = tick - first
            if 0 <= i < self.parts.shape[1] and (self.parts[:, i] >= 0).any():
                out[max(0, tick - onset + 1):] = -REST_PENALTY
                break
        return out

    def longest(self, pitch: int, onset: int) -> int | None:
        """The most grid units a note of `pitch` starting at grid tick `onset` may last: up to the
        next onset of the other parts whose chord it is not a tone of (held over it, a tone of the
        last chord sounds against the next: an alto's A held from D minor into G7); None: any."""
        later = (self.ticks > onset) & ~self.tones[:, pitch % 12]
        return int(self.ticks[later].min() - onset) if later.any() else None


def chord_completion(others: np.ndarray, voice: int, own: np.ndarray, start_g: int, end_g: int | None,
                     key_classes: frozenset[int] | None) -> Completion | None:
    """Completion (its prior: (first grid tick, (N_PITCH, span) float32 log-prior from the
    region's start on) for an inner line (a part above it and one below: neighbours) written among
    `others` (the other pitched parts' note array rows; ticks) where they strike chords together
    (homophonic), else None. At each of their onsets: +COMPLETE_BONUS on the
    chord's tones they lack there (+ROOT_BONUS on its root where they lack none), -THIRD_PENALTY on
    its third where they sound it, -OUTSIDE_PENALTY outside it (-PASSING_PENALTY until their next
    onset). At every grid tick: -CROSS_PENALTY
    above the sounding note of the part above (neighbours) or below that of the part below, and
    SPACING_PENALTY a semitone more than SPACING under the part above. own: the voice's notes
    outside the region (rows as others)."""
    start = start_g * V.TICKS_PER_GRID
    end = None if end_g is None else end_g * V.TICKS_PER_GRID
    if not len(others) or not homophonic(others, start, end):
        return None
    above, below = neighbours(others, voice, own)
    if above is None or below is None:  # (an inner voice only: a tune over chords is free to lean on them)
        return None
    horizon = int((others[:, 0] + others[:, 1]).max())
    if end is not None:
        horizon = min(horizon, end)
    span = -(-(horizon - start) // V.TICKS_PER_GRID)
    if span <= 0:
        return None
    grid = np.zeros((V.N_PITCH, span), dtype=np.float32)
    pitch_class = np.arange(V.N_PITCH) % 12
    ticks = np.unique(others[(others[:, 0] >= start) & (others[:, 0] < horizon), 0])
    bounds = np.r_[ticks[1:], horizon]
    ends = others[:, 0] + others[:, 1]
    table = np.ones((len(ticks), 12), dtype=bool)
    for k, (tick, until) in enumerate(zip(ticks.tolist(), bounds.tolist())):
        chord = span_chord(others[:, 0], others[:, 1], others[:, 2], tick, until - tick, key_classes)
        if chord is None:
            continue
        root, quality = chord
        tones = chord_tones(root, quality)
        if tones is None:
            continue
        table[k] = tones
        sounding = {int(p) % 12 for p in others[(others[:, 0] <= tick) & (ends > tick), 2]}
        lacking = [pc for pc in range(12) if tones[pc] and pc not in sounding]
        column = np.where(tones[pitch_class], 0.0, -OUTSIDE_PENALTY)
        if lacking:
            column = column + np.where(np.isin(pitch_class, lacking), COMPLETE_BONUS, 0.0)
        else:
            column = column + np.where(pitch_class == root, ROOT_BONUS, 0.0)
        third = next((pc for pc in ((root + 3) % 12, (root + 4) % 12) if tones[pc]), None)
        if third is not None and third in sounding:
            column = column - np.where(pitch_class == third, THIRD_PENALTY, 0.0)
        at, until_g = tick // V.TICKS_PER_GRID - start_g, min(-(-until // V.TICKS_PER_GRID) - start_g, span)
        grid[:, at] += column.astype(np.float32)
        grid[:, at + 1:until_g] -= np.where(tones[pitch_class], 0.0, PASSING_PENALTY).astype(np.float32)[:, None]
    def spans(part: int):
        """(first grid column, past the last, pitch) of each note of `part` sounding in the span."""
        notes = others[(others[:, 4] == part) & (ends > start) & (others[:, 0] < horizon)]
        for onset, length, pitch in zip(notes[:, 0].tolist(), notes[:, 1].tolist(), notes[:, 2].tolist()):
            a = max(onset // V.TICKS_PER_GRID - start_g, 0)
            b = min(-(-(onset + length) // V.TICKS_PER_GRID) - start_g, span)
            if b > a:
                yield a, b, pitch

    pitches = np.arange(V.N_PITCH)[:, None]
    for part, sign in ((above, 1), (below, -1)):
        for a, b, pitch in spans(part):
            crossing = (pitches > pitch) if sign > 0 else (pitches < pitch)
            cost = np.where(crossing, CROSS_PENALTY, 0.0) + np.where(pitches == pitch, UNISON_PENALTY, 0.0)
            if sign > 0:
                cost = cost + SPACING_PENALTY * np.clip(pitch - SPACING - pitches, 0, None)
            grid[:, a:b] -= cost.astype(np.float32)
    parts = -np.ones((len(np.unique(others[:, 4])), span), dtype=np.int64)
    for k, part in enumerate(np.unique(others[:, 4]).tolist()):
        for a, b, pitch in spans(part):
            parts[k, a:b] = np.maximum(parts[k, a:b], pitch)  # (a part's top where it plays a chord)
    return Completion((start_g, grid), ticks // V.TICKS_PER_GRID, table, parts)


def merged(*priors: tuple[int, np.ndarray] | None) -> tuple[int, np.ndarray] | None:
    """Grid log-priors in TargetVoice.doubled's shape (first grid tick, (N_PITCH, span)) added
    together over the union of their spans (None: none of them)."""
    given = [p for p in priors if p is not None]
    if len(given) <= 1:
        return given[0] if given else None
    first = min(f for f, _ in given)
    last = max(f + g.shape[1] for f, g in given)
    out = np.zeros((V.N_PITCH, last - first), dtype=np.float32)
    for f, g in given:
        out[:, f - first:f - first + g.shape[1]] += g
    return first, out
