"""The sound engine: FluidSynth playback, live notes and offline rendering. Qt-free.

    from composer.audio import SoundEngine, render_wav
    engine = SoundEngine()              # never raises: see engine.status
    engine.load(score); engine.play(start_tick=0)
    engine.position()                   # playhead in ticks, poll at ~60 Hz
    engine.note_on(voice=0, pitch=60, velocity=100)
    render_wav(score, "out.wav", progress=print)

pyfluidsynth is imported lazily, in composer.audio.library only: importing this package works
(and costs little) on a machine without libfluidsynth.
"""

from __future__ import annotations

from composer.audio.engine import SoundEngine
from composer.audio.errors import (
    AudioDriverError,
    AudioError,
    FluidSynthMissing,
    RenderCancelled,
    SoundFontError,
)
from composer.audio.library import fluidsynth_available, missing_reason
from composer.audio.output import AudioStatus, LatencySettings
from composer.audio.player import PlayState
from composer.audio.render import RenderResult, render_wav
from composer.audio.soundfont import SoundFontChoice, find_soundfont

__all__ = [
    "AudioDriverError", "AudioError", "AudioStatus", "FluidSynthMissing", "LatencySettings",
    "PlayState", "RenderCancelled", "RenderResult", "SoundEngine", "SoundFontChoice",
    "SoundFontError", "find_soundfont", "fluidsynth_available", "missing_reason", "render_wav",
]
