"""A keyboard pulled out and plugged in again (or another one plugged in) faster than the port
list is polled: real rtmidi ports on the dummy JACK server.

The watcher polls the port list (hotplug.py). A keyboard replugged between two polls leaves the
same name in the list, but the old port and its JACK connection to Composer are gone: Composer
said "connected" and heard nothing. What must hold whatever the timing: "connected" means that
what is played arrives; otherwise the status says it is not connected.

Timing is set by events, not by the wall clock: the watcher here polls only when told
(`check_ports`, a poll) or when JACK says a port came or went, so "between two polls" is exact.
"""

from __future__ import annotations

import itertools
import sys
import time

import pytest
from midi_keys import Keyboard, wait_connected, wait_for

from composer.midi_in import KeyLit, MidiInput, StatusChanged
from composer.midi_in.ports import MidiSystem
from composer.music.score import Score

_ids = itertools.count()
NEVER = 3600.0  # the watcher's own timer never fires in a test


@pytest.fixture
def midi(jack_server):
    service = MidiInput(None, api="jack", client_name=f"composer-race-{next(_ids)}", watch_interval=NEVER)
    assert service.status.available, service.status.message
    yield service
    service.close()


def heard(midi, board: Keyboard, pitch: int) -> bool:
    """Play `pitch` and say whether the take got it (waits up to 2 s for it to arrive)."""
    midi.start_take(Score(), 0, count_in_bars=0)
    try:
        board.on(pitch, 90)
        got = wait_for(lambda: any(n.pitch == pitch for n in midi.live_notes()), 2.0)
        board.off(pitch)
    finally:
        midi.stop_take()
    return got


def settle(midi) -> None:
    """Two polls, so that what a poll started (a reopen) has been checked by the next."""
    midi.check_ports()
    midi.check_ports()


def assert_connected_means_heard(midi, board: Keyboard | None, pitch: int) -> None:
    status = midi.status
    if status.state == "connected":
        assert board is not None and status.port == board.name, status
        assert heard(midi, board, pitch), f"shown {status.message!r} but note {pitch} never arrived"
    else:
        assert status.state == "disconnected" and "connect" in status.message, status


def test_a_keyboard_replugged_between_two_polls_plays_again(midi):
    board = Keyboard(port="keys", client="test-keyboard-quick")
    try:
        assert midi.open(board.name)
        wait_connected(board.name)
        assert heard(midi, board, 60)
        clock = midi.start_take(Score(), 0, count_in_bars=0)
        board.on(62, 80)  # held when it is pulled out
        assert wait_for(lambda: [n.pitch for n in midi.live_notes()] == [62])
        midi.drain()
        board.close()
        board = Keyboard(port="keys", client="test-keyboard-quick")  # same name, new port
        settle(midi)
        settled = time.perf_counter()
        assert midi.status.state == "connected", midi.status  # the same keyboard is there again
        events = []
        assert wait_for(lambda: events.extend(midi.drain()) or KeyLit(62, False) in events, 2.0), events
        take = midi.stop_take()
        assert [n.pitch for n in take.raw] == [62]
        assert clock.time(take.raw[0].end) <= settled + 0.002  # ended with the old port, not at stop
        states = [e.status.state for e in events if isinstance(e, StatusChanged)]
        assert "disconnected" in states and states[-1] == "connected"  # the window was told
        assert_connected_means_heard(midi, board, 64)
    finally:
        board.close()


@pytest.mark.parametrize("polls_while_gone", [0, 1])
def test_another_keyboard_plugged_in_while_the_chosen_one_is_gone(midi, polls_while_gone):
    first = Keyboard(port="keys", client="test-keyboard-first")
    second = None
    try:
        assert midi.open(first.name)
        wait_connected(first.name)
        first.close()
        first = None
        for _ in range(polls_while_gone):
            midi.check_ports()
        second = Keyboard(port="keys", client="test-keyboard-second")
        settle(midi)
        assert midi.status.state == "disconnected", midi.status  # the chosen one is not there
        assert "test-keyboard-first:keys" in midi.status.message
        assert_connected_means_heard(midi, None, 65)
        # The chosen keyboard back (under its own name): heard again.
        first = Keyboard(port="keys", client="test-keyboard-first")
        settle(midi)
        assert midi.status.state == "connected", midi.status
        assert_connected_means_heard(midi, first, 67)
    finally:
        for board in (first, second):
            if board is not None:
                board.close()


