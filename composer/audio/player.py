"""The transport: play a score (or a part of it) on the synth's sequencer, a window at a time.

Notes are sent to FluidSynth's sequencer, which runs on the synth's own sample clock, so timing
is sample-accurate whether the synth feeds a sound card or an offline render. Only a window of
a couple of seconds is scheduled ahead; `pump()` tops it up (called by the engine's feeder
thread live, and before every block offline). A short window keeps stop, seek, loop and tempo
changes instant: pending events are removed from the sequencer and the window is refilled.

The score's sustain pedal (composer.music.score.Pedal) goes out as CC64 on its voice's channel at
its times, pressed again where playback starts, loops or is rescheduled inside a pedalled span;
a lift goes out one millisecond early, so a lift and a press at one tick (a re-pedal, a loop's
seam) reach the synth in that order (the sequencer does not order two controller events of one
time).

Not thread-safe by itself: the engine serialises every call with one lock.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from composer.audio.synth_host import SynthHost
from composer.audio.timeline import NoteTimeline, PlayPedal, TempoMap, beats_in
from composer.audio.voicing import (
    METRONOME_ACCENT_KEY,
    METRONOME_CHANNEL,
    METRONOME_KEY,
)
from composer.music.score import TICKS_PER_QUARTER, Score

MIN_LOOP_TICKS = TICKS_PER_QUARTER // 8  # a loop shorter than a 32nd note is a mistake
CLICK_MS = 60


class PlayState(enum.Enum):
    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"


@dataclass(frozen=True, slots=True)
class LoopRegion:
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end - self.start < MIN_LOOP_TICKS:
            raise ValueError(f"loop {self.start}-{self.end} must start at 0 or later and be at "
                             f"least {MIN_LOOP_TICKS} ticks long")


@dataclass(frozen=True, slots=True)
class _Anchor:
    """From sequencer time `ms` on, the score plays from `tick` (one per loop pass or restart)."""

    ms: int
    tick: int


class Player:
    def __init__(self, host: SynthHost, *, window_ms: int = 2000, lead_ms: int = 0,
                 latency_ms: float = 0.0):
        self.host = host
        self.window_ms = window_ms
        self.lead_ms = lead_ms  # head start for the first notes, so a slow fill is not late
        self.latency_ms = latency_ms  # output buffer: the playhead shows what is heard
        self.score = Score()
        self.timeline = NoteTimeline(self.score)
        self.tempo = TempoMap(self.score)
        self.metronome = False
        self.loop: LoopRegion | None = None
        self.state = PlayState.STOPPED
        self._start = 0
        self._end: int | None = None
        self._open_end = False
        self._anchors: list[_Anchor] = []
        self._fill = 0  # score tick up to which the current pass is scheduled
        self._end_ms: int | None = None  # sequencer time of the end, once scheduled
        self._held = 0  # position while stopped or paused

    # -- what to play --------------------------------------------------------------------
    def load(self, score: Score) -> None:
        """Take a new or edited score; playback continues from the same place."""
        position = self.position(compensate=False)
        self.score = score
        self.timeline = NoteTimeline(score)
        self.tempo = TempoMap(score, self.tempo.factor)
        self.host.apply_voices(score.voices)
        if self.state is PlayState.PLAYING:
            self.host.notes_off()  # notes of the old score may not exist in the new one
            self._restart(position)
        else:
            self._held = position

    @property
    def end_tick(self) -> int:
        return self._end if self._end is not None else self.timeline.end

    # -- transport -----------------------------------------------------------------------
    def play(self, start: int = 0, end: int | None = None, *, open_end: bool = False) -> None:
        """Play from `start` to `end` (default: the end of the score, or until stop() when
        `open_end`, e.g. to record over the metronome)."""
        if start < 0 or (end is not None and end <= start):
            raise ValueError(f"cannot play from tick {start} to {end}")
        self.stop()
        self._start, self._end, self._open_end = start, end, open_end
        self.state = PlayState.PLAYING
        self._restart(start, lead=True)

    def stop(self) -> None:
        """Silence at once: pending events removed, every note released, pedal lifted."""
        if self.state is PlayState.PLAYING:
            self._held = self.position()
        self.host.cancel_scheduled()
        self.host.notes_off()
        self.state = PlayState.STOPPED
        self._anchors = []
        self._end_ms = None

    def pause(self) -> None:
        if self.state is PlayState.PLAYING:
            self.stop()
            self.state = PlayState.PAUSED

    def resume(self) -> None:
        if self.state is PlayState.PAUSED:
            self.state = PlayState.PLAYING
            self._restart(self._held, lead=True)

    def seek(self, tick: int) -> None:
        tick = max(0, tick)
        if self.state is PlayState.PLAYING:
            self.host.cancel_scheduled()
            self.host.notes_off()
            self._restart(tick, lead=True)
        else:
            self._held = tick

    def set_loop(self, loop: LoopRegion | None) -> None:
        self.loop = loop
        if self.state is PlayState.PLAYING:
            position = self.position(compensate=False)
            if loop is not None and not loop.start <= position < loop.end:
                position = loop.start
            self.host.cancel_scheduled()
            self.host.notes_off()
            self._restart(position, lead=True)

    def set_tempo_factor(self, factor: float) -> None:
        """Play faster (>1) or slower (<1) than written, from now on, without a gap."""
        tempo = TempoMap(self.score, factor)
        if self.state is not PlayState.PLAYING:
            self.tempo = tempo
            return
        self._reschedule_from_now(tempo)

    def set_metronome(self, on: bool) -> None:
        """Clicks start or stop at once, even inside the window already scheduled."""
        if on == self.metronome:
            return
        self.metronome = on
        if self.state is PlayState.PLAYING:
            self._reschedule_from_now(self.tempo)

    def _reschedule_from_now(self, tempo: TempoMap) -> None:
        """Drop the pending window and refill it from the current position, seamlessly."""
        self.host.cancel_scheduled()
        now = self.host.now_ms()
        position = self._tick_at(now)
        self.tempo = tempo
        self._anchors = [_Anchor(now, position)]
        self._fill = position
        self._end_ms = None
        # Notes already sounding lost their note-offs with the pending events: re-send them.
        for note in self.timeline.sounding_at(position):
            self.host.schedule_off(self._ms(min(note.end, self._pass_end())), note.channel, note.pitch)
        for pedal in self.timeline.pedals_down_at(position):  # and pedals down their lifts
            self._lift(pedal, self._pedal_cut())
        self.pump()

    # -- the clock -----------------------------------------------------------------------
    def heard_in_ms(self, tick: int) -> float | None:
        """Milliseconds from now until `tick` of the current pass is heard (the schedule plus the
        output latency; negative once past); None when not playing."""
        if self.state is not PlayState.PLAYING or not self._anchors:
            return None
        return self._ms(tick) + self.latency_ms - self.host.now_ms()

    def position(self, compensate: bool = True) -> int:
        """The score tick being heard now (the playhead)."""
        if self.state is not PlayState.PLAYING or not self._anchors:
            return self._held
        now = self.host.now_ms() - (self.latency_ms if compensate else 0.0)
        return self._tick_at(now)

    def pump(self) -> None:
        """Schedule what falls inside the window ahead; notice the end of playback."""
        if self.state is not PlayState.PLAYING:
            return
        now = self.host.now_ms()
        if self._end_ms is not None:
            if now >= self._end_ms + self.latency_ms:
                self._held = self.end_tick
                self.state = PlayState.STOPPED
                self._anchors = []
                self._end_ms = None
            return
        horizon = now + self.window_ms
        while True:
            anchor = self._anchors[-1]
            pass_end = self._pass_end()
            if self._ms(pass_end) < horizon or pass_end <= self._fill:
                target = pass_end
            else:
                target = min(pass_end, self.tempo.tick(
                    self.tempo.seconds(anchor.tick) + (horizon - anchor.ms) / 1000.0) + 1)
            self._schedule(self._fill, target, pass_end)
            self._fill = target
            if target < pass_end:
                break
            if self.loop is not None:
                self._anchors.append(_Anchor(self._ms(pass_end), self.loop.start))
                self._fill = self.loop.start
                self._press_held_pedals(self.loop.start)
                if self._anchors[-1].ms >= horizon:
                    break
            elif self._open_end:
                break  # pass_end grows with the horizon: keep clicking until stopped
            else:
                self._end_ms = self._ms(pass_end)
                break
        self._prune_anchors(now - int(self.latency_ms) - 1)

    # -- internals -----------------------------------------------------------------------
    def _restart(self, tick: int, lead: bool = False) -> None:
        if self.loop is not None and not self.loop.start <= tick < self.loop.end:
            tick = self.loop.start if tick >= self.loop.end else tick
        self._anchors = [_Anchor(self.host.now_ms() + (self.lead_ms if lead else 0), tick)]
        self._fill = tick
        self._end_ms = None
        self._press_held_pedals(tick)
        self.pump()

    def _pass_end(self) -> int:
        if self.loop is not None:
            return self.loop.end
        if self._open_end:  # an unbounded pass: schedule up to the window only
            anchor = self._anchors[-1]
            horizon = self.host.now_ms() + self.window_ms
            return max(self.end_tick, self.tempo.tick(
                self.tempo.seconds(anchor.tick) + (horizon - anchor.ms) / 1000.0) + 1)
        return self.end_tick

    def _ms(self, tick: int) -> int:
        """Sequencer time of a score tick in the current pass."""
        anchor = self._anchors[-1]
        seconds = self.tempo.seconds(tick) - self.tempo.seconds(anchor.tick)
        return anchor.ms + round(seconds * 1000.0)

    def _tick_at(self, ms: float) -> int:
        anchor = self._anchors[0]
        for candidate in self._anchors:
            if candidate.ms <= ms:
                anchor = candidate
        if ms <= anchor.ms:
            return anchor.tick
        tick = self.tempo.tick(self.tempo.seconds(anchor.tick) + (ms - anchor.ms) / 1000.0)
        limit = self.loop.end if self.loop is not None else (None if self._open_end else self.end_tick)
        return min(tick, limit) if limit is not None else tick

    def _prune_anchors(self, before_ms: float) -> None:
        while len(self._anchors) > 1 and self._anchors[1].ms <= before_ms:
            self._anchors.pop(0)

    def _pedal_cut(self) -> int | None:
        """Where the current pass cuts what sounds (a loop's or a region's end), or None."""
        return self._pass_end() if (self.loop is not None or self._end is not None) else None

    def _lift(self, pedal: PlayPedal, cut: int | None) -> int:
        """Schedule the pedal's lift (at the cut if that is sooner); its sequencer time."""
        at = self._ms(pedal.end if cut is None else min(pedal.end, cut)) - 1
        self.host.schedule_pedal(at, pedal.channel, False)
        return at

    def _press(self, pedal: PlayPedal, tick: int, cut: int | None) -> None:
        """The pedal down from `tick` to its lift; nothing when that is under a millisecond (the
        lift would reach the synth first and leave the pedal down)."""
        at = self._ms(tick)
        if self._ms(pedal.end if cut is None else min(pedal.end, cut)) - 1 > at:
            self.host.schedule_pedal(at, pedal.channel, True)
            self._lift(pedal, cut)

    def _press_held_pedals(self, tick: int) -> None:
        """A pass that starts inside a pedalled span starts with the pedal down."""
        cut = self._pedal_cut()
        for pedal in self.timeline.pedals_down_at(tick):
            self._press(pedal, tick, cut)

    def _schedule(self, start: int, stop: int, pass_end: int) -> None:
        cut = pass_end if (self.loop is not None or self._end is not None) else None
        for note in self.timeline.starting_in(start, stop):
            end = note.end if cut is None else min(note.end, cut)
            self.host.schedule_on(self._ms(note.onset), note.channel, note.pitch, note.velocity)
            self.host.schedule_off(self._ms(end), note.channel, note.pitch)
        for pedal in self.timeline.pedals_starting_in(start, stop):
            self._press(pedal, pedal.onset, cut)
        if self.metronome:
            for tick, accent in beats_in(self.score, start, stop):
                key = METRONOME_ACCENT_KEY if accent else METRONOME_KEY
                at = self._ms(tick)
                self.host.schedule_on(at, METRONOME_CHANNEL, key, 127 if accent else 90)
                self.host.schedule_off(at + CLICK_MS, METRONOME_CHANNEL, key)
