"""Issue 16 item 18: call and response answers through the co-writer's model process, so the GUI
process never loads a model (real window, pytest-qt offscreen, real JACK dummy server and rtmidi
keyboard, the shipped model in its child process)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from midi_keys import wait_connected  # noqa: E402

from composer.music.score import TempoChange  # noqa: E402


def test_call_and_response_answers_from_the_cowriters_model_process(qtbot, monkeypatch, jack_server, keyboard):
    import composer.generate
    from composer.ui.main_window import MainWindow

    def no_model_here(*_args, **_kwargs):
        raise AssertionError("a model was loaded in the GUI process")

    # The child process (spawned) imports its own, untouched copy; only this process is guarded.
    monkeypatch.setattr(composer.generate.CoWriter, "load", classmethod(no_model_here))
    monkeypatch.setenv("COMPOSER_MIDI_API", "jack")
    window = MainWindow(load_model=False, start_audio=False)
    qtbot.addWidget(window)
    doc, controls = window.document, window.midi
    try:
        window.cowriter_panel.length.setValue(6)
        controls.choose(keyboard.name)
        wait_connected(keyboard.name)
        doc.set_score_field("tempos", [TempoChange(0, 480.0)], "Tempo")
        assert window.cowriter.state == "none"
        controls.duet_action.setChecked(True)  # starts the co-writer's model process, then the duet
        qtbot.waitUntil(lambda: controls.bridge.service.duet_running, timeout=180000)
        assert window.cowriter.state == "ready"
        answered = []
        controls.bridge.exchange_done.connect(answered.append)
        keyboard.play([(67, 90, 0.0, 0.1), (69, 91, 0.15, 0.1), (71, 92, 0.3, 0.2)])
        qtbot.waitUntil(lambda: bool(answered), timeout=30000)
        assert answered[0].error is None and answered[0].answer
        assert all(n.generated for n in answered[0].answer)
        assert window.cowriter._process._jobs >= 1  # the answer was a job of the co-writer's process
        controls.duet_action.setChecked(False)
        generated = [n for n in doc.store.notes() if n.generated]
        assert len(generated) == len(answered[0].answer)
        # The panel's Continue still works on the same process afterwards.
        assert window.cowriter_panel.continue_button.isEnabled()
    finally:
        window.document.undo_stack.setClean()
        window.cowriter.shutdown()
