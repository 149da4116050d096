"""The co-writer panel's notes per bar, note range, notes at once and rhythm controls in the real
window (pytest-qt): what the person sets is what controls() gives (Auto = None, the model
decides), it is remembered (QSettings) like the panel's other settings, the lowest note never
goes above the highest, and Continue through the real model process keeps to the range."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

sys.path.insert(0, str(Path(__file__).parent.parent))
from parts_music import four_voice_score  # noqa: E402
from window_helpers import close_window, open_window  # noqa: E402

from composer.music.region import Controls  # noqa: E402
from composer.ui.generation_controls import parse_pitch  # noqa: E402

MODEL_TIMEOUT_MS = 180000  # the model shares the CPUs with a training run in CI


def click(widget) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def untick(auto) -> None:
    if auto.isChecked():
        click(auto)
    assert not auto.isChecked()


def type_into(box, text: str) -> None:
    """Select the box's text, type text and press Enter, as a person would."""
    box.setFocus()
    box.lineEdit().selectAll()
    QTest.keyClicks(box.lineEdit(), text)
    QTest.keyClick(box.lineEdit(), Qt.Key.Key_Return)


def choose(combo, text: str) -> None:
    combo.setCurrentIndex(combo.findText(text))  # as picking it from the list does
    assert combo.currentText() == text


def set_range(rows, lowest: str, highest: str) -> None:
    untick(rows.range_auto)
    type_into(rows.highest, highest)
    type_into(rows.lowest, lowest)


def test_auto_everywhere_gives_none(window):
    panel = window.cowriter_panel
    rows = panel.control_rows
    assert all(auto.isChecked() for auto in (rows.density_auto, rows.range_auto, rows.polyphony_auto))
    assert not any(box.isEnabled() for box in (rows.density, rows.lowest, rows.highest, rows.polyphony))
    assert rows.grid.currentText() == "Auto"
    assert panel.controls() == Controls()


def test_controls_follow_the_widgets(window):
    panel = window.cowriter_panel
    rows = panel.control_rows
    untick(rows.density_auto)
    assert rows.density.isEnabled()
    type_into(rows.density, "1.5")
    set_range(rows, "C4", "G5")
    assert rows.lowest.text() == "C4 (60)" and rows.highest.text() == "G5 (79)"
    untick(rows.polyphony_auto)
    type_into(rows.polyphony, "1")
    assert rows.polyphony.text() == "1 (one line)"
    choose(rows.grid, "Triplets")
    assert panel.controls() == Controls(density=1.5, lowest=60, highest=79, max_polyphony=1, grid="triplet")
    type_into(rows.lowest, "50")  # a MIDI number works too
    type_into(rows.polyphony, "3")
    choose(rows.grid, "Swing")
    assert panel.controls() == Controls(density=1.5, lowest=50, highest=79, max_polyphony=3, grid="swing")
    # each control goes back to Auto on its own
    click(rows.range_auto)
    assert not rows.lowest.isEnabled() and not rows.highest.isEnabled()
    assert panel.controls() == Controls(density=1.5, max_polyphony=3, grid="swing")
    click(rows.density_auto)
    click(rows.polyphony_auto)
    choose(rows.grid, "Straight")
    assert panel.controls() == Controls(grid="straight")
    choose(rows.grid, "Auto")
    assert panel.controls() == Controls()
    assert panel.options([])["controls"] == Controls()  # what Continue, Fill and Add part send


def test_call_and_response_takes_them_too(window):
    rows = window.cowriter_panel.control_rows
    set_range(rows, "G3", "D5")
    untick(rows.polyphony_auto)
    choose(rows.grid, "Straight")
    wanted = Controls(lowest=55, highest=74, max_polyphony=1, grid="straight")
    assert window.midi.duet_settings().controls == window.cowriter_panel.controls() == wanted


def test_the_controls_are_remembered_across_a_restart(qtbot):
    window = open_window(qtbot)
    rows = window.cowriter_panel.control_rows
    untick(rows.density_auto)
    type_into(rows.density, "2")
    set_range(rows, "Bb3", "F5")
    untick(rows.polyphony_auto)
    choose(rows.grid, "Triplets")
    close_window(window)  # the window saves the panel's settings to QSettings as it closes
    wanted = Controls(density=2.0, lowest=58, highest=77, max_polyphony=1, grid="triplet")
    window = open_window(qtbot)
    try:
        rows = window.cowriter_panel.control_rows
        assert window.cowriter_panel.controls() == wanted
        assert rows.lowest.text() == "Bb3 (58)" and rows.lowest.isEnabled()
        click(rows.range_auto)  # Auto is remembered too
        click(rows.density_auto)
    finally:
        close_window(window)
    window = open_window(qtbot)
    try:
        assert window.cowriter_panel.controls() == Controls(max_polyphony=1, grid="triplet")
    finally:
        close_window(window)


