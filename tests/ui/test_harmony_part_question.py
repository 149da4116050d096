"""Add part > Harmony in the window on a piece that already has its harmony part (pytest-qt, real
widgets, the model in its own process: the checkpoint the app would use).

Found by QA: over a tune with its own piano comping, Add part > Harmony wrote a second comping part
that doubled the piano, without a word. Now the window asks first, in a window-modal box that is
opened, not exec'd (the GUI thread goes on: this test goes on past the trigger with the box up):
which part is there and what a second one would play; Add Anyway writes one that complements it
(one held chord a bar beside the piano's chord on every beat, below its chords), Choose Another
Part opens the Add part menu, Cancel writes nothing."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from window_helpers import box_button, close_window, model_window_on

from composer.music import Note, Score, Voice

MODEL_TIMEOUT_MS = 90000
Q = 480
BAR = 4 * Q
TUNE = [71, 73, 75, 76, 78, 76, 75, 73, 71, 70, 71, 73, 75, 71, 66, 71] * 2
CHORDS = [(60, 64, 67), (60, 65, 69), (62, 66, 69), (60, 64, 67)] * 2


def tune_and_piano() -> Score:
    notes = [Note(p, i * Q, Q - 20, 90, 0) for i, p in enumerate(TUNE)]
    notes += [Note(p, b * BAR + beat * Q, Q - 40, 70, 1) for b in range(8) for beat in range(4) for p in CHORDS[b]]
    return Score(notes=notes, voices=[Voice("Flute", 73), Voice("Piano", 0)])


@pytest.fixture
def window(qtbot):
    w = model_window_on(qtbot, tune_and_piano(), MODEL_TIMEOUT_MS)
    yield w
    close_window(w)


def _ask(qtbot, window) -> QMessageBox:
    regions = window.regions
    regions.part_actions["harmony"].trigger()  # returns with the question up: nothing blocks
    box = regions.part_question
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert not window.cowriter.busy and not window.cowriter_panel.variations.variations  # nothing written yet
    return box


def test_the_window_asks_before_a_second_harmony_part(qtbot, window):
    box = _ask(qtbot, window)
    text = box.text()
    assert '"Piano"' in text and "double" in text and "Add it anyway" in text and "below its chords" in text, text

    box_button(box, "Cancel").click()
    qtbot.waitUntil(lambda: not box.isVisible())
    assert not window.cowriter.busy and len(window.document.voices) == 2

    box = _ask(qtbot, window)
    box_button(box, "Choose Another Part…").click()
    qtbot.waitUntil(window.regions.add_part_menu.isVisible)  # the parts to choose from
    window.regions.add_part_menu.close()
    assert not window.cowriter.busy

    box = _ask(qtbot, window)
    box_button(box, "Add Anyway").click()
    assert "complements Piano" in window.status.currentMessage()
    panel = window.cowriter_panel
    qtbot.waitUntil(lambda: bool(panel.variations.variations) or bool(window.last_error), timeout=MODEL_TIMEOUT_MS)
    (variation,) = panel.variations.variations
    new = variation.added
    assert new and {n.voice for n in new} == {2}
    assert variation.score.voices[2].name == "Harmony"
    assert len({n.onset for n in new}) / 8 == pytest.approx(1, abs=0.25)  # held, one a bar: not the piano's beats
    assert sum(n.pitch >= 60 for n in new) <= 0.1 * len(new)  # below the piano's chords
    assert panel.accept() == len(new) and len(window.document.voices) == 3
