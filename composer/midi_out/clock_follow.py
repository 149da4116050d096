"""Following a DAW's MIDI clock: tempo from the 0xF8 pulses, playhead from Start / Continue /
Stop and the song position pointer (MIDI 1.0 spec, System Real Time and System Common). Pure:
fed (message, time) pairs, times in perf_counter seconds taken from rtmidi's own stamps
(composer.midi_in.ports.MidiSystem.read), so a late poll does not bend the tempo.

Tempo is a robust slope (Theil-Sen: the median of the slopes between pulses half the window
apart) over the last FIT_CLOCKS pulses (four quarter notes): a late pulse (a busy USB or JACK
link) moves only the few slopes it is part of; a real tempo change shows within two beats. Lost
pulses are not guessed at (with a jittery link a late pulse looks the same): MIDI links do not
lose clock in practice, and the phase check in sync.Follow keeps the playhead with the DAW's song
position. The k-th pulse after Start is tick k * 20 (24 per quarter note) after the start
position; between pulses the playhead is interpolated at the estimated tempo, never past the
next pulse.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from composer.midi_out import messages as mm

FIT_CLOCKS = 96
MIN_CLOCKS = 12  # pulses needed before a tempo is given (half a beat)
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
        self._times: deque[tuple[int, float]] = deque(maxlen=fit)  # (pulse index, time)
        self._index = 0
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
            if self._times and when - self._times[-1][1] > self._gap_limit():
                self._times.clear()  # the clock paused: do not fit across the gap
            step = 1
            self._index += step
            self._times.append((self._index, when))
            self._last = when
            if self.running:
                self._pulses += step
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
        half = n // 2
        points = list(self._times)
        slopes = sorted((points[i + half][1] - points[i][1]) / (points[i + half][0] - points[i][0])
                        for i in range(n - half) if points[i + half][0] != points[i][0])
        if not slopes:
            return None
        seconds_per_pulse = slopes[len(slopes) // 2]
        if not 60.0 / (400 * mm.CLOCKS_PER_QUARTER) <= seconds_per_pulse <= 60.0 / (10 * mm.CLOCKS_PER_QUARTER):
            return None  # outside 10-400 bpm: pulses bunched by a late delivery, not a tempo
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
