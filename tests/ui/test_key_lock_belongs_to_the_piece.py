"""A key lock chosen by hand belongs to the piece it was chosen for: opening another file, or
File ▸ New, sets Key lock back to "Detect from seed" and the status bar says so (only when it was
not Detect already); a project saved with a lock of its own opens with it.

Found by QA in the window: Key lock "Choose… Eb major" in one piece, then File ▸ Open of a G-major
waltz: the panel still said Eb major, and Continue wrote the waltz on in Eb (Bbs as A#4), unsaid.
Real window (pytest-qt, offscreen), real files opened through the window's file actions; no model
needed: the key is read from the request the panel would make."""

from __future__ import annotations

import mido
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from composer.io.project_file import Project, save_project
from composer.music.scales import Key
from composer.music.score import Note, Score

Q = 480
G_MAJOR = Key(7, "major").pitch_classes


def write_waltz(path) -> None:
    mid = mido.MidiFile(ticks_per_beat=Q)
    track = mido.MidiTrack([mido.MetaMessage("time_signature", numerator=3, denominator=4, time=0),
                            mido.MetaMessage("key_signature", key="G", time=0)])
    for pitch in [67, 71, 74, 72, 69, 66, 67, 71, 74, 76, 74, 71, 72, 69, 66, 67]:
        track.append(mido.Message("note_on", note=pitch, velocity=80, time=0))
        track.append(mido.Message("note_off", note=pitch, velocity=0, time=Q))
    mid.tracks.append(track)
    mid.save(path)


def said(window) -> list[str]:
    messages: list[str] = []
    window.status.messageChanged.connect(lambda text: messages.append(text) if text else None)
    return messages


def choose_key(panel, key: Key) -> None:
    """Key lock ▸ Choose…, then the tonic and scale, as a person picks them."""
    panel.key_mode.setCurrentIndex(panel.key_mode.findData("choose"))
    panel.tonic.setCurrentIndex(key.tonic)
    panel.scale.setCurrentIndex(panel.scale.findData(key.scale))


def open_file(qtbot, window, path, notes: int) -> None:
    window.document.undo_stack.setClean()
    assert window.files.open_path(path, confirmed=True)
    qtbot.waitUntil(lambda: len(window.document.store.notes()) == notes and not window.files.reading, timeout=10000)


def test_opening_a_file_sets_a_chosen_key_lock_back_to_detect(qtbot, window, tmp_path):
    panel = window.cowriter_panel
    window.document.load(Score(notes=[Note(63 + i % 5, i * Q, Q) for i in range(8)]))
    choose_key(panel, Key(3, "major"))
    messages = said(window)
    write_waltz(tmp_path / "waltz.mid")
    open_file(qtbot, window, tmp_path / "waltz.mid", 16)

    assert panel.key_mode.currentData() == "detect"
    assert any("Key lock back to Detect for the new piece" in m and "Eb major" in m for m in messages), messages
    seed = panel.seed_notes()
    assert panel.options(seed)["key"].pitch_classes == G_MAJOR  # Continue locks to the waltz's own key
    qtbot.waitUntil(lambda: panel.detected_key.text() == "Detected: G major", timeout=3000)

    # Detect already: nothing to say
    messages.clear()
    open_file(qtbot, window, tmp_path / "waltz.mid", 16)
    assert not any("Key lock" in m for m in messages), messages


def test_file_new_sets_key_lock_off_back_to_detect(qtbot, window):
    panel = window.cowriter_panel
    panel.key_mode.setCurrentIndex(panel.key_mode.findData("off"))
    messages = said(window)
    window.document.undo_stack.setClean()
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # File ▸ New
    assert panel.key_mode.currentData() == "detect"
    assert any("Key lock back to Detect" in m and "Off" in m for m in messages), messages


def test_a_project_keeps_the_key_lock_saved_with_it(qtbot, window, tmp_path):
    panel = window.cowriter_panel
    song = tmp_path / "song.composer.json"
    save_project(Project(Score(notes=[Note(62, 0, Q)]), {"key_mode": "choose", "key": "D:dorian"}), song)
    choose_key(panel, Key(3, "major"))
    messages = said(window)
    open_file(qtbot, window, song, 1)
    assert panel.key_mode.currentData() == "choose"
    assert (panel.tonic.currentIndex(), panel.scale.currentData()) == (2, "dorian")
    assert not any("Key lock" in m for m in messages), messages