def test_the_controls_travel_in_the_project_file(qtbot, window, tmp_path):
    from composer.io.project_file import Project, project_from_dict, save_project

    rows = window.cowriter_panel.control_rows
    set_range(rows, "E2", "E4")
    untick(rows.polyphony_auto)
    type_into(rows.polyphony, "2")
    choose(rows.grid, "Swing")
    wanted = Controls(lowest=40, highest=64, max_polyphony=2, grid="swing")
    path = tmp_path / "song.composer.json"
    save_project(Project(window.document.score(), window.cowriter_panel.settings()), path)
    saved = project_from_dict(json.loads(path.read_text())).generation
    other = open_window(qtbot)
    try:
        assert other.cowriter_panel.controls() == Controls()
        other.cowriter_panel.apply_settings(saved)
        assert other.cowriter_panel.controls() == wanted
    finally:
        close_window(other)


def test_the_lowest_note_cannot_go_above_the_highest(window):
    panel = window.cowriter_panel
    rows = panel.control_rows
    set_range(rows, "C4", "C5")
    type_into(rows.lowest, "E5")  # past the highest: the highest comes along
    assert (rows.lowest.value(), rows.highest.value()) == (76, 76)
    type_into(rows.highest, "A3")  # below the lowest: the lowest comes along
    assert (rows.lowest.value(), rows.highest.value()) == (57, 57)
    assert panel.controls().lowest == panel.controls().highest == 57
    for _ in range(3):  # the arrows cannot cross them either
        rows.lowest.stepUp()
    assert rows.lowest.value() == rows.highest.value() == 60
    panel.apply_settings({"lowest": 90, "highest": 40})  # a hand-edited settings file: no exception
    assert panel.controls().lowest <= panel.controls().highest


def test_odd_saved_values_leave_the_controls_as_they_are(window):
    panel = window.cowriter_panel
    for odd in ("loud", "", None, "nan", "inf", "-3", "200", "1.5"):
        panel.apply_settings({"density": odd, "lowest": odd, "highest": odd, "max_polyphony": odd,
                              "grid": odd})
    assert panel.controls() == Controls(density=1.5)  # 1.5 notes per bar is a fine density
    panel.apply_settings({"grid": "waltz", "max_polyphony": "0"})
    assert panel.controls() == Controls(density=1.5)


@pytest.mark.parametrize("text, pitch", [("C4", 60), ("c4", 60), ("Bb3", 58), ("F#5", 78), ("B#3", 60),
                                         ("Cb4", 59), ("C-1", 0), ("G9", 127), ("72", 72), ("D4 (62)", 62)])
def test_pitch_names(text, pitch):
    assert parse_pitch(text) == pitch


@pytest.mark.parametrize("text", ["", "H4", "C", "A9", "128", "C4x"])
def test_not_pitches(text):
    with pytest.raises(ValueError):
        parse_pitch(text)


def test_continue_keeps_every_new_note_inside_the_range(qtbot):
    """The piece's melody is D5-A5 and its bass D2-A2: held to C4-G4, every new pitched note
    (drums are not pitched) of every voice lies inside it."""
    from composer.generate import default_model_path

    if not default_model_path().exists():
        pytest.fail(f"the model {default_model_path()} is missing")
    window = open_window(qtbot, load_model=True)
    try:
        window.document.load(four_voice_score())
        panel = window.cowriter_panel
        qtbot.waitUntil(lambda: window.cowriter.state == "ready", timeout=MODEL_TIMEOUT_MS)
        panel.variation_count.setValue(2)
        panel.set_length(24, "notes")
        set_range(panel.control_rows, "C4", "G4")
        click(panel.continue_button)
        qtbot.waitUntil(lambda: not window.cowriter.busy and bool(panel.variations.variations),
                        timeout=MODEL_TIMEOUT_MS)
        assert window.cowriter.last_request.controls.lowest == 60
        assert window.cowriter.last_request.controls.highest == 67
        drums = {i for i, v in enumerate(window.document.voices) if v.is_drum}
        pitched = [n for v in panel.variations.variations for n in v.added if n.voice not in drums]
        assert pitched, window.last_error
        assert {n.voice for n in pitched} >= {0, 2}  # the melody and the bass, both far outside it before
        outside = [n for n in pitched if not 60 <= n.pitch <= 67]
        assert not outside, [(n.voice, n.pitch, n.onset) for n in outside]
    finally:
        close_window(window)
