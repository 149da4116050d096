"""Chords for a fill or continuation planned from the piece's own harmony: a short-term model of
its chord progression, as the PPM's short-term model is of its notes (Pearce 2005).

Where no chords are written or given and no loop or part around leads the harmony, the parts
the co-writer wrote took their harmony from the model alone, which copies the chord it last
heard: a hymn refilled held A minor for 4 bars where it moves C F G C (QA qa19 M4), a chordal
part alone kept one chord for all 4 new bars in 9 of 54 outputs (qa19 M7), and an A-minor fill
drifted to C major and lost the piece's E major (qa20 3). Here the context's chords (one triad
a bar, priors.estimate_chords) give first-order transition counts (a bar's chord -> the next
bar's), smoothed toward the context's chord frequencies; each variation samples its own path
from the chord before the region, and in a fill toward the chord after it (the path's last
transition into that chord weighs in: backward messages, as in sampling a Markov chain with a
fixed end). The plan steers the sampler's chord priors only; the model is not told it.
"""

from __future__ import annotations

import numpy as np

from composer.model.encoding import bar_positions
from composer.model.priors import chord_tones, estimate_chords

# Context bars with a chord a plan is learnt from: from 4 (3 moves) the smoothing drew as often as
# the piece's own moves, and a left hand continued after G | C | D | G stood on the chord's third or
# fifth in half its bars (the model alone: 47 of 48 rooted)
PLAN_MIN_BARS = 8
PLAN_CHANGE = 0.5  # share of the context's bar lines that change chord, for the harmony to be planned
# Share of the context's sounding time (median over its bars) on its bar triads' tones: a piece of
# seventh chords (about 0.75) or of two chords a bar (about 0.6) is more than one triad a bar, and a
# plan of one had dropped a jazz piece's sevenths and halved a piece's harmonic rhythm (QA qa21 M4,
# M5); the QA's hymns, pop songs, waltzes and minor pieces read 0.9-1.0
PLAN_FIT = 0.8
# (a piece of seventh chords is read again with seventh chords, and planned where those fit: a jazz
# pianist's shells on a ii-V-I, 0.75 on triads, 1.0 on sevenths)
PLAN_SMOOTHING = 0.5  # pseudo-count per row, spread over the context's chords by their frequency
PLAN_AHEAD = 64  # bars planned ahead of an open continuation


def _runs(rows: np.ndarray) -> list[list[tuple[int, int]]]:
    """Chord rows (onset, duration, root, quality) -> runs of consecutive bars' (root, quality)."""
    runs: list[list[tuple[int, int]]] = []
    end = None
    for onset, duration, root, quality in rows.tolist():
        if end is None or onset != end:
            runs.append([])
        runs[-1].append((root, quality))
        end = onset + duration
    return runs


def changes_by_bar(rows: np.ndarray) -> float:
    """Share of consecutive bars (chord rows) whose chord is not the bar before's (0 for none)."""
    pairs = [(a, b) for run in _runs(rows) for a, b in zip(run, run[1:])]
    return float(np.mean([a != b for a, b in pairs])) if pairs else 0.0


def chord_fit(rows: np.ndarray, onsets: np.ndarray, durations: np.ndarray, pitches: np.ndarray) -> float:
    """Median over the chord rows (onset, duration, root, quality; ticks) of the share of the
    notes' sounding time in the row's span (onsets, durations: ticks; pitches: MIDI) that falls on
    the row's chord tones (0 for no rows)."""
    shares = []
    ends = onsets + durations
    for onset, length, root, quality in rows.tolist():
        overlap = np.clip(np.minimum(ends, onset + length) - np.maximum(onsets, onset), 0, None)
        total = overlap.sum()
        if total <= 0:
            continue
        tones = chord_tones(root, quality)
        if tones is None:
            continue
        shares.append(overlap[tones[pitches % 12]].sum() / total)
    return float(np.median(shares)) if shares else 0.0


