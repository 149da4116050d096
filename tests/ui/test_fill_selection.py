"""QA: Fill rewrites what was selected last. After Accept the co-writer's notes stay selected; a
bar then picked on the ruler (double-click) was ignored because selected notes came first, and Fill
rewrote the accepted notes' bars (bars 9-18) instead of the one bar picked. Real window (pytest-qt,
offscreen, no model needed: the span Fill would ask for is read before any request)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from composer.music.score import Note, Score

BAR = 1920


def ruler_x(window, tick: int) -> int:
    return int(window.roll.geometry_.x(tick) - window.roll.scroll_x())


def double_click_bar(window, tick: int) -> None:
    ruler = window.editor.ruler
    QTest.mouseDClick(ruler, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      QPoint(ruler_x(window, tick), ruler.height() // 2))


def eight_bars(window) -> None:
    window.document.load(Score(notes=[Note(60 + i % 8, i * 480, 480, 90) for i in range(32)]))
    window.roll.horizontalScrollBar().setValue(0)


def test_bars_picked_after_a_note_selection_are_what_fill_rewrites(qtbot, window):
    eight_bars(window)
    accepted = [i for i, n in window.document.store.items() if n.onset >= 4 * BAR]  # bars 5-8, as after Accept
    window.document.set_selection(accepted)
    assert window.regions.selected_span()[:2] == (4 * BAR, 8 * BAR)
    double_click_bar(window, 1 * BAR + 100)  # bar 2
    assert window.editor.ruler.bar_selection == (1 * BAR, 2 * BAR)
    assert not window.document.selection  # the old note selection is dropped
    assert window.regions.selected_span() == (1 * BAR, 2 * BAR, None)


def test_notes_selected_after_bars_are_what_fill_rewrites(qtbot, window):
    eight_bars(window)
    double_click_bar(window, 1 * BAR + 100)  # bar 2
    third_bar = [i for i, n in window.document.store.items() if 2 * BAR <= n.onset < 3 * BAR]
    window.document.set_selection(third_bar)
    assert window.editor.ruler.bar_selection is None  # no stale highlight on the ruler
    assert window.regions.selected_span() == (2 * BAR, 3 * BAR, (0,))
