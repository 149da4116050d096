"""MIDI out in the real window (pytest-qt, offscreen): dragging the selection, a voice or a
variation out gives a real .mid file URL that pretty_midi reads back with the same notes (type 1,
tempo and meter); the MIDI menu's output, routing and sync entries; the status bar's sync state;
the choices are remembered. No MIDI system here (no JACK server is running for this file)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import mido  # noqa: E402
import pretty_midi  # noqa: E402
import pytest  # noqa: E402

from composer.music.score import Note, Score, TempoChange, TimeSignature, Voice  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings

    monkeypatch.setenv("COMPOSER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("COMPOSER_MIDI_API", "jack")  # no server: MIDI is unavailable, as on a bare machine
    monkeypatch.delenv("JACK_DEFAULT_SERVER", raising=False)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "config"))


def make_window(qtbot):
    from composer.ui.main_window import MainWindow

    window = MainWindow(load_model=False, start_audio=False)
    qtbot.addWidget(window)
    window.show()
    return window


def a_score() -> Score:
    """Two voices in 3/4 at 90 bpm, from bar 2 on (a clip starts at its first note's bar line)."""
    bar = TimeSignature(3, 4).bar_ticks
    notes = [Note(60 + i, bar + i * 240, 200, 50 + i * 5, i % 2) for i in range(8)]
    return Score(notes=notes, voices=[Voice("piano", 0), Voice("cello", 42)], tempos=[TempoChange(0, 90.0)],
                 time_signature=TimeSignature(3, 4))


def drag(widget, start, end) -> None:
    """Press, move past the drag distance with the button held, as a hand does."""
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    for kind, pos, button, buttons in ((QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton,
                                        Qt.MouseButton.LeftButton),
                                       (QEvent.Type.MouseMove, end, Qt.MouseButton.NoButton,
                                        Qt.MouseButton.LeftButton)):
        point = QPointF(pos)
        event = QMouseEvent(kind, point, widget.mapToGlobal(point), button, buttons,
                            Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(widget, event)


def dragged_file(drag_object) -> str:
    urls = drag_object.mimeData().urls()
    assert len(urls) == 1 and urls[0].isLocalFile(), urls
    path = urls[0].toLocalFile()
    assert path.endswith(".mid") and os.path.getsize(path) > 0
    return path


def expected(notes: list[Note], shift: int, bpm: float) -> list[tuple]:
    seconds = 60.0 / (bpm * 480)
    return sorted((n.pitch, n.velocity, round((n.onset - shift) * seconds, 4), round((n.end - shift) * seconds, 4))
                  for n in notes)


def read_back(path: str) -> list[tuple]:
    midi = pretty_midi.PrettyMIDI(path)
    return sorted((n.pitch, n.velocity, round(n.start, 4), round(n.end, 4))
                  for instrument in midi.instruments for n in instrument.notes)


def test_dragging_the_selection_gives_a_mid_file_with_the_same_notes(qtbot):
    from PySide6.QtCore import QPoint

    window = make_window(qtbot)
    try:
        score = a_score()
        window.document.load(score)
        ids = [i for i, n in window.document.store.items() if n.pitch in (61, 62, 64)]
        window.document.set_selection(ids)
        button = window.midi_out.drag_button
        assert button.parent() is not None and button.isVisibleTo(window)
        drag(button, QPoint(4, 4), QPoint(40, 4))
        path = dragged_file(button.last_drag)
        selected = [n for n in score.notes if n.pitch in (61, 62, 64)]
        bar = score.time_signature.bar_ticks
        assert read_back(path) == expected(selected, bar, 90.0)
        file = mido.MidiFile(path)
        assert file.type == 1
        meta = [m for m in file.tracks[0] if m.is_meta]
        assert any(m.type == "time_signature" and (m.numerator, m.denominator) == (3, 4) for m in meta)
        assert any(m.type == "set_tempo" and round(mido.tempo2bpm(m.tempo), 3) == 90.0 for m in meta)
        programs = [m.program for track in file.tracks for m in track if m.type == "program_change"]
        assert programs == [0, 42]  # both voices have selected notes: piano then cello
    finally:
        window.shutdown()


def test_dragging_with_nothing_selected_gives_the_current_voice_and_the_menu_the_score(qtbot):
    from PySide6.QtCore import QPoint

    window = make_window(qtbot)
    try:
        score = a_score()
        window.document.load(score)
        window.voicing_panel.current_voice = 1
        button = window.midi_out.drag_button
        drag(button, QPoint(4, 4), QPoint(40, 4))
        bar = score.time_signature.bar_ticks
        voice_one = [n for n in score.notes if n.voice == 1]
        assert read_back(dragged_file(button.last_drag)) == expected(voice_one, bar, 90.0)
        button.mode = "score"
        drag(button, QPoint(4, 4), QPoint(40, 4))
        assert read_back(dragged_file(button.last_drag)) == expected(score.notes, bar, 90.0)
    finally:
        window.shutdown()


def test_dragging_a_variation_gives_its_new_notes(qtbot):
    from composer.ui.cowriter import Variation

    window = make_window(qtbot)
    try:
        seed = a_score()
        window.document.load(seed)
        new = [Note(72 + i, 4 * 720 + i * 120, 120, 90, 0, generated=True) for i in range(6)]
        variation = Variation(1, seed.copy(notes=seed.notes + new))
        view = window.cowriter_panel.variations
        view.set_variations([variation], seed.notes)
        view.show()
        rect = view.list.visualItemRect(view.list.item(0))
        drag(view.list.viewport(), rect.center(), rect.center() + type(rect.center())(40, 0))
        path = dragged_file(window.midi_out.variation_dragger.last_drag)
        assert read_back(path) == expected(new, 4 * 720, 90.0)  # from bar 5, where it starts
    finally:
        window.shutdown()


def test_menu_status_and_remembered_choices_without_a_midi_system(qtbot):
    window = make_window(qtbot)
    try:
        controls = window.midi_out
        texts = [a.text() for a in window.midi.menu.actions()]
        assert {"&Output Port", "Output &Routing", "&Sync"} <= set(texts)
        controls.out_menu.aboutToShow.emit()
        assert [a.text() for a in controls.out_menu.actions()][0] == "No MIDI output ports"
        assert "Sync: off" in controls.sync_indicator.text()
        controls.set_sync("lead")
        assert "Sync: leading 120.0 bpm" in controls.sync_indicator.text()
        controls.set_route(1, "external")
        assert controls.service.routing.route(1) == "external" and controls.service.routing.route(0) == "internal"
        window.shutdown()
        again = make_window(qtbot)
        try:
            assert again.midi_out.service.sync_mode == "lead"
            assert again.midi_out.service.routing.route(1) == "external"
        finally:
            again.shutdown()
    finally:
        pass


def test_the_sound_engine_is_wrapped_so_thru_and_playback_follow_the_routing(qtbot):
    from composer.audio import SoundEngine, SoundFontError, find_soundfont
    from composer.midi_out import RoutedEngine
    from composer.ui.audio_bridge import AudioBridge

    try:
        font = find_soundfont().path
    except SoundFontError as error:
        pytest.skip(f"no General MIDI soundfont ({error})")
    window = make_window(qtbot)
    try:
        engine = SoundEngine(soundfont=font, offline=True)
        bridge = AudioBridge(engine)
        window._audio_ready(bridge)  # what the audio starter's signal calls
        assert isinstance(bridge.engine, RoutedEngine) and bridge.engine.engine is engine
        assert window.playback.audio is bridge
        assert window.midi.bridge.service.engine is bridge.engine  # keyboard thru and answers
        assert window.midi_out.service.router is bridge.engine
    finally:
        window.shutdown()


def test_a_followed_daw_starting_and_stopping_moves_the_windows_playback(qtbot):
    window = make_window(qtbot)
    try:
        window.document.load(a_score())
        window.midi_out._follow_transport(True, 960)  # what the sync thread posts when the DAW starts
        assert window.playback.playing
        window.midi_out._follow_transport(False, 1440)
        assert not window.playback.playing and window.playback.position == 1440
    finally:
        window.shutdown()