def in_sevenths(onsets: np.ndarray, durations: np.ndarray, pitches: np.ndarray, meters: np.ndarray | None,
                key_classes: frozenset[int] | None = None) -> bool:
    """Whether the notes' harmony is one seventh chord a bar rather than one triad (onsets,
    durations: ticks; pitches: MIDI): triads (priors.estimate_chords) cover less than PLAN_FIT of
    their sounding time (chord_fit) and seventh chords at least that. A jazz pianist's shells on a
    ii-V-I fit 0.75 on triads, 1.0 on sevenths; read as triads, a left hand continued or filled
    beside them played F and C major for Dm7 and G7."""
    rows = estimate_chords(onsets, durations, pitches, meters, key_classes)
    if chord_fit(rows, onsets, durations, pitches) >= PLAN_FIT:
        return False
    sevenths = estimate_chords(onsets, durations, pitches, meters, key_classes, sevenths=True)
    return chord_fit(sevenths, onsets, durations, pitches) >= PLAN_FIT


def in_halves(onsets: np.ndarray, durations: np.ndarray, pitches: np.ndarray, meters: np.ndarray | None,
              key_classes: frozenset[int] | None = None, sevenths: bool = False) -> bool:
    """Whether the notes' harmony is two chords a bar rather than one (onsets, durations: ticks;
    pitches: MIDI): one chord a bar (priors.estimate_chords) covers less than PLAN_FIT of their
    sounding time (chord_fit), one a half bar at least that, and PLAN_CHANGE or more of the bars
    read by halves change chord at the half. A left hand of C F | G C | Am Dm | G7 C fits 0.67
    one a bar, 1.0 by halves; read one a bar, it had been continued as C | G | Am | Em, every
    bar's second chord lost (and a hymn of a chord a beat is read closer by halves than by bars)."""
    rows = estimate_chords(onsets, durations, pitches, meters, key_classes, sevenths=sevenths)
    if chord_fit(rows, onsets, durations, pitches) >= PLAN_FIT:
        return False
    halves = estimate_chords(onsets, durations, pitches, meters, key_classes, sevenths=sevenths, halves=True)
    split = len(halves) - len(rows)  # (a bar read by halves is two rows where it changes at the half)
    return split >= PLAN_CHANGE * len(rows) and chord_fit(halves, onsets, durations, pitches) >= PLAN_FIT


def split_halves(rows: np.ndarray, meters: np.ndarray | None) -> np.ndarray:
    """Chord rows (onset, duration, root, quality; ticks) with each row that spans a whole bar of
    an even meter (2/4, 4/4, 6/8, 12/8) split into its two halves, the same chord in both: the
    units of a plan of two chords a bar."""
    if not len(rows):
        return rows
    since, length = bar_positions(rows[:, 0], meters)
    table = np.asarray(meters if meters is not None and len(meters) else [(0, 4, 4)], dtype=np.int64).reshape(-1, 3)
    numerators = table[np.clip(np.searchsorted(table[:, 0], rows[:, 0], side="right") - 1, 0, len(table) - 1), 1]
    whole = (since == 0) & (rows[:, 1] == length) & (numerators % 2 == 0) & (length % 2 == 0)
    out = []
    for row, split in zip(rows.tolist(), whole.tolist()):
        if split:
            half = row[1] // 2
            out += [(row[0], half, row[2], row[3]), (row[0] + half, half, row[2], row[3])]
        else:
            out.append(tuple(row))
    return np.array(out, dtype=np.int64).reshape(-1, 4)


class ProgressionModel:
    """First-order chord transitions of a piece's context (chord rows before and after a region,
    (K, 4) onset, duration, root, quality; ticks)."""

    def __init__(self, rows: np.ndarray):
        runs = _runs(rows)
        self.states = sorted({chord for run in runs for chord in run})
        index = {chord: i for i, chord in enumerate(self.states)}
        n = len(self.states)
        counts = np.zeros((n, n))
        unigram = np.zeros(n)
        for run in runs:
            for chord in run:
                unigram[index[chord]] += 1
            for a, b in zip(run, run[1:]):
                counts[index[a], index[b]] += 1
        unigram /= max(1.0, unigram.sum())
        self.transitions = (counts + PLAN_SMOOTHING * unigram[None, :]) / (counts.sum(1, keepdims=True) + PLAN_SMOOTHING)
        self._index = index

    def sample(self, before: tuple[int, int] | None, bars: int, after: tuple[int, int] | None,
               rng: np.random.Generator) -> list[tuple[int, int]]:
        """`bars` chords (root, quality) following `before` (None: by the context's frequencies)
        and, where `after` is one of the context's chords, leading into it."""
        n = len(self.states)
        beta = np.ones((bars + 1, n))
        if after in self._index:
            beta[bars] = self.transitions[:, self._index[after]]
            for k in range(bars - 1, 0, -1):
                beta[k] = self.transitions @ beta[k + 1]
                beta[k] /= beta[k].sum()
        start = self.transitions[self._index[before]] if before in self._index else \
            self.transitions.mean(0)
        path = []
        weights = start
        for k in range(1, bars + 1):
            p = weights * beta[k]
            choice = int(rng.choice(n, p=p / p.sum()))
            path.append(self.states[choice])
            weights = self.transitions[choice]
        return path


