"""Note names follow the music's spelling (QA pass 12, F6): a lead sheet in F major whose bar 2 is
an E7 with a written G#4 named that note 'Ab4' (F major's flats), and after a key change to A
major in bar 3 the keyboard's rows still read Db/Gb/Ab while the whole piece was in view with the
playhead at bar 1. Now a tone of the written chord is named as the chord spells it, and the
keyboard names its rows in the key of the bars last pointed at. Real widgets (pytest-qt,
offscreen) on a MusicXML file the test writes, read by composer's own reader."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from composer.io import read_score
from composer.music.scales import Key
from composer.ui.roll_painter import paint_roll

Q = 480
BAR = 4 * Q
BLACK = (61, 63, 66, 68, 70)
F_FLATS = ["Db4", "Eb4", "Gb4", "Ab4", "Bb4"]
A_SHARPS = ["C#4", "D#4", "F#4", "G#4", "A#4"]


def _note(step: str, octave: int, alter: int = 0, accidental: str = "") -> str:
    return (f"<note><pitch><step>{step}</step>{f'<alter>{alter}</alter>' if alter else ''}<octave>{octave}</octave>"
            f"</pitch><duration>2</duration><type>half</type>"
            f"{f'<accidental>{accidental}</accidental>' if accidental else ''}</note>")


def _harmony(root: str, kind: str, alter: int = 0) -> str:
    return (f"<harmony><root><root-step>{root}</root-step>{f'<root-alter>{alter}</root-alter>' if alter else ''}"
            f"</root><kind>{kind}</kind></harmony>")


# Bar 1 F major: F | bar 2 E7: G#4 (written sharp) B4 | bar 3, key of A major: A: C#5 A4.
LEAD_SHEET = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 3.1 Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd">
<score-partwise version="3.1">
  <part-list><score-part id="P1"><part-name>Melody</part-name></score-part></part-list>
  <part id="P1">
    <measure number="1">
      <attributes><divisions>1</divisions><key><fifths>-1</fifths><mode>major</mode></key>
        <time><beats>4</beats><beat-type>4</beat-type></time><clef><sign>G</sign><line>2</line></clef></attributes>
      {_harmony("F", "major")}{_note("A", 4)}{_note("C", 5)}
    </measure>
    <measure number="2">{_harmony("E", "dominant")}{_note("G", 4, 1, "sharp")}{_note("B", 4)}</measure>
    <measure number="3">
      <attributes><key><fifths>3</fifths><mode>major</mode></key></attributes>
      {_harmony("A", "major")}{_note("C", 5, 1)}{_note("A", 4)}
    </measure>
  </part>
</score-partwise>
"""


@pytest.fixture
def editor(editor, tmp_path):
    path = tmp_path / "lead_sheet_key_change.musicxml"
    path.write_text(LEAD_SHEET)
    score = read_score(path)
    assert [(k.tick, k.key) for k in score.keys] == [(0, Key.parse("F major")), (2 * BAR, Key.parse("A major"))]
    assert [(c.onset, c.figure) for c in score.chords] == [(0, "F"), (BAR, "E7"), (2 * BAR, "A")]
    assert [(n.onset, n.pitch) for n in score.notes] == [(0, 69), (2 * Q, 72), (BAR, 68), (BAR + 2 * Q, 71),
                                                          (2 * BAR, 73), (2 * BAR + 2 * Q, 69)]
    editor.document.load(score)
    editor.roll.horizontalScrollBar().setValue(0)
    editor.roll.center_on_pitch(68)
    return editor


class RecordingPainter(QPainter):
    """A QPainter on an image that also keeps the text it draws (the names on the notes)."""

    def __init__(self, image: QImage):
        super().__init__(image)
        self.texts: list[tuple[float, str]] = []

    def drawText(self, rect, *args):  # noqa: N802 - Qt's name
        self.texts.append((rect.x(), args[-1]))
        super().drawText(rect, *args)


def test_the_e7_bars_sharp_is_named_as_the_chord_spells_it(editor):
    roll = editor.roll
    frame = roll.frame()
    image = QImage(frame.width, frame.height, QImage.Format.Format_ARGB32)
    painter = RecordingPainter(image)
    paint_roll(painter, frame)
    painter.end()
    assert [text for _, text in sorted(painter.texts)] == ["A4", "C5", "G#4", "B4", "C#5", "A4"]  # was 'Ab4'
    QTest.mouseMove(roll.viewport(), roll.view_pos(BAR + 10, 68))  # on the G#
    assert roll.readout.startswith("G#4  2:1")
    QTest.mouseMove(roll.viewport(), roll.view_pos(Q + 10, 68))  # the same row over bar 1's F chord
    assert roll.readout.startswith("Ab4  1:2")  # not a tone of F: F major's flat


def test_the_keyboard_names_rows_in_the_key_of_the_bars_pointed_at(editor, qtbot):
    roll, keyboard = editor.roll, editor.keyboard
    left, right = roll.visible_ticks()
    assert left == 0 and right > 3 * BAR  # the whole piece in view, the playhead at bar 1
    assert [keyboard.label(p) for p in BLACK] == F_FLATS
    with qtbot.waitSignal(roll.spelling_changed, timeout=1000):
        QTest.mouseMove(roll.viewport(), roll.view_pos(2 * BAR + Q, 60))  # the pointer in the A major bar
    assert [keyboard.label(p) for p in BLACK] == A_SHARPS  # was Db/Eb/Gb/Ab/Bb
    QApplication.sendEvent(roll, QEvent(QEvent.Type.Leave))  # on to the keyboard to play a row
    assert roll.readout == "" and [keyboard.label(p) for p in BLACK] == A_SHARPS
    with qtbot.waitSignal(roll.spelling_changed, timeout=1000):
        roll.set_playhead(Q)  # the playhead moved with the pointer off the roll: it names the keys again
    assert [keyboard.label(p) for p in BLACK] == F_FLATS
    QTest.mouseMove(roll.viewport(), roll.view_pos(BAR + Q, 60))  # bar 2 is still F major (E7 is a chord)
    assert [keyboard.label(p) for p in BLACK] == F_FLATS
