"""Live audio output: the right FluidSynth driver per platform, low-latency settings, a report.

FluidSynth's `new_fluid_audio_driver` returns NULL on failure (and pyfluidsynth's
`Synth.start()` hides that by returning 0), so each driver is created here directly and
checked; what FluidSynth logged while failing becomes part of the message. No MIDI driver is
started: MIDI input is Composer's own job (composer/midi_in).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from ctypes import CFUNCTYPE, c_char_p, c_void_p
from pathlib import Path

from composer.audio.errors import AudioDriverError
from composer.audio.jack_info import query_jack
from composer.audio.library import captured_log, fluidsynth_module
from composer.audio.synth_host import SynthHost

# Tried in order when no driver is asked for. SDL2 and OSS are left out of the automatic list:
# SDL2 falls back to a silent "dummy" device and would report success without sound.
_AUTO_DRIVERS = {
    "linux": ["pipewire", "pulseaudio", "alsa", "jack"],
    "darwin": ["coreaudio", "portaudio", "jack"],
    "win32": ["wasapi", "dsound", "waveout", "portaudio"],
}
_OTHER_UNIX = ["pulseaudio", "oss", "jack", "sdl2"]


@dataclass(frozen=True, slots=True)
class LatencySettings:
    """FluidSynth's own buffer: `periods` buffers of `period_size` frames (JACK sets its own)."""

    period_size: int = 256
    periods: int = 3


@dataclass(frozen=True, slots=True)
class AudioStatus:
    """What the sound engine can do now, for the status bar and error dialogs."""

    playback: bool = False  # live sound (a driver is running)
    render: bool = False  # offline WAV rendering (library and soundfont are fine)
    driver: str | None = None
    sample_rate: float | None = None
    period_size: int | None = None
    periods: int | None = None
    latency_ms: float | None = None  # buffer latency: note-on to speaker, roughly
    soundfont: Path | None = None
    fluidsynth_version: str | None = None
    problems: tuple[str, ...] = field(default_factory=tuple)  # what is missing, how to fix it

    def summary(self) -> str:
        """One line for a status bar."""
        if self.playback:
            parts = [self.driver or "?"]
            if self.sample_rate:
                parts.append(f"{self.sample_rate / 1000:g} kHz")
            if self.latency_ms is not None:
                parts.append(f"{self.latency_ms:.1f} ms")
            if self.soundfont:
                parts.append(self.soundfont.name)
            return "Sound: " + " · ".join(parts)
        return "No sound: " + (self.problems[0] if self.problems else "audio engine not started")


@dataclass(frozen=True, slots=True)
class OutputInfo:
    driver: str
    sample_rate: float
    period_size: int
    periods: int
    latency_ms: float


def driver_candidates(platform: str = sys.platform) -> list[str]:
    key = "linux" if platform.startswith("linux") else platform
    return list(_AUTO_DRIVERS.get(key, _OTHER_UNIX))


def available_drivers(host: SynthHost) -> list[str]:
    """The audio drivers compiled into this libfluidsynth."""
    fs = fluidsynth_module()
    callback_type = CFUNCTYPE(None, c_void_p, c_char_p, c_char_p)
    foreach = fs.cfunc("fluid_settings_foreach_option", None, ("settings", c_void_p, 1),
                       ("name", c_char_p, 1), ("data", c_void_p, 1), ("func", callback_type, 1))
    names: list[str] = []
    if foreach is None:
        return names
    callback = callback_type(lambda _data, _name, option: names.append(option.decode()))
    foreach(host.synth.settings, b"audio.driver", None, callback)
    return names


def start_output(host: SynthHost, driver: str | None = None,
                 latency: LatencySettings = LatencySettings(),
                 jack_server: str | None = None) -> OutputInfo:
    """Start live output on `driver` (or the first that works here); AudioDriverError if none."""
    fs = fluidsynth_module()
    compiled = available_drivers(host)
    if driver:
        if compiled and driver not in compiled:
            raise AudioDriverError(f"Audio output failed: this FluidSynth has no {driver!r} driver "
                                   f"(it has {', '.join(compiled)}); choose one of those")
        candidates = [driver]
    else:
        candidates = [d for d in driver_candidates() if not compiled or d in compiled]
        if "jack" in candidates and query_jack(jack_server) is None:
            candidates.remove("jack")  # only a JACK server that is already running
    # libjack would otherwise start a jackd of its own, which may seize the sound card.
    os.environ.setdefault("JACK_NO_START_SERVER", "1")
    failures: list[str] = []
    synth = host.synth
    for name in candidates:
        synth.setting("audio.driver", name)
        synth.setting("audio.period-size", int(latency.period_size))
        synth.setting("audio.periods", int(latency.periods))
        if name == "pulseaudio":
            synth.setting("audio.pulseaudio.adjust-latency", 0)  # else it picks ~100 ms buffers
            synth.setting("audio.pulseaudio.media-role", "music")
        if name == "jack":
            synth.setting("audio.jack.id", "composer")
            synth.setting("audio.jack.autoconnect", 1)  # to the speakers, as a user expects
            if jack_server:
                synth.setting("audio.jack.server", jack_server)
        with captured_log() as lines:
            pointer = fs.new_fluid_audio_driver(synth.settings, synth.synth)
        if pointer:
            synth.audio_driver = pointer
            return _describe(name, host, latency, jack_server)
        failures.append(f"{name}: {'; '.join(lines) or 'could not be started'}")
    tried = "; ".join(failures) or "no audio driver of this FluidSynth found a device"
    raise AudioDriverError(
        f"Audio output failed ({tried}). Check that a sound device or sound server "
        "(PulseAudio/PipeWire) is running, or choose JACK in the settings with a JACK server "
        "running. Rendering to WAV still works.")


def _describe(name: str, host: SynthHost, latency: LatencySettings,
              jack_server: str | None) -> OutputInfo:
    if name == "jack":
        info = query_jack(jack_server)
        if info is not None:
            return OutputInfo(name, float(info.sample_rate), info.buffer_size, 1,
                              1000.0 * (info.buffer_size + info.playback_latency) / info.sample_rate)
    rate = host.sample_rate
    frames = latency.period_size * latency.periods
    return OutputInfo(name, rate, latency.period_size, latency.periods, 1000.0 * frames / rate)


def fluidsynth_version() -> str | None:
    fs = fluidsynth_module()
    version = fs.cfunc("fluid_version_str", c_char_p)
    return version().decode() if version is not None else None
