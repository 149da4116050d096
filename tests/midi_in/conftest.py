"""Fixtures for MIDI input: a private JACK dummy server (started and stopped here, a unique name),
a "keyboard" that is a real rtmidi virtual output port on it, and the app's MidiInput.

The JACK server follows tests/audio/conftest.py (same command line and readiness probe), with a
128-frame period (2.7 ms: rtmidi delivers MIDI once per period, so this bounds timing; a shorter
period makes a non-real-time client on a busy machine miss cycles, and JACK drops the MIDI of a
missed cycle), and module scope so the tests share it.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "audio"))  # sound_analysis: listen to the synth
sys.path.insert(0, str(Path(__file__).parent.parent))  # dummy_jack, shared with tests/audio
sys.path.insert(0, str(Path(__file__).parent))  # midi_keys, the helpers beside the tests

from dummy_jack import dummy_jack_server  # noqa: E402

from composer.midi_in import MidiInput  # noqa: E402
from midi_keys import Keyboard, wait_connected  # noqa: E402 - helpers, see there

_names = itertools.count()  # unique JACK client names for the services made here


@pytest.fixture(scope="module")
def jack_server(tmp_path_factory):
    with dummy_jack_server("composer-midi", tmp_path_factory.mktemp("jack"), period=128) as name:
        yield name


@pytest.fixture
def keyboard(jack_server):
    board = Keyboard()
    yield board
    try:
        board.close()
    except Exception:
        pass


@pytest.fixture
def midi(jack_server):
    """The app's MIDI input on JACK, no sound engine (tests that listen make their own)."""
    service = MidiInput(None, api="jack", client_name=f"composer-{next(_names)}", watch_interval=0.05)
    assert service.status.available, service.status.message
    yield service
    service.close()


@pytest.fixture
def connected(midi, keyboard):
    assert midi.open(keyboard.name), midi.ports()
    wait_connected(keyboard.name)
    return midi, keyboard
