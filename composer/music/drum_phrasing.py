"""A drummer's phrasing for a drum part added where the piece has none.

The co-writer writes a new drum part bar by bar against the plain beat (composer.model.region_writer
.default_groove), and knows the bar, not the phrase: every bar came out the same, with no crash and no
fill, and every seed wrote the same part (QA qa31). A drummer marks the form: a fill in the last bar
of each phrase, leading into a crash with the kick on the next phrase's downbeat, a longer fill
before a new section, and a last hit where the tune ends on a downbeat. This module adds that
phrasing to the written part, on the 4-bar hypermeter counted from the first full bar (phrases of
4 bars, sections of 8: the usual phrase structure of songs and dances; Lerdahl & Jackendoff 1983,
ch. 2, on hypermeter), each fill drawn from the request's seed, so that seeds differ.

Fills descend from the snare over the toms (the General MIDI kit: 38 snare, 48/45/43 toms), in
sixteenths of a simple beat, or thirds of a compound or swung one, louder towards the next downbeat.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from composer.music.meter import MeterMap
from composer.music.score import Note

KICK, SNARE, CRASH, PEDAL_HAT = 36, 38, 49, 44  # GM percussion keys
TOMS = (48, 45, 43)  # GM hi-mid tom, low tom, high floor tom: a fill's descent after the snare
PHRASE_BARS, SECTION_BARS = 4, 8  # the hypermeter: a fill ends each phrase, a longer one each section
FILL_SHARE = 0.85  # a fill's first hit against its accent (the backbeat and a little more), which its last reaches
FILL_REST = 0.25  # chance that a fill's hit after its first is a rest (never two in a row, never the last)


@dataclass(frozen=True)
class Phrasing:
    """What phrase_drums did to a part: bars (numbered from 1, the first full bar) given a fill, bars
    opened with a crash, and the bar given a last hit (None: none)."""

    fills: tuple[int, ...]
    crashes: tuple[int, ...]
    ending: int | None


def phrase_drums(notes: Sequence[Note], voice: int, meters: MeterMap, start: int, end: int | None,
                 piece_end: int, tune: Sequence[Note], rng: np.random.Generator) -> tuple[list[Note], Phrasing]:
    """`notes` (the written notes, any voices, ticks) with the drum voice `voice`'s part phrased.

    Phrases are counted from the first full bar, or from the second where the tune (`tune`: the
    melody's notes, or the pitched parts') enters in the first bar's second half (a pickup written
    as a whole bar, as sequencers export one: the drums enter with the tune there), and are
    phrase_length bars long (4 unless the tune's cadences say otherwise). In the last bar of each
    phrase that another bar of the region follows, its last beat (the last two beats of a
    SECTION_BARS-bar section, or the whole of a two-beat bar) is a fill in place of the beat (its
    kicks on the beat and the hi-hat foot kept); the next downbeat a crash with the kick, as the
    first bar written when it opens a phrase. Where the tune starts its last note on the downbeat of
    the last bar, that bar is one crash and kick, its bar before a fill. Only bars wholly inside
    [start, end) (end None: open) change. Fill hits draw from rng. Returns the notes (sorted by
    onset) and what was done (bars numbered from 1 as the file's)."""
    mine = [n for n in notes if n.voice == voice]
    if not mine or piece_end <= 0:
        return list(notes), Phrasing((), (), None)
    others = [n for n in notes if n.voice != voice]
    stop = piece_end if end is None else min(end, piece_end)
    # full bars (a pickup's starts before 0), up to a bar past the part's last hit (a stray note days
    # after the tune had made the piece 345,000 bars long)
    final = meters.bar_span(piece_end - 1)[0]
    last_hit = max(n.onset for n in mine)
    reach = min(piece_end, last_hit + 2 * meters.at(last_hit).bar_ticks)
    bars = [b for b in meters.bar_starts(reach) if b >= 0]
    if not bars:
        return list(notes), Phrasing((), (), None)
    bar_ends = bars[1:] + [meters.bar_span(bars[-1])[1]]
    if bars[-1] == final:
        bar_ends[-1] = max(piece_end, bar_ends[-1])
    inside = [start <= b and e <= stop for b, e in zip(bars, bar_ends)]
    first_note = min((n.onset for n in tune), default=0)
    cadences = cadence_bars(tune, bars, bar_ends)
    late = len(bars) > 1 and bars[0] == 0 and bars[0] < first_note < bar_ends[0]
    beat = meters.at(bars[0]).beat_ticks
    # a pickup written as a whole bar: the tune enters in its second half, or a beat or more late
    # with its cadences on the fours counted from the next bar ("When the Saints": three beats)
    pickup = late and (first_note >= (bar_ends[0] + bars[0]) / 2 or (
        first_note - bars[0] >= beat and _on_fours(cadences, 1) > _on_fours(cadences, 0)))
    if pickup and inside[0]:  # (nothing before the tune enters)
        mine = [n for n in mine if not (bars[0] <= n.onset < first_note)]
    origin = 1 if pickup else 0
    ends = cadence_ends(cadences, origin)
    length = phrase_length(tune, bars, bar_ends, origin)
    if ends is None:  # (on the hypermeter: every length-th bar from the origin)
        ends = [i for i in range(origin, len(bars)) if (i - origin + 1) % length == 0]
    last_onset = max((n.onset for n in tune), default=-1)
    ending = len(bars) - 1 if bars[-1] == final and last_onset == final and inside[-1] else None
    hits = sorted(n.onset for n in mine)
    played = [bisect_left(hits, e) > bisect_left(hits, b) for b, e in zip(bars, bar_ends)]
    snare = _backbeat_velocity(mine)
    figure = KICK_FIGURES[int(rng.integers(len(KICK_FIGURES)))]  # (one for the part: a drummer's own beat)
    fills, crashes = [], []
    for i, (bar, bar_end) in enumerate(zip(bars, bar_ends)):
        if not inside[i] or i < origin:
            continue
        if ending is not None and i == ending:
            mine = [n for n in mine if not bar <= n.onset < bar_end]
            mine += [Note(CRASH, bar, bar_end - bar, _accent(snare), voice, True),
                     Note(KICK, bar, bar_end - bar, _accent(snare), voice, True)]
            continue
        opening = max([e + 1 for e in ends if e < i] + [origin])  # the bar its phrase opens with
        if (i - opening) % 2 == 1:
            mine = _with_kicks(mine, figure, bar, bar_end, meters, voice)
        if i - 1 in fills or (i == max(origin, inside.index(True)) and i == opening):  # (the first bar, if it opens one)
            mine = _with_crash(mine, bar, voice, snare)
            crashes.append(i)
        before_end = ending is not None and i == ending - 1
        # (a fill leads into a bar the drums play: not into the end of the bars asked for, or of the part)
        if i in ends and i + 1 < len(bars) and inside[i + 1] and played[i + 1] or before_end:
            beats = _beats(meters, bar, bar_end, mine)
            # (a section: every second phrase, or a phrase of more than four bars)
            phrase = sum(e <= i for e in ends)
            section = phrase % 2 == 0 or i - opening + 1 > PHRASE_BARS
            span = min(2, len(beats[0])) if section else 1
            mine = _with_fill(mine, beats, span, bar_end, voice, snare, rng)
            fills.append(i)
    phrased = sorted(others + mine, key=lambda n: (n.onset, -n.pitch))
    return phrased, Phrasing(tuple(b + 1 for b in fills), tuple(b + 1 for b in crashes),
                             None if ending is None else ending + 1)


# Bars a phrase may span, the likeliest first (ties go to the first). Not 2: a tune that holds a note
# every other bar phrases in fours, and a fill every other bar is no drummer's.
PHRASE_LENGTHS = (4, 8, 3, 6, 5)
CADENCE_SHARE = 0.75  # share of the bars a length puts phrase ends in that must be the tune's cadences, and of those


def cadence_bars(tune: Sequence[Note], bars: Sequence[int], bar_ends: Sequence[int]) -> list[int]:
    """The bars (indices into bars, not the last bar) where the tune holds a note, or rests, for
    half a bar or more: the time from an onset in the bar to the next onset (a phrase's next pickup
    notes may follow in the same bar). bars, bar_ends: each bar's start and end (ticks)."""
    onsets = sorted({n.onset for n in tune})
    found = []
    for i in range(len(bars) - 1):  # (not the last bar: the piece ends there anyway)
        # the bar's onsets, each with the next onset (in the bar or after it)
        first, after = bisect_left(onsets, bars[i]), min(bisect_left(onsets, bar_ends[i]), len(onsets) - 1)
        gaps = [onsets[j + 1] - onsets[j] for j in range(first, after)]
        if gaps and max(gaps) >= (bar_ends[i] - bars[i]) / 2:
            found.append(i)
    return found


def cadence_ends(cadences: Sequence[int], origin: int = 0) -> list[int] | None:
    """Phrase ends (bar indices) read from the tune's cadences themselves, where they mark phrases:
    two or more, each phrase three bars or more (4 + 4 + 6, say: a tune of mixed phrase lengths,
    which no one length fits); None otherwise (a note held every other bar marks no phrases)."""
    ends = [c for c in cadences if c >= origin]
    if len(ends) < 2:
        return None
    lengths = np.diff([origin - 1, *ends])
    return ends if lengths.min() >= 3 else None


def _on_fours(cadences: Sequence[int], origin: int) -> int:
    """How many cadences end a 4-bar phrase counted from bar `origin`."""
    return sum((c - origin + 1) % PHRASE_BARS == 0 for c in cadences if c >= origin)


def phrase_length(tune: Sequence[Note], bars: Sequence[int], bar_ends: Sequence[int], origin: int = 0) -> int:
    """The phrase length (bars) of the tune: of PHRASE_LENGTHS, the one whose phrase ends (every
    L-th bar from bar `origin`) are its cadences (cadence_bars) in CADENCE_SHARE of them both ways;
    else PHRASE_BARS. bars,
    bar_ends: each full bar's start and end (ticks). (Counted in fours, a tune of 6-bar phrases
    had its fills in bars 4 and 8, mid-phrase; of 3-bar phrases, 1 of 4 in place; QA qa32.)"""
    if len(tune) < 2 or len(bars) - origin < 4:
        return PHRASE_BARS
    cadences = {c - origin for c in cadence_bars(tune, bars, bar_ends) if c >= origin}
    counted = len(bars) - 1 - origin
    if not cadences:
        return PHRASE_BARS
    best, best_score = PHRASE_BARS, 0.0
    for length in PHRASE_LENGTHS:
        ends = {k for k in range(counted) if (k + 1) % length == 0}
        if not ends:
            continue
        hit = len(ends & cadences)
        precision, recall = hit / len(ends), hit / len(cadences)
        if precision >= CADENCE_SHARE and recall >= CADENCE_SHARE and precision * recall > best_score:
            best, best_score = length, precision * recall
    return best


# Kicks a drummer adds to the plain beat's in a 4/4 bar, in eighths from the bar line (3: the and of
# two, 5: the and of three, 7: the and of four): one figure drawn for the part, played in every
# other bar of a phrase (its second and fourth), the first the plain beat itself. Between the
# fills every seed had played the same beat, 13 of 17 bars alike (QA qa32).
KICK_FIGURES = ((), (5,), (3,), (5, 7), (3, 5))


def _with_kicks(part: list[Note], figure: tuple[int, ...], bar: int, bar_end: int, meters: MeterMap,
                voice: int) -> list[Note]:
    """A 4/4 bar of the plain beat (kicks on one and three alone) with the figure's kicks added."""
    change = meters.at(bar)
    if not figure or (change.numerator, change.denominator) != (4, 4) or bar_end - bar != change.bar_ticks \
            or _beats(meters, bar, bar_end, part)[1] != 4:
        return part  # (straight 4/4 only: a swung part's and is not the eighth's)
    eighth = change.bar_ticks // 8
    kicks = [n for n in part if bar <= n.onset < bar_end and n.pitch == KICK]
    if not kicks or {n.onset - bar for n in kicks} - {0, 4 * eighth}:
        return part  # (a bar the part rests in; a beat of its own: a style's, or one already varied)
    loud = round(0.85 * max((n.velocity for n in kicks), default=90))
    return part + [Note(KICK, bar + e * eighth, eighth, max(1, loud), voice, True) for e in figure]


def _backbeat_velocity(part: Sequence[Note]) -> int:
    snares = sorted(n.velocity for n in part if n.pitch == SNARE) or sorted(n.velocity for n in part)
    return snares[len(snares) // 2]


def _accent(velocity: int) -> int:
    return min(127, velocity + 12)


def _with_crash(part: list[Note], bar: int, voice: int, velocity: int) -> list[Note]:
    """The downbeat's cymbal (hi-hat or ride) replaced by the crash, with a kick under it."""
    cymbals = {42, 46, 51, 53, 59, CRASH}  # (the hi-hat foot, 44, keeps time under it)
    kept = [n for n in part if not (n.onset == bar and n.pitch in cymbals)]
    kept.append(Note(CRASH, bar, 480, _accent(velocity), voice, True))
    if not any(n.onset == bar and n.pitch == KICK for n in kept):
        kept.append(Note(KICK, bar, 120, _accent(velocity), voice, True))
    return kept


def _beats(meters: MeterMap, bar: int, bar_end: int, part: Sequence[Note]) -> tuple[list[int], int]:
    """The felt beats' onsets in [bar, bar_end) (a compound bar's dotted beats) and the number of
    hits a fill plays in one: 3 in a compound bar or where the part plays on the beat's last third
    (swung eighths), else 4."""
    change = meters.at(bar)
    beat = change.beat_ticks * (3 if change.compound else 1)
    onsets = list(range(bar, bar_end, beat))
    swung = any((n.onset - bar) % beat == 2 * beat // 3 for n in part if bar <= n.onset < bar_end)
    return onsets, 3 if change.compound or swung else 4


def _with_fill(part: list[Note], beats: tuple[list[int], int], span: int, bar_end: int, voice: int,
               velocity: int, rng: np.random.Generator) -> list[Note]:
    """The part with its last `span` beats before bar_end played as a fill (see phrase_drums)."""
    onsets, per_beat = beats
    first = onsets[-span] if len(onsets) >= span else onsets[0]
    step = (bar_end - first) // (span * per_beat)
    if step <= 0:
        return part
    hits = span * per_beat
    # Where the fill descends: the snare alone for its first hits, then each tom in turn.
    drums = [SNARE] + list(TOMS[:int(rng.integers(0 if span == 1 else 1, min(len(TOMS), hits - 1) + 1))])
    split = np.sort(rng.choice(np.arange(1, hits), size=len(drums) - 1, replace=False)) if len(drums) > 1 else []
    keys = np.repeat(drums, np.diff([0, *split, hits]))
    played, rested = [], False
    for k in range(hits):
        if 0 < k < hits - 1 and not rested and rng.random() < FILL_REST:
            rested = True
            continue
        rested = False
        loud = round(_accent(velocity) * (FILL_SHARE + (1 - FILL_SHARE) * k / max(1, hits - 1)))
        played.append(Note(int(keys[k]), first + k * step, step, max(1, min(127, loud)), voice, True))
    beat_onsets = set(onsets)
    kept = [n for n in part if not (first <= n.onset < bar_end) or n.pitch == PEDAL_HAT
            or (n.pitch == KICK and n.onset in beat_onsets)]
    return kept + played
