"""Issue 14: the co-writer panel's "Follow chords" control in the real window (pytest-qt, the
shipped model in its own process). What the person sets is what the request carries: Auto =
Controls.chord_strength None (the style's default), Off = 0, a number = that number, for
Continue and for Fill; and the choice is remembered (QSettings) like the panel's other settings."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

sys.path.insert(0, str(Path(__file__).parent.parent))
from parts_music import four_voice_score  # noqa: E402
from window_helpers import close_window, open_window  # noqa: E402


MODEL_TIMEOUT_MS = 90000
BAR = 1920


@pytest.fixture(scope="module", autouse=True)
def shipped_model():
    from composer.generate import default_model_path

    if not default_model_path().exists():
        pytest.fail(f"the model {default_model_path()} is missing")


def type_strength(panel, text: str) -> None:
    """Untick Auto if it is ticked, then type the strength into the box and press Enter, as a person would."""
    if panel.chords_auto.isChecked():
        QTest.mouseClick(panel.chords_auto, Qt.MouseButton.LeftButton)
    assert panel.chord_strength.isEnabled()
    panel.chord_strength.lineEdit().selectAll()
    QTest.keyClicks(panel.chord_strength.lineEdit(), text)
    QTest.keyClick(panel.chord_strength.lineEdit(), Qt.Key.Key_Return)


def requested_strength(qtbot, window, start) -> float | None:
    """Start a request with the panel as it is; the chord strength the request carries."""
    cowriter = window.cowriter
    qtbot.waitUntil(lambda: not cowriter.busy, timeout=MODEL_TIMEOUT_MS)
    before = cowriter.last_request
    start()
    assert window.cowriter_panel.last_error == "" and cowriter.last_request is not before
    strength = cowriter.last_request.controls.chord_strength
    cowriter.cancel()  # what it would write is not the point here
    return strength


def test_the_request_carries_what_follow_chords_is_set_to(qtbot):
    window = open_window(qtbot, load_model=True)
    try:
        window.document.load(four_voice_score())
        panel = window.cowriter_panel
        qtbot.waitUntil(lambda: window.cowriter.state == "ready", timeout=MODEL_TIMEOUT_MS)
        panel.variation_count.setValue(1)
        panel.set_length(4, "notes")
        cont = lambda: QTest.mouseClick(panel.continue_button, Qt.MouseButton.LeftButton)  # noqa: E731

        assert panel.chords_auto.isChecked() and not panel.chord_strength.isEnabled()  # new panel: Auto
        assert requested_strength(qtbot, window, cont) is None  # the style's own habit
        type_strength(panel, "6.5")
        assert requested_strength(qtbot, window, cont) == 6.5
        type_strength(panel, "0")
        assert panel.chord_strength.text() == "Off"
        assert requested_strength(qtbot, window, cont) == 0.0
        window.document.set_selection(set())
        window.editor.ruler.bar_selection = (2 * BAR, 3 * BAR)  # bar 3, as a Ctrl-drag on the ruler leaves it
        assert requested_strength(qtbot, window, window.regions.fill) == 0.0  # Fill takes it too
        QTest.mouseClick(panel.chords_auto, Qt.MouseButton.LeftButton)
        assert not panel.chord_strength.isEnabled()
        assert requested_strength(qtbot, window, window.regions.fill) is None
        assert requested_strength(qtbot, window, cont) is None
    finally:
        close_window(window)


@pytest.mark.parametrize("typed, shown", [("3.5", 3.5), ("0", 0.0), (None, None)])
def test_follow_chords_is_remembered_in_the_settings(qtbot, typed, shown):
    window = open_window(qtbot, load_model=False)
    panel = window.cowriter_panel
    if typed is not None:
        type_strength(panel, typed)
    close_window(window)  # the window saves the panel's settings to QSettings as it closes
    window = open_window(qtbot, load_model=False)
    try:
        panel = window.cowriter_panel
        assert panel.chords_auto.isChecked() == (shown is None)
        assert panel.controls().chord_strength == shown
        if shown is not None:
            assert panel.chord_strength.value() == shown and panel.chord_strength.isEnabled()
    finally:
        close_window(window)


def test_odd_saved_values_keep_auto(qtbot, window):
    panel = window.cowriter_panel
    for odd in ("12", "loud", "", None, "nan"):
        panel.apply_settings({"chord_strength": odd})
        assert panel.controls().chord_strength is None, odd
