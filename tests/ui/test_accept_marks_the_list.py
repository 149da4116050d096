"""After Accept the variation list says the take is in: QA clicked Accept and "the variation list
stays as it was", as if the takes still waited to be chosen. The accepted variation is ticked as
in the score, the others are set aside (not previewed, Accept and Continue from this off), until
Ctrl+Z takes it out and the list is as it was; new variations start a fresh list. Real window
(pytest-qt, offscreen); the model process is not started: three continuations are built here as
the co-writer builds them and arrive through its variations_ready signal."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QScrollArea

from composer.music.score import Note, Score
from composer.ui.cowriter import Variation, notes_fingerprint

Q = 480
BAR = 4 * Q


def show_continuations(qtbot, window, count: int = 3) -> list[Variation]:
    doc = window.document
    if not doc.store.notes():
        doc.load(Score(notes=[Note(60 + (i % 5), i * Q, Q, 80) for i in range(16)]))  # four bars
        window.after_load()
    existing = doc.store.notes()
    end = max(n.end for n in existing)
    variations = []
    for k in range(count):
        new = [Note(67 + k, end + i * Q, Q, 90, generated=True) for i in range(4 + k)]
        variations.append(Variation(k + 1, doc.score().copy(notes=[*existing, *new]), {}, added=new,
                                    context=notes_fingerprint(existing)))
    window.cowriter.variations_ready.emit(variations)
    qtbot.wait(10)
    return variations


def texts(view) -> list[str]:
    return [view.list.item(row).text() for row in range(view.list.count())]


def test_accept_marks_the_take_in_and_sets_the_others_aside_until_undone(qtbot, window):
    variations = show_continuations(qtbot, window)
    panel, view, doc = window.cowriter_panel, window.cowriter_panel.variations, window.document
    said = []
    panel.message.connect(said.append)
    before = texts(view)
    assert before == ["Variation 1\n4 new notes", "Variation 2\n5 new notes", "Variation 3\n6 new notes"]
    view.list.setCurrentRow(1)
    assert window.roll.ghosts == variations[1].added  # previewed before it is accepted

    QTest.mouseClick(view.accept_button, Qt.MouseButton.LeftButton)
    assert said[-1].startswith("Accepted variation 2: 5 new notes added")
    assert view.accepted is variations[1]
    assert texts(view) == ["Variation 1\nset aside", "Variation 2 ✔\nin the score", "Variation 3\nset aside"]
    assert view.list.item(0).foreground().color() != view.list.item(1).foreground().color()  # greyed
    assert view.accepted_label.isVisible() and not view.stale_label.isVisible()
    assert "Variation 2 is in the score" in view.accepted_label.text()
    assert not view.accept_button.isEnabled() and not view.continue_button.isEnabled()
    assert "in the score" in view.accept_button.toolTip()
    assert view.audition_button.isEnabled() and view.regenerate_button.isEnabled()
    assert window.roll.ghosts == [] and window.roll.replaced == set()

    # A variation set aside is not previewed over the take, nor accepted by the menu's shortcut.
    view.list.setCurrentRow(0)
    assert window.roll.ghosts == [] and not view.accept_button.isEnabled()
    notes = Counter(doc.store.notes())
    assert panel.accept() == 0 and Counter(doc.store.notes()) == notes
    assert "Variation 2 is in the score" in said[-1] and "Ctrl+Z" in said[-1]
    view.list.setCurrentRow(1)
    assert panel.accept() == 0 and "already in the score" in said[-1]  # as before (README)

    # Ctrl+Z takes it out: the list as it was, current again; Ctrl+Shift+Z marks it again.
    doc.undo_stack.undo()
    assert view.accepted is None and texts(view) == before
    assert not view.accepted_label.isVisible() and not view.stale_label.isVisible()
    assert view.accept_button.isEnabled() and window.roll.ghosts == variations[1].added
    doc.undo_stack.redo()
    assert view.accepted is variations[1] and view.accepted_label.isVisible() and window.roll.ghosts == []

    # An edit of the take: no longer all in the score, so no longer said to be; out of date.
    taken = next(i for i, n in doc.store.items() if n.generated)
    doc.delete_notes([taken])
    assert view.accepted is None and view.stale and view.stale_label.isVisible()
    assert not view.accept_button.isEnabled()
    doc.undo_stack.undo()
    assert view.accepted is variations[1]

    # The next request starts a fresh list.
    fresh = show_continuations(qtbot, window, count=2)
    assert view.variations == fresh and view.accepted is None
    assert texts(view) == ["Variation 1\n4 new notes", "Variation 2\n5 new notes"]
    assert not view.accepted_label.isVisible() and view.accept_button.isEnabled()
    assert window.roll.ghosts == fresh[0].added


def test_the_panel_still_fits_its_dock_once_a_take_is_accepted(qtbot, window):
    show_continuations(qtbot, window)
    panel = window.cowriter_panel
    area = panel.parentWidget()
    while not isinstance(area, QScrollArea):
        area = area.parentWidget()
    assert panel.accept() == 4
    assert panel.variations.accepted_label.isVisible()
    qtbot.wait(50)
    assert not area.horizontalScrollBar().isVisible(), "the panel is wider than its dock"
    assert not panel.variations.list.horizontalScrollBar().isVisible(), "a variation's text is cut"
    assert not area.verticalScrollBar().isVisible(), (
        f"the panel needs {panel.minimumSizeHint().height()} px, the dock gives {area.viewport().height()}")
    view = panel.variations
    assert view.accepted_label.geometry().bottom() < view.list.geometry().top()
