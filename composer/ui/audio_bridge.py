"""The window's adapter to composer.audio.SoundEngine (Qt-free, thread-safe), started in a worker
because loading a soundfont takes a moment and must not delay the window."""

from __future__ import annotations

from PySide6.QtCore import QThread, Signal

from composer.music.score import Score


class AudioBridge:
    """What PlaybackController needs from a backend, on top of a SoundEngine."""

    def __init__(self, engine):
        from composer.audio import PlayState

        self.engine = engine
        self._playing_state = PlayState.PLAYING
        self.loop: tuple[int, int] | None = None

    @property
    def can_play(self) -> bool:
        return bool(self.engine.status.playback)

    @property
    def playing(self) -> bool:
        return self.engine.state == self._playing_state

    def load(self, score: Score) -> None:
        self.engine.load(score)

    def play(self, start: int) -> None:
        self.engine.play(start, loop=self.loop)

    def stop(self) -> None:
        self.engine.stop()

    def seek(self, tick: int) -> None:
        self.engine.seek(tick)

    def position(self) -> int:
        return self.engine.position()

    def set_loop(self, loop: tuple[int, int] | None) -> None:
        self.loop = loop
        try:
            self.engine.set_loop(loop)
        except ValueError:  # a loop shorter than the engine accepts: play straight through
            self.loop = None
            self.engine.set_loop(None)

    def set_metronome(self, on: bool) -> None:
        self.engine.set_metronome(on)

    def set_tempo_factor(self, factor: float) -> None:
        self.engine.set_tempo_factor(factor)

    def note_on(self, pitch: int, velocity: int, voice: int) -> None:
        self.engine.note_on(voice, pitch, velocity)

    def note_off(self, pitch: int, voice: int) -> None:
        self.engine.note_off(voice, pitch)

    def summary(self) -> str:
        return self.engine.status.summary()

    def hint(self) -> str:
        status = self.engine.status
        if status.playback:
            return f"{status.summary()}\nSoundfont: {status.soundfont}"
        problems = "\n".join(status.problems) or "no audio output"
        return f"{problems}\nPlayback is silent (the playhead still moves). Choose a soundfont or driver in Settings."

    def close(self) -> None:
        self.engine.close()


class AudioStarter(QThread):
    started_ok = Signal(object)  # AudioBridge
    failed = Signal(str, str)  # message, hint

    def __init__(self, settings, parent=None):
        super().__init__(parent)
        self.soundfont = settings.soundfont or None
        self.driver = settings.audio_driver or None

    def run(self) -> None:
        try:
            from composer.audio import SoundEngine

            engine = SoundEngine(soundfont=self.soundfont, driver=self.driver)
        except Exception as error:  # the engine degrades rather than raising; this is a last guard
            self.failed.emit(f"The sound engine could not start: {error}", "See Settings → Soundfont / Audio driver.")
            return
        self.started_ok.emit(AudioBridge(engine))


def wav_renderer(settings):
    """A function (score, path, progress, cancelled) -> result rendering through FluidSynth."""
    from composer.audio import fluidsynth_available, missing_reason, render_wav
    from composer.audio.render import DEFAULT_PEAK_DBFS

    if not fluidsynth_available():
        raise RuntimeError(missing_reason() or "FluidSynth is not installed")
    soundfont = settings.soundfont or None
    peak = DEFAULT_PEAK_DBFS if settings.wav_normalise else None

    def render(score: Score, path, progress, cancelled):
        return render_wav(score, path, soundfont=soundfont, normalise_peak=peak,
                          progress=lambda fraction: progress(int(fraction * 1000), 1000), cancel=cancelled)

    return render
