"""A take's clock: wall-clock seconds (perf_counter) <-> score ticks, through the score's tempo map.

`origin` is the moment the user hears tick `start_tick` (after the count-in); notes played in the
count-in get ticks before it (a pick-up), never below 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from composer.music.score import Score


@dataclass(frozen=True, slots=True)
class TakeClock:
    tempo: Score  # only its tempo map and metre are used
    start_tick: int
    origin: float  # perf_counter seconds at start_tick
    factor: float = 1.0  # the transport's tempo factor

    def tick(self, time: float) -> int:
        seconds = self.tempo.seconds_at(self.start_tick) + (time - self.origin) * self.factor
        if seconds <= 0:
            return 0
        return max(0, self.tempo.tick_at(seconds))

    def time(self, tick: int) -> float:
        return self.origin + (self.tempo.seconds_at(tick) - self.tempo.seconds_at(self.start_tick)) / self.factor

    def next_bar_line(self, time: float) -> int:
        """The first bar line strictly after `time`, in ticks, by the meter map (after a pickup or
        a meter change the bars are not those of the first meter from tick 0)."""
        tick, meters = self.tick(time), self.tempo.meter_map()
        meter = meters.at(tick)
        end = tick - (tick - meter.tick) % meter.bar_ticks + meter.bar_ticks
        return min([end] + [c.tick for c in meters.changes if tick < c.tick < end])
