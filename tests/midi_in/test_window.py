"""MIDI in the real window (pytest-qt, offscreen): the MIDI menu and status bar with and without a
MIDI system, choosing a port (remembered), keys lit while held, a take landing in the score as
one undo step, quantise as a second one."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import time  # noqa: E402

import pytest  # noqa: E402

from composer.music.score import TempoChange  # noqa: E402
from midi_keys import wait_connected, wait_heard  # noqa: E402
from window_helpers import isolate_settings  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    isolate_settings(tmp_path / "config", monkeypatch)


def make_window(qtbot):
    from composer.ui.main_window import MainWindow

    window = MainWindow(load_model=False, start_audio=False)
    qtbot.addWidget(window)
    return window


def qt_wait(qtbot):
    """wait(condition, seconds) -> bool for midi_keys.wait_heard, pumping Qt's events meanwhile."""
    from pytestqt.exceptions import TimeoutError as QtTimeout

    def wait(condition, seconds):
        try:
            qtbot.waitUntil(condition, timeout=int(seconds * 1000))
            return True
        except QtTimeout:
            return False
    return wait


def menu_texts(menu) -> list[str]:
    menu.aboutToShow.emit()
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_without_a_midi_system_the_window_starts_and_the_menu_says_why(qtbot, monkeypatch):
    monkeypatch.setenv("COMPOSER_MIDI_API", "jack")
    monkeypatch.setenv("JACK_DEFAULT_SERVER", "composer-no-such-server")
    monkeypatch.setenv("JACK_NO_START_SERVER", "1")
    window = make_window(qtbot)
    try:
        texts = menu_texts(window.midi.ports_menu)
        assert texts[0] == "No MIDI input ports"
        assert "No MIDI system available" in texts[1] and "no JACK server running" in texts[1]
        assert window.status.midi.state == "missing"
        assert "no JACK server running" in window.status.midi.toolTip()
    finally:
        window.document.undo_stack.setClean()  # qtbot closes the window: no save prompt


def play_take(qtbot, window, keyboard) -> bool:
    """Record C4 then E4 (after the count-in) and stop; whether the window saw each key lit while
    held (C4 drawn as it is recorded) and every key let go."""
    wait = qt_wait(qtbot)
    window.midi.record_action.setChecked(True)
    time.sleep(0.6)
    keyboard.on(60, 70)
    heard = wait(lambda: 60 in window.editor.keyboard.lit, 2.0)  # lit while held
    heard = heard and wait(lambda: len(window.roll.ghosts) == 1, 2.0)  # drawn while recording
    time.sleep(0.07)
    keyboard.off(60)
    keyboard.on(64, 110)
    time.sleep(0.09)
    keyboard.off(64)
    heard = wait(lambda: not window.editor.keyboard.lit, 2.0) and heard
    if not heard:  # (a lost note-off leaves a key held: let go of both again)
        keyboard.off(60)
        keyboard.off(64)
        wait(lambda: not window.editor.keyboard.lit, 2.0)
    window.midi.record_action.setChecked(False)
    return heard


def test_a_take_lands_in_the_score_as_one_undo_step(qtbot, monkeypatch, jack_server, keyboard):
    monkeypatch.setenv("COMPOSER_MIDI_API", "jack")
    window = make_window(qtbot)
    doc, controls = window.document, window.midi
    try:
        assert keyboard.name in menu_texts(controls.ports_menu)
        controls.choose(keyboard.name)
        assert window.settings.midi_input == keyboard.name  # remembered for the next start
        qtbot.waitUntil(lambda: window.status.midi.state == "ok")
        wait_connected(keyboard.name)
        assert keyboard.name in window.status.midi.text()
        wait_heard(keyboard, lambda: window.editor.keyboard.lit, wait=qt_wait(qtbot))  # not recording yet
        doc.set_score_field("tempos", [TempoChange(0, 480.0)], "Tempo")  # a half-second count-in
        steps = doc.undo_stack.count()
        for action in controls.quantise_group.actions():
            action.setChecked(action.data() == "1/16")
        # The dummy JACK server drops a message now and then (a key stayed lit, or never lit, in
        # about 1 run of 5 on an idle machine, before and after this window's code changed): a take
        # that lost one is undone and played again (at most three times), as in test_recording.
        for _attempt in range(3):
            if play_take(qtbot, window, keyboard):
                break
            while doc.undo_stack.index() > steps:
                doc.undo_stack.undo()
        notes = sorted(doc.store.notes(), key=lambda n: n.onset)
        assert [(n.pitch, n.velocity) for n in notes] == [(60, 70), (64, 110)]
        assert all(n.onset % 120 == 0 for n in notes)  # quantised to 1/16
        assert doc.selection == set(doc.store.ids())  # the take is the co-writer's seed
        assert window.playback.position == max(n.end for n in notes)
        assert doc.undo_stack.count() == steps + 2  # the take, then quantising it
        doc.undo_stack.undo()
        raw = sorted(doc.store.notes(), key=lambda n: n.onset)
        assert [n.pitch for n in raw] == [60, 64] and any(n.onset % 120 for n in raw)  # played timing
        doc.undo_stack.undo()
        assert doc.store.notes() == []  # one more undo and the take is gone
    finally:
        window.document.undo_stack.setClean()  # qtbot closes the window: no save prompt


def test_call_and_response_in_the_window_keeps_every_exchange(qtbot, monkeypatch, jack_server, keyboard,
                                                              tmp_path):
    import torch

    from composer.model.checkpoint import Checkpoint
    from composer.model.network import NetworkConfig, Seq2Seq

    torch.manual_seed(11)
    checkpoint = tmp_path / "random.safetensors"
    Checkpoint(model=Seq2Seq(NetworkConfig(n_styles=1, embed=32, encoder_hidden=16, decoder_hidden=32)),
               styles=["neutral"]).save(checkpoint)
    monkeypatch.setenv("COMPOSER_MIDI_API", "jack")
    window = make_window(qtbot)
    doc, controls = window.document, window.midi
    try:
        window.settings.checkpoint = str(checkpoint)
        window.cowriter_panel.length.setValue(6)
        controls.choose(keyboard.name)
        wait_connected(keyboard.name)
        wait_heard(keyboard, lambda: window.editor.keyboard.lit, wait=qt_wait(qtbot))  # before the duet
        doc.set_score_field("tempos", [TempoChange(0, 480.0)], "Tempo")  # a short answer
        controls.duet_action.setChecked(True)  # loads the model in the background, then starts
        qtbot.waitUntil(lambda: controls.bridge.service.duet_running, timeout=20000)
        answered = []
        controls.bridge.exchange_done.connect(answered.append)
        keyboard.play([(60, 90, 0.0, 0.1), (62, 91, 0.15, 0.1), (64, 92, 0.3, 0.2)])
        qtbot.waitUntil(lambda: bool(answered), timeout=20000)
        assert answered[0].answer and answered[0].error is None
        controls.duet_action.setChecked(False)
        notes = sorted(doc.store.notes(), key=lambda n: n.onset)
        played = [n for n in notes if not n.generated]
        generated = [n for n in notes if n.generated]
        assert [(n.pitch, n.velocity) for n in played] == [(60, 90), (62, 91), (64, 92)]
        assert len(generated) == len(answered[0].answer) == 6
        assert min(n.onset for n in generated) > max(n.end for n in played)
        doc.undo_stack.undo()
        assert doc.store.notes() == []  # the whole duet was one undo step
    finally:
        window.document.undo_stack.setClean()
