"""Add part > Drums and Add part > Bass in the window on a piece that already has a drum groove and
a bass line (pytest-qt, real widgets, the model in its own process: the checkpoint the app would use).

Found by QA: they wrote "Drums 2" repeating the kit pattern and "Bass 2" in the bass's register,
without a word. Now the window asks first, in the one window-modal box Add part > Harmony uses
(RegionActions.ask_about_part, opened, not exec'd): which part is there and what a second one
would play; Add Anyway says it and writes one that complements it (hand percussion beside the
kit; a bass an octave above), Cancel writes nothing."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from window_helpers import box_button, close_window, model_window_on

from composer.music.second_part import PERCUSSION

from tests.model.test_drums_bass_beside import band

MODEL_TIMEOUT_MS = 90000


@pytest.fixture
def window(qtbot):
    w = model_window_on(qtbot, band(), MODEL_TIMEOUT_MS)
    yield w
    close_window(w)


def _ask(qtbot, window, part: str) -> QMessageBox:
    window.regions.part_actions[part].trigger()  # returns with the question up: nothing blocks
    box = window.regions.part_question
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert not window.cowriter.busy and not window.cowriter_panel.variations.variations  # nothing written yet
    return box


@pytest.mark.parametrize("part, title, found, plan, check", [
    ("drums", "Add Part: Drums", 'drum part, "Drums"', "hand percussion",
     lambda new: {n.pitch for n in new} <= set(PERCUSSION) and not {n.pitch for n in new} & {36, 38, 42}),
    ("bass", "Add Part: Bass", 'bass part, "Bass"', "an octave above it",
     lambda new: all(48 <= n.pitch <= 62 for n in new)),
])
def test_the_window_asks_before_a_second_drum_or_bass_part(qtbot, window, part, title, found, plan, check):
    box = _ask(qtbot, window, part)
    text = box.text()
    assert box.windowTitle() == title and found in text and "double" in text and plan in text, text
    box_button(box, "Cancel").click()
    qtbot.waitUntil(lambda: not box.isVisible())
    assert not window.cowriter.busy and len(window.document.voices) == 3

    box = _ask(qtbot, window, part)
    box_button(box, "Add Anyway").click()
    assert f"complements {'Drums' if part == 'drums' else 'Bass'}" in window.status.currentMessage()
    panel = window.cowriter_panel
    qtbot.waitUntil(lambda: bool(panel.variations.variations) or bool(window.last_error), timeout=MODEL_TIMEOUT_MS)
    (variation,) = panel.variations.variations
    new = variation.added
    assert new and {n.voice for n in new} == {3} and check(new), sorted(n.pitch for n in new)
    assert variation.score.voices[3].name == ("Drums 2" if part == "drums" else "Bass 2")
