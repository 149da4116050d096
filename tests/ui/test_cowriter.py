"""The co-writer in the real window with the shipped model: background loading, continue and
accept (undoable), cancel, errors as messages, and the event loop staying responsive."""

from __future__ import annotations

import gc
import os
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from composer.music import estimate_key
from composer.music.score import TICKS_PER_QUARTER as Q
from composer.ui.key_names import key_text
from composer.ui.main_window import MainWindow

MODEL_TIMEOUT_MS = 60000


@pytest.fixture(scope="module", autouse=True)
def shipped_model():
    from composer.generate import default_model_path

    if not default_model_path().exists():
        pytest.fail(f"the shipped model {default_model_path()} is missing")


@pytest.fixture
def window(qtbot):
    w = MainWindow(load_model=True, start_audio=False)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.cowriter.state == "ready", timeout=MODEL_TIMEOUT_MS)
    yield w
    w.document.undo_stack.setClean()
    w.close()
    w.deleteLater()


def seed(window, pitches=(60, 62, 64, 65, 67, 65, 64, 62)) -> None:
    """Draw a phrase with the mouse, one quarter note each."""
    roll, vp = window.roll, window.roll.viewport()
    for i, pitch in enumerate(pitches):
        start, end = roll.view_pos(i * Q + 10, pitch), roll.view_pos((i + 1) * Q, pitch)
        QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        QTest.mouseMove(vp, end)
        QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    window.document.set_selection(set())


def test_window_shows_first_and_the_model_loads_in_the_background(qtbot):
    w = MainWindow(load_model=True, start_audio=False)
    w.show()
    try:
        qtbot.waitExposed(w)
        # The window is up before the model: loading starts from the event loop, in a thread.
        assert w.isVisible() and w.cowriter.state in ("none", "loading")
        assert not w.cowriter_panel.continue_button.isEnabled()
        qtbot.waitUntil(lambda: w.cowriter.state != "none", timeout=5000)
        qtbot.waitUntil(lambda: w.cowriter.state == "ready", timeout=MODEL_TIMEOUT_MS)
        assert w.cowriter_panel.continue_button.isEnabled()
        box = w.cowriter_panel.style_box
        items = [i for i in range(box.count()) if box.itemData(i) is not None]  # not group headings
        styles = [box.itemData(i) for i in items]
        from composer.data.styles import display_name
        from composer.generate import Continuer

        assert styles == Continuer.load(None).styles
        assert [box.itemText(i) for i in items] == [display_name(s) for s in styles]  # readable
        assert w.status.model.state == "ok"
    finally:
        w.close()
        w.deleteLater()


def test_continue_then_accept_a_variation_and_undo_it(qtbot, window):
    seed(window)
    panel = window.cowriter_panel
    panel.set_length(16, "notes")
    panel.variation_count.setValue(2)
    panel.key_mode.setCurrentIndex(panel.key_mode.findData("detect"))
    QTest.mouseClick(panel.continue_button, Qt.MouseButton.LeftButton)
    assert window.cowriter.busy and panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: len(panel.variations.variations) == 2, timeout=MODEL_TIMEOUT_MS)
    assert panel.detected_key.text() == f"Detected: {key_text(estimate_key(window.document.score().notes))}"
    variation = panel.variations.current()
    new = variation.new_notes(window.document.store.notes())
    assert len(new) >= 16 and all(n.generated for n in new)
    assert min(n.onset for n in new) >= 7 * Q  # continues after the seed's last onset
    assert window.roll.ghosts == new  # previewed in the roll before accepting
    seed_notes = window.document.score().notes
    panel.variations.list.setCurrentRow(1)
    second = panel.variations.current()
    QTest.mouseClick(panel.variations.accept_button, Qt.MouseButton.LeftButton)
    notes = window.document.score().notes
    assert len(notes) == len(seed_notes) + len(second.new_notes(seed_notes))
    assert [n for n in notes if not n.generated] == seed_notes
    assert window.roll.ghosts == []  # accepted: nothing left to preview
    assert window.document.undo_stack.undoText() == "Accept variation 2"
    window.document.undo_stack.undo()
    assert window.document.score().notes == seed_notes
    window.document.undo_stack.redo()
    assert len(window.document.score().notes) == len(notes)


