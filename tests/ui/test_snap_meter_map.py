"""The snap grid counts from each bar's own bar line (the score's meter map), as the bar and beat
lines drawn do. QA: in a tune with an eighth-note pickup (bar 1 at tick 240, as many ABC reels
start), drawing with 1/4 snap at beat 2 of bar 1 put the note on the 'and' of beat 1 (tick 480),
between the beat lines drawn; moving, resizing, quantising, the ruler's playhead and the faint grid
lines were off by the same eighth, and a 1/2 snap in 3/4 ignored the bar lines. Real widgets
(pytest-qt, offscreen); scores written here."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from composer.music.meter import MeterChange, pickup_meter
from composer.music.score import TICKS_PER_QUARTER as Q, Note, Score
from composer.ui import edit_ops
from composer.ui.roll_painter import grid_ticks

E = Q // 2
PICKUP = [pickup_meter(4, 4, E)]  # an eighth-note pickup, then 4/4: bar 1 starts at tick 240
BAR1 = E


def load(editor, meters, notes) -> None:
    editor.document.load(Score(notes=list(notes), meters=list(meters)))
    editor.roll.set_snap(edit_ops.Snap(4))
    editor.roll.horizontalScrollBar().setValue(0)


def drag(roll, a, b) -> None:
    vp = roll.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(vp, b)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def test_drawing_moving_and_resizing_snap_to_the_beats_after_a_pickup(editor):
    load(editor, PICKUP, [Note(67, 0, E)])
    roll, doc = editor.roll, editor.document
    roll.tool = "draw"
    beat2 = BAR1 + Q
    drag(roll, roll.view_pos(beat2 + 40, 72), roll.view_pos(beat2 + Q + 30, 72))
    drawn = [n for n in doc.store.notes() if n.pitch == 72]
    assert [(n.onset, n.duration) for n in drawn] == [(beat2, Q)]  # on beat 2, a quarter long
    note_id = next(i for i, n in doc.store.items() if n.pitch == 72)
    drag(roll, roll.view_pos(beat2 + 60, 72), roll.view_pos(beat2 + Q + 80, 72))  # a beat later
    assert doc.store[note_id].onset == beat2 + Q
    end = doc.store[note_id].end
    drag(roll, roll.view_pos(end - 8, 72), roll.view_pos(end + Q + 50, 72))  # its right end, a beat on
    assert doc.store[note_id].end == end + Q


def test_quantise_ruler_and_grid_lines_follow_the_bar_lines(editor):
    load(editor, PICKUP, [Note(67, 0, E), Note(72, BAR1 + Q + 30, Q - 50)])
    roll, doc = editor.roll, editor.document
    doc.set_selection({i for i, n in doc.store.items() if n.pitch == 72})  # not the pickup's eighth
    editor.quantise_selection()
    assert sorted((n.onset, n.end) for n in doc.store.notes()) == [(0, E), (BAR1 + Q, BAR1 + 2 * Q)]
    seen: list[int] = []
    editor.ruler.seek_requested.connect(seen.append)
    x = roll.view_pos(BAR1 + 2 * Q + 70, 60).x()
    QTest.mouseClick(editor.ruler, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(x, editor.ruler.height() // 2))
    assert seen and seen[-1] == BAR1 + 2 * Q  # beat 3 of bar 1
    meters = doc.meter_map()  # the pickup's eighth stays where the piece starts, not on bar 1's downbeat
    assert edit_ops.snap_round(0, Q, meters) == 0 and edit_ops.snap_round(100, Q, meters) == 0
    lines = grid_ticks(roll.frame(), 0, BAR1 + 4 * Q)  # 1/4 snap: its grid is the beats drawn
    assert lines["grid"] == [] and BAR1 + Q in lines["beat"]  # a 4/4 grid from tick 0 drew the 'and's


def test_a_half_note_snap_in_three_four_starts_at_each_bar_line(editor):
    load(editor, [MeterChange(0, 3, 4)], [Note(60, 0, Q)])
    roll, doc = editor.roll, editor.document
    roll.set_snap(edit_ops.Snap(2))
    roll.tool = "draw"
    bar2 = 3 * Q
    drag(roll, roll.view_pos(bar2 + 40, 72), roll.view_pos(bar2 + 2 * Q - 20, 72))
    drawn = [n for n in doc.store.notes() if n.pitch == 72]
    assert [n.onset for n in drawn] == [bar2]  # a 4/4 half-note grid put it on beat 3 of bar 1
