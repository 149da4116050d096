"""Fill, Add part and Continue-per-voice through the real window (pytest-qt, the model in its own
process, the checkpoint the app would use: $COMPOSER_MODEL or models/default.safetensors)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

sys.path.insert(0, str(Path(__file__).parent.parent))
from parts_music import four_voice_score  # noqa: E402
from window_helpers import box_button  # noqa: E402

from composer.ui.main_window import MainWindow  # noqa: E402
from composer.ui.region_actions import NO_SELECTION  # noqa: E402
from composer.ui.variations_view import preview_notes  # noqa: E402

MODEL_TIMEOUT_MS = 90000
BAR = 1920


@pytest.fixture(scope="module", autouse=True)
def shipped_model():
    from composer.generate import default_model_path

    if not default_model_path().exists():
        pytest.fail(f"the model {default_model_path()} is missing")


@pytest.fixture
def window(qtbot):
    w = MainWindow(load_model=True, start_audio=False)
    w.show()
    qtbot.waitExposed(w)
    w.document.load(four_voice_score())
    qtbot.waitUntil(lambda: w.cowriter.state == "ready", timeout=MODEL_TIMEOUT_MS)
    w.cowriter_panel.variation_count.setValue(2)
    yield w
    w.document.undo_stack.setClean()
    w.close()
    w.deleteLater()


def ruler_x(window, tick: int) -> int:
    roll = window.roll
    return int(roll.geometry_.x(tick) - roll.scroll_x())


def ctrl_drag_bars(window, first_tick: int, last_tick: int) -> None:
    ruler = window.editor.ruler
    y = ruler.height() // 2
    QTest.mousePress(ruler, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     QPoint(ruler_x(window, first_tick), y))
    QTest.mouseMove(ruler, QPoint(ruler_x(window, last_tick), y))
    QTest.mouseRelease(ruler, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                       QPoint(ruler_x(window, last_tick), y))


def wait_for_variations(qtbot, window, previous=None):
    panel = window.cowriter_panel
    qtbot.waitUntil(lambda: not window.cowriter.busy and panel.variations.variations
                    and panel.variations.variations[0] is not previous, timeout=MODEL_TIMEOUT_MS)
    return panel.variations.variations


def key(n):
    return (n.voice, n.pitch, n.onset, n.duration, n.velocity)


def test_fill_selected_bars_in_a_ticked_voice_and_accept_as_one_undo_step(qtbot, window):
    before = window.document.score().notes
    window.roll.horizontalScrollBar().setValue(0)
    ctrl_drag_bars(window, 2 * BAR + 100, 3 * BAR + 100)  # bars 3-4
    assert window.editor.ruler.bar_selection == (2 * BAR, 4 * BAR)
    window.side_tabs.setCurrentIndex(1)  # Voicing
    qtbot.waitExposed(window.voicing_panel.rows[0]["write"])
    tick = window.voicing_panel.rows[0]["write"]
    QTest.mouseClick(tick, Qt.MouseButton.LeftButton, pos=QPoint(6, tick.height() // 2))  # only the melody
    assert window.voicing_panel.write_voices() == [0]
    QTest.mouseClick(window.regions.fill_button, Qt.MouseButton.LeftButton)
    variations = wait_for_variations(qtbot, window)
    assert len(variations) == 2, window.last_error
    inside = lambda n: n.voice == 0 and 2 * BAR <= n.onset < 4 * BAR  # noqa: E731
    variation = window.cowriter_panel.variations.current()
    assert variation.added and all(inside(n) and n.generated for n in variation.added)
    assert Counter(map(key, variation.removed)) == Counter(key(n) for n in before if inside(n))
    assert window.roll.ghosts == variation.added  # previewed before accepting
    context, _ = preview_notes(variation)  # the mini preview shows the fill among all the voices
    assert {n.voice for n in context} == {0, 1, 2, 3}
    assert min(n.onset for n in context) < 2 * BAR and max(n.onset for n in context) >= 4 * BAR
    QTest.mouseClick(window.cowriter_panel.variations.accept_button, Qt.MouseButton.LeftButton)
    after = window.document.score().notes
    assert Counter(map(key, (n for n in after if not inside(n)))) == Counter(key(n) for n in before if not inside(n))
    assert Counter(map(key, (n for n in after if inside(n)))) == Counter(map(key, variation.added))
    assert window.document.undo_stack.undoText() == f"Accept variation {variation.number}"
    window.document.undo_stack.undo()  # one step takes the whole fill back
    assert Counter(map(key, window.document.score().notes)) == Counter(map(key, before))
    QTest.mouseClick(window.cowriter_panel.variations.regenerate_button, Qt.MouseButton.LeftButton)
    again = wait_for_variations(qtbot, window, previous=variations[0])  # the same fill, new variations
    assert again[0].added and all(inside(n) for v in again for n in v.added)


def test_fill_with_nothing_selected_says_how_to_select(qtbot, window):
    window.regions.fill()
    assert window.last_error == NO_SELECTION


def test_selected_notes_choose_the_bars_and_voices_to_fill(qtbot, window):
    store = window.document.store
    ids = [i for i, n in store.items() if n.voice == 2 and 5 * BAR <= n.onset < 5 * BAR + 960]
    window.document.set_selection(ids)
    assert window.regions.selected_span() == (5 * BAR, 6 * BAR, (2,))


def test_add_part_bass_from_the_menu(qtbot, window):
    menu = window.regions.add_part_menu
    assert [a.text().replace("&", "") for a in menu.actions()] == ["Bass", "Harmony", "Counter-melody", "Drums"]
    before = window.document.score()
    window.regions.part_actions["bass"].trigger()
    # The piece has a bass: the window asks first (tests/ui/test_drums_bass_part_question.py).
    box = window.regions.part_question
    assert box is not None and "bass part" in box.text()
    next(b for b in box.buttons() if b.text().replace("&", "") == "Add Anyway").click()
    variation = wait_for_variations(qtbot, window)[0]
    assert variation.added and {n.voice for n in variation.added} == {4}
    added = window.cowriter_panel.accept()
    assert added == len(variation.added)
    voices = window.document.voices
    assert len(voices) == 5 and voices[4].role == "bass" and voices[4].program == 33
    assert len(window.voicing_panel.rows) == 5
    window.document.undo_stack.undo()  # the part and its voice go together
    assert len(window.document.voices) == 4
    assert Counter(map(key, window.document.score().notes)) == Counter(map(key, before.notes))


def test_continue_writes_each_voice_in_its_own_voice(qtbot, window):
    panel = window.cowriter_panel
    panel.set_length(32, "notes")
    QTest.mouseClick(panel.continue_button, Qt.MouseButton.LeftButton)
    variation = wait_for_variations(qtbot, window)[0]
    assert {n.voice for n in variation.added} == {0, 1, 2, 3}, window.last_error
    assert min(n.onset for n in variation.added) >= 8 * BAR
    assert len(window.document.voices) == 4


def test_continue_after_accepting_an_added_part_carries_every_voice(qtbot, window):
    """After Add part ▸ Bass and Accept, Continue wrote the new bass alone: the accepted notes
    stayed selected (unseen) and seeded it (QA: the tune stopped at bar 4, the bass ran to bar
    71). Accept now leaves nothing selected."""
    window.regions.part_actions["bass"].trigger()
    box_button(window.regions.part_question, "Add Anyway").click()
    variation = wait_for_variations(qtbot, window)[0]
    assert window.cowriter_panel.accept() == len(variation.added)
    assert not window.document.selection
    panel = window.cowriter_panel
    panel.set_length(24, "notes")
    QTest.mouseClick(panel.continue_button, Qt.MouseButton.LeftButton)
    continued = wait_for_variations(qtbot, window, previous=variation)[0]
    assert {n.voice for n in continued.added} == {0, 1, 2, 3, 4}, window.last_error
