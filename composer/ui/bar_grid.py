"""Bars and beats as the window shows them, from the score's meter map (composer.music.meter):
bar and beat lines in a tick range, the musician's bar number and bar:beat of a tick, and the
bar holding a tick. Qt-free; ticks at 480 per quarter (composer.music.score.TICKS_PER_QUARTER).

Bars are numbered as composer.request numbers them: bar 1 is the first full bar, a pickup
(anacrusis) before it is bar 0. A meter change inside a bar of the previous meter ends that bar
early (composer.music.meter's rule), so the bar before it is short.
"""

from __future__ import annotations

from typing import NamedTuple

from composer.music.meter import MeterChange, MeterMap
from composer.music.score import TimeSignature


def as_meter_map(meters: MeterMap | TimeSignature) -> MeterMap:
    """A MeterMap as is; a TimeSignature as a one-meter map from tick 0 (older callers)."""
    if isinstance(meters, MeterMap):
        return meters
    return MeterMap([MeterChange(0, meters.numerator, meters.denominator)])


def bar_lines(meters: MeterMap, start: int, stop: int) -> list[int]:
    """Ticks of the bar lines in [start, stop], in order."""
    return [t for t, bar in meters.beats(start, stop + 1) if bar]


def beat_lines(meters: MeterMap, start: int, stop: int) -> list[int]:
    """Ticks of the beats in [start, stop] that are not bar lines, each section at its meter's
    beat (a quarter in 3/4, an eighth in 6/8)."""
    return [t for t, bar in meters.beats(start, stop + 1) if not bar]


def bar_number(meters: MeterMap, tick: int) -> int:
    """The musician's number of the bar holding `tick` (1 = first full bar, 0 = a pickup)."""
    return meters.bar_index(tick) + (0 if meters.pickup_ticks else 1)


def snap(meters: MeterMap, tick: float, grid: int, floor: bool = False) -> int:
    """`tick` on the snap grid counted from its bar's bar line, as the beat lines are drawn
    (composer.music.meter.MeterMap.snap)."""
    return meters.snap(tick, grid, floor)


def grid_points(meters: MeterMap, start: int, stop: int, grid: int) -> list[int]:
    """Ticks of the snap grid in [start, stop], counted from each bar line (bar lines included)."""
    points: list[int] = []
    bar, end = bar_at(meters, start)
    while bar <= stop:
        points.extend(t for t in range(bar, end, grid) if start <= t <= stop)
        bar, end = end, bar_at(meters, end)[1]
    return points


def bar_at(meters: MeterMap, tick: int) -> tuple[int, int]:
    """Ticks [start, end) of the bar holding `tick`; a pickup bar starts before 0 and a bar cut
    short by a meter change ends at that change."""
    return meters.bar_span(tick)


class BarBeat(NamedTuple):
    """Where a tick is: bar number (as bar_number), beat from 1, and `ticks` past that beat,
    whose length is `beat_ticks` (the meter in force there)."""

    bar: int
    beat: int
    ticks: int
    beat_ticks: int

    @property
    def hundredths(self) -> int:
        """How far into the beat, in hundredths of it (rounded down)."""
        return self.ticks * 100 // self.beat_ticks


def bar_beat(meters: MeterMap, tick: int) -> BarBeat:
    """The bar and beat at `tick` in the meter in force there (a pickup's note on its last
    quarter in 4/4 is bar 0, beat 4)."""
    start, _ = bar_at(meters, tick)
    beat_ticks = meters.at(tick).beat_ticks
    beat, rest = divmod(tick - start, beat_ticks)
    return BarBeat(bar_number(meters, tick), beat + 1, rest, beat_ticks)


def meter_label(change: MeterChange) -> str:
    return f"{change.numerator}/{change.denominator}"


def meter_marks(meters: MeterMap, start: int, stop: int) -> list[tuple[int, str]]:
    """(tick, '3/4') where the meter is shown in [start, stop]: every change, the first one at
    tick 0 (after a pickup too), and none at all for a piece in one meter (the tool bar shows it)."""
    if len(meters.changes) < 2:
        return []
    marks = [(max(0, c.tick), meter_label(c)) for c in meters.changes]
    return [(t, text) for t, text in marks if start <= t <= stop]
