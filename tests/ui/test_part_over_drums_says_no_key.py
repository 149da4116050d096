"""Add part over drums alone in the window says there is no key to go by and where to choose one
(the command line's notice; a bass over a drum groove wandered through all twelve notes without
a word, QA). Real window with the shipped model in its process (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest
from window_helpers import close_window, ready_model_window

from composer.music.score import Note, Score, Voice

Q = 480
MODEL_TIMEOUT_MS = 60000


@pytest.fixture
def window(qtbot):
    w = ready_model_window(qtbot, MODEL_TIMEOUT_MS)
    yield w
    close_window(w)


def test_add_part_over_drums_alone_says_there_is_no_key(qtbot, window):
    hits = [Note(42, i * Q // 2, Q // 2, 90) for i in range(16)] + [Note(36, i * Q, Q // 2, 100)
                                                                     for i in range(0, 8, 2)]
    window.document.load(Score(notes=hits, voices=[Voice("Kit", is_drum=True)]))
    window.after_load()
    assert window.document.score().voices[0].is_drum
    messages = []
    window.cowriter_panel.message.connect(messages.append)
    window.regions.add_part("bass")
    assert any("no pitched notes, chords or key signature" in m and "Key lock" in m for m in messages), messages
    qtbot.waitUntil(lambda: not window.cowriter.busy, timeout=MODEL_TIMEOUT_MS)
