"""Files through the real window: open (good and bad), save/reopen projects, export MIDI parsed
back with pretty_midi, the unsaved-changes prompt, drag and drop, autosave and recovery."""

from __future__ import annotations

import os

import pretty_midi
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from composer.io import write_midi
from composer.music.score import TICKS_PER_QUARTER as Q, Note, Score, TempoChange
from composer.ui.autosave import orphaned_autosaves
from composer.ui.main_window import MainWindow


def draw(window, onset: int, pitch: int, length: int = Q) -> None:
    roll = window.roll
    vp = roll.viewport()
    start, end = roll.view_pos(onset + 10, pitch), roll.view_pos(onset + length, pitch)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(vp, end)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def wait_read(qtbot, window):
    qtbot.waitUntil(lambda: not window.files.reading, timeout=20000)
    qtbot.wait(20)  # the queued result reaches the window


def close_message(window):
    if window._message_box is not None:
        window._message_box.close()


def test_bad_file_keeps_the_current_work(qtbot, window, tmp_path):
    draw(window, 0, 60)
    draw(window, Q, 64)
    before = window.document.score().notes
    bad = tmp_path / "broken.mid"
    bad.write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0MTrk\x00\x00\xff\xffgarbage")
    assert window.files.open_path(bad, confirmed=True)
    wait_read(qtbot, window)
    assert "broken.mid" in window.last_error and "unchanged" in window.last_error
    assert window.document.score().notes == before
    assert window.document.undo_stack.count() == 2  # history intact: still undoable
    close_message(window)
    hostile = tmp_path / "evil.composer.json"
    hostile.write_text('{"format": "composer-project", "version": 1, "score": {"notes": [[999, 0, 1, 1, 0, 0]]}}')
    window.files.open_path(hostile, confirmed=True)
    wait_read(qtbot, window)
    assert "evil.composer.json" in window.last_error and "pitch" in window.last_error
    assert window.document.score().notes == before
    close_message(window)


def test_open_midi_then_save_and_reopen_the_project(qtbot, window, tmp_path):
    source = Score(notes=[Note(60, 0, Q, 70), Note(67, Q, Q, 90), Note(72, 2 * Q, 2 * Q, 100, generated=True)],
                   tempos=[TempoChange(0, 100.0)])
    midi = tmp_path / "tune.mid"
    write_midi(source, midi)
    window.files.open_path(midi, confirmed=True)
    wait_read(qtbot, window)
    notes = window.document.score().notes
    assert [(n.pitch, n.onset, n.duration, n.velocity) for n in notes] == \
        [(60, 0, Q, 70), (67, Q, Q, 90), (72, 2 * Q, 2 * Q, 100)]
    assert window.transport.tempo.value() == pytest.approx(100.0)
    assert "tune.mid" in window.windowTitle()
    window.roll.setFocus()
    QTest.keyClick(window.roll, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(window.roll, Qt.Key.Key_Up)
    assert window.windowTitle().startswith("tune.mid*")
    project = tmp_path / "tune.composer.json"
    assert window.files.save_to(project)
    assert window.document.undo_stack.isClean() and "*" not in window.windowTitle()
    window.files.new()
    assert window.document.score().notes == []
    window.files.open_path(project, confirmed=True)
    wait_read(qtbot, window)
    reopened = window.document.score().notes
    assert [(n.pitch, n.generated) for n in reopened] == [(61, False), (68, False), (73, True)]
    assert str(project.resolve()) in window.settings.recent_files()


def test_export_midi_whole_and_continuation_only_parse_back(window, tmp_path):
    doc = window.document
    doc.load(Score(notes=[Note(60, 0, Q, 64), Note(62, Q, Q, 80)], tempos=[TempoChange(0, 120.0)]))
    doc.add_notes([Note(64, 2 * Q, Q, 100, generated=True), Note(67, 3 * Q, 2 * Q, 110, generated=True)])
    whole, only = tmp_path / "whole.mid", tmp_path / "continuation.mid"
    assert window.files.export_midi(whole)
    assert window.files.export_midi(only, only_generated=True)
    shown = doc.score().notes
    parsed = sorted((n for inst in pretty_midi.PrettyMIDI(str(whole)).instruments for n in inst.notes),
                    key=lambda n: n.start)
    assert [(n.pitch, n.velocity) for n in parsed] == [(s.pitch, s.velocity) for s in shown]
    assert [round(n.start, 3) for n in parsed] == [round(s.onset / Q * 0.5, 3) for s in shown]  # 120 bpm
    assert [round(n.end, 3) for n in parsed] == [round(s.end / Q * 0.5, 3) for s in shown]
    cont = [n for inst in pretty_midi.PrettyMIDI(str(only)).instruments for n in inst.notes]
    assert sorted(n.pitch for n in cont) == [64, 67]


def test_unsaved_changes_prompt_can_cancel_or_discard(qtbot, window, tmp_path):
    draw(window, 0, 60)

    def answer(button):
        def click():
            box = QApplication.activeModalWidget()
            assert isinstance(box, QMessageBox) and "Save the changes" in box.text()
            box.button(button).click()
        QTimer.singleShot(50, click)

    answer(QMessageBox.StandardButton.Cancel)
    window.files.new()
    assert len(window.document.score().notes) == 1  # cancelled: nothing lost
    answer(QMessageBox.StandardButton.Discard)
    window.files.new()
    assert window.document.score().notes == []


def test_drop_a_file_onto_the_window_opens_it(qtbot, window, tmp_path):
    midi = tmp_path / "dropped.mid"
    write_midi(Score(notes=[Note(65, 0, Q)]), midi)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(midi))])
    event = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    wait_read(qtbot, window)
    assert [n.pitch for n in window.document.score().notes] == [65]


