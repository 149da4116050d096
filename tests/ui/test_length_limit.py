"""The co-writer panel's Length takes what the command line takes (at most MAX_NEW_NOTES): it
stopped at 256, and typing 2000 silently gave 200 (QA). Real panel (pytest-qt, offscreen)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from window_helpers import close_window, open_window

from composer.music.limits import MAX_NEW_NOTES


def test_typing_a_long_length_keeps_it(qtbot):
    window = open_window(qtbot)
    try:
        length = window.cowriter_panel.length
        assert length.maximum() == MAX_NEW_NOTES
        length.setFocus()
        length.selectAll()
        QTest.keyClicks(length, "2000")
        QTest.keyClick(length, Qt.Key.Key_Tab)
        assert length.value() == 2000
    finally:
        close_window(window)
