"""Selections can be let go of: Escape (in the roll, or wherever in the window no widget needs the
key) and Edit ▸ Select None (Ctrl+Shift+A) deselect the notes and the bars selected on the ruler; a
plain click on the ruler away from the selected bars lets go of them. When Fill or Add part works
on some bars only, the status bar names them with the variations.

Found by QA in the window: after a Ctrl-drag over bars 5-6, Escape, a click on the roll and a
click on the ruler all left the bars selected, and Add part ▸ Bass then wrote bars 5-6 alone,
said as "3 variations written in 102 ms"; the note just drawn stayed selected, Escape did not
deselect it, and the Edit menu had no Select None. Real window (pytest-qt, offscreen)."""

from __future__ import annotations

import re

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from window_helpers import close_window, ready_model_window

from composer.music.score import Note, Score

Q = 480
BAR = 4 * Q
MODEL_TIMEOUT_MS = 90000


def eight_bars(window) -> None:
    window.document.load(Score(notes=[Note([60, 64, 67, 65, 62, 67, 71, 72][i % 8], i * Q, Q, 90) for i in range(32)]))
    window.roll.horizontalScrollBar().setValue(0)


def ruler_point(window, tick: int) -> QPoint:
    ruler = window.editor.ruler
    return QPoint(int(window.roll.geometry_.x(tick) - window.roll.scroll_x()), ruler.height() // 2)


def ctrl_drag_bars(window, first_tick: int, last_tick: int) -> None:
    ruler, ctrl = window.editor.ruler, Qt.KeyboardModifier.ControlModifier
    QTest.mousePress(ruler, Qt.MouseButton.LeftButton, ctrl, ruler_point(window, first_tick))
    QTest.mouseMove(ruler, ruler_point(window, last_tick))
    QTest.mouseRelease(ruler, Qt.MouseButton.LeftButton, ctrl, ruler_point(window, last_tick))


def draw_note(window, tick: int, pitch: int) -> None:
    roll, vp = window.roll, window.roll.viewport()
    a, b = roll.view_pos(tick + 10, pitch), roll.view_pos(tick + Q, pitch)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(vp, b)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def test_escape_in_the_roll_deselects_the_drawn_note_and_the_bars(qtbot, window):
    eight_bars(window)
    draw_note(window, 9 * BAR, 72)
    assert len(window.document.selection) == 1  # the note just drawn
    QTest.keyClick(window.roll, Qt.Key.Key_Escape)
    assert window.document.selection == set()
    ctrl_drag_bars(window, 4 * BAR + 100, 5 * BAR + 100)  # bars 5-6
    assert window.editor.ruler.bar_selection == (4 * BAR, 6 * BAR)
    window.roll.setFocus()
    QTest.keyClick(window.roll, Qt.Key.Key_Escape)
    assert window.editor.ruler.bar_selection is None
    assert window.regions.selected_span() is None  # Add part: the whole piece again


def test_escape_with_focus_in_the_cowriter_panel_lets_go_of_the_bars(qtbot, window):
    eight_bars(window)
    ctrl_drag_bars(window, 4 * BAR + 100, 5 * BAR + 100)
    box = window.cowriter_panel.chords_auto  # a check box in the panel has focus
    box.setFocus()
    qtbot.waitUntil(box.hasFocus, timeout=2000)
    QTest.keyClick(box, Qt.Key.Key_Escape)
    assert window.editor.ruler.bar_selection is None


def test_edit_select_none_works_from_the_panel_too(qtbot, window):
    eight_bars(window)
    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    select_none = next(a for a in edit.actions() if a.text().replace("&", "") == "Select None")
    assert select_none.shortcut().toString() == "Ctrl+Shift+A"
    window.document.set_selection(window.document.store.ids())
    ctrl_drag_bars(window, 4 * BAR + 100, 5 * BAR + 100)
    window.document.set_selection({0})
    window.editor.ruler.select_bars(4 * BAR, 6 * BAR)
    spin = window.cowriter_panel.temperature
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus, timeout=2000)
    QTest.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.document.selection == set() and window.editor.ruler.bar_selection is None


def test_a_plain_click_on_the_ruler_away_from_the_bars_lets_go_of_them(qtbot, window):
    eight_bars(window)
    ruler = window.editor.ruler
    ctrl_drag_bars(window, 4 * BAR + 100, 5 * BAR + 100)
    QTest.mouseClick(ruler, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     ruler_point(window, 5 * BAR + Q))  # inside: the playhead moves, the bars stay
    assert ruler.bar_selection == (4 * BAR, 6 * BAR)
    QTest.mouseClick(ruler, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     ruler_point(window, 1 * BAR + Q))
    assert ruler.bar_selection is None


def test_a_part_over_selected_bars_names_them_in_the_status_bar(qtbot):
    window = ready_model_window(qtbot, MODEL_TIMEOUT_MS)
    try:
        eight_bars(window)
        window.cowriter_panel.variation_count.setValue(2)
        said: list[str] = []
        window.status.messageChanged.connect(lambda text: said.append(text) if text else None)
        ctrl_drag_bars(window, 4 * BAR + 100, 5 * BAR + 100)
        window.regions.part_actions["bass"].trigger()
        qtbot.waitUntil(lambda: any("written in" in m for m in said), timeout=MODEL_TIMEOUT_MS)
        assert any(re.match(r"2 variations of bars 5–6 written in ", m) for m in said), said
        # the whole piece: nothing to name
        said.clear()
        QTest.keyClick(window.roll, Qt.Key.Key_Escape)
        window.regions.part_actions["counter"].trigger()
        qtbot.waitUntil(lambda: any("written in" in m for m in said), timeout=MODEL_TIMEOUT_MS)
        assert any(m.startswith("2 variations written in ") for m in said), said
    finally:
        close_window(window)
