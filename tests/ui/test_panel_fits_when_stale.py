"""Out-of-date variations keep the co-writer panel inside its dock at the window's default size:
the warning line and the longer Regenerate label pushed it past the dock, so both scroll bars
appeared and Add part and Continue from this were cut off at the right edge (QA under Xvfb).
Real window (pytest-qt, offscreen), three variations of a real score, then an edit."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea

from composer.music.score import Note, Score
from composer.ui.cowriter import Variation

Q = 480


def test_the_panel_still_fits_when_its_variations_are_out_of_date(window, qtbot):
    doc = window.document
    doc.load(Score(notes=[Note(60 + i % 5, i * Q, Q, 80) for i in range(16)]))
    window.after_load()
    existing = doc.store.notes()
    variations = []
    for k in range(3):
        new = [Note(67 + k, (16 + i) * Q, Q, 80, generated=True) for i in range(4)]
        variations.append(Variation(k + 1, doc.score().copy(notes=[*existing, *new]), {}, added=new, context=None))
    panel = window.cowriter_panel
    panel.variations.set_variations(variations, existing)
    area = panel.parentWidget()
    while not isinstance(area, QScrollArea):
        area = area.parentWidget()
    qtbot.wait(50)
    assert not area.verticalScrollBar().isVisible() and not area.horizontalScrollBar().isVisible()

    panel.variations.set_stale(True)  # as after an edit of the score
    assert panel.variations.stale_label.isVisible()
    qtbot.wait(50)
    assert not area.horizontalScrollBar().isVisible(), "the panel is wider than its dock"
    assert not area.verticalScrollBar().isVisible(), (
        f"the panel needs {panel.minimumSizeHint().height()} px, the dock gives {area.viewport().height()}")
    view = panel.variations  # one under the other, nothing drawn over the list
    assert view.stale_label.geometry().bottom() < view.list.geometry().top()
    assert view.list.geometry().bottom() < view.audition_button.geometry().top()
    assert view.list.height() >= view.list.minimumHeight()
