"""Continue from a seed in the middle of the piece (a selection, or the notes before the playhead)
fills the gap up to the music that follows in the continued voices, instead of writing new notes
on top of it (QA: the new notes overlapped the notes after the seed, and Accept layered them).
Real window with the shipped model in its process (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from window_helpers import close_window, ready_model_window

from composer.music.score import Note, Score

Q = 480
MODEL_TIMEOUT_MS = 60000
TUNE = [60, 62, 64, 65, 67, 65, 64, 62]


@pytest.fixture
def window(qtbot):
    w = ready_model_window(qtbot, MODEL_TIMEOUT_MS)
    yield w
    close_window(w)


def _continue_bars_1_2(qtbot, window, notes: list[Note], length: int, variations: int):
    """Load `notes`, select bars 1-2 (the first 8 quarters), Continue from the selection and wait
    for the variations; -> the co-writer panel."""
    window.document.load(Score(notes=notes))
    window.after_load()
    window.document.set_selection({i for i, n in window.document.store.items() if n.onset < 8 * Q})
    panel = window.cowriter_panel
    panel.seed_range.setCurrentIndex(panel.seed_range.findData("selection"))
    panel.set_length(length, "notes")
    panel.variation_count.setValue(variations)
    QTest.mouseClick(panel.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(panel.variations.variations) == variations, timeout=MODEL_TIMEOUT_MS)
    return panel


def test_a_selection_in_the_middle_is_continued_up_to_the_music_after_it(qtbot, window):
    # bars 1-2 and bars 5-6 written, bars 3-4 empty: select bars 1-2 and Continue
    notes = [Note(p, i * Q, Q, 80) for i, p in enumerate(TUNE)] + [Note(p, (16 + i) * Q, Q, 80)
                                                                    for i, p in enumerate(TUNE)]
    panel = _continue_bars_1_2(qtbot, window, notes, length=32, variations=2)
    for variation in panel.variations.variations:
        new = variation.new_notes(window.document.store.notes())
        assert new and min(n.onset for n in new) >= 8 * Q
        assert max(n.end for n in new) <= 16 * Q, "new notes must not overlap the music after the gap"
    QTest.mouseClick(panel.variations.accept_button, Qt.MouseButton.LeftButton)
    kept = [n for n in window.document.score().notes if not n.generated]
    assert sorted(kept, key=lambda n: n.onset) == notes  # the music after the gap is untouched


def test_with_no_room_after_the_seed_the_piece_is_continued_at_its_end(qtbot, window):
    notes = [Note(p, i * Q, Q, 80) for i, p in enumerate(TUNE * 2)]
    panel = _continue_bars_1_2(qtbot, window, notes, length=8, variations=1)
    new = panel.variations.current().new_notes(window.document.store.notes())
    assert new and min(n.onset for n in new) >= 16 * Q  # after the piece, not on top of bars 3-4
