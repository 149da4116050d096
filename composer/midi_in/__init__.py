"""MIDI keyboard input: ports and hot-plug, thru to the synth, recording, call and response.

Qt-free (composer/ui/midi_bridge.py adapts it to the window). python-rtmidi does the I/O;
see service.MidiInput for the one object the rest of the program uses.
"""

from __future__ import annotations

from composer.midi_in.call_response import CallResponseSettings, Exchange
from composer.midi_in.ports import MidiSystem, MidiUnavailable, list_input_ports
from composer.midi_in.service import (
    ExchangeDone,
    KeyLit,
    MidiInput,
    MidiStatus,
    NotesChanged,
    PortsChanged,
    StatusChanged,
)
from composer.midi_in.take import Take

QUANTISE_CHOICES = {"none": None, "1/8": (8, False), "1/16": (16, False),
                    "1/8 triplet": (8, True), "1/16 triplet": (16, True)}

__all__ = [
    "CallResponseSettings", "Exchange", "ExchangeDone", "KeyLit", "MidiInput", "MidiStatus",
    "MidiSystem", "MidiUnavailable", "NotesChanged", "PortsChanged", "QUANTISE_CHOICES",
    "StatusChanged", "Take", "list_input_ports",
]
