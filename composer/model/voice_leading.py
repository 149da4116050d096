"""Parallel fifths and octaves, kept out of a part whose context keeps them out.

A chorale moves its voices so that no two of them stay a perfect fifth or an octave (unison)
apart from one chord to the next (the rule of consecutive perfect intervals: Fux 1725; any
harmony text, e.g. Aldwell & Schachter, Harmony and Voice Leading, ch. 5). The model writes one
part at a time and each part's chords top-down, with no sense of the rule: a four-part hymn on two
staves, continued and filled, had 25 parallels in 32 new chords (QA qa27 H4). A pop pianist's
root-position triads move in parallel fifths all the time, so the rule is kept only where the
part's own context keeps it.

The pairs checked for a note being written: the voice's note of the same rank (top-down) in the
chord before against (a) each note already written above it in its own chord, and (b) the top and
the lowest note of the other parts sounding above it (a soprano and an alto written before a
lower staff), each at both chords' onsets. A pair that moves (both voices) and keeps a perfect
fifth or an octave, by pitch class, is a parallel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from composer.model import vocab as V
from composer.music.releases import TOGETHER, chord_groups

PERFECT = (0, 7)  # interval classes (semitones mod 12) of the perfect consonances kept apart
# A part keeps the rule where at most this share of its context's chord-to-chord moves make one
# (over at least MIN_MOVES): a chorale's are a few percent (the QA's hymn: its tenor and bass, one
# octave moved in 15 moves), root-position triads moving by step a third or more.
CONTEXT_SHARE = 0.12
MIN_MOVES = 8
PARALLEL_PENALTY = 8.0  # nats off a pitch that would make one
JOIN_PENALTY = 4.0  # ... moving from the context's last chord
# A line (a part of single notes) keeps the rule with the parts above where at least this share
# of its notes start with theirs (a chorale voice in its own track): a guitar's arpeggio in eighths
# under a tune of half notes is no chorale voice, and with the rule it had started its bars off the
# written chord's root.
HOMORHYTHM = 0.75
CONTEXT_NOTES = 256  # the part's last notes (and those around them) the share is read from


@dataclass(frozen=True)
class ParallelGuard:
    """For a part that keeps the rule: the other parts above it, from grid tick `start` on, as
    (span,) arrays of the highest and the lowest pitch of theirs sounding at each grid tick (-1:
    none)."""

    start: int
    top: np.ndarray
    low: np.ndarray
    # (grid onset, pitch) of the part's last chord before the region: the move into the region's
    # first chord is a move too (qa28: about half the parallels left were at the joins), at
    # JOIN_PENALTY
    before: tuple[tuple[int, int], ...] = ()

    def _above(self, tick: int) -> tuple[int, int]:
        i = tick - self.start
        if 0 <= i < len(self.top):
            return int(self.top[i]), int(self.low[i])
        return -1, -1

    def prior(self, mine: list[tuple[int, int]], onset: int, n_delta: int,
              roots: np.ndarray | None = None) -> np.ndarray:
        """(N_PITCH, n_delta) log-prior for the part's next note at onset + delta, given `mine`
        (grid onset, pitch) of its notes written so far in the region: -PARALLEL_PENALTY on each
        pitch that would move in a parallel fifth or octave with a note above it (see the module).
        At delta 0 the note goes under its notes at `onset`; later, it starts a new chord (its
        top), and where the part stands its chords on their roots (`roots`: (n_delta,) the root
        pitch class at each onset, 12 or more: none known), one that would make one with the bass
        to come: written top-down, a tenor doubling the root had left the bass no root but its
        octave (a hymn's lower staff: 14 of 18 parallels in its fills and continuations were the
        tenor's and the bass's). The move from the part's last chord before the region (`before`)
        into its first costs JOIN_PENALTY."""
        out = np.zeros((V.N_PITCH, n_delta))
        joined = self.before[0][0] if self.before else None  # (a move from there is the join)
        if self.before and not any(o < onset for o, _ in mine):
            mine = [*self.before, *mine]
        if not mine:
            return out
        pitches = np.arange(V.N_PITCH)
        earlier = [o for o, _ in mine if o < onset]
        # delta 0: a note under the part's notes at `onset`, against the chord before that
        if earlier:
            t0 = max(earlier)
            chord0 = sorted((p for o, p in mine if o == t0), reverse=True)
            here = sorted((p for o, p in mine if o == onset), reverse=True)
            p0 = chord0[min(len(here), len(chord0) - 1)]
            pairs = list(zip(chord0[:len(here)], here))
            pairs += [(q0, q) for q0, q in zip(self._above(t0), self._above(onset)) if q0 >= 0 and q >= 0]
            out[:, 0] = -(JOIN_PENALTY if t0 == joined else PARALLEL_PENALTY) * self._bad(pitches, p0, pairs)
        if n_delta < 2:
            return out
        # later: a new chord's top against the part's last chord (at `onset`, or before it)
        t0 = onset if any(o == onset for o, _ in mine) else max(earlier, default=None)
        if t0 is None:
            return out
        chord0 = sorted((p for o, p in mine if o == t0), reverse=True)
        p0 = chord0[0]
        ticks = onset + np.arange(1, n_delta) - self.start
        inside = (ticks >= 0) & (ticks < len(self.top))
        bad = np.zeros((V.N_PITCH, n_delta - 1), dtype=bool)
        for q0, column in zip(self._above(t0), (self.top, self.low)):
            q = np.where(inside, column[np.clip(ticks, 0, max(len(column) - 1, 0))] if len(column) else -1, -1)
            interval = (q0 - p0) % 12
            if q0 < 0 or interval not in PERFECT:
                continue
            moving = (q >= 0) & (q != q0)
            bad |= moving[None] & ((q[None] - pitches[:, None]) % 12 == interval) & (pitches[:, None] != p0)
        if roots is not None and len(chord0) > 1:
            bass0 = chord0[-1]  # (the bass to come is the root; it moves where the root does)
            interval = (p0 - bass0) % 12
            root = np.asarray(roots[1:n_delta])
            if interval in PERFECT:
                moving = (root < 12) & (root != bass0 % 12)
                bad |= moving[None] & ((pitches[:, None] - root[None]) % 12 == interval) & (pitches[:, None] != p0)
        out[:, 1:] = -(JOIN_PENALTY if t0 == joined else PARALLEL_PENALTY) * bad
        return out

    @staticmethod
    def _bad(pitches: np.ndarray, p0: int, pairs: list[tuple[int, int]]) -> np.ndarray:
        """(N_PITCH,) bool: the pitches that, moving from p0, keep a perfect interval with a
        voice moving from q0 to q, for any (q0, q) of `pairs`."""
        bad = np.zeros(len(pitches), dtype=bool)
        for q0, q in pairs:
            if q != q0 and (q0 - p0) % 12 in PERFECT:
                bad |= ((q - pitches) % 12 == (q0 - p0) % 12) & (pitches != p0)
        return bad
        onsets = sorted({o for o, _ in mine})
        pitches = np.arange(V.N_PITCH)
        for delta in range(n_delta):
            t = onset + delta
            here = sorted((p for o, p in mine if o == t), reverse=True) if delta == 0 else []
            before = [o for o in onsets if o < t]
            if not before:
                continue
            t0 = before[-1]
            chord0 = sorted((p for o, p in mine if o == t0), reverse=True)
            rank = len(here)
            p0 = chord0[min(rank, len(chord0) - 1)]
            pairs = list(zip(chord0[:rank], here))  # (q0, q): the notes above it in its chord
            for q0, q in zip(self._above(t0), self._above(t)):
                if q0 >= 0 and q >= 0:
                    pairs.append((q0, q))
            bad = np.zeros(V.N_PITCH, dtype=bool)
            for q0, q in pairs:
                if q == q0 or (q0 - p0) % 12 not in PERFECT:
                    continue
                bad |= ((q - pitches) % 12 == (q0 - p0) % 12) & (pitches != p0)
            if delta > 0 and roots is not None and roots[delta] < 12 and len(chord0) > 1:
                bass0 = chord0[-1]  # (the bass to come is the root; it moves where the root does)
                if (p0 - bass0) % 12 in PERFECT and roots[delta] != bass0 % 12:
                    bad |= ((pitches - roots[delta]) % 12 == (p0 - bass0) % 12) & (pitches != p0)
            out[bad, delta] = -PARALLEL_PENALTY
        return out


def _chords(notes: np.ndarray) -> list[tuple[int, list[int]]]:
    """Note array rows (onset, length, pitch, ...; ticks; sorted by onset) -> (onset tick,
    pitches top-down) per chord (composer.music.releases.chord_groups: played chords too)."""
    onsets, pitches = notes[:, 0].tolist(), notes[:, 2].tolist()
    return [(onsets[group[0]], sorted((pitches[i] for i in group), reverse=True)) for group in chord_groups(onsets)]


def _parallels(chord0: list[int], chord1: list[int], above0: tuple[int, int], above1: tuple[int, int]) -> bool:
    """Whether moving from chord0 to chord1 (pitches top-down) makes a parallel fifth or octave
    between two of its ranks, or between a rank and a note above it (above: top and lowest of
    the parts above, -1 none)."""
    ranks = min(len(chord0), len(chord1))
    pairs = [((chord0[i], chord1[i]), (chord0[j], chord1[j])) for i in range(ranks) for j in range(i + 1, ranks)]
    pairs += [((q0, q1), (chord0[i], chord1[i])) for q0, q1 in zip(above0, above1) if q0 >= 0 and q1 >= 0
              for i in range(ranks)]
    return any(a0 != a1 and b0 != b1 and (a0 - b0) % 12 in PERFECT and (a0 - b0) % 12 == (a1 - b1) % 12
               for (a0, a1), (b0, b1) in pairs)


def _sounding_above(others: np.ndarray, ticks: np.ndarray, floor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The highest and lowest pitch of `others` (note array rows; ticks) sounding at each of
    `ticks` above floor (per tick; -1 where none)."""
    starts, ends, pitches = others[:, 0][None], (others[:, 0] + others[:, 1])[None], others[:, 2][None]
    sounding = (starts <= ticks[:, None]) & (ticks[:, None] < ends) & (pitches > floor[:, None])
    top = np.where(sounding, pitches, -1).max(1, initial=-1)
    low = np.where(sounding, pitches, V.N_PITCH).min(1, initial=V.N_PITCH)
    return top, np.where(low == V.N_PITCH, -1, low)


