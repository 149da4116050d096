"""Pitch names follow the written key: in a piece in D major that changes to Bb major at bar 9,
the keyboard, the names on the notes and the pointer's readout spell black keys as D major's
sharps in its bars and Bb major's flats in the Bb bars. They were one fixed table (C#, Eb, F#,
Ab, Bb) whatever the key, so D major's D# read 'Eb' beside 'C#' and 'F#', and Bb major's Db read
'C#' beside 'Eb' and 'Bb'. Real widgets (pytest-qt, offscreen) on a MIDI file the test writes."""

from __future__ import annotations

import mido
import pytest
from PySide6.QtGui import QImage, QPainter
from PySide6.QtTest import QTest

from composer.io import read_score
from composer.music.scales import Key
from composer.ui.roll_painter import paint_roll

Q = 480
BAR = 4 * Q
CHANGE = 8 * BAR  # bar 9
BLACK = (61, 63, 66, 68, 70)
D_SHARPS = ["C#4", "D#4", "F#4", "G#4", "A#4"]
BB_FLATS = ["Db4", "Eb4", "Gb4", "Ab4", "Bb4"]
# A quarter note on each beat: bars 1-8 in D major, bars 9-12 in Bb major, each with the
# black keys 63 and 70 (D major's D# and A#, chromatic there; Bb major's Eb and Bb).
D_BAR = [62, 66, 63, 70]
BB_BAR = [70, 63, 66, 61]


def write_song(path) -> None:
    mid = mido.MidiFile(ticks_per_beat=Q)
    conductor = mido.MidiTrack()
    mid.tracks.append(conductor)
    conductor.append(mido.MetaMessage("key_signature", key="D", time=0))
    conductor.append(mido.MetaMessage("key_signature", key="Bb", time=CHANGE))
    melody = mido.MidiTrack()
    mid.tracks.append(melody)
    for pitch in D_BAR * 8 + BB_BAR * 4:
        melody.append(mido.Message("note_on", note=pitch, velocity=80, time=0))
        melody.append(mido.Message("note_off", note=pitch, velocity=0, time=Q))
    mid.save(path)


@pytest.fixture
def editor(editor, tmp_path):
    path = tmp_path / "d_then_bb.mid"
    write_song(path)
    score = read_score(path)
    assert [(k.tick, k.key) for k in score.keys] == [(0, Key.parse("D major")), (CHANGE, Key.parse("Bb major"))]
    editor.document.load(score)
    editor.roll.horizontalScrollBar().setValue(0)
    return editor


def scroll_to(roll, tick: int) -> None:
    roll.horizontalScrollBar().setValue(int(roll.geometry_.x(tick)))


def test_the_keyboard_spells_in_the_key_in_view(editor, qtbot):
    roll, keyboard = editor.roll, editor.keyboard
    assert [keyboard.label(p) for p in BLACK] == D_SHARPS  # the first bars, playhead at 0
    scroll_to(roll, CHANGE + BAR)  # bar 10: the playhead at bar 1 is out of view
    assert [keyboard.label(p) for p in BLACK] == BB_FLATS
    scroll_to(roll, CHANGE - 2 * BAR)  # bars 7-10 in view: the playhead, in view, decides
    roll.set_playhead(CHANGE - BAR)
    assert [keyboard.label(p) for p in BLACK] == D_SHARPS
    with qtbot.waitSignal(roll.spelling_changed, timeout=1000):
        roll.set_playhead(CHANGE + Q)  # playback crosses into bar 9: the keyboard repaints in Bb
    assert [keyboard.label(p) for p in BLACK] == BB_FLATS
    assert keyboard.label(62) == "D4" and keyboard.label(65) == "F4"  # white keys keep their letter


class RecordingPainter(QPainter):
    """A QPainter on an image that also keeps the text it draws (the names on the notes)."""

    def __init__(self, image: QImage):
        super().__init__(image)
        self.texts: list[tuple[float, str]] = []

    def drawText(self, rect, *args):  # noqa: N802 - Qt's name
        self.texts.append((rect.x(), args[-1]))
        super().drawText(rect, *args)


def test_the_names_on_the_notes_are_spelled_in_their_bars_key(editor):
    roll = editor.roll
    scroll_to(roll, CHANGE - BAR)  # bar 8 (D major) and bar 9 (Bb major) in view
    roll.center_on_pitch(66)
    frame = roll.frame()
    image = QImage(frame.width, frame.height, QImage.Format.Format_ARGB32)
    painter = RecordingPainter(image)
    paint_roll(painter, frame)
    painter.end()
    change_x = roll.geometry_.x(CHANGE) - frame.scroll_x
    before = [text for x, text in sorted(painter.texts) if x < change_x - 8]
    after = [text for x, text in sorted(painter.texts) if change_x <= x < change_x + roll.geometry_.x(BAR)]
    assert before[-4:] == ["D4", "F#4", "D#4", "A#4"]  # bar 8
    assert after == ["Bb4", "Eb4", "Gb4", "Db4"]  # bar 9


def test_the_pointers_readout_spells_in_the_key_under_it(editor):
    roll = editor.roll
    scroll_to(roll, CHANGE - BAR)
    roll.center_on_pitch(66)
    QTest.mouseMove(roll.viewport(), roll.view_pos(CHANGE - BAR + 2 * Q + 10, 63))  # on bar 8's third note
    assert roll.readout.startswith("D#4  8:3")
    QTest.mouseMove(roll.viewport(), roll.view_pos(CHANGE + 3 * Q + 10, 61))  # bar 9's fourth note
    assert roll.readout.startswith("Db4  9:4")
    QTest.mouseMove(roll.viewport(), roll.view_pos(CHANGE + 3 * Q + 10, 68))  # an empty row in bar 9
    assert roll.readout.startswith("Ab4  9:4")
