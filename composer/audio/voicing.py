"""Which synth channel each voice plays on, and whether it is heard (mute/solo).

Pure: no FluidSynth here, so the UI and tests can reason about the mapping. The synth is
created with 64 channels, so every voice gets a channel of its own (MIDI files are limited to
16; the synth is not). The first drum voice plays on channel 10 (index 9) as General MIDI
expects; further drum voices get their own channels switched to the drum bank.
"""

from __future__ import annotations

from dataclasses import dataclass

from composer.music.score import Voice

SYNTH_CHANNELS = 64
DRUM_CHANNEL = 9  # MIDI channel 10
METRONOME_CHANNEL = SYNTH_CHANNELS - 1
DRUM_BANK = 128  # SoundFont bank of percussion presets
METRONOME_ACCENT_KEY = 75  # GM Claves, on the first beat of a bar (a clean, bright click)
METRONOME_KEY = 77  # GM Low Wood Block
_VOICE_CHANNELS = [c for c in range(SYNTH_CHANNELS - 1) if c != DRUM_CHANNEL]


@dataclass(frozen=True, slots=True)
class ChannelSetting:
    """Everything the synth needs to know about one voice's channel."""

    channel: int
    program: int
    is_drum: bool
    volume: int  # the CC7 actually sent: 0 when the voice is muted or another is soloed
    pan: int


def channel_plan(voices: list[Voice]) -> list[int]:
    """The synth channel of each voice, by voice index."""
    channels: list[int] = []
    melodic, drum_taken = 0, False
    for voice in voices:
        if voice.is_drum and not drum_taken:
            channels.append(DRUM_CHANNEL)
            drum_taken = True
        else:  # beyond 62 voices channels are shared, round robin
            channels.append(_VOICE_CHANNELS[melodic % len(_VOICE_CHANNELS)])
            melodic += 1
    return channels


def audible(voices: list[Voice]) -> list[bool]:
    """Mixer logic: a soloed voice silences every voice that is not soloed; mute always wins."""
    any_solo = any(v.solo for v in voices)
    return [not v.mute and (v.solo or not any_solo) for v in voices]


def channel_settings(voices: list[Voice]) -> list[ChannelSetting]:
    heard = audible(voices)
    return [
        ChannelSetting(channel, _clamp(v.program, 0, 127), v.is_drum,
                       _clamp(v.volume, 0, 127) if on else 0, _clamp(v.pan, 0, 127))
        for v, channel, on in zip(voices, channel_plan(voices), heard)
    ]


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, int(value)))