def planned_progression(context: np.ndarray, meters: np.ndarray | None, start: int, end: int | None,
                        variations: int, seed: int, first_variation: int = 0,
                        last: tuple[int, int] | None = None, halves: bool = False) -> list[np.ndarray] | None:
    """Per variation, chord rows (onset, duration, root, quality; ticks) for the bars from `start`
    to `end` (None: PLAN_AHEAD bars), sampled from the ProgressionModel of `context` (chord rows
    of the piece around the region, one a bar; with halves, one a half bar in bars of an even
    meter: split_halves); the bar the region starts in keeps its context
    chord where it begins before `start`. None where the context has fewer than PLAN_MIN_BARS
    chords or changes chord at fewer than PLAN_CHANGE of its bar lines (a drone, a vamp: the
    model's own choice stands). Variation i draws from seed (seed, first_variation + i). last:
    the chord (root, quality) of the region's last bar where it ends the piece, which the bars
    before lead into."""
    context = context[np.argsort(context[:, 0], kind="stable")] if len(context) else context
    if halves:
        context = split_halves(context, meters)
    if len(context) < PLAN_MIN_BARS or changes_by_bar(context) < PLAN_CHANGE:
        return None
    since, length = bar_positions(np.array([start], dtype=np.int64), meters)
    bar = start - int(since[0])
    bars: list[tuple[int, int]] = []  # (onset, length) of the planned bars
    while (end is None and len(bars) < PLAN_AHEAD) or (end is not None and bar < end):
        length = int(bar_positions(np.array([bar], dtype=np.int64), meters)[1][0])
        bars.append((bar, length))
        bar += length
    if not bars:
        return None
    if halves:  # (the units planned: half bars where the meter has them)
        bars = [(int(o), int(n)) for o, n, _, _ in split_halves(
            np.array([(o, n, 0, 0) for o, n in bars], dtype=np.int64), meters).tolist()]
        if bars[0][0] + bars[0][1] <= start:  # (a region from the half bar: the first half is the context's)
            bars = bars[1:]
    earlier = context[context[:, 0] < bars[0][0] + (bars[0][1] if bars[0][0] < start else 0)]
    later = context[context[:, 0] >= bar] if end is not None else context[:0]
    kept = earlier[-1] if len(earlier) and earlier[-1, 0] == bars[0][0] else None  # the bar begun before
    before = tuple(earlier[-1, 2:4].tolist()) if len(earlier) else None
    after = tuple(later[0, 2:4].tolist()) if len(later) and later[0, 0] == bar else None
    todo = bars[1:] if kept is not None else bars
    if last is not None and todo:
        todo, after = todo[:-1], last
    model = ProgressionModel(context)
    plans = []
    for v in range(variations):
        rng = np.random.default_rng([seed & 0xFFFFFFFF, first_variation + v])
        chords = model.sample(before, len(todo), after, rng) if todo else []
        rows = [] if kept is None else [(bars[0][0], bars[0][1], int(kept[2]), int(kept[3]))]
        rows += [(onset, length, root, quality) for (onset, length), (root, quality) in zip(todo, chords)]
        if last is not None and len(rows) < len(bars):
            rows.append((*bars[-1], *last))
        plans.append(np.array(rows, dtype=np.int64).reshape(-1, 4))
    return plans
