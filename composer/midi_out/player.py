"""The transport for an external MIDI port: plays a score's external voices, and the MIDI clock
when Composer leads, on a TimedSender. Mirrors composer.audio.player.Player (play from a tick, to
an end or open-ended, loop, seek, tempo factor, pause) but times on perf_counter seconds, since
the messages leave through rtmidi, not FluidSynth's sequencer. Only a window (WINDOW_SECONDS) is
queued ahead; the sender's thread calls pump() to top it up, so stop/seek/tempo act at once.

Clock (MIDI 1.0 spec, "System Real Time"): a 0xF8 every 20 score ticks (24 per quarter note) at
the played tempo, tempo changes and tempo factor included; play sends song position pointer then
Start (from tick 0) or Continue; stop sends Stop; a loop's wrap sends Stop, the loop start's song
position and Continue, which is how a DAW following Composer jumps back with it.

Thread-safe: one lock around everything; the sender's thread and the caller's meet here only.
"""

from __future__ import annotations

import bisect
import threading
import time
from dataclasses import dataclass

from composer.audio.timeline import PlayNote, TempoMap, _untangle_repeats
from composer.audio.voicing import audible
from composer.midi_out import messages as mm
from composer.midi_out.sender import TimedSender
from composer.music.score import Score

WINDOW_SECONDS = 1.0
PLAY, CLOCK = "play", "clock"  # sender tags


@dataclass(frozen=True, slots=True)
class _Anchor:
    time: float  # perf_counter seconds at which the pass plays `tick`
    tick: int


