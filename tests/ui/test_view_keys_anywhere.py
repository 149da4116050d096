"""The view keys (Ctrl+0 Zoom to Fit, Ctrl+= / Ctrl+- zoom, Ctrl+Shift+= / Ctrl+Shift+- rows) work
wherever keyboard focus is in the window, not only in the roll.

Found by QA in the window: after ✔ Accept (focus on its button, now on the panel's next widget,
since Accept is off once the take is in) Ctrl+0 and Ctrl+= did nothing,
while View ▸ Zoom to Fit from the menu worked; both worked again after a click in the roll. Real
window (pytest-qt, offscreen); the variation accepted is made here, no model needed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from composer.music.score import Note, Score
from composer.ui.cowriter import Variation, notes_fingerprint

Q = 480
CTRL = Qt.KeyboardModifier.ControlModifier


def accept_a_variation(qtbot, window) -> None:
    """Show a variation of two new bars and accept it with a click, as after Continue."""
    seed = [Note(60 + i % 5, i * Q, Q, 90) for i in range(8)]
    window.document.load(Score(notes=seed))
    new = [Note(67 - i % 3, (8 + i) * Q, Q, 90, generated=True) for i in range(8)]
    panel = window.cowriter_panel
    panel.variations.set_variations([Variation(1, Score(notes=seed + new), added=new,
                                               context=notes_fingerprint(window.document.store.notes()))], [])
    QTest.mouseClick(panel.variations.accept_button, Qt.MouseButton.LeftButton)
    assert len(window.document.store.notes()) == 16
    # (Accept is off once the take is in, so focus moves on from it to the next widget of the panel)
    qtbot.waitUntil(lambda: not panel.variations.accept_button.isEnabled(), timeout=2000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and panel.isAncestorOf(QApplication.focusWidget()), timeout=2000)


def test_zoom_keys_work_with_focus_in_the_panel_after_accept(qtbot, window):
    accept_a_variation(qtbot, window)
    geometry, focus = window.roll.geometry_, QApplication.focusWidget()
    before = geometry.px_per_quarter
    QTest.keyClick(focus, Qt.Key.Key_Equal, CTRL)  # Zoom In
    assert geometry.px_per_quarter > before
    zoomed = geometry.px_per_quarter
    QTest.keyClick(focus, Qt.Key.Key_Minus, CTRL)  # Zoom Out
    assert geometry.px_per_quarter < zoomed
    rows = geometry.row_height
    QTest.keyClick(focus, Qt.Key.Key_Equal, CTRL | Qt.KeyboardModifier.ShiftModifier)  # Taller Rows
    assert geometry.row_height > rows


def test_zoom_to_fit_works_with_focus_in_the_cowriter_panel(qtbot, window):
    accept_a_variation(qtbot, window)
    window.roll.zoom_horizontal(0.2)  # far out: the 16 notes in a sliver
    narrow = window.roll.geometry_.px_per_quarter
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_0, CTRL)
    assert window.roll.geometry_.px_per_quarter > narrow
    assert window.roll.notes_in_view(window.document.store.notes())
    # from a spin box of the panel too (it has no use for Ctrl+0)
    window.roll.zoom_horizontal(0.2)
    spin = window.cowriter_panel.temperature
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus, timeout=2000)
    QTest.keyClick(spin, Qt.Key.Key_0, CTRL)
    assert window.roll.geometry_.px_per_quarter > narrow