@pytest.mark.parametrize("polls_while_gone", [0, 1, 2])
def test_whatever_the_gap_in_polls_connected_means_heard(midi, polls_while_gone):
    """Replugs a few times with 0, 1 or 2 polls while the port is gone; after each, the watcher's
    own thread runs too (JACK's port events wake it), so its polls interleave with these."""
    board = Keyboard(port="keys", client="test-keyboard-again")
    try:
        assert midi.open(board.name)
        wait_connected(board.name)
        for round_ in range(3):
            board.close()
            for _ in range(polls_while_gone):
                midi.check_ports()
            board = Keyboard(port="keys", client="test-keyboard-again")
            settle(midi)
            assert midi.status.state == "connected", (round_, midi.status)
            assert_connected_means_heard(midi, board, 70 + round_)
    finally:
        board.close()


def test_the_system_says_when_its_source_was_replaced_under_the_same_name(jack_server):
    """MidiSystem alone (no watcher): a port recreated under the open one's name is not linked."""
    system = MidiSystem(f"composer-race-{next(_ids)}", "jack")
    board = Keyboard(port="keys", client="test-keyboard-linked")
    try:
        assert system.open(board.name)
        assert system.linked() is True
        board.close()
        board = Keyboard(port="keys", client="test-keyboard-linked")
        assert board.name in system.ports()
        assert wait_for(lambda: system.linked() is False, 2.0), "the dead link was not noticed"
        assert system.open(board.name) and system.linked() is True
    finally:
        board.close()
        system.close()


def test_the_window_shows_connected_only_while_the_replugged_keyboard_plays(qtbot, monkeypatch, tmp_path,
                                                                            jack_server):
    """The window's status bar and lit keys after a replug between two polls (pytest-qt, offscreen)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from window_helpers import close_window, isolate_settings

    from composer.ui.main_window import MainWindow

    isolate_settings(tmp_path / "config", monkeypatch)
    monkeypatch.setenv("COMPOSER_MIDI_API", "jack")
    board = Keyboard(port="keys", client="test-keyboard-window")
    window = MainWindow(load_model=False, start_audio=False)
    qtbot.addWidget(window)
    controls = window.midi
    service = controls.bridge.service
    try:
        controls.choose(board.name)
        qtbot.waitUntil(lambda: window.status.midi.state == "ok")
        wait_connected(board.name)
        board.close()
        board = Keyboard(port="keys", client="test-keyboard-window")  # back before the next poll
        settle(service)
        controls.bridge.poll()
        if window.status.midi.state == "ok":  # shown connected: a key played lights up
            board.on(72, 100)
            qtbot.waitUntil(lambda: 72 in window.editor.keyboard.lit, timeout=2000)
            board.off(72)
            qtbot.waitUntil(lambda: 72 not in window.editor.keyboard.lit, timeout=2000)
        else:
            assert "not connected" in window.status.midi.text() or "disconnected" in window.status.midi.text()
        assert window.status.midi.state == "ok" and "reconnected" in window.status.midi.text()
    finally:
        board.close()
        close_window(window)


def test_without_jack_client_input_still_opens_and_says_the_link_is_unknown(jack_server, monkeypatch, caplog):
    """JACK-Client missing (simulated: the import fails; it is installed here): the port list alone
    is watched, as before, and the log says a quick replug may go unnoticed."""
    monkeypatch.setitem(sys.modules, "jack", None)  # `import jack` raises ImportError
    system = MidiSystem(f"composer-race-{next(_ids)}", "jack")
    board = Keyboard(port="keys", client="test-keyboard-nolinks")
    try:
        assert system.open(board.name)
        assert system.linked() is None
        assert "replugged quickly may not be noticed" in caplog.text
    finally:
        board.close()
        system.close()
