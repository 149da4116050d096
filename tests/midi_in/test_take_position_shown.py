"""While a take records, the window shows where it is (pytest-qt, offscreen; a real rtmidi keyboard
on a dummy JACK server): the transport's bar.beat / time readout, the ruler's playhead and the
view follow the take as they follow playback. QA under Xvfb: during a 12-second take only the roll's
line moved; the readout stayed at 2.3.67 / 0:03.34, the ruler's triangle stayed where the take
began, the view did not follow the take off-screen, and after a take that recorded nothing the
roll's line stayed bars away from the readout."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from composer.music.score import TICKS_PER_QUARTER as Q  # noqa: E402
from composer.music.score import Note, TempoChange  # noqa: E402
from midi_keys import wait_connected  # noqa: E402
from window_helpers import isolate_settings  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    isolate_settings(tmp_path / "config", monkeypatch)


def test_the_readout_ruler_and_view_follow_a_take(qtbot, monkeypatch, jack_server, keyboard):
    from composer.ui.main_window import MainWindow
    from composer.ui.transport import position_text

    monkeypatch.setenv("COMPOSER_MIDI_API", "jack")
    window = MainWindow(load_model=False, start_audio=False)
    qtbot.addWidget(window)
    window.resize(900, 600)
    window.show()
    qtbot.waitExposed(window)
    doc, controls, roll = window.document, window.midi, window.roll
    try:
        doc.add_notes([Note(60 + i % 12, i * Q, Q, 80, 0) for i in range(64)], "Seed")
        doc.set_score_field("tempos", [TempoChange(0, 960.0)], "Tempo")  # 16 quarters a second
        controls.choose(keyboard.name)
        wait_connected(keyboard.name)
        qtbot.waitUntil(lambda: controls.record_action.isEnabled(), timeout=5000)
        window.playback.seek(0)
        roll.horizontalScrollBar().setValue(0)
        roll.zoom_horizontal(2.0)
        before_text = window.transport.position.text()
        controls.record_action.setChecked(True)
        # Past the count-in and well into the score: off the right edge of the view.
        right_edge = roll.geometry_.tick_at(roll.scroll_x() + roll.viewport().width())
        assert right_edge < 48 * Q
        qtbot.waitUntil(lambda: roll.playhead > right_edge + 4 * Q, timeout=15000)
        tick = roll.playhead
        assert window.transport.position.text() != before_text
        assert window.transport.position.text() == position_text(
            tick, doc.meter_map(), doc.score().seconds_at(tick)), tick
        assert roll.scroll_x() > 0  # the view followed the take off the first screen
        controls.record_action.setChecked(False)  # nothing played: nothing recorded
        qtbot.wait(50)
        assert roll.playhead == window.playback.position == 0  # the line, the ruler and the readout agree
        assert window.transport.position.text() == before_text
    finally:
        window.document.undo_stack.setClean()  # qtbot closes the window: no save prompt


def test_call_and_response_without_a_phrase_leaves_the_playhead_where_it_was(qtbot, monkeypatch, jack_server,
                                                                             keyboard, tmp_path):
    import torch

    from composer.model.checkpoint import Checkpoint
    from composer.model.network import NetworkConfig, Seq2Seq
    from composer.ui.main_window import MainWindow

    torch.manual_seed(11)
    checkpoint = tmp_path / "random.safetensors"  # untrained: no answer is asked for here
    Checkpoint(model=Seq2Seq(NetworkConfig(n_styles=1, embed=32, encoder_hidden=16, decoder_hidden=32)),
               styles=["neutral"]).save(checkpoint)
    monkeypatch.setenv("COMPOSER_MIDI_API", "jack")
    window = MainWindow(load_model=False, start_audio=False)
    qtbot.addWidget(window)
    doc, controls, roll = window.document, window.midi, window.roll
    try:
        window.settings.checkpoint = str(checkpoint)
        controls.choose(keyboard.name)
        wait_connected(keyboard.name)
        doc.set_score_field("tempos", [TempoChange(0, 960.0)], "Tempo")
        before_text = window.transport.position.text()
        controls.duet_action.setChecked(True)
        qtbot.waitUntil(lambda: controls.bridge.service.duet_running, timeout=20000)
        qtbot.waitUntil(lambda: roll.playhead > 4 * Q, timeout=10000)  # its clock runs on
        assert window.transport.position.text() != before_text
        controls.duet_action.setChecked(False)  # nothing played: nothing lands
        qtbot.wait(50)
        assert roll.playhead == window.playback.position == 0
        assert window.transport.position.text() == before_text
    finally:
        window.document.undo_stack.setClean()
