"""The meter map: which time signature is in force where, and where the bar lines fall.

A score's meters are a list of MeterChange, each starting at a bar line. The FIRST entry may
start at a negative tick to express a pickup (anacrusis), as notation programs import one: the
notes before the first full bar are the end of a bar that began before tick 0. A one-beat pickup
in 4/4 is MeterChange(-1440, 4, 4): the note at tick 0 is on beat 4 and the first full bar starts
at tick 480 (ticks at 480 per quarter note, composer.music.score.TICKS_PER_QUARTER).

A change that falls inside a bar of the previous meter starts a new bar there (the bar before is
short), which is how a MIDI file's time-signature events are read by sequencers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

TICKS_PER_QUARTER = 480  # the same resolution as composer.music.score (which re-exports this)
DENOMINATORS = (1, 2, 4, 8, 16, 32, 64)


@dataclass(frozen=True)
class MeterChange:
    """A time signature numerator/denominator that starts at the bar line at `tick`.

    Only the first change of a map may have a negative tick (a pickup, see the module doc).
    Raises ValueError for a numerator < 1 or a denominator that is not a power of two up to 64.
    """

    tick: int
    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        if self.numerator < 1 or self.numerator > 255:
            raise ValueError(f"time signature numerator {self.numerator} is outside 1-255")
        if self.denominator not in DENOMINATORS:
            raise ValueError(f"time signature denominator {self.denominator} is not one of {DENOMINATORS}")

    @property
    def bar_ticks(self) -> int:
        """Length of one bar in ticks."""
        return self.numerator * TICKS_PER_QUARTER * 4 // self.denominator

    @property
    def beat_ticks(self) -> int:
        return TICKS_PER_QUARTER * 4 // self.denominator

    @property
    def compound(self) -> bool:
        """6/8, 9/8, 12/8: beats of three eighths."""
        return self.numerator in (6, 9, 12) and self.denominator == 8

    @property
    def felt_beats(self) -> int:
        """The beats a bar is felt in: its numerator, or a compound meter's dotted beats (6/8: 2)."""
        return self.numerator // 3 if self.compound else self.numerator


def pickup_meter(numerator: int, denominator: int, pickup_ticks: int, tick: int = 0) -> MeterChange:
    """The first MeterChange of a piece in numerator/denominator whose first full bar starts
    pickup_ticks after `tick` (0 < pickup_ticks < one bar; otherwise no pickup)."""
    change = MeterChange(tick, numerator, denominator)
    if 0 < pickup_ticks < change.bar_ticks:
        return MeterChange(tick + pickup_ticks - change.bar_ticks, numerator, denominator)
    return change


def normalised(changes: Iterable[MeterChange]) -> list[MeterChange]:
    """Sorted by tick, one change per tick (the last wins), repeats of the meter in force
    dropped, a pickup only on the first entry; [MeterChange(0, 4, 4)] when empty."""
    by_tick: dict[int, MeterChange] = {}
    for change in changes:
        by_tick[change.tick] = change
    ordered = [by_tick[t] for t in sorted(by_tick)]
    if not ordered:
        return [MeterChange(0, 4, 4)]
    # Negative ticks: only the latest one before 0 counts, and only if it is a real pickup.
    before = [c for c in ordered if c.tick < 0]
    ordered = [c for c in ordered if c.tick >= 0]
    if before:
        first = before[-1]
        if first.tick + first.bar_ticks <= 0:  # not shorter than a bar: no pickup after all
            first = MeterChange(0, first.numerator, first.denominator)
        ordered = [first] + [c for c in ordered if c.tick > first.tick]
    out: list[MeterChange] = []
    for change in ordered:
        if out and (change.numerator, change.denominator) == (out[-1].numerator, out[-1].denominator):
            last = out[-1]
            if (change.tick - last.tick) % last.bar_ticks == 0:  # falls on a bar line anyway
                continue
        out.append(change)
    return out


