"""The pointer's readout says what is under the pointer after the view scrolls or zooms under a
still pointer. QA under Xvfb: after Zoom to Fit (or a wheel scroll, a zoom key) the readout went on
saying '13:1.60' with the pointer over bar 5, until the mouse moved. Real widgets (pytest-qt)."""

from __future__ import annotations

import pytest
from PySide6.QtTest import QTest

from composer.music.score import TICKS_PER_QUARTER as Q, Note, Score
from composer.ui.piano_roll import readout_text


@pytest.fixture
def editor(editor):
    """The conftest's editor with two notes 16 bars apart (room to zoom and scroll)."""
    editor.document.load(Score(notes=[Note(60, 0, Q), Note(60, 64 * Q, Q)]))
    return editor


def expected(roll, pos) -> str:
    content = roll.content_pos(pos)
    return readout_text(roll.geometry_.pitch_at(content.y()), int(roll.geometry_.tick_at(content.x())),
                        roll.document.meter_map())


def test_the_readout_follows_a_scroll_and_a_zoom_under_a_still_pointer(editor):
    roll = editor.roll
    roll.horizontalScrollBar().setValue(0)
    pos = roll.view_pos(2 * Q + 10, 72)
    QTest.mouseMove(roll.viewport(), pos)
    assert roll.readout == expected(roll, pos)
    before = roll.readout
    roll.horizontalScrollBar().setValue(roll.horizontalScrollBar().value() + int(roll.geometry_.x(8 * Q)))
    assert roll.readout != before and roll.readout == expected(roll, pos)
    roll.zoom_horizontal(0.5)
    assert roll.readout == expected(roll, pos)
