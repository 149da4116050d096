"""QA: bars picked on the ruler belong to the piece they were picked in. After File > Open of
another piece they stayed selected (bars 3-4 still highlighted), and Add part > Bass then wrote a
bass in bars 3-4 of the new tune only (Fill would rewrite them). Real window (pytest-qt, offscreen)
and a real MIDI file opened through the window's file action; no model needed: the span is read
before any request."""

from __future__ import annotations

import mido
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from composer.music.score import Note, Score

BAR = 1920


def double_click_bar(window, tick: int) -> None:
    ruler = window.editor.ruler
    x = int(window.roll.geometry_.x(tick) - window.roll.scroll_x())
    QTest.mouseDClick(ruler, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      QPoint(x, ruler.height() // 2))


def write_tune(path) -> None:
    mid = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    for i in range(32):  # eight bars of quarters
        track.append(mido.Message("note_on", note=67 + i % 5, velocity=90, time=0))
        track.append(mido.Message("note_on", note=67 + i % 5, velocity=0, time=480))
    mid.save(path)


def test_opening_a_file_drops_the_bars_picked_in_the_last_one(qtbot, window, tmp_path):
    window.document.load(Score(notes=[Note(60 + i % 8, i * 480, 480, 90) for i in range(32)]))
    window.roll.horizontalScrollBar().setValue(0)
    double_click_bar(window, 2 * BAR + 100)  # bar 3
    assert window.regions.selected_span() == (2 * BAR, 3 * BAR, None)
    write_tune(tmp_path / "tune.mid")
    window.document.undo_stack.setClean()
    assert window.files.open_path(tmp_path / "tune.mid", confirmed=True)
    qtbot.waitUntil(lambda: {n.pitch for n in window.document.store.notes()} == {67, 68, 69, 70, 71},
                    timeout=10000)
    assert window.editor.ruler.bar_selection is None  # Add part: the whole new piece
    assert window.regions.selected_span() is None  # Fill: asks for a selection
