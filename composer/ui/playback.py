"""Playback as the window sees it: play/pause/stop, playhead, loop, tempo factor, metronome and
auditioning single notes or a variation. Sound comes from composer.audio (see audio_bridge);
when there is no sound (no FluidSynth, no soundfont, no device) a silent clock still moves the
playhead, so editing and following the score work the same."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from composer.music.score import Score

FRAME_MS = 16  # playhead refresh: one screen frame


class SilentClock:
    """A playhead that advances by wall-clock time through the score's tempo map."""

    def __init__(self) -> None:
        self.score = Score()
        self.playing = False
        self.loop: tuple[int, int] | None = None
        self.tempo_factor = 1.0
        self._origin_tick = 0
        self._origin_time = 0.0
        self._end = 0

    def load(self, score: Score) -> None:
        position = self.position()
        self.score = score
        if self.playing:
            self._restart(position)

    def _restart(self, tick: int) -> None:
        self._origin_tick, self._origin_time = tick, time.perf_counter()

    def play(self, start: int, end: int | None = None) -> None:
        self._end = end if end is not None else self.score.end
        self._restart(start)
        self.playing = True

    def stop(self) -> None:
        self._origin_tick = self.position()
        self.playing = False

    def seek(self, tick: int) -> None:
        self._restart(tick)

    def position(self) -> int:
        if not self.playing:
            return self._origin_tick
        start_seconds = self.score.seconds_at(self._origin_tick)
        elapsed = (time.perf_counter() - self._origin_time) * self.tempo_factor
        tick = self.score.tick_at(start_seconds + elapsed)
        if self.loop is not None and tick >= self.loop[1] and self._origin_tick < self.loop[1]:
            self._restart(self.loop[0])
            return self.loop[0]
        if self.loop is None and tick >= self._end:
            self.playing = False
            self._origin_tick = self._end
            return self._end
        return tick


class PlaybackController(QObject):
    position_changed = Signal(int)
    playing_changed = Signal(bool)
    status_changed = Signal(str, str)  # state "ok" | "silent", message

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.audio = None  # an audio_bridge.AudioBridge once the engine is up
        self.clock = SilentClock()
        self.score = Score()
        self.loop_enabled = False
        self.loop_region: tuple[int, int] | None = None
        self.metronome = False
        self.tempo_factor = 1.0
        self._position = 0
        self._playing = False
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)

    # --- the backend -------------------------------------------------------------------------
    def attach_audio(self, bridge) -> None:
        self.audio = bridge
        bridge.load(self.score)
        bridge.set_loop(self.loop_region if self.loop_enabled else None)
        bridge.set_metronome(self.metronome)
        bridge.set_tempo_factor(self.tempo_factor)

    def _backend(self):
        return self.audio if self.audio is not None and self.audio.can_play else self.clock

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def position(self) -> int:
        return self._position

    # --- commands ----------------------------------------------------------------------------
    def set_score(self, score: Score) -> None:
        self.score = score
        self.clock.load(score)
        if self.audio is not None:
            self.audio.load(score)

    def play(self, start: int | None = None) -> None:
        start = self._position if start is None else start
        if self.loop_enabled and self.loop_region and not self.loop_region[0] <= start < self.loop_region[1]:
            start = self.loop_region[0]
        if start >= self.score.end and not self.loop_enabled:
            start = 0  # at the end: play from the top, as every player does
        self._backend().play(start)
        self._playing = True
        self._timer.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if self._playing:
            backend = self._backend()
            self._position = backend.position()
            backend.stop()
            self._stop_timer()

    def toggle(self) -> None:
        self.pause() if self._playing else self.play()

    def stop(self) -> None:
        """Stop and return to where playing started (the loop start when looping, else 0)."""
        self._backend().stop()
        self._stop_timer()
        self.seek(self.loop_region[0] if self.loop_enabled and self.loop_region else 0)

    def _stop_timer(self) -> None:
        self._timer.stop()
        if self._playing:
            self._playing = False
            self.playing_changed.emit(False)

    def seek(self, tick: int) -> None:
        tick = max(0, int(tick))
        self._backend().seek(tick)
        self.clock.seek(tick)
        self._position = tick
        self.position_changed.emit(tick)

    def set_loop(self, enabled: bool, region: tuple[int, int] | None = None) -> None:
        if region is not None:
            self.loop_region = region
        self.loop_enabled = enabled and self.loop_region is not None
        loop = self.loop_region if self.loop_enabled else None
        self.clock.loop = loop
        if self.audio is not None:
            self.audio.set_loop(loop)

    def set_metronome(self, on: bool) -> None:
        self.metronome = on
        if self.audio is not None:
            self.audio.set_metronome(on)

    def set_tempo_factor(self, factor: float) -> None:
        self.tempo_factor = factor
        self.clock.tempo_factor = factor
        if self.audio is not None:
            self.audio.set_tempo_factor(factor)

    def audition(self, score: Score, start: int) -> None:
        """Play another score (a variation) once from `start`; the editor's score comes back at stop."""
        self.stop()
        self.set_score_temporarily(score)
        self.play(start)

    def set_score_temporarily(self, score: Score) -> None:
        self.clock.load(score)
        if self.audio is not None:
            self.audio.load(score)
        self._auditioning = True

    def _tick(self) -> None:
        backend = self._backend()
        if hasattr(backend, "pump"):
            backend.pump()
        tick = backend.position()
        if tick != self._position:
            self._position = tick
            self.position_changed.emit(tick)
        if not backend.playing:
            self._stop_timer()
            if getattr(self, "_auditioning", False):
                self._auditioning = False
                self.set_score(self.score)

    # --- single notes (keyboard clicks, drawing) ---------------------------------------------
    def note_on(self, pitch: int, velocity: int, voice: int) -> None:
        if self.audio is not None:
            self.audio.note_on(pitch, velocity, voice)

    def note_off(self, pitch: int, voice: int) -> None:
        if self.audio is not None:
            self.audio.note_off(pitch, voice)

    def close(self) -> None:
        self._timer.stop()
        if self.audio is not None:
            self.audio.close()
