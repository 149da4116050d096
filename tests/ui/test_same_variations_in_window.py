"""A jig whose A part is stated twice (ABC with a repeat) continued in four variations restated it
a third time note for note in all four (QA), and the list showed four entries of one result
without a word. The window now lists four different variations (composer.model.sampling.
branch_points), and says when some are still the same (composer.request.same_variations; the
CLI test covers the wording). Real window (pytest-qt, offscreen) and the shipped model in its
process; a file the test writes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from parts_music import REPEATED_JIG
from window_helpers import close_window, open_window

MODEL_TIMEOUT_MS = 60000


def test_the_window_lists_four_different_variations_of_a_repeated_tune(qtbot, tmp_path):
    window = open_window(qtbot, load_model=True)
    try:
        qtbot.waitUntil(lambda: window.cowriter.state == "ready", timeout=MODEL_TIMEOUT_MS)
        (tmp_path / "jig.abc").write_text(REPEATED_JIG)
        assert window.files.open_path(tmp_path / "jig.abc", confirmed=True)
        qtbot.waitUntil(lambda: len(window.document.store.notes()) == 84, timeout=5000)
        panel = window.cowriter_panel
        panel.set_length(24, "notes")
        panel.variation_count.setValue(4)
        QTest.mouseClick(panel.continue_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(panel.variations.variations) == 4, timeout=MODEL_TIMEOUT_MS)
        message = window.status.currentMessage()
        assert "4 variations written" in message and "is the same as" not in message, message
        new = {tuple(sorted((n.onset, n.pitch, n.duration) for n in v.score.notes if n.generated))
               for v in panel.variations.variations}
        assert len(new) == 4
    finally:
        close_window(window)
