"""MIDI input events as the rest of the program sees them: plain, timestamped, already parsed.

Times are time.perf_counter() seconds of when rtmidi received the event (from its own
timestamps, see ports.MidiSystem.read); every later stage (thru, recording, phrase detection)
uses that time, so a busy thread delays the handling of an event but never moves the note it records.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

SUSTAIN_CC = 64


class Kind(enum.Enum):
    NOTE_ON = "note_on"
    NOTE_OFF = "note_off"
    SUSTAIN = "sustain"  # value: pedal down when >= 64
    PORT_LOST = "port_lost"  # the device went away (cable pulled): release everything


@dataclass(frozen=True, slots=True)
class MidiEvent:
    kind: Kind
    time: float
    pitch: int = 0
    value: int = 0  # velocity for notes, the controller value for the pedal
    channel: int = 0


def parse(message: list[int], time: float) -> MidiEvent | None:
    """A raw rtmidi message -> MidiEvent, or None for what Composer ignores (clock, other CCs,
    sysex). A note-on with velocity 0 is a note-off, as the MIDI standard says."""
    if len(message) < 3:
        return None
    status, data1, data2 = message[0], message[1] & 0x7F, message[2] & 0x7F
    kind, channel = status & 0xF0, status & 0x0F
    if kind == 0x90 and data2 > 0:
        return MidiEvent(Kind.NOTE_ON, time, data1, data2, channel)
    if kind == 0x80 or kind == 0x90:
        return MidiEvent(Kind.NOTE_OFF, time, data1, 0, channel)
    if kind == 0xB0 and data1 == SUSTAIN_CC:
        return MidiEvent(Kind.SUSTAIN, time, 0, data2, channel)
    return None
