"""Add part > Drums in a melodic style with a drum family says whose beat the drums play, as the
command line does (QA qa15 L4: 'Jazz standards' drums were the straight rock beat, without a
word), as it starts and again with the written variations; a groove style says it moves only the
drums and an added bass (L4b). Real window with the shipped model in its process (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest
from window_helpers import close_window, ready_model_window

from composer.music.score import Note, Score, Voice

Q = 480
MODEL_TIMEOUT_MS = 60000
TUNE = [67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 69, 71, 67, 62, 67]


@pytest.fixture
def window(qtbot):
    w = ready_model_window(qtbot, MODEL_TIMEOUT_MS)
    yield w
    close_window(w)


@pytest.mark.parametrize("part, style, said", [
    ("drums", "popular_song_jazz",
     "The drums play the Jazz groove beat (ride, swung), the groove style nearest to Jazz standards"),
    ("bass", "groove_funk", "The new bass part leans to Funk groove's kick; the other parts keep the plain rhythm"),
    ("harmony", "groove_latin", "Only drums follow Latin groove's beat")])
def test_add_part_says_what_the_style_makes_of_it(qtbot, window, part, style, said):
    window.document.load(Score(notes=[Note(p, i * Q, Q, 90) for i, p in enumerate(TUNE)], voices=[Voice("Flute", 73)]))
    window.after_load()
    box = window.cowriter_panel.style_box
    box.setCurrentIndex(box.findData(style))
    assert box.currentData() == style
    messages, written = [], []
    window.cowriter_panel.message.connect(messages.append)
    window.cowriter.variations_ready.connect(lambda _v: written.append(window.status.currentMessage()))
    window.regions.add_part(part)
    assert any(m.startswith(said) for m in messages), messages
    qtbot.waitUntil(lambda: bool(written), timeout=MODEL_TIMEOUT_MS)
    assert said in written[0], written
