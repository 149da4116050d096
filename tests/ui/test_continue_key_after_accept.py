"""Continue from a few selected notes in the middle of a piece (notes just accepted, then
selected; a note just drawn) is written at the piece's end, or in the gap after them, with the
whole piece as context, so "Key lock: Detect from seed" locks it as Fill would, from the piece,
and the panel's Detected line says that key.

Found by QA in the window: a C major two-voice piece, Fill bars 2-3, Accept, Continue: the 10
accepted notes (G G F E D D over A) read "Detected: D:major", and the continuation after bar 8 was
locked to D major (6 F#s in a piece without one). Real window (pytest-qt, offscreen), a MIDI file
the test writes; the second test runs the shipped model in its process."""

from __future__ import annotations

import mido
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from window_helpers import close_window, ready_model_window

from composer.music.scales import PITCH_CLASS_NAMES, Key

Q = 480
MODEL_TIMEOUT_MS = 60000
C_MAJOR = Key(0, "major").pitch_classes
# bar 1 and bars 4-8 as written; bars 2-3 what the fill wrote (the notes then selected)
SOPRANO = ([60, 62, 64, 65] + [67, 67, 65, 64, 62, 62]
           + [67, 65, 64, 60, 67, 69, 71, 72, 71, 69, 67, 65, 64, 62, 60, 62, 64, 62, 60, 60])
SOPRANO_LENGTHS = [1] * 8 + [3] + [1] * 21
BASS = [48, 43] + [45] * 4 + [41, 43, 48, 43, 45, 41, 41, 43, 48, 48]


def write_piece(path) -> None:
    mid = mido.MidiFile(ticks_per_beat=Q)
    mid.tracks.append(mido.MidiTrack())  # no key signature: the key is the notes' (else C major stands)
    for name, channel, program, pitches, lengths in (("Soprano", 0, 73, SOPRANO, SOPRANO_LENGTHS),
                                                     ("Bass", 1, 32, BASS, [2] * len(BASS))):
        track = mido.MidiTrack([mido.MetaMessage("track_name", name=name, time=0),
                                mido.Message("program_change", channel=channel, program=program, time=0)])
        for pitch, beats in zip(pitches, lengths):
            track.append(mido.Message("note_on", channel=channel, note=pitch, velocity=80, time=0))
            track.append(mido.Message("note_off", channel=channel, note=pitch, velocity=0, time=beats * Q))
        mid.tracks.append(track)
    mid.save(path)


def open_and_select_bars_2_3(window, qtbot, tmp_path):
    write_piece(tmp_path / "piece.mid")
    assert window.files.open_path(tmp_path / "piece.mid", confirmed=True)
    doc = window.document
    qtbot.waitUntil(lambda: len(doc.store.notes()) == len(SOPRANO) + len(BASS), timeout=5000)  # read off the GUI thread
    doc.set_selection({i for i, n in doc.store.items() if 4 * Q <= n.onset < 12 * Q})
    assert len(doc.selection) == 10
    return window.cowriter_panel


def test_the_detected_line_says_the_key_continue_locks_to(window, qtbot, tmp_path):
    panel = open_and_select_bars_2_3(window, qtbot, tmp_path)
    assert str(panel.seed_key(panel.seed_notes())) == "D:major"  # the selection alone reads as D major
    qtbot.waitUntil(lambda: not panel._detect_timer.isActive(), timeout=2000)  # the line follows the selection
    assert panel.detected_key.text() == "Detected: C major"


def test_one_note_selected_before_a_gap_is_not_a_key(window, qtbot, tmp_path):
    panel = open_and_select_bars_2_3(window, qtbot, tmp_path)
    doc = window.document
    # bars 4-5 emptied: Continue from the bass's first A fills the gap after it, up to bar 6
    assert doc.delete_notes([i for i, n in doc.store.items() if 12 * Q <= n.onset < 20 * Q])
    doc.set_selection([i for i, n in doc.store.items() if n.onset == 10 * Q and n.pitch == 45])
    assert str(panel.seed_key(panel.seed_notes())) == "A:major"  # one A, on its own
    qtbot.waitUntil(lambda: not panel._detect_timer.isActive(), timeout=2000)
    tonic, scale = panel.detected_key.text().removeprefix("Detected: ").split(" ", 1)  # 'A harmonic minor'
    shown = Key(PITCH_CLASS_NAMES.index(tonic), scale.replace(" ", "_"))
    assert shown.pitch_classes == C_MAJOR, shown  # the piece's notes (read as A minor without bars 4-5)


@pytest.fixture
def model_window(qtbot):
    w = ready_model_window(qtbot, MODEL_TIMEOUT_MS)
    yield w
    close_window(w)


def test_continue_from_a_few_selected_notes_keeps_the_pieces_key(model_window, qtbot, tmp_path):
    window = model_window
    panel = open_and_select_bars_2_3(window, qtbot, tmp_path)
    panel.seed_range.setCurrentIndex(panel.seed_range.findData("selection"))
    panel.set_length(24, "notes")
    panel.variation_count.setValue(2)
    QTest.mouseClick(panel.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(panel.variations.variations) == 2, timeout=MODEL_TIMEOUT_MS)
    assert str(window.cowriter.last_request.resolved_key()) == "C:major"
    for variation in panel.variations.variations:
        new = variation.new_notes(window.document.store.notes())
        assert new and min(n.onset for n in new) >= 32 * Q  # after the piece
        assert all(n.pitch % 12 in C_MAJOR for n in new), sorted({n.pitch for n in new})