def test_continue_from_a_continuation_and_regenerate(qtbot, window):
    seed(window, (67, 69, 71, 72))
    panel = window.cowriter_panel
    panel.set_length(8, "notes")
    panel.variation_count.setValue(1)
    panel.continue_seed()
    qtbot.waitUntil(lambda: len(panel.variations.variations) == 1, timeout=MODEL_TIMEOUT_MS)
    first = panel.variations.current()
    QTest.mouseClick(panel.variations.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.variations.current() is not first and not window.cowriter.busy,
                    timeout=MODEL_TIMEOUT_MS)
    longer = panel.variations.current()
    assert longer.generated_count >= first.generated_count + 8
    added = panel.accept()
    assert added == longer.generated_count  # both continuations enter the score
    QTest.mouseClick(panel.variations.regenerate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.variations.current() is not longer and not window.cowriter.busy,
                    timeout=MODEL_TIMEOUT_MS)


def test_cancel_stops_the_generation_and_keeps_the_score(qtbot, window):
    seed(window)
    panel = window.cowriter_panel
    panel.set_length(256, "notes")
    panel.variation_count.setValue(8)
    process = window.cowriter._process
    reported, stopped = [], []
    process.progressed.connect(lambda job, done, total: reported.append(done))  # everything the child says
    process.cancelled.connect(stopped.append)
    before = window.document.score().notes
    panel.continue_seed()
    qtbot.waitUntil(lambda: len(reported) >= 2, timeout=MODEL_TIMEOUT_MS)
    assert panel.progress.isVisible() and panel.progress.maximum() == 256
    QTest.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert not window.cowriter.busy and panel.continue_button.isEnabled()  # free at once
    qtbot.waitUntil(lambda: bool(stopped), timeout=10000)  # the child saw the flag and stopped early
    assert max(reported) < 256
    assert panel.variations.variations == [] and window.document.score().notes == before
    assert "cancelled" in window.statusBar().currentMessage().lower()
    panel.set_length(8, "notes")  # and the co-writer is ready for the next request
    panel.continue_seed()
    qtbot.waitUntil(lambda: len(panel.variations.variations) == 8, timeout=MODEL_TIMEOUT_MS)


def test_event_loop_keeps_turning_while_generating(qtbot, window):
    """The model runs in another process, and the window's own share of a generation (sending
    the request, relaying progress, unpacking the variations) costs its GUI thread at most 50 ms
    of CPU between two turns of the event loop. CPU time of the GUI thread, not wall time: a busy
    CI machine that pre-empts the process stalled a wall-clock version for 439 ms once, which no
    code of ours can prevent or cause (the wall-clock stalls are timed in bench/cowriter_stall.py).
    The garbage of the suite's earlier tests is collected first, so that a full collection of
    their objects is not counted as the window's."""
    seed(window)
    panel = window.cowriter_panel
    panel.set_length(160, "notes")
    panel.variation_count.setValue(6)
    child = window.cowriter._process._process
    assert child.is_alive() and child.pid != os.getpid()  # not a thread sharing the window's GIL
    gc.collect()
    turns: list[float] = []  # the GUI thread's CPU time (ms) at each turn of the event loop
    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(lambda: turns.append(time.thread_time() * 1000))
    ticker.start()
    panel.continue_seed()
    qtbot.waitUntil(lambda: not window.cowriter.busy, timeout=MODEL_TIMEOUT_MS)
    qtbot.wait(50)  # the variations arrive and are shown (the turns after busy ends count too)
    ticker.stop()
    assert panel.variations.variations, window.last_error
    work = [b - a for a, b in zip(turns, turns[1:])]
    assert len(turns) > 10
    assert max(work) <= 50, f"the GUI thread worked {max(work):.0f} ms between two turns of its event loop"


def test_problems_are_messages_not_tracebacks(qtbot, window, tmp_path):
    window.cowriter_panel.continue_seed()  # no notes at all
    assert "no seed notes" in window.last_error.lower()
    window._message_box.close()
    bad = tmp_path / "broken.safetensors"
    bad.write_bytes(b"\x80\x04this is a pickle, not a checkpoint")
    window.cowriter.load_model(str(bad))
    qtbot.waitUntil(lambda: window.cowriter.state == "error", timeout=MODEL_TIMEOUT_MS)
    assert "broken.safetensors" in window.status.model.toolTip()
    assert "Traceback" not in window.status.model.toolTip()
    assert not window.cowriter_panel.continue_button.isEnabled()
