"""QA (qa13): Fill of bars after the end of a piece wrote them as a continuation with no word
(bar 49 left empty under `fill --bars 50-51` of 48 bars). The command line says so; now the
window too, as Fill starts and again with the written variations, in the same words. Real window
with its model process (the checkpoint the app uses); bars picked as the ruler picks them."""

from __future__ import annotations

import pytest
from window_helpers import close_window, model_window_on

from composer.music.score import Note, Score

BAR = 1920


@pytest.fixture
def window(qtbot):
    w = model_window_on(qtbot, Score(notes=[Note(60 + i % 8, i * 480, 480, 90) for i in range(32)]))  # 8 bars
    yield w
    close_window(w)


def fill_bars(qtbot, window, first: int, last: int) -> tuple[str, str]:
    """Fill bars first..last; (status as it starts, status with the variations)."""
    window.document.set_selection([])
    window.editor.ruler.bar_selection = ((first - 1) * BAR, last * BAR)
    written = []
    window.cowriter.variations_ready.connect(lambda _v: written.append(window.status.currentMessage()))
    window.status.clearMessage()
    window.regions.fill()
    started = window.status.currentMessage()
    qtbot.waitUntil(lambda: not window.cowriter.busy, timeout=120000)
    qtbot.wait(20)
    assert window.cowriter_panel.last_error == ""
    return started, window.status.currentMessage()


def test_fill_past_the_end_says_so_and_inside_it_does_not(qtbot, window):
    notice = "Bars 11-12 are after the end of the piece (8 bars): continuing it instead; bars 9-10 stay empty"
    started, done = fill_bars(qtbot, window, 11, 12)
    assert started == notice
    assert done.startswith("1 variation of bars 11–12 written in ") and done.endswith(f"audition, then accept one. {notice}")

    started, done = fill_bars(qtbot, window, 3, 4)  # inside the piece: nothing to say, nothing left over
    assert "after the end" not in started and done.endswith("audition, then accept one")
