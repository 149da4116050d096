"""The status bar's co-writer light says the co-writer is working while a job runs, and ready
after it. Found by QA in the window: a green "● Co-writer ready" stood beside the "note 324 of
1000" progress of a long generation. Real window (pytest-qt, offscreen), the shipped model in its
process."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from window_helpers import close_window, ready_model_window

from composer.music.score import Note, Score

Q = 480
MODEL_TIMEOUT_MS = 90000


def test_the_model_light_says_working_while_a_job_runs(qtbot):
    window = ready_model_window(qtbot, MODEL_TIMEOUT_MS)
    try:
        window.document.load(Score(notes=[Note([60, 62, 64, 65, 67][i % 5], i * Q, Q, 90) for i in range(16)]))
        light, panel = window.status.model, window.cowriter_panel
        assert light.state == "ok" and "Co-writer ready" in light.text()
        panel.variation_count.setValue(1)
        QTest.mouseClick(panel.continue_button, Qt.MouseButton.LeftButton)
        assert window.cowriter.busy, window.last_error
        assert light.state == "busy" and "working" in light.text() and "ready" not in light.text()
        assert "Cancel" in light.toolTip()
        qtbot.waitUntil(lambda: not window.cowriter.busy, timeout=MODEL_TIMEOUT_MS)
        assert light.state == "ok" and "Co-writer ready" in light.text()
        # a cancelled job frees it too
        QTest.mouseClick(panel.continue_button, Qt.MouseButton.LeftButton)
        assert light.state == "busy"
        QTest.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
        assert light.state == "ok" and "Co-writer ready" in light.text()
    finally:
        close_window(window)
