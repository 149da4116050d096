"""The co-writer panel's Length is in bars (the default, 4, as `composer continue`) or notes.

Found by QA in the window: "Continuations stop mid-phrase because Length counts notes; one ended
on E5 on beat 1 of bar 10, with no cadence." Now Continue with a Length in bars writes whole bars
to the bar line (the request's `bars`, as --bars), Regenerate takes the unit as it is then, and the
unit and both values are remembered; settings saved before the unit (a length alone) stay notes.
Real window (pytest-qt, offscreen); the Continue tests run the shipped model in its process."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from window_helpers import click_and_wait, close_window, model_window_on, open_window

from composer.music.score import Note, Score
from composer.ui.settings import AppSettings

Q = 480
BAR = 4 * Q
MODEL_TIMEOUT_MS = 180000  # a generous wait, not a speed check: the machine is shared
# Five bars and a half of a tune in quarters: the seed ends on beat 3 of bar 6, mid-bar.
TUNE = [64, 62, 60, 62, 64, 64, 64, 62, 62, 62, 64, 67, 67, 64, 62, 60, 62, 64, 64, 64, 62, 62]


def tune() -> Score:
    return Score(notes=[Note(p, i * Q, Q, 80) for i, p in enumerate(TUNE)])


def choose_unit(panel, unit: str) -> None:
    """Pick `unit` in the chooser beside Length as a person does (the keyboard on the combo box)."""
    box = panel.length_unit
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_Home)
    for _ in range(box.findData(unit)):
        QTest.keyClick(box, Qt.Key.Key_Down)
    assert box.currentData() == unit


@pytest.fixture
def tune_window(qtbot):
    w = model_window_on(qtbot, tune(), MODEL_TIMEOUT_MS)
    yield w
    close_window(w)


def test_continue_with_4_bars_writes_to_the_4th_bar_line(qtbot, tune_window):
    window, panel = tune_window, tune_window.cowriter_panel
    # a new panel: 4 bars, the unit shown beside the number, each unit said in the tooltip
    assert panel.length_unit.currentText() == "bars" and panel.length_bars.value() == 4
    assert panel.length_value.currentWidget() is panel.length_bars and panel.length_bars.isVisible()
    assert "Bars:" in panel.length_unit.toolTip() and "Notes:" in panel.length_unit.toolTip()
    panel.variation_count.setValue(2)
    shown: list[str] = []
    window.cowriter.progressed.connect(lambda _done, _total: shown.append(panel.progress.text()))
    window.roll.set_playhead(window.document.store.end)
    variations = click_and_wait(qtbot, window, panel.continue_button, MODEL_TIMEOUT_MS)
    request = window.cowriter.last_request
    assert (request.bars, request.length) == (4, None)
    # the seed ends on beat 3 of bar 6: the rest of bar 6, then bars 7-10, to the bar line of bar 11
    bar_line = 10 * BAR
    for variation in variations:
        new = variation.new_notes(window.document.store.notes())
        assert new and min(n.onset for n in new) >= len(TUNE) * Q
        assert max(n.end for n in new) <= bar_line, "a note past the 4th bar line"
        assert max(n.end for n in new) > bar_line - BAR, "the 4th bar was left empty"
    assert shown and all("bars" in text and "at most" not in text for text in shown), shown

    # Regenerate takes the unit as it is now: notes, then bars again
    choose_unit(panel, "notes")
    panel.length.setValue(8)
    click_and_wait(qtbot, window, panel.variations.regenerate_button, MODEL_TIMEOUT_MS)
    assert (window.cowriter.last_request.bars, window.cowriter.last_request.length) == (None, 8)
    choose_unit(panel, "bars")
    panel.length_bars.setValue(2)
    again = click_and_wait(qtbot, window, panel.variations.regenerate_button, MODEL_TIMEOUT_MS)
    assert (window.cowriter.last_request.bars, window.cowriter.last_request.length) == (2, None)
    assert max(n.end for v in again for n in v.new_notes(window.document.store.notes())) <= 8 * BAR


def test_a_seed_in_the_middle_is_continued_at_most_the_bars_asked(qtbot, window):
    # bars 1-2 written, then nothing until bar 12: 4 bars from the selection fill bars 3-6 only
    notes = [Note(p, i * Q, Q, 80) for i, p in enumerate(TUNE[:8])] + [Note(60, 11 * BAR, Q, 80)]
    window.document.load(Score(notes=notes))
    seed = Score(notes=notes[:8])
    request = window.cowriter.continue_request_for(seed, {**window.cowriter_panel.options(seed.notes)})
    assert (request.region.start, request.region.end) == (2 * BAR, 6 * BAR)
    window.cowriter_panel.set_length(16, "notes")
    request = window.cowriter.continue_request_for(seed, {**window.cowriter_panel.options(seed.notes)})
    assert (request.region.end, request.length) == (11 * BAR, 16)  # notes bound it as before


def test_the_length_and_its_unit_are_remembered(qtbot):
    window = open_window(qtbot)
    panel = window.cowriter_panel
    assert panel.settings()["length_unit"] == "bars"
    choose_unit(panel, "notes")
    assert panel.length_value.currentWidget() is panel.length
    panel.length.setValue(48)
    close_window(window)  # saves the panel's settings
    window = open_window(qtbot)
    try:
        panel = window.cowriter_panel
        assert panel.length_unit.currentData() == "notes" and panel.length.value() == 48
        assert panel.length_value.currentWidget() is panel.length
        choose_unit(panel, "bars")
        panel.length_bars.setValue(8)
        assert panel.options([])["bars"] == 8 and panel.options([])["length"] is None
    finally:
        close_window(window)
    window = open_window(qtbot)
    try:
        panel = window.cowriter_panel
        assert (panel.length_unit.currentData(), panel.length_bars.value(), panel.length.value()) == ("bars", 8, 48)
    finally:
        close_window(window)


def test_a_length_saved_before_the_unit_stays_notes(qtbot):
    settings = AppSettings()
    settings.set_generation({"length": 40, "variations": 2})  # as saved before Length had a unit
    settings.sync()
    window = open_window(qtbot)
    try:
        panel = window.cowriter_panel
        assert (panel.length_unit.currentData(), panel.length.value()) == ("notes", 40)
        assert panel.options([])["length"] == 40 and panel.options([])["bars"] is None
        panel.apply_settings({"length": "24"})  # an old project file's settings, as text
        assert (panel.length_unit.currentData(), panel.length.value()) == ("notes", 24)
        panel.apply_settings({"length": 24, "length_bars": 6, "length_unit": "bars"})
        assert (panel.length_unit.currentData(), panel.length_bars.value()) == ("bars", 6)
    finally:
        close_window(window)