class OutPlayer:
    def __init__(self, sender: TimedSender):
        self.sender = sender
        self._lock = threading.RLock()
        self.score = Score()
        self.voices_out: set[int] = set()  # the voices routed to this port
        self.clock = False  # send MIDI clock and transport (Composer leads)
        self.tempo = TempoMap(self.score)
        self.loop: tuple[int, int] | None = None
        self.playing = False
        self._notes: list[PlayNote] = []
        self._onsets: list[int] = []
        self._anchors: list[_Anchor] = []
        self._fill = 0
        self._end: int | None = None
        self._open_end = False
        self._end_time: float | None = None
        self._held = 0
        sender.refill = self.pump

    # -- what to play -------------------------------------------------------------------------
    def load(self, score: Score, voices_out: set[int] | None = None) -> None:
        """A new or edited score (and which voices go out); playing goes on from the same tick."""
        with self._lock:
            position = self.position()
            self.score = score
            if voices_out is not None:
                self.voices_out = set(voices_out)
            self.tempo = TempoMap(score, self.tempo.factor)
            self._build()
            if self.playing:
                self.sender.cancel(PLAY)
                self.sender.cancel(CLOCK, release=False)
                self._send_setup()
                self._restart(position, time.perf_counter())

    def _build(self) -> None:
        channels = mm.external_channels(self.score)
        heard = audible(self.score.voices)
        notes = [PlayNote(n.onset, n.end, channels[n.voice], n.pitch, n.velocity)
                 for n in self.score.notes
                 if n.voice < len(channels) and n.voice in self.voices_out and heard[n.voice]]
        self._notes = _untangle_repeats(notes)
        self._onsets = [n.onset for n in self._notes]

    def resend_setup(self) -> None:
        """Programs, volume and pan again (a device that came back has forgotten them)."""
        with self._lock:
            self._send_setup()

    def _send_setup(self) -> None:
        for message in mm.voice_setup(self.score, sorted(self.voices_out)):
            self.sender.now(message, tag="setup")

    @property
    def end_tick(self) -> int:
        if self._end is not None:
            return self._end
        return self.score.end  # all voices count: the clock runs to the end even when none goes out

    # -- transport ----------------------------------------------------------------------------
    def play(self, start: int = 0, end: int | None = None, *, open_end: bool = False,
             delay: float = 0.0) -> None:
        """Play from `start` `delay` seconds from now (to line up with the synth's lead and
        output latency)."""
        if start < 0 or (end is not None and end <= start):
            raise ValueError(f"cannot play from tick {start} to {end}")
        with self._lock:
            self.stop()
            self._end, self._open_end = end, open_end
            self.playing = True
            self._send_setup()
            at = time.perf_counter() + delay
            if self.clock:
                self.sender.now(mm.song_position(start), tag="setup")
                self.sender.at(at, [mm.START if start == 0 else mm.CONTINUE], CLOCK)
            self._restart(start, at)

    def stop(self) -> None:
        with self._lock:
            was_playing = self.playing
            if self.playing:
                self._held = self.position()
            self.playing = False
            self._anchors, self._end_time = [], None
            self.sender.cancel(PLAY)
            self.sender.cancel(CLOCK, release=False)
            if was_playing and self.clock:
                self.sender.now([mm.STOP], tag="setup")

    def seek(self, tick: int) -> None:
        with self._lock:
            tick = max(0, tick)
            if self.playing:
                self.play(tick, self._end, open_end=self._open_end)
            else:
                self._held = tick

    def set_loop(self, loop: tuple[int, int] | None) -> None:
        with self._lock:
            self.loop = loop
            if self.playing:
                position = self.position()
                if loop is not None and not loop[0] <= position < loop[1]:
                    position = loop[0]
                self.play(position, self._end, open_end=self._open_end)

    def set_tempo_factor(self, factor: float) -> None:
        """From now on, without a gap or a cut note (the notes sounding get new note-offs)."""
        with self._lock:
            tempo = TempoMap(self.score, factor)
            if not self.playing or not self._anchors:
                self.tempo = tempo
                return
            now = time.perf_counter()
            position = self._tick_at(now)
            self.sender.cancel(PLAY, release=False)
            self.sender.cancel(CLOCK, release=False)
            first = self._anchors[0]
            if now < first.time:  # not started yet: keep the start time
                now, position = first.time, first.tick
            self.tempo = tempo
            self._anchors = [_Anchor(now, position)]
            self._fill, self._end_time = position, None
            cut = self._pass_end(now)
            index = bisect.bisect_left(self._onsets, position)
            self.sender.many([(self._time(min(n.end, cut)), mm.note_off(n.channel, n.pitch))
                              for n in self._notes[:index] if n.end > position], PLAY)
            self.pump(now)

    @property
    def anchored_at(self) -> float | None:
        """When the current pass was last (re)anchored: positions are exact from then on."""
        with self._lock:
            return self._anchors[0].time if self._anchors else None

    def position(self, now: float | None = None) -> int:
        """The score tick playing at `now` (default: this moment)."""
        with self._lock:
            if not self.playing or not self._anchors:
                return self._held
            return self._tick_at(time.perf_counter() if now is None else now)

    # -- the window ---------------------------------------------------------------------------
    def pump(self, now: float | None = None) -> None:
        with self._lock:
            if not self.playing:
                return
            now = time.perf_counter() if now is None else now
            if self._end_time is not None:
                if now >= self._end_time:
                    self._held = self.end_tick
                    self.playing = False
                    self._anchors, self._end_time = [], None
                    if self.clock:
                        self.sender.now([mm.STOP], tag="setup")
                return
            horizon = now + WINDOW_SECONDS
            while True:
                anchor = self._anchors[-1]
                pass_end = self._pass_end(horizon)
                if self._time(pass_end) < horizon or pass_end <= self._fill:
                    target = pass_end
                else:
                    seconds = self.tempo.seconds(anchor.tick) + (horizon - anchor.time)
                    target = min(pass_end, self.tempo.tick(seconds) + 1)
                self._schedule(self._fill, target, pass_end)
                self._fill = target
                if target < pass_end:
                    break
                if self.loop is not None:
                    wrap = self._time(pass_end)
                    if self.clock:
                        self.sender.many([(wrap, [mm.STOP]), (wrap, mm.song_position(self.loop[0])),
                                          (wrap, [mm.CONTINUE])], CLOCK)
                    self._anchors.append(_Anchor(wrap, self.loop[0]))
                    self._fill = self.loop[0]
                    if wrap >= horizon:
                        break
                elif self._open_end:
                    break
                else:
                    self._end_time = self._time(pass_end)
                    break
            while len(self._anchors) > 1 and self._anchors[1].time <= now:
                self._anchors.pop(0)

    def _restart(self, tick: int, at: float) -> None:
        if self.loop is not None and not self.loop[0] <= tick < self.loop[1]:
            tick = self.loop[0] if tick >= self.loop[1] else tick
        self._anchors = [_Anchor(at, tick)]
        self._fill, self._end_time = tick, None
        self.pump()

    def _pass_end(self, horizon: float) -> int:
        if self.loop is not None:
            return self.loop[1]
        if self._open_end:
            anchor = self._anchors[-1]
            seconds = self.tempo.seconds(anchor.tick) + (horizon - anchor.time)
            return max(self.end_tick, self.tempo.tick(seconds) + 1)
        return self.end_tick

    def _time(self, tick: int) -> float:
        anchor = self._anchors[-1]
        return anchor.time + self.tempo.seconds(tick) - self.tempo.seconds(anchor.tick)

    def _tick_at(self, now: float) -> int:
        anchor = self._anchors[0]
        for candidate in self._anchors:
            if candidate.time <= now:
                anchor = candidate
        if now <= anchor.time:
            return anchor.tick
        tick = self.tempo.tick(self.tempo.seconds(anchor.tick) + (now - anchor.time))
        limit = self.loop[1] if self.loop is not None else (None if self._open_end else self.end_tick)
        return min(tick, limit) if limit is not None else tick

    def _schedule(self, start: int, stop: int, pass_end: int) -> None:
        cut = pass_end if (self.loop is not None or self._end is not None) else None
        lo, hi = bisect.bisect_left(self._onsets, start), bisect.bisect_left(self._onsets, stop)
        items = []
        for note in self._notes[lo:hi]:
            end = note.end if cut is None else min(note.end, cut)
            items.append((self._time(note.onset), mm.note_on(note.channel, note.pitch, note.velocity)))
            items.append((self._time(end), mm.note_off(note.channel, note.pitch)))
        if items:
            self.sender.many(items, PLAY)
        if self.clock:
            first = -(-start // mm.TICKS_PER_CLOCK) * mm.TICKS_PER_CLOCK
            self.sender.many([(self._time(t), [mm.CLOCK]) for t in range(first, stop, mm.TICKS_PER_CLOCK)],
                             CLOCK)
