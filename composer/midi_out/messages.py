"""Raw MIDI 1.0 messages Composer sends, and which channel each voice uses outside.

Pure (no I/O). Bytes follow the MIDI 1.0 Detailed Specification: channel voice messages
(note on 0x9n, note off 0x8n, control change 0xBn, program change 0xCn) and the system real-time
and common messages used for sync (timing clock 0xF8 at 24 per quarter note, start 0xFA,
continue 0xFB, stop 0xFC, song position pointer 0xF2 counted in sixteenth notes = 6 clocks).
External channels are the exported file's (composer.io.midi_writer.assign_channels): drums on
channel 10, other voices on 1-9, 11-16, so a DAW track set up from an exported file matches.
"""

from __future__ import annotations

from composer.io.midi_writer import assign_channels
from composer.music.score import TICKS_PER_QUARTER, Score

CLOCKS_PER_QUARTER = 24
TICKS_PER_CLOCK = TICKS_PER_QUARTER // CLOCKS_PER_QUARTER  # 20 score ticks
TICKS_PER_SIXTEENTH = TICKS_PER_QUARTER // 4  # the song position pointer's unit
CLOCK, START, CONTINUE, STOP, SONG_POSITION = 0xF8, 0xFA, 0xFB, 0xFC, 0xF2
CC_VOLUME, CC_PAN, CC_SUSTAIN, CC_ALL_NOTES_OFF = 7, 10, 64, 123


def note_on(channel: int, pitch: int, velocity: int) -> list[int]:
    return [0x90 | channel, pitch & 0x7F, max(1, min(127, velocity))]


def note_off(channel: int, pitch: int) -> list[int]:
    return [0x80 | channel, pitch & 0x7F, 0]


def control(channel: int, number: int, value: int) -> list[int]:
    return [0xB0 | channel, number & 0x7F, max(0, min(127, int(value)))]


def program(channel: int, number: int) -> list[int]:
    return [0xC0 | channel, max(0, min(127, int(number)))]


def song_position(tick: int) -> list[int]:
    """Song position pointer for a score tick (rounded down to a sixteenth; 14 bits, LSB first)."""
    sixteenths = max(0, min(0x3FFF, tick // TICKS_PER_SIXTEENTH))
    return [SONG_POSITION, sixteenths & 0x7F, sixteenths >> 7]


def song_position_tick(lsb: int, msb: int) -> int:
    return ((msb & 0x7F) << 7 | (lsb & 0x7F)) * TICKS_PER_SIXTEENTH


def external_channels(score: Score) -> list[int]:
    """The MIDI channel (0-15) of each voice on an external port."""
    return assign_channels(score)


def voice_setup(score: Score, voices: list[int] | None = None) -> list[list[int]]:
    """Program, volume and pan for each voice going out (`voices`: which, default all): sent
    before playing, so the DAW's instrument or a hardware synth gets the score's sounds."""
    channels = external_channels(score)
    out, done = [], set()
    for index, voice in enumerate(score.voices):
        if voices is not None and index not in voices:
            continue
        channel = channels[index]
        if channel in done:  # a shared channel keeps its first voice's sound, as in the file
            continue
        done.add(channel)
        out += [program(channel, voice.program), control(channel, CC_VOLUME, voice.volume),
                control(channel, CC_PAN, voice.pan)]
    return out
