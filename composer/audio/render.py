"""Offline rendering to WAV, through exactly the path live playback takes.

An offline SoundEngine has no audio driver: the same Player schedules the same events into
FluidSynth's sequencer, and `get_samples` advances the synth's sample clock block by block, so
what the file holds is what the speakers would have played, only faster than real time.
"""

from __future__ import annotations

import math
import tempfile
import threading
import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from composer.audio.engine import SoundEngine
from composer.audio.errors import AudioError, RenderCancelled
from composer.audio.player import PlayState
from composer.audio.render_limits import (MAX_RENDER_SECONDS, MAX_SILENCE_SECONDS, Shortened, check_render, describe,
                                          shorten_silences)
from composer.audio.timeline import TempoMap
from composer.io import safe_write
from composer.music.score import Score

BLOCK_FRAMES = 4096
SILENT_PEAK = 8  # int16: below this the release/reverb tail is inaudible (about -72 dBFS)
FULL_SCALE = 32767
DEFAULT_PEAK_DBFS = -1.0  # exports peak here: loud enough to hear, 1 dB of headroom for converters
# FluidSynth's own ranges (fluid_settings_getnum_range of synth.sample-rate and synth.gain): outside
# them it logs an error and keeps its default, so a 1 MHz request wrote 44.1 kHz audio under a
# 1 MHz header (16 s of music played as 0.7 s) and 0 crashed the WAV writer.
SAMPLE_RATE_RANGE = (8000, 96000)  # samples per second
GAIN_RANGE = (0.0, 10.0)  # FluidSynth master gain


def check_settings(sample_rate: float, gain: float) -> None:
    """Raise AudioError naming a sample rate or gain FluidSynth would not honour."""
    low, high = SAMPLE_RATE_RANGE
    if not low <= sample_rate <= high:
        raise AudioError(f"a sample rate of {sample_rate:g} Hz cannot be rendered: FluidSynth "
                         f"renders {low}-{high} samples per second (44100 is CD quality)")
    low, high = GAIN_RANGE
    if not low <= gain <= high:
        raise AudioError(f"a gain of {gain:g} cannot be used: FluidSynth's master gain is "
                         f"{low:g}-{high:g} (0.5 is the default)")


def dbfs(peak: int) -> float:
    """An int16 peak in dB relative to full scale (-inf for silence)."""
    return 20 * math.log10(peak / FULL_SCALE) if peak > 0 else float("-inf")


@dataclass(frozen=True, slots=True)
class RenderResult:
    path: Path
    frames: int
    sample_rate: int
    elapsed: float  # wall-clock seconds the render took
    soundfont: Path
    peak_dbfs: float = float("-inf")  # the file's peak (after normalising)
    gain_db: float = 0.0  # what peak normalising added (0: left as rendered)
    shortened: tuple[Shortened, ...] = ()  # silent stretches cut (composer.audio.render_limits)

    @property
    def notice(self) -> str | None:
        """What the render changed to stay bounded, for the person who asked for it."""
        return describe(list(self.shortened)) if self.shortened else None

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
               tail_seconds: float = 3.0, normalise_peak: float | None = DEFAULT_PEAK_DBFS,
               progress: Callable[[float], None] | None = None,
               cancel: threading.Event | Callable[[], bool] | None = None,
               max_silence: float | None = MAX_SILENCE_SECONDS,
               max_seconds: float = MAX_RENDER_SECONDS) -> RenderResult:
    """Render `score` (or ticks start_tick..end_tick of it) to a 16-bit stereo WAV file.

    Loudness: with `normalise_peak` (dBFS, default -1) the whole file is scaled so its highest
    sample peaks there (a single violin line renders around -20 dBFS; a full band can clip), one
    gain for the whole file so the dynamics are kept; None writes the synth's output as is. The
    result says the gain applied (RenderResult.gain_db).

    `progress(fraction)` is called as the render advances (0..1); `cancel` (an Event or a
    callable) stops it: the partial file is removed and RenderCancelled raised. Errors (no
    FluidSynth, no soundfont) raise AudioError with the message to show.

    Bounded (composer.audio.render_limits): a silence longer than `max_silence` seconds is cut
    to that length (whole-score renders; RenderResult.shortened and .notice say so), and a
    render longer than `max_seconds` or bigger than the free disk space is refused up front
    (RenderRefused, an AudioError) instead of filling the disk. A sample rate or gain outside
    FluidSynth's ranges (SAMPLE_RATE_RANGE, GAIN_RANGE) is an AudioError before anything is written.
    """
    path = Path(path)
    check_settings(sample_rate, gain)
    if not score.notes and end_tick is None:
        raise AudioError("nothing to render: the score has no notes")
    shortened: list[Shortened] = []
    if max_silence is not None and start_tick == 0 and end_tick is None:
        score, shortened = shorten_silences(score, max_silence)
    span = TempoMap(score, tempo_factor)
    length = span.seconds(end_tick if end_tick is not None else score.end) - span.seconds(start_tick)
    check_render(length + tail_seconds, path, sample_rate, max_seconds)
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
        peak = 0
        # The synth's samples go to a private temporary file first: normalising needs the whole
        # file's peak before the first sample is written.
        with tempfile.TemporaryFile() as raw:
            while True:
                if cancelled():
                    raise RenderCancelled(f"rendering {path.name} was cancelled")
                playing = engine.state is PlayState.PLAYING
                block = engine.render(BLOCK_FRAMES)
                raw.write(block.astype("<i2", copy=False).tobytes())
                peak = max(peak, _peak(block))
                frames += len(block)
                if not playing:
                    tail_left -= len(block)
                    if tail_left <= 0 or _peak(block) < SILENT_PEAK:
                        break
                fraction = min(0.95, 0.95 * frames / expected)
                if progress and fraction - reported >= 0.005:
                    reported = fraction
                    progress(fraction)
            gain = 1.0
            if normalise_peak is not None and peak > 0:
                gain = min(FULL_SCALE * 10 ** (normalise_peak / 20), FULL_SCALE) / peak
            raw.seek(0)
            # An exclusive partial file with an unpredictable name (composer.io.safe_write), renamed
            # over `path` when done: a symlink planted beside the target cannot redirect the write,
            # and a cancel, an error or a kill leaves no half-written WAV under the real name.
            with safe_write.replacing(path) as handle:
                with wave.open(handle, "wb") as out:
                    out.setnchannels(2)
                    out.setsampwidth(2)
                    out.setframerate(sample_rate)
                    while chunk := raw.read(BLOCK_FRAMES * 4 * 16):
                        if cancelled():
                            raise RenderCancelled(f"rendering {path.name} was cancelled")
                        if gain != 1.0:
                            scaled = np.frombuffer(chunk, "<i2").astype(np.float64) * gain
                            chunk = np.clip(np.rint(scaled), -FULL_SCALE - 1, FULL_SCALE).astype("<i2").tobytes()
                        out.writeframes(chunk)
        font = engine.status.soundfont
    if progress:
        progress(1.0)
    return RenderResult(path, frames, sample_rate, time.perf_counter() - began, font,
                        peak_dbfs=dbfs(min(FULL_SCALE, round(peak * gain))),
                        gain_db=20 * math.log10(gain) if gain != 1.0 else 0.0, shortened=tuple(shortened))


def _peak(block) -> int:
    return max(int(block.max(initial=0)), -int(block.min(initial=0)))
