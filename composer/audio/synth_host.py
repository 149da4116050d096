"""One FluidSynth synthesizer, its soundfont and its sequencer, with a safe lifetime.

Everything that touches pyfluidsynth's Synth and Sequencer objects lives here, so the rules of
the library are kept in one place: floats for float settings, the sequencer driven by the
synth's sample clock (use_system_timer=False), and an idempotent close() because deleting a
FluidSynth object twice, or using it afterwards, crashes the process.
"""

from __future__ import annotations

import logging
import threading
from ctypes import c_int, c_short, c_void_p
from pathlib import Path

import numpy as np

from composer.audio.errors import AudioError, SoundFontError
from composer.audio.library import c_function, captured_log, fluidsynth_module
from composer.audio.voicing import (
    DRUM_BANK,
    METRONOME_CHANNEL,
    SYNTH_CHANNELS,
    channel_settings,
)
from composer.music.score import Voice

log = logging.getLogger(__name__)

SEQUENCER_TICKS_PER_SECOND = 1000  # sequencer time in milliseconds of rendered audio
_CHANNEL_TYPE_MELODIC, _CHANNEL_TYPE_DRUM = 0, 1
_CC_VOLUME, _CC_PAN, _CC_SUSTAIN = 7, 10, 64


class SynthHost:
    def __init__(self, soundfont: str | Path, *, sample_rate: float = 44100.0, gain: float = 0.5,
                 settings: dict[str, str | int | float] | None = None):
        fs = fluidsynth_module()
        self._fs = fs
        self.soundfont = Path(soundfont)
        self.sample_rate = float(sample_rate)
        self._lock = threading.Lock()  # guards close() against a concurrent second close()
        self._closed = False
        self.sequencer = None
        self.synth = fs.Synth(gain=float(gain), samplerate=self.sample_rate,
                              channels=SYNTH_CHANNELS, **(settings or {}))
        try:
            self.sfid = self._load_font()
            self.sequencer = fs.Sequencer(time_scale=SEQUENCER_TICKS_PER_SECOND,
                                          use_system_timer=False)
            self.dest = self.sequencer.register_fluidsynth(self.synth)
            self._remove_events = c_function("fluid_sequencer_remove_events", None,
                                             c_void_p, c_int, c_int, c_int)
            self._set_channel_type = c_function("fluid_synth_set_channel_type", c_int,
                                                c_void_p, c_int, c_int)
            # pyfluidsynth's Sequencer sends notes only; a controller event is built with the C API
            # (fluid_event_control_change(evt, channel, short control, int value), FluidSynth 2.x).
            self._event_cc = c_function("fluid_event_control_change", None, c_void_p, c_int, c_short, c_int)
        except BaseException:
            self.close()
            raise
        self._channels: set[int] = set()
        self._select(METRONOME_CHANNEL, DRUM_BANK, 0, drum=True)
        self.apply_voices([Voice()])

    def _load_font(self) -> int:
        if not self.soundfont.is_file():
            raise SoundFontError(f"Soundfont not found: {self.soundfont} does not exist",
                                 self.soundfont)
        with captured_log() as lines:
            sfid = self.synth.sfload(str(self.soundfont))
        if sfid < 0:
            detail = f" ({'; '.join(lines)})" if lines else ""
            raise SoundFontError(f"FluidSynth could not load the soundfont {self.soundfont}{detail}: "
                                 "is it a valid .sf2 or .sf3 file? Choose another soundfont.",
                                 self.soundfont)
        return sfid

    # -- voicing -------------------------------------------------------------------------
    def apply_voices(self, voices: list[Voice]) -> None:
        """Program, volume (0 when muted or not soloed) and pan for each voice's channel."""
        self._check_open()
        used = set()
        for setting in channel_settings(voices):
            if setting.channel in used:
                continue  # a shared channel (more than 62 voices) keeps its first voice's sound
            used.add(setting.channel)
            bank = DRUM_BANK if setting.is_drum else 0
            self._select(setting.channel, bank, setting.program, drum=setting.is_drum)
            self.synth.cc(setting.channel, _CC_VOLUME, setting.volume)
            self.synth.cc(setting.channel, _CC_PAN, setting.pan)
        dropped = self._channels - used
        if dropped:
            self.notes_off(sorted(dropped))
        self._channels = used

    def _select(self, channel: int, bank: int, program: int, drum: bool) -> None:
        if self._set_channel_type is not None:
            self._set_channel_type(self.synth.synth, channel,
                                   _CHANNEL_TYPE_DRUM if drum else _CHANNEL_TYPE_MELODIC)
        if self.synth.program_select(channel, self.sfid, bank, program) != 0:
            # The font lacks this preset: a wrong timbre beats silence.
            log.warning("%s has no preset bank %d program %d; using its first %s",
                        self.soundfont.name, bank, program, "kit" if drum else "program")
            self.synth.program_select(channel, self.sfid, bank, 0)

    def preset_names(self, bank: int) -> dict[int, str]:
        """The soundfont's presets in a bank (program -> name), e.g. DRUM_BANK's drum kits."""
        self._check_open()
        names = {}
        for program in range(128):
            name = self.synth.sfpreset_name(self.sfid, bank, program)
            if name:
                names[program] = name.decode() if isinstance(name, bytes) else str(name)
        return names

    # -- live ----------------------------------------------------------------------------
    def noteon(self, channel: int, key: int, velocity: int) -> None:
        self._check_open()
        self.synth.noteon(channel, key, velocity)

    def noteoff(self, channel: int, key: int) -> None:
        self._check_open()
        self.synth.noteoff(channel, key)

    def notes_off(self, channels: list[int] | None = None) -> None:
        """Release every note (sustain pedal lifted first, so nothing hangs)."""
        self._check_open()
        for channel in (sorted(self._channels | {METRONOME_CHANNEL}) if channels is None else channels):
            self.synth.cc(channel, _CC_SUSTAIN, 0)
            self.synth.all_notes_off(channel)

    # -- the sequencer -------------------------------------------------------------------
    def now_ms(self) -> int:
        """Milliseconds of audio the synth has rendered: the clock everything is timed by."""
        self._check_open()
        return self.sequencer.get_tick()

    def schedule_on(self, ms: int, channel: int, key: int, velocity: int) -> None:
        self.sequencer.note_on(max(0, ms), channel, key, velocity, dest=self.dest)

    def schedule_off(self, ms: int, channel: int, key: int) -> None:
        self.sequencer.note_off(max(0, ms), channel, key, dest=self.dest)

    def schedule_pedal(self, ms: int, channel: int, down: bool) -> None:
        """The sustain pedal (CC64 127 down, 0 up, MIDI 1.0) on `channel` at sequencer time `ms`."""
        if self._event_cc is None:  # a FluidSynth without the call: notes still play, unpedalled
            return
        event = self.sequencer._create_event(dest=self.dest)
        try:
            self._event_cc(event, channel, _CC_SUSTAIN, 127 if down else 0)
            self.sequencer._schedule_event(event, max(0, ms))
        finally:
            self._fs.delete_fluid_event(event)

    def cancel_scheduled(self) -> None:
        self._check_open()
        self._remove_events(self.sequencer.sequencer, -1, self.dest, -1)

    # -- audio ---------------------------------------------------------------------------
    def render(self, frames: int) -> np.ndarray:
        """The next `frames` stereo frames as int16, shape (frames, 2): offline rendering."""
        self._check_open()
        return self.synth.get_samples(frames).reshape(-1, 2)

    @property
    def closed(self) -> bool:
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise AudioError("the synthesizer has been closed")

    def close(self) -> None:
        """Free the audio driver, sequencer and synth, in that order; safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self.synth.audio_driver:
                self._fs.delete_fluid_audio_driver(self.synth.audio_driver)
                self.synth.audio_driver = None
            if self.sequencer is not None:
                self.sequencer.delete()
            self.synth.delete()
