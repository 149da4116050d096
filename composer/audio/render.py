"""Offline rendering to WAV, through exactly the path live playback takes.

An offline SoundEngine has no audio driver: the same Player schedules the same events into
FluidSynth's sequencer, and `get_samples` advances the synth's sample clock block by block, so
what the file holds is what the speakers would have played, only faster than real time.
"""

from __future__ import annotations

import threading
import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from composer.audio.engine import SoundEngine
from composer.audio.errors import AudioError, RenderCancelled
from composer.audio.player import PlayState
from composer.audio.timeline import TempoMap
from composer.io import safe_write
from composer.music.score import Score

BLOCK_FRAMES = 4096
SILENT_PEAK = 8  # int16: below this the release/reverb tail is inaudible (about -72 dBFS)


@dataclass(frozen=True, slots=True)
class RenderResult:
    path: Path
    frames: int
    sample_rate: int
    elapsed: float  # wall-clock seconds the render took
    soundfont: Path

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate

    @property
    def speed(self) -> float:
        """Seconds of audio per second of work ("× real time")."""
        return self.seconds / self.elapsed if self.elapsed > 0 else float("inf")


def render_wav(score: Score, path: str | Path, *, soundfont: str | Path | None = None,
               sample_rate: int = 44100, gain: float = 0.5, start_tick: int = 0,
               end_tick: int | None = None, tempo_factor: float = 1.0, metronome: bool = False,
               tail_seconds: float = 3.0,
               progress: Callable[[float], None] | None = None,
               cancel: threading.Event | Callable[[], bool] | None = None) -> RenderResult:
    """Render `score` (or ticks start_tick..end_tick of it) to a 16-bit stereo WAV file.

    `progress(fraction)` is called as the render advances (0..1); `cancel` (an Event or a
    callable) stops it: the partial file is removed and RenderCancelled raised. Errors (no
    FluidSynth, no soundfont) raise AudioError with the message to show.
    """
    path = Path(path)
    if not score.notes and end_tick is None:
        raise AudioError("nothing to render: the score has no notes")
    cancelled = cancel.is_set if isinstance(cancel, threading.Event) else (cancel or (lambda: False))
    began = time.perf_counter()
    with SoundEngine(soundfont=soundfont, offline=True, sample_rate=float(sample_rate),
                     gain=gain, strict=True) as engine:
        engine.load(score)
        engine.set_tempo_factor(tempo_factor)
        engine.set_metronome(metronome)
        engine.play(start_tick, end_tick)
        tempo = TempoMap(score, tempo_factor)
        stop = end_tick if end_tick is not None else score.end
        expected = (tempo.seconds(stop) - tempo.seconds(start_tick)) * sample_rate
        expected = max(1.0, expected + 0.5 * tail_seconds * sample_rate)
        frames = 0
        tail_left = int(tail_seconds * sample_rate)
        reported = -1.0
        # An exclusive partial file with an unpredictable name (composer.io.safe_write), renamed
        # over `path` when done: a symlink planted beside the target cannot redirect the write,
        # and a cancel, an error or a kill leaves no half-written WAV under the real name.
        with safe_write.replacing(path) as handle:
            with wave.open(handle, "wb") as out:
                out.setnchannels(2)
                out.setsampwidth(2)
                out.setframerate(sample_rate)
                while True:
                    if cancelled():
                        raise RenderCancelled(f"rendering {path.name} was cancelled")
                    playing = engine.state is PlayState.PLAYING
                    block = engine.render(BLOCK_FRAMES)
                    out.writeframes(block.astype("<i2", copy=False).tobytes())
                    frames += len(block)
                    if not playing:
                        tail_left -= len(block)
                        if tail_left <= 0 or _peak(block) < SILENT_PEAK:
                            break
                    fraction = min(0.99, frames / expected)
                    if progress and fraction - reported >= 0.005:
                        reported = fraction
                        progress(fraction)
        font = engine.status.soundfont
    if progress:
        progress(1.0)
    return RenderResult(path, frames, sample_rate, time.perf_counter() - began, font)


def _peak(block) -> int:
    return max(int(block.max(initial=0)), -int(block.min(initial=0)))
