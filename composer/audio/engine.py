"""SoundEngine: what the UI (and the renderer) talk to. Qt-free and thread-safe.

One lock serialises every call, whether from the GUI thread, the MIDI thread or the feeder
thread that keeps the sequencer's window filled. The audio itself never waits for Python:
FluidSynth's audio thread only plays events already in its sequencer, so a busy interpreter
can delay a refill (the window is two seconds deep) but never the sound.

It degrades, never dies: `SoundEngine(...)` does not raise when FluidSynth, a soundfont or an
audio device is missing; `status` says what is missing and how to fix it, and every transport
call quietly does nothing. Pass `strict=True` (the renderer does) to get the AudioError instead.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import numpy as np

from composer.audio.errors import AudioError
from composer.audio.output import (
    AudioStatus,
    LatencySettings,
    OutputInfo,
    fluidsynth_version,
    start_output,
)
from composer.audio.player import LoopRegion, Player, PlayState
from composer.audio.soundfont import find_soundfont
from composer.audio.synth_host import SynthHost
from composer.audio.voicing import DRUM_BANK, channel_plan
from composer.music.score import Score, Voice

log = logging.getLogger(__name__)

REFILL_SECONDS = 0.1  # how often the feeder tops the window up (timing comes from the synth)
WINDOW_MS = 2000
LIVE_LEAD_MS = 30  # first notes of a play() start this late, so a long first fill is not late


class SoundEngine:
    def __init__(self, *, soundfont: str | Path | None = None, driver: str | None = None,
                 offline: bool = False, sample_rate: float = 44100.0, gain: float = 0.5,
                 latency: LatencySettings = LatencySettings(), jack_server: str | None = None,
                 strict: bool = False):
        """`driver`: None picks the platform's best; "jack", "alsa", ... asks for one.
        `offline`: no audio device at all; time advances only through render()."""
        self._lock = threading.RLock()
        self._host: SynthHost | None = None
        self._player: Player | None = None
        self._voices: list[Voice] = [Voice()]
        self._channels = channel_plan(self._voices)
        self._stop_feeder = threading.Event()
        self._feeder: threading.Thread | None = None
        self._offline = offline
        self.status = AudioStatus()
        problems: list[str] = []
        output: OutputInfo | None = None
        font = None
        try:
            font = find_soundfont(soundfont).path
            self._host = SynthHost(font, sample_rate=sample_rate, gain=gain)
            if not offline:
                output = start_output(self._host, driver, latency, jack_server)
        except AudioError as error:
            problems.append(str(error))
            if strict:
                self.close()
                raise
        if self._host is not None:
            self._player = Player(self._host, window_ms=WINDOW_MS,
                                  lead_ms=0 if offline else LIVE_LEAD_MS,
                                  latency_ms=output.latency_ms if output else 0.0)
        self.status = self._status(font, output, problems)
        if output is not None:
            self._feeder = threading.Thread(target=self._feed, name="composer-audio-feeder",
                                            daemon=True)
            self._feeder.start()
        for problem in problems:
            log.warning("%s", problem)

    def _status(self, font: Path | None, output: OutputInfo | None,
                problems: list[str]) -> AudioStatus:
        version = None
        try:
            version = fluidsynth_version()
        except AudioError:
            pass
        return AudioStatus(
            playback=output is not None, render=self._host is not None,
            driver=output.driver if output else None,
            sample_rate=output.sample_rate if output else (self._host.sample_rate if self._host else None),
            period_size=output.period_size if output else None,
            periods=output.periods if output else None,
            latency_ms=output.latency_ms if output else None,
            soundfont=font if self._host is not None else None,
            fluidsynth_version=version, problems=tuple(problems))

    # -- the score and its voicing ---------------------------------------------------------
    def load(self, score: Score) -> None:
        """Set (or replace, e.g. after an edit) the score to play; its voicing applies at once."""
        with self._lock:
            self._voices = list(score.voices)
            self._channels = channel_plan(self._voices)
            if self._player:
                self._player.load(score)

    def set_voices(self, voices: list[Voice]) -> None:
        """Apply a changed voicing table (instrument, volume, pan, mute, solo) immediately."""
        with self._lock:
            if self._player is None:
                self._voices = list(voices)
                self._channels = channel_plan(self._voices)
                return
            score = self._player.score
            # Every map kept: with only the first time signature the metronome lost the meter
            # changes (and a pickup) as soon as a voice was muted.
            replaced = Score(notes=score.notes, voices=list(voices), tempos=score.tempos,
                             meters=list(score.meters), keys=list(score.keys), chords=list(score.chords),
                             pedals=list(score.pedals), title=score.title, style=score.style)
            if channel_plan(voices) == self._channels:
                self._voices = list(voices)
                self._player.score = replaced
                self._host.apply_voices(voices)  # volume/pan/program/mute: no re-scheduling
            else:
                self.load(replaced)

    # -- transport (all safe to call from any thread) ----------------------------------------
    def play(self, start_tick: int = 0, end_tick: int | None = None, *,
             loop: tuple[int, int] | None = None, open_end: bool = False) -> bool:
        """Play the loaded score from `start_tick`; False when there is no sound to play on."""
        with self._lock:
            if not self._can_play():
                return False
            self._player.loop = LoopRegion(*loop) if loop else None
            self._player.play(start_tick, end_tick, open_end=open_end)
            return True

    def stop(self) -> None:
        with self._lock:
            if self._player:
                self._player.stop()

    def pause(self) -> None:
        with self._lock:
            if self._player:
                self._player.pause()

    def resume(self) -> None:
        with self._lock:
            if self._player and self._can_play():
                self._player.resume()

    def seek(self, tick: int) -> None:
        with self._lock:
            if self._player:
                self._player.seek(tick)

    def set_loop(self, loop: tuple[int, int] | None) -> None:
        """Loop [start, end) in ticks while playing; None ends looping (ValueError if too short)."""
        with self._lock:
            region = LoopRegion(*loop) if loop else None
            if self._player:
                self._player.set_loop(region)

    def set_tempo_factor(self, factor: float) -> None:
        """1.0 plays as written, 2.0 twice as fast (0.1-10); takes effect at once."""
        with self._lock:
            if self._player:
                self._player.set_tempo_factor(factor)

    def set_metronome(self, on: bool) -> None:
        with self._lock:
            if self._player:
                self._player.set_metronome(on)

    @property
    def state(self) -> PlayState:
        with self._lock:
            if self._player:
                self._player.pump()  # notices the end even between feeder rounds
                return self._player.state
            return PlayState.STOPPED

    def position(self) -> int:
        """The playhead in score ticks, as heard (output latency allowed for); cheap, poll it."""
        with self._lock:
            return self._player.position() if self._player else 0

    def heard_at(self, tick: int) -> float | None:
        """time.perf_counter() seconds at which score tick `tick` is heard, from the player's own
        schedule (sequencer time read together with the wall clock, so a thread pre-empted just
        before or after play() does not skew it); None when not playing."""
        with self._lock:
            if self._player is None:
                return None
            ahead = self._player.heard_in_ms(tick)
            return None if ahead is None else time.perf_counter() + ahead / 1000.0

    def tempo_factor(self) -> float:
        with self._lock:
            return self._player.tempo.factor if self._player else 1.0

    def drum_kits(self) -> dict[int, str]:
        """The soundfont's drum kits (program in the drum bank -> name); {} without a synth."""
        with self._lock:
            return self._host.preset_names(DRUM_BANK) if self._host is not None else {}

    # -- live notes (piano-roll keyboard, MIDI input) ----------------------------------------
    def note_on(self, voice: int, pitch: int, velocity: int = 100) -> bool:
        """Sound a note now on a voice's channel (not scheduled: heard within one buffer)."""
        with self._lock:
            if self._host is None or not 0 <= pitch <= 127:
                return False
            self._host.noteon(self._channel(voice), pitch, max(1, min(127, velocity)))
            return True

    def note_off(self, voice: int, pitch: int) -> None:
        with self._lock:
            if self._host is not None and 0 <= pitch <= 127:
                self._host.noteoff(self._channel(voice), pitch)

    def all_notes_off(self) -> None:
        """Panic: release every note on every channel, scheduled or live."""
        with self._lock:
            if self._host is not None:
                self._host.notes_off()

    def _channel(self, voice: int) -> int:
        return self._channels[voice] if 0 <= voice < len(self._channels) else self._channels[0]

    # -- offline -------------------------------------------------------------------------
    def render(self, frames: int) -> np.ndarray:
        """Advance an offline engine by `frames` and return them, int16 (frames, 2)."""
        with self._lock:
            if self._host is None:
                raise AudioError(self.status.problems[0] if self.status.problems
                                 else "the sound engine is not available")
            if not self._offline:
                raise AudioError("render() needs an engine made with offline=True")
            self._player.pump()
            return self._host.render(frames)

    # -- lifetime ------------------------------------------------------------------------
    def _can_play(self) -> bool:
        return self._player is not None and (self._offline or self.status.playback)

    def _feed(self) -> None:
        while not self._stop_feeder.wait(REFILL_SECONDS):
            with self._lock:
                if self._player is None or self._host is None or self._host.closed:
                    return
                try:
                    self._player.pump()
                except Exception:  # never let the feeder die silently with notes hanging
                    log.exception("audio feeder failed; stopping playback")
                    self._player.stop()

    def close(self) -> None:
        """Stop everything and free FluidSynth; safe to call more than once."""
        self._stop_feeder.set()
        if self._feeder is not None and self._feeder is not threading.current_thread():
            self._feeder.join(timeout=2.0)
        with self._lock:
            if self._host is not None:
                self._host.close()
            self._host, self._player = None, None

    def __enter__(self) -> "SoundEngine":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()
