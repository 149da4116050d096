"""Call and response honours the co-writer panel's controls, as Continue does: a pitch range,
one note at a time and a straight grid hold for the answers (real JACK dummy server and rtmidi
keyboard, a small random checkpoint saved and loaded like any), also when the answer comes from
the window's model process (a real child process), and the window's duet takes the panel's
controls (real window, pytest-qt offscreen)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
import torch  # noqa: E402
from midi_keys import wait_for  # noqa: E402

from composer.generate import Continuer  # noqa: E402
from composer.midi_in import CallResponseSettings, ExchangeDone  # noqa: E402
from composer.model.checkpoint import Checkpoint  # noqa: E402
from composer.model.network import NetworkConfig, Seq2Seq  # noqa: E402
from composer.music.region import Controls  # noqa: E402
from composer.music.score import Note, Score, TempoChange  # noqa: E402

PHRASE = [(60, 80, 0.0, 0.15), (62, 85, 0.2, 0.15), (64, 90, 0.4, 0.15), (67, 95, 0.6, 0.3)]
# Above the phrase: this untrained model, left alone, walks far out of it (measured: 25-91).
RANGE = Controls(lowest=72, highest=79, max_polyphony=1, grid="straight")
SIXTEENTH = 120  # score ticks


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    torch.manual_seed(7)
    model = Seq2Seq(NetworkConfig(n_styles=2, embed=64, encoder_hidden=32, decoder_hidden=64))
    path = tmp_path_factory.mktemp("ckpt") / "random.safetensors"
    Checkpoint(model=model, styles=["neutral", "folk"]).save(path)
    return path


@pytest.fixture(scope="module")
def continuer(checkpoint):
    return Continuer.load(checkpoint)


def assert_honours(notes: list[Note], controls: Controls) -> None:
    assert notes and all(n.generated for n in notes)
    assert all(controls.lowest <= n.pitch <= controls.highest for n in notes), [n.pitch for n in notes]
    ordered = sorted(notes, key=lambda n: (n.onset, n.pitch))
    assert all(b.onset >= a.end for a, b in zip(ordered, ordered[1:]))  # one note at a time
    assert all((n.onset - ordered[0].onset) % SIXTEENTH == 0 for n in ordered)  # straight sixteenths


def test_continue_score_takes_controls_and_keeps_its_old_calls(continuer):
    seed = Score(notes=[Note(60 + 2 * i, 240 * i, 200, 90) for i in range(4)])
    (plain,) = continuer.continue_score(seed, length=8, seed=2)
    (none,) = continuer.continue_score(seed, length=8, seed=2, controls=None)
    assert none.notes == plain.notes  # no controls: as before
    (ranged,) = continuer.continue_score(seed, length=8, seed=2, controls=RANGE)
    assert_honours([n for n in ranged.notes if n.generated], RANGE)


def test_the_answer_keeps_to_the_range_polyphony_and_grid_it_was_given(connected, continuer):
    midi, keyboard = connected
    settings = CallResponseSettings(silence_ms=300, length=6, first_notes=2, seed=2, controls=RANGE)
    midi.start_call_response(continuer, Score(tempos=[TempoChange(0, 480.0)]), 0, settings)
    midi.drain()
    keyboard.play(PHRASE)
    events = []
    assert wait_for(lambda: events.extend(midi.drain()) or any(isinstance(e, ExchangeDone) for e in events), 30.0)
    (exchange,) = [e.exchange for e in events if isinstance(e, ExchangeDone)]
    assert exchange.error is None and not exchange.cut
    assert len(exchange.answer) == 6  # both pieces (the first notes and the rest) kept to it
    assert_honours(exchange.answer, RANGE)
    midi.stop_call_response()


def test_the_model_process_answers_with_the_controls(qtbot, checkpoint):
    """RemoteContinuer (what the window's duet calls) sends the controls to the child process."""
    from composer.ui.model_process import ModelProcess, RemoteContinuer

    process = ModelProcess(str(checkpoint))
    loaded = []
    process.loaded.connect(lambda *args: loaded.append(args))
    process.start()
    try:
        qtbot.waitUntil(lambda: bool(loaded), timeout=120000)
        remote = RemoteContinuer(process, loaded[0][0])
        seed = Score(tempos=[TempoChange(0, 480.0)], notes=[Note(p, 200 * i, 150, 90)
                                                            for i, (p, *_rest) in enumerate(PHRASE)])
        (answer,) = remote.continue_score(seed, length=6, seed=4, voice=0, controls=RANGE)
        assert_honours([n for n in answer.notes if n.generated], RANGE)
    finally:
        process.stop()


def test_the_windows_duet_takes_the_panels_controls(qtbot, monkeypatch, tmp_path):
    from PySide6.QtCore import QSettings

    from composer.ui.main_window import MainWindow

    monkeypatch.setenv("COMPOSER_CONFIG_DIR", str(tmp_path / "config"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "config"))
    monkeypatch.setenv("COMPOSER_MIDI_API", "jack")  # no server: the duet's settings need no port
    monkeypatch.setenv("JACK_DEFAULT_SERVER", "composer-no-such-server")
    monkeypatch.setenv("JACK_NO_START_SERVER", "1")
    window = MainWindow(load_model=False, start_audio=False)
    qtbot.addWidget(window)
    try:
        panel = window.cowriter_panel
        assert window.midi.duet_settings().controls == Controls()  # Follow chords on Auto: the style's
        panel.chords_auto.setChecked(False)
        panel.chord_strength.setValue(3.5)
        settings = window.midi.duet_settings()
        assert settings.controls == panel.controls() == Controls(chord_strength=3.5)
    finally:
        window.document.undo_stack.setClean()  # qtbot closes the window: no save prompt
