"""Audition plays a variation from the bar before its new notes, not from the top of the piece.

Found by QA in the window: continuing a 12-bar song (a pickup, 4/4 then 3/4) and pressing
Audition played from the pickup: 24 s of the old music before the first new note (a fill late in
a long piece: minutes). Real window (pytest-qt, offscreen), no model process: the variation is
built here as the co-writer builds one and arrives through its variations_ready signal."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from composer.music.meter import MeterChange
from composer.music.score import Note, Score
from composer.ui.cowriter import Variation, notes_fingerprint

Q = 480
PICKUP = MeterChange(-3 * Q, 4, 4)  # one beat of pickup: bar 1 starts at Q
THREE_FOUR = MeterChange(Q + 8 * 4 * Q, 3, 4)  # bars 9-12 in 3/4


def song() -> Score:
    notes = [Note(62, 0, Q, 80)] + [Note(67 + beat % 5, Q + beat * Q, Q, 80) for beat in range(8 * 4 + 4 * 3)]
    return Score(notes=notes, meters=[PICKUP, THREE_FOUR])


def _audition(qtbot, window, existing: list[Note], new: list[Note]) -> int:
    """Offer a variation adding `new` to the window's notes and press Audition: the tick it plays from."""
    variation = Variation(1, window.document.score().copy(notes=existing + new), {}, added=new,
                          context=notes_fingerprint(existing))
    window.cowriter.variations_ready.emit([variation])
    qtbot.wait(10)
    with qtbot.waitSignal(window.cowriter_panel.audition_requested, timeout=2000) as played:
        QTest.mouseClick(window.cowriter_panel.variations.audition_button, Qt.MouseButton.LeftButton)
    return played.args[1]


def test_audition_starts_a_bar_before_the_new_notes(qtbot, window):
    window.document.load(song())
    window.after_load()
    existing = window.document.store.notes()
    end = max(n.end for n in existing)  # bar 13 (3/4)
    qtbot.waitUntil(lambda: window.playback.score.end == end, timeout=2000)  # the player has the song
    new = [Note(70, end + i * Q, Q, 80, generated=True) for i in range(6)]
    assert _audition(qtbot, window, existing, new) == end - 3 * Q  # the bar line of bar 12, a 3/4 bar before the new notes
    qtbot.waitUntil(lambda: window.playback.position >= end - 3 * Q, timeout=2000)
    window.playback.stop()


def test_a_new_note_in_the_first_bar_auditions_from_the_start(qtbot, window):
    window.document.load(song())
    window.after_load()
    existing = window.document.store.notes()
    new = [Note(74, 2 * Q, Q, 80, generated=True)]  # in bar 1: nothing before the pickup to lead in
    assert _audition(qtbot, window, existing, new) == 0
    window.playback.stop()
