"""Fixtures for MIDI out and sync: a private JACK dummy server (tests/dummy_jack.py, 128-frame
period as in tests/midi_in: JACK delivers MIDI once per period, 2.7 ms), a "DAW" input port and
the app's MidiOutput. The helpers (Daw, DawClock, waits) are in midi_ports.py beside the tests.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent))  # dummy_jack
sys.path.insert(0, str(Path(__file__).parent))  # midi_ports, the helpers beside the tests

from dummy_jack import dummy_jack_server  # noqa: E402

from composer.midi_out import MidiOutput  # noqa: E402
from midi_ports import Daw  # noqa: E402

_names = itertools.count()


@pytest.fixture(scope="module")
def jack_server(tmp_path_factory):
    with dummy_jack_server("composer-midiout", tmp_path_factory.mktemp("jack"), period=128) as name:
        yield name


@pytest.fixture
def daw(jack_server):
    receiver = Daw()
    yield receiver
    receiver.close()


@pytest.fixture
def out(jack_server):
    service = MidiOutput(api="jack", client_name=f"composer-out-{next(_names)}", watch_interval=0.05)
    assert service.status.available, service.status.message
    yield service
    service.close()