def parallel_guard_of(own: np.ndarray, pitched: np.ndarray, voice: int, start_g: int, end_g: int | None,
                      ) -> ParallelGuard | None:
    """The ParallelGuard of a part (own: its context's note array rows, onset, length, pitch, ...,
    voice; ticks) among the score's pitched notes (`pitched`, the same rows), for a region from
    grid tick start_g to end_g (None: open; the parts above are known up to their last note), or
    None where its context does not keep the rule (CONTEXT_SHARE) or is too short to tell."""
    if len(own) < 2:
        return None
    own = own[np.argsort(own[:, 0], kind="stable")][-CONTEXT_NOTES:]
    others = pitched[pitched[:, 4] != voice]
    chords = _chords(own)
    if len(chords) - 1 < MIN_MOVES:
        return None
    if max(len(p) for _, p in chords) < 2 and len(others) and np.mean(
            [np.any(np.abs(others[:, 0] - onset) <= TOGETHER) for onset, _ in chords]) < HOMORHYTHM:
        return None  # (a line moving on its own: an arpeggio's notes are no chorale voice's)
    ticks = np.array([onset for onset, _ in chords]) + 2 * TOGETHER  # (the parts above may be played a little later)
    lowest = np.array([min(p) for _, p in chords])
    top, low = _sounding_above(others, ticks, lowest) if len(others) else (np.full(len(ticks), -1),) * 2
    moves = [_parallels(c0, c1, (int(top[i]), int(low[i])), (int(top[i + 1]), int(low[i + 1])))
             for i, ((_, c0), (_, c1)) in enumerate(zip(chords, chords[1:]))]
    if np.mean(moves) > CONTEXT_SHARE:
        return None
    last = end_g if end_g is not None else max(
        start_g, int(-(-(others[:, 0] + others[:, 1]).max() // V.TICKS_PER_GRID)) if len(others) else start_g)
    earlier = [(onset, pitches) for onset, pitches in chords if onset < start_g * V.TICKS_PER_GRID]
    first = start_g
    before: tuple[tuple[int, int], ...] = ()
    if earlier:
        onset, pitches = earlier[-1]
        first = min(start_g, int(round(onset / V.TICKS_PER_GRID)))
        before = tuple((first, int(p)) for p in pitches)
    span = np.arange(first, max(last, start_g)) * V.TICKS_PER_GRID
    floor = np.full(len(span), int(np.median(own[:, 2])))  # (the parts above the part's middle)
    top, low = _sounding_above(others, span, floor) if len(others) and len(span) else \
        (np.full(len(span), -1), np.full(len(span), -1))
    if max(len(p) for _, p in chords) < 2 and not (top >= 0).any():
        return None  # (a line with no part above it in the region: nothing to keep apart from)
    return ParallelGuard(first, top.astype(np.int64), low.astype(np.int64), before)
