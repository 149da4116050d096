"""A recording take: the count-in and play-along on the sound engine, the clock that maps key
presses to ticks, and the result (raw timing kept beside the quantised notes).

The count-in is a pre-roll: the engine plays a copy of the score moved one bar (or more) later,
from `start_tick`, so a full bar of clicks sounds even when recording starts at tick 0; the take
clock's origin is the moment the user hears `start_tick` (engine lead and output latency allowed
for), which is when they play on the beat.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from composer.music.meter import MeterChange, MeterMap
from composer.music.score import Note, Score, TempoChange
from composer.music.transform import quantise
from composer.midi_in.clock import TakeClock

ENGINE_LEAD_MS = 30  # composer.audio.engine.LIVE_LEAD_MS: a play() starts sounding this late


@dataclass(frozen=True, slots=True)
class Take:
    raw: list[Note]  # as played
    quantised: list[Note] | None  # snapped to the grid (None: quantise was off)
    start_tick: int
    grid: int | None

    @property
    def notes(self) -> list[Note]:
        return self.quantised if self.quantised is not None else self.raw


def pre_rolled(score: Score, ticks: int, with_notes: bool, start: int = 0) -> Score:
    """The score moved `ticks` later, so playing from tick t >= start + ticks sounds the original's
    t - ticks, and [start, start + ticks) is a count-in: `ticks` should be whole bars of the meter
    in force at `start` (TakeTransport uses the bars of that meter).

    The count-in clicks the meter and tempo in force at `start`, not those of the bar before it
    nor the piece's first ones: the meter and tempo changes at or before `start` stay where they
    are and later ones move with the notes, so a take from bar 7 of a piece in 4/4 then 3/4 from
    bar 5 counts in three beats, on the bar lines of the bars that follow."""
    notes = [n.with_(onset=n.onset + ticks) for n in score.notes] if with_notes else []
    moved = score.copy(notes=notes)
    moved.tempos = [t if t.tick <= start else TempoChange(t.tick + ticks, t.bpm) for t in score.tempos]
    # The meter at `start` keeps its bar lines, which whole bars of it carry on past the count-in.
    moved.meters = [m if m.tick <= start else MeterChange(m.tick + ticks, m.numerator, m.denominator)
                    for m in score.meters]
    return moved


class TakeTransport:
    def __init__(self, engine, score: Score, start_tick: int, *, count_in_bars: int = 1,
                 metronome: bool = True, play_score: bool = True, grid: int | None = None):
        if start_tick < 0 or count_in_bars < 0:
            raise ValueError("a take starts at tick 0 or later, after 0 or more bars of count-in")
        self.engine = engine
        self.score = score
        self.grid = grid
        self.meters = MeterMap(score.meters)  # the grid counts from each bar line, as the window's Quantise
        self.start_tick = start_tick
        # Bars of the meter in force where the take starts (the piece's first meter counted 4/4 clicks
        # into a 3/4 section, off its bar lines).
        count_in = count_in_bars * self.meters.at(start_tick).bar_ticks
        rolled = pre_rolled(score, count_in, play_score, start_tick)
        count_in_seconds = rolled.seconds_at(start_tick + count_in) - rolled.seconds_at(start_tick)
        factor = 1.0
        lead = 0.0
        self._sounding = False
        now = time.perf_counter()
        if engine is not None and (metronome or play_score) and engine.status.playback:
            factor = engine.tempo_factor()
            engine.load(rolled)
            engine.set_metronome(metronome)
            now = time.perf_counter()
            self._sounding = engine.play(start_tick, open_end=True)
            lead = (ENGINE_LEAD_MS + (engine.status.latency_ms or 0.0)) / 1000.0 if self._sounding else 0.0
        origin = now + lead + count_in_seconds / factor
        heard_at = getattr(engine, "heard_at", None) if self._sounding else None
        scheduled = heard_at(start_tick + count_in) if heard_at is not None else None
        if scheduled is not None:
            origin = scheduled  # the engine's own schedule: when the beat after the count-in sounds
        self.clock = TakeClock(score, start_tick, origin, factor)

    def shown(self, notes: list[Note]) -> list[Note]:
        return quantise(notes, self.grid, meters=self.meters) if self.grid else notes

    def finish(self, notes: list[Note], now: float) -> Take:
        """Stop the play-along and give the engine its score back."""
        if self._sounding:
            self.engine.stop()
            self.engine.set_metronome(False)
            self.engine.load(self.score)
            self._sounding = False
        raw = sorted(notes, key=lambda n: (n.onset, n.pitch))
        return Take(raw, quantise(raw, self.grid, meters=self.meters) if self.grid else None, self.start_tick,
                    self.grid)
