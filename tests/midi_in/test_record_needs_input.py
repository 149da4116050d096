"""Issue 16 item 7: Record needs a MIDI input. Without one it is off, and its tooltip says why;
choosing a port turns it on (real window, pytest-qt offscreen; a real JACK dummy server)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from midi_keys import wait_connected  # noqa: E402


def make_window(qtbot):
    from composer.ui.main_window import MainWindow

    window = MainWindow(load_model=False, start_audio=False)
    qtbot.addWidget(window)
    return window


def test_record_is_off_without_a_midi_system_and_says_why(qtbot, monkeypatch):
    monkeypatch.setenv("COMPOSER_MIDI_API", "jack")
    monkeypatch.setenv("JACK_DEFAULT_SERVER", "composer-no-such-server")
    monkeypatch.setenv("JACK_NO_START_SERVER", "1")
    window = make_window(qtbot)
    record = window.midi.record_action
    assert not record.isEnabled()
    assert "needs a MIDI input" in record.toolTip() and "no JACK server running" in record.toolTip()
    record.trigger()  # the shortcut or a click does nothing: no count-in that records nothing
    assert not record.isChecked() and not window.midi.bridge.service.recording


def test_record_turns_on_when_a_port_is_chosen(qtbot, monkeypatch, jack_server, keyboard):
    monkeypatch.setenv("COMPOSER_MIDI_API", "jack")
    window = make_window(qtbot)
    controls = window.midi
    assert not controls.record_action.isEnabled()
    assert "choose one in MIDI" in controls.record_action.toolTip()
    controls.choose(keyboard.name)
    wait_connected(keyboard.name)
    qtbot.waitUntil(controls.record_action.isEnabled, timeout=3000)
    assert "count-in" in controls.record_action.toolTip()
    controls.choose("")
    qtbot.waitUntil(lambda: not controls.record_action.isEnabled(), timeout=3000)
