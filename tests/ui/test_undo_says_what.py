"""Undo and Redo say what they did in the status line: after Accept's "Accepted variation 1: ...
(Ctrl+Z undoes it)", Ctrl+Z took the notes out but the line stayed up offering the undo (QA).
Real window (pytest-qt, offscreen), the Edit menu's actions."""

from __future__ import annotations

from composer.music import Note


def test_undo_and_redo_replace_the_line_that_offered_them(window, qtbot):
    window.document.add_notes([Note(60, 0, 480, 80, 0), Note(64, 0, 480, 80, 0)], "Accept variation 1")
    window.show_status("Accepted variation 1: 2 new notes added (Ctrl+Z undoes it)")
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: not window.document.store.notes(), timeout=2000)
    assert window.status.currentMessage() == "Undone: Accept variation 1"
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: len(window.document.store.notes()) == 2, timeout=2000)
    assert window.status.currentMessage() == "Redone: Accept variation 1"