def test_autosave_and_recovery_after_a_crash(qtbot, window, tmp_path):
    draw(window, 0, 60)
    draw(window, Q, 62)
    assert window.autosaver.autosave()
    assert window.autosaver.wait()  # the write runs in a worker thread
    path = window.autosaver.path
    assert path.exists()
    # Pretend the process that wrote it crashed: give the file a dead pid's name.
    dead = path.with_name("autosave-999999999.composer.json")
    os.replace(path, dead)
    assert dead in orphaned_autosaves()
    fresh = MainWindow(load_model=False, start_audio=False)
    try:
        assert fresh.recover_from(dead)
        assert [n.pitch for n in fresh.document.score().notes] == [60, 62]
        assert not fresh.document.undo_stack.isClean()  # recovered work counts as unsaved
    finally:
        fresh.document.undo_stack.setClean()
        fresh.close()
        fresh.deleteLater()
    # A clean exit removes this session's autosave.
    window.autosaver.autosave()
    window.autosaver.stop()
    assert not window.autosaver.path.exists()


def test_export_wav_renders_through_fluidsynth_in_the_background(qtbot, window, tmp_path):
    import wave

    from composer.audio import fluidsynth_available

    if not fluidsynth_available():
        pytest.skip("libfluidsynth is not installed")
    window.document.load(Score(notes=[Note(69, 0, Q, 100), Note(72, Q, Q, 100)], tempos=[TempoChange(0, 120.0)]))
    out = tmp_path / "take.wav"
    job = window.files.export_wav(out)
    assert job is not None, window.last_error
    qtbot.waitUntil(lambda: job.isFinished(), timeout=60000)
    qtbot.wait(20)
    assert "Exported take.wav" in window.statusBar().currentMessage(), window.last_error
    with wave.open(str(out)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 1.0 <= seconds <= 1.0 + 3.5  # two quarter notes at 120 bpm plus the release tail


def test_closing_on_discard_is_quiet(qtbot, tmp_path):
    """File > Quit with unsaved work, Discard: the window closed as asked, then printed a
    traceback (the undo stack's cleanChanged reached the title after the stack was gone; QA).
    pytest-qt fails a test on any exception raised in a Qt slot."""
    window = MainWindow(load_model=False, start_audio=False)
    window.show()
    qtbot.waitExposed(window)
    draw(window, 0, 60)
    assert "*" in window.windowTitle()  # unsaved

    def discard():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox) and "Save the changes" in box.text()
        box.button(QMessageBox.StandardButton.Discard).click()
    QTimer.singleShot(50, discard)
    assert window.close()
    window.deleteLater()
    qtbot.wait(100)  # the deferred deletion and whatever it emits
