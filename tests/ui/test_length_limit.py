"""The co-writer panel's Length takes what the command line takes (at most MAX_NEW_NOTES notes,
MAX_CONTINUE_BARS bars): it stopped at 256, and typing 2000 silently gave 200 (QA). Real panel
(pytest-qt, offscreen)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from window_helpers import close_window, open_window

from composer.music.limits import MAX_CONTINUE_BARS, MAX_NEW_NOTES


def test_typing_a_long_length_keeps_it(qtbot):
    window = open_window(qtbot)
    try:
        panel = window.cowriter_panel
        panel.length_unit.setCurrentIndex(panel.length_unit.findData("notes"))
        length = panel.length
        assert length.isVisible() and length.maximum() == MAX_NEW_NOTES
        assert panel.length_bars.maximum() == MAX_CONTINUE_BARS  # bars: as --bars
        length.setFocus()
        length.selectAll()
        QTest.keyClicks(length, "2000")
        QTest.keyClick(length, Qt.Key.Key_Tab)
        assert length.value() == 2000
    finally:
        close_window(window)