class MeterMap:
    """Bar lines and positions in bar for a list of MeterChange (see the module doc).

    Bars are numbered from 0: bar 0 is the pickup bar when there is one (it starts at a negative
    tick), otherwise the bar starting at the first change.
    """

    def __init__(self, changes: Sequence[MeterChange]):
        self.changes = normalised(changes)
        self._ticks = np.array([c.tick for c in self.changes], dtype=np.int64)
        self._bar = np.array([c.bar_ticks for c in self.changes], dtype=np.int64)
        # Bars before each change: a short bar before a change inside a bar counts as one.
        counts = [0]
        for i in range(1, len(self.changes)):
            span = int(self._ticks[i] - self._ticks[i - 1])
            counts.append(counts[-1] + -(-span // int(self._bar[i - 1])))
        self._bars_before = np.array(counts, dtype=np.int64)

    @classmethod
    def from_rows(cls, rows: np.ndarray) -> "MeterMap":
        """From an (M, 3) array of (tick, numerator, denominator) rows (composer.data.corpus.Piece.meters)."""
        return cls([MeterChange(int(t), int(n), int(d)) for t, n, d in np.asarray(rows).reshape(-1, 3)])

    @property
    def pickup_ticks(self) -> int:
        """Length of the pickup before the first full bar (0 when the piece starts on a bar line)."""
        first = self.changes[0]
        return first.tick + first.bar_ticks if first.tick < 0 else 0

    def _segment(self, ticks: np.ndarray) -> np.ndarray:
        return np.maximum(np.searchsorted(self._ticks, ticks, side="right") - 1, 0)

    def position_in_bar(self, onsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each onset (ticks, any int array of shape (N,)): (ticks since its bar line, that
        bar's length in ticks), both int64 arrays of shape (N,)."""
        onsets = np.asarray(onsets, dtype=np.int64)
        segment = self._segment(onsets)
        bar = self._bar[segment]
        return (onsets - self._ticks[segment]) % bar, bar

    def bar_index(self, tick: int) -> int:
        """The number (from 0) of the bar that holds `tick`."""
        return int(self.bar_indices(np.array([tick]))[0])

    def bar_indices(self, ticks: np.ndarray) -> np.ndarray:
        """The number (from 0) of the bar that holds each tick (any int array (N,)), int64 (N,),
        counted without listing the bar lines (a note 16 days on costs no more than one in bar
        2); a tick before the first bar line gets a negative number."""
        ticks = np.asarray(ticks, dtype=np.int64)
        segment = self._segment(ticks)
        return self._bars_before[segment] + (ticks - self._ticks[segment]) // self._bar[segment]

    def bar_starts(self, until_tick: int) -> list[int]:
        """Every bar line before until_tick, from the first bar's (negative for a pickup)."""
        starts: list[int] = []
        bounds = list(self._ticks[1:]) + [None]
        for change, bound in zip(self.changes, bounds):
            end = until_tick if bound is None else min(int(bound), until_tick)
            starts.extend(range(change.tick, end, change.bar_ticks))
            if bound is None or bound >= until_tick:
                break
        return starts

    def beats(self, start: int, stop: int) -> list[tuple[int, bool]]:
        """Every beat in ticks [start, stop) as (tick, whether it is a bar line), each section at
        its own meter's beat (the denominator's note: a quarter in 3/4, an eighth in 6/8); a bar
        cut short by a change has only the beats before it."""
        out: list[tuple[int, bool]] = []
        for i, change in enumerate(self.changes):
            end = min(int(self._ticks[i + 1]), stop) if i + 1 < len(self.changes) else stop
            if end <= start:
                continue
            if change.tick >= stop:
                break
            bar, beat = change.bar_ticks, change.beat_ticks
            first_bar = change.tick + max(0, (start - change.tick) // bar) * bar
            for bar_start in range(first_bar, end, bar):
                out.extend((t, t == bar_start) for t in range(bar_start, min(bar_start + bar, end), beat) if t >= start)
        return out

    def at(self, tick: int) -> MeterChange:
        """The change in force at tick."""
        return self.changes[int(self._segment(np.array([tick]))[0])]

    def bar_span(self, tick: int) -> tuple[int, int]:
        """Ticks [start, end) of the bar holding `tick`; a pickup bar starts before 0 and a bar cut
        short by a meter change ends at that change."""
        change = self.at(tick)
        start = tick - (tick - change.tick) % change.bar_ticks
        end = start + change.bar_ticks
        later = [c.tick for c in self.changes if start < c.tick < end]
        return start, min([end, *later])

    def snap(self, tick: float, grid: int, floor: bool = False) -> int:
        """`tick` on the grid of `grid` ticks counted from the bar line of its bar (the next bar line
        is a grid point too; in a pickup, so is tick 0, where the piece starts): the nearest point,
        half way going later, or with floor the one at or before it. After an eighth-note pickup a
        quarter grid is on the beats, not on the 'and's; a half-note grid in 3/4 starts again at
        every bar line."""
        start, end = self.bar_span(int(tick // 1))
        low = start + int((tick - start) // grid) * grid
        if low < 0 <= tick:
            low = 0
        if floor:
            return low
        high = min(low + grid, end)
        return low if tick - low < high - tick else high
