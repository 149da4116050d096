"""A fill of a piano recorded with both hands in one track says, with the written variations, that
the co-writer wrote a right and a left hand into that track, as the command line does; a piano of
two tracks says nothing. The notice is worked out in the model process (splitting a part's hands
takes tens of ms: not on the GUI thread). Real window with its model process (pytest-qt,
offscreen); bars picked as the ruler picks them."""

from __future__ import annotations

import pytest
from keyboard_music import alberti, in_one_track, tune
from window_helpers import close_window, model_window_on

from composer.music import Score, Voice

BAR = 1920
SAID = "Piano: both hands play in one track, so the co-writer writes a right and a left hand"


@pytest.fixture
def window(qtbot):
    w = model_window_on(qtbot, in_one_track(tune(), alberti())[0])
    yield w
    close_window(w)


def fill_bars(qtbot, window, first: int, last: int) -> str:
    """Fill bars first..last; the status with the variations."""
    window.document.set_selection([])
    window.editor.ruler.bar_selection = ((first - 1) * BAR, last * BAR)
    window.status.clearMessage()
    window.regions.fill()
    qtbot.waitUntil(lambda: not window.cowriter.busy, timeout=120000)
    qtbot.wait(20)
    assert window.cowriter_panel.last_error == ""
    return window.status.currentMessage()


def test_a_one_track_piano_filled_says_it_is_written_as_two_hands(qtbot, window):
    done = fill_bars(qtbot, window, 5, 6)
    assert done.startswith("1 variation of bars 5–6 written in ") and SAID in done, done
    variation = window.cowriter_panel.variations.variations[0]
    assert {n.voice for n in variation.score.notes} == {0}  # into the one track
    two = Score(notes=[*tune(), *(n.with_(voice=1) for n in alberti())], voices=[Voice("RH", 0), Voice("LH", 0)])
    window.document.load(two)
    window.after_load()
    done = fill_bars(qtbot, window, 5, 6)
    assert "both hands" not in done, done
