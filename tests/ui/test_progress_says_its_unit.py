"""The co-writer's progress bar says what it counts (QA pass 12, F7): it read "8 / 24 notes" and
"16 / 24 notes" while 3 voices x 8 variations were written (each of ~660 notes): it counted voice
passes, not notes. Now its text is in the unit the generation counts for the request's shape
(composer/ui/generation_progress.py): notes of the notes asked for, part k of n, key section and
variation; a plain percentage where the report is not the shape's. The window test runs the real
model process (the shipped checkpoint) on a score the test builds."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from composer.music.scales import Key
from composer.music.score import KeyChange, Note, Score, Voice
from composer.request import continue_request, fill_request
from composer.ui.generation_progress import ProgressShape, progress_text
from window_helpers import close_window, model_window_on

Q = 480
BAR = 4 * Q
MODEL_TIMEOUT_MS = 180000  # a generous wait, not a speed check: the machine is shared


def band(bars: int = 4, keys=None) -> Score:
    """A tune in quarters (C D E G) over a bass on each bar's downbeat (C2), `bars` bars."""
    notes = [Note(p, b * BAR + i * Q, Q, 80, 0) for b in range(bars) for i, p in enumerate((60, 62, 64, 67))]
    notes += [Note(36, b * BAR, BAR, 80, 1) for b in range(bars)]
    return Score(notes=notes, voices=[Voice("Melody"), Voice("Bass", program=33)],
                 keys=keys or [KeyChange(0, Key.parse("C major"))])


def test_one_voice_counts_notes_of_the_notes_asked_for():
    shape = ProgressShape.of(continue_request(band(), (0,), length=200, variations=8))
    assert (shape.voices, shape.variations, shape.sections, shape.by_notes) == (1, 8, 1, True)
    assert progress_text(shape, 120, 200) == "note 120 of 200 (8 variations together)"
    one = ProgressShape.of(continue_request(band(), (0,), length=16))
    assert progress_text(one, 5, 16) == "note 5 of 16"
    # a fill ends where its bars do: the notes are a bound, not what is asked
    fill = ProgressShape.of(fill_request(band(), BAR, 2 * BAR, (0,), variations=2))
    assert progress_text(fill, 3, 256) == "note 3 of at most 256 (2 variations together)"


def test_a_continuation_in_bars_counts_notes_without_a_false_total():
    # 4 bars: the model reports notes of a cap (192), not of what 4 bars take, so no "of" is said
    shape = ProgressShape.of(continue_request(band(), (0,), bars=4, variations=2))
    assert (shape.bars, shape.by_notes) == (4, False)
    assert progress_text(shape, 20, 192) == "4 bars: 20 notes so far (2 variations together)"
    assert progress_text(ProgressShape.of(continue_request(band(), (0,), bars=1)), 1, 48) == "1 bar: 1 note so far"
    # two voices still count parts; a Length in notes, notes of the notes asked for
    assert progress_text(ProgressShape.of(continue_request(band(), (0, 1), bars=4)), 1, 2) == "part 2 of 2"
    assert ProgressShape.of(continue_request(band(), (0,), length=16)).bars is None


def test_several_voices_count_parts():
    shape = ProgressShape.of(continue_request(band(), (0, 1), length=200, variations=8))
    assert (shape.voices, shape.variations, shape.sections) == (2, 8, 1)
    assert progress_text(shape, 8, 16) == "part 2 of 2 (8 variations together)"  # was '8 / 16 notes'
    assert progress_text(shape, 16, 16) == "all 2 parts written (8 variations together)"
    assert progress_text(shape, 8, 24) == "33 %"  # not this shape's total: no unit claimed


def test_a_fill_across_a_key_change_counts_sections_and_variations():
    keys = [KeyChange(0, Key.parse("C major")), KeyChange(2 * BAR, Key.parse("Eb major"))]
    shape = ProgressShape.of(fill_request(band(keys=keys), BAR, 3 * BAR, (0,), variations=4))
    assert shape.sections == 2
    total = (1 + 4) * 1000  # composer.generate: the first section's 4 together, then one pass each
    assert progress_text(shape, 500, total) == "key section 1 of 2 (4 variations together)"
    assert progress_text(shape, 1000, total) == "key section 2 of 2, variation 1 of 4"
    assert progress_text(shape, 3500, total) == "key section 2 of 2, variation 3 of 4"
    assert progress_text(shape, total, total) == "key section 2 of 2, variation 4 of 4"
    assert progress_text(None, 1, 4) == "25 %"


@pytest.fixture
def model_window(qtbot):
    w = model_window_on(qtbot, band(), MODEL_TIMEOUT_MS)
    yield w
    close_window(w)


def test_the_window_bar_says_parts_while_two_voices_are_written(qtbot, model_window):
    w, panel = model_window, model_window.cowriter_panel
    shown: list[str] = []
    w.cowriter.progressed.connect(lambda _done, _total: shown.append(panel.progress.text()))  # after the panel's
    panel.set_length(4, "notes")
    panel.variation_count.setValue(2)
    w.roll.set_playhead(w.document.store.end)  # the seed: everything before it, both voices
    QTest.mouseClick(panel.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(panel.variations.variations) and not w.cowriter.busy, timeout=MODEL_TIMEOUT_MS)
    assert {n.voice for v in panel.variations.variations for n in v.added} == {0, 1}
    assert shown and shown[-1] == "all 2 parts written (2 variations together)"  # was '4 / 4 notes'
    assert all("part" in text and "notes" not in text for text in shown), shown
