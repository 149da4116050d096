"""MIDI out and tempo sync: playback, audition, thru and answers to an external port (a DAW, a
hardware synth), MIDI clock when Composer leads, following a DAW's clock or JACK transport.

Qt-free (composer/ui/midi_out_controls.py adapts it to the window). python-rtmidi does the I/O;
see service.MidiOutput for the one object the rest of the program uses.
"""

from __future__ import annotations

from composer.midi_out.clock_follow import ClockFollower, Lost, Tempo, Transport
from composer.midi_out.port import OutputPort, list_output_ports
from composer.midi_out.router import BOTH, EXTERNAL, INTERNAL, ROUTES, RoutedEngine, Routing
from composer.midi_out.service import (
    SYNC_MODES,
    FollowTransport,
    MidiOutput,
    OutPortsChanged,
    OutStatusChanged,
    SyncChanged,
)

__all__ = [
    "BOTH", "EXTERNAL", "INTERNAL", "ROUTES", "SYNC_MODES", "ClockFollower", "FollowTransport", "Lost",
    "MidiOutput", "OutPortsChanged", "OutStatusChanged", "OutputPort", "RoutedEngine", "Routing",
    "SyncChanged", "Tempo", "Transport", "list_output_ports",
]
