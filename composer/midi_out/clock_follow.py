"""Following a DAW's MIDI clock: tempo from the 0xF8 pulses, playhead from Start / Continue /
Stop and the song position pointer (MIDI 1.0 spec, System Real Time and System Common). Pure:
fed (message, time) pairs, times in perf_counter seconds taken from rtmidi's own stamps
(composer.midi_in.ports.MidiSystem.read), so a late poll does not bend the tempo.

Tempo is the least-squares slope of the last FIT_CLOCKS pulse times (two quarter notes): one
late pulse moves it little, a real tempo change shows within a beat. The k-th pulse after Start
is tick k * 20 (24 per quarter note) after the start position; between pulses the playhead is
interpolated at the estimated tempo, never past the next pulse.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from composer.midi_out import messages as mm

FIT_CLOCKS = 48
MIN_CLOCKS = 6  # pulses needed before a tempo is given
LOST_SECONDS = 0.3  # no pulse for this long (or four pulse intervals if longer): the clock is lost


@dataclass(frozen=True, slots=True)
class Transport:
    running: bool
    tick: int  # score ticks (TICKS_PER_QUARTER per quarter note)
    time: float


@dataclass(frozen=True, slots=True)
class Tempo:
    bpm: float


@dataclass(frozen=True, slots=True)
class Lost:
    time: float


class ClockFollower:
    def __init__(self, fit: int = FIT_CLOCKS):
        self._times: deque[float] = deque(maxlen=fit)
        self.bpm: float | None = None
        self.running = False
        self.lost = False
        self._base = 0  # tick of the first pulse after Start/Continue
        self._pulses = -1  # pulses since Start/Continue (-1: waiting for the first)
        self._last: float | None = None
        self._pending_start: float | None = None

    def feed(self, message: list[int], when: float) -> list:
        """One incoming message; returns the events it causes (Transport, Tempo)."""
        if not message:
            return []
        status = message[0]
        out: list = []
        if status == mm.CLOCK:
            if self.lost:
                self.lost = False
                self._times.clear()
            if self._times and when - self._times[-1] > self._gap_limit():
                self._times.clear()  # the clock paused: do not fit across the gap
            self._times.append(when)
            self._last = when
            if self.running:
                self._pulses += 1
                if self._pulses == 0 and self._pending_start is not None:
                    out.append(Transport(True, self._base, when))
                    self._pending_start = None
            bpm = self._fit()
            if bpm is not None and (self.bpm is None or abs(bpm - self.bpm) > 0.05):
                self.bpm = bpm
                out.append(Tempo(bpm))
        elif status in (mm.START, mm.CONTINUE):
            if status == mm.START:
                self._base = 0
            self.running, self._pulses, self._pending_start = True, -1, when
        elif status == mm.STOP:
            if self.running:
                tick = self.position(when)
                self.running = False
                self._base, self._pulses = tick, -1
                out.append(Transport(False, tick, when))
        elif status == mm.SONG_POSITION and len(message) >= 3:
            if not self.running:
                self._base = mm.song_position_tick(message[1], message[2])
                out.append(Transport(False, self._base, when))
        return out

    def check(self, now: float) -> list:
        """Call now and then without input: a clock that stopped coming is reported once."""
        if self.lost or self._last is None or now - self._last <= self._gap_limit():
            return []
        self.lost = True
        return [Lost(now)]

    def _gap_limit(self) -> float:
        if self.bpm is None:
            return LOST_SECONDS
        return max(LOST_SECONDS, 4 * 60.0 / (self.bpm * mm.CLOCKS_PER_QUARTER))

    def _fit(self) -> float | None:
        n = len(self._times)
        if n < MIN_CLOCKS:
            return None
        t0 = self._times[0]
        xs = range(n)
        mean_x = (n - 1) / 2
        mean_t = sum(t - t0 for t in self._times) / n
        num = sum((x - mean_x) * (t - t0 - mean_t) for x, t in zip(xs, self._times))
        den = sum((x - mean_x) ** 2 for x in xs)
        seconds_per_pulse = num / den
        if seconds_per_pulse <= 0:
            return None
        return 60.0 / (seconds_per_pulse * mm.CLOCKS_PER_QUARTER)

    def position(self, now: float) -> int:
        """The followed playhead in score ticks at `now`."""
        if not self.running or self._pulses < 0:
            return self._base
        tick = self._base + self._pulses * mm.TICKS_PER_CLOCK
        if self.bpm and self._last is not None and now > self._last:
            ahead = (now - self._last) * self.bpm / 60.0 * mm.TICKS_PER_CLOCK * mm.CLOCKS_PER_QUARTER
            tick += min(mm.TICKS_PER_CLOCK, round(ahead))
        return tick

    @property
    def state(self) -> str:
        if self.lost:
            return "lost"
        return "following" if self.bpm is not None else "waiting"
