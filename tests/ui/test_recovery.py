"""Work survives every crash (issue 11, kind 1), through the real window. A crash is a real one:
a child process running the window (tests/ui/recovery_child.py) is killed with SIGKILL, so no
clean-up code runs; the next window, here under pytest-qt, must get the work back."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from composer.io.project_file import Project, load_project, save_project
from composer.music.score import TICKS_PER_QUARTER as Q, Note, Score
from composer.ui.autosave import UNREADABLE_PREFIX, autosave_dir, orphaned_autosaves
from composer.ui.main_window import MainWindow, open_window

CHILD = Path(__file__).with_name("recovery_child.py")


class Child:
    """A window in a child process; kill() is the crash."""

    def __init__(self, *args: str):
        root = Path(__file__).resolve().parents[2]
        env = dict(os.environ, PYTHONPATH=str(root))
        self.process = subprocess.Popen([sys.executable, str(CHILD), *args], stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True, env=env, cwd=root)

    def wait_for(self, word: str, timeout: float = 120.0) -> str:
        import select

        deadline = __import__("time").monotonic() + timeout
        while __import__("time").monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 1.0)
            if ready:
                line = self.process.stdout.readline()
                if not line:
                    break
                if line.startswith(word):
                    return line[len(word):].strip()
        self.kill()
        raise AssertionError(f"the child never printed {word} (exit {self.process.poll()})")

    def autosaved(self) -> dict:
        return json.loads(self.wait_for("AUTOSAVED"))

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)
        self.process.stdout.close()


_timers: list[QTimer] = []


def answer_recovery(qtbot, yes: bool = True) -> list[str]:
    """Answer the recovery question when it comes (it is modal); returns the texts it showed."""
    shown: list[str] = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.windowTitle().startswith("Recover"):
            shown.append(box.text())
            box.button(QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No).click()

    timer = QTimer(interval=20)
    timer.timeout.connect(click)
    timer.start()
    _timers.append(timer)
    return shown


@pytest.fixture
def windows(qtbot):
    opened: list[MainWindow] = []
    yield opened
    while _timers:
        _timers.pop().stop()
    for window in opened:
        window.document.undo_stack.setClean()
        window.close()
        window.deleteLater()


def pitches(window) -> list[int]:
    return [n.pitch for n in window.document.score().notes]


def test_work_survives_a_second_crash_before_it_is_saved(qtbot, windows, tmp_path):
    first = Child("yes", "-", "60,62,64")
    state = first.autosaved()
    first.kill()  # crash 1
    assert state["pitches"] == [60, 62, 64]
    assert [p.name for p in orphaned_autosaves()] == [Path(state["autosave"]).name]

    second = Child("yes", "-", "65")  # recovers, edits once more, autosaves
    state = second.autosaved()
    assert state["pitches"] == [60, 62, 64, 65]
    # The recovered autosave was adopted, not deleted: it is now the second process's own.
    assert [p.name for p in autosave_dir().glob("autosave-*")] == [Path(state["autosave"]).name]
    second.kill()  # crash 2, before any save

    shown = answer_recovery(qtbot)
    window = open_window(None, load_model=False, start_audio=False)
    windows.append(window)
    qtbot.waitUntil(lambda: pitches(window) == [60, 62, 64, 65], timeout=20000)
    assert shown and "Recover" in shown[0]
    assert not window.document.undo_stack.isClean()  # recovered work counts as unsaved
    assert window.windowTitle().startswith("Untitled*")
    # Still protected: the autosave is this window's now, and it keeps being written.
    assert window.autosaver.path.exists() and not orphaned_autosaves()
    window.document.add_notes([Note(67, 8 * Q, Q)])
    assert window.autosaver.autosave() and window.autosaver.wait()
    assert [n.pitch for n in load_project(window.autosaver.path).score.notes] == [60, 62, 64, 65, 67]
    # A save is what ends the protection.
    assert window.files.save_to(tmp_path / "kept.composer.json")
    assert not window.autosaver.path.exists()
    assert [n.pitch for n in load_project(tmp_path / "kept.composer.json").score.notes] == [60, 62, 64, 65, 67]


def test_starting_with_a_file_argument_offers_that_files_autosave(qtbot, windows, tmp_path):
    song = tmp_path / "song.composer.json"
    save_project(Project(Score(notes=[Note(48, 0, Q)], title="song")), song)
    crashed = Child("yes", str(song), "50,52")  # opened the project, edited it, crashed
    state = crashed.autosaved()
    crashed.kill()
    assert state["path"] == str(song) and state["pitches"] == [48, 50, 52]

    shown = answer_recovery(qtbot)
    window = open_window(str(song), load_model=False, start_audio=False)  # `composer gui song.composer.json`
    windows.append(window)
    qtbot.waitUntil(lambda: pitches(window) == [48, 50, 52], timeout=20000)
    assert "song.composer.json" in shown[0]  # it names the file whose changes it offers
    qtbot.wait(300)
    assert pitches(window) == [48, 50, 52]  # the file argument was not opened over the recovered work
    assert window.files.path == str(song) and not window.document.undo_stack.isClean()
    assert [n.pitch for n in load_project(song).score.notes] == [48]  # the file itself is untouched


def test_declining_opens_the_file_and_removes_only_the_offered_autosave(qtbot, windows, tmp_path):
    song = tmp_path / "tune.composer.json"
    save_project(Project(Score(notes=[Note(55, 0, Q)])), song)
    crashed = Child("no", str(song), "57")
    crashed.autosaved()
    crashed.kill()
    answer_recovery(qtbot, yes=False)
    window = open_window(str(song), load_model=False, start_audio=False)
    windows.append(window)
    qtbot.waitUntil(lambda: window.files.path == str(song), timeout=20000)
    assert pitches(window) == [55] and not orphaned_autosaves()


def test_an_untitled_pieces_autosave_offered_on_opening_a_file_says_which_is_which(qtbot, windows, tmp_path):
    """The file given on the command line waits behind the question: the question says the work
    is an untitled piece's, not that file's, and what each answer opens (QA qa14)."""
    song = tmp_path / "hymn.composer.json"
    save_project(Project(Score(notes=[Note(55, 0, Q)])), song)
    crashed = Child("yes", "-", "60,64")  # untitled work, crashed
    crashed.autosaved()
    crashed.kill()
    shown = answer_recovery(qtbot, yes=False)
    window = open_window(str(song), load_model=False, start_audio=False)
    windows.append(window)
    qtbot.waitUntil(lambda: window.files.path == str(song), timeout=20000)
    assert "untitled piece" in shown[0] and "instead of hymn.composer.json" in shown[0], shown
    assert "opens hymn.composer.json" in shown[0] and pitches(window) == [55]


def test_an_imported_midi_files_work_comes_back_as_that_file(qtbot, windows, tmp_path, monkeypatch):
    """QA: truncated.mid opened, three notes drawn, the process killed: the next start offered
    "unsaved work on an untitled piece", the title was "Untitled*" and Quit asked to save "Untitled".
    The autosave now keeps the file and its kind: the question names it, the title and the save
    prompt name it, and Save still asks for a project name rather than overwriting the MIDI."""
    import hashlib

    import mido

    tune = tmp_path / "truncated.mid"
    mid = mido.MidiFile(ticks_per_beat=480)
    mid.tracks.append(mido.MidiTrack([mido.Message("note_on", note=55, velocity=80, time=0),
                                      mido.Message("note_off", note=55, velocity=0, time=480)]))
    mid.save(tune)
    written = hashlib.md5(tune.read_bytes()).hexdigest()
    crashed = Child("yes", str(tune), "60,62,64")
    state = crashed.autosaved()
    crashed.kill()
    assert state["path"] is None and state["pitches"] == [55, 60, 62, 64]  # imported: no project yet

    shown = answer_recovery(qtbot)
    window = open_window(None, load_model=False, start_audio=False)
    windows.append(window)
    qtbot.waitUntil(lambda: pitches(window) == [55, 60, 62, 64], timeout=20000)
    assert "the changes to truncated.mid" in shown[0], shown
    assert window.windowTitle().startswith("truncated.mid*")
    assert window.files.display_name() == "truncated.mid"  # "Save the changes to truncated.mid first?"
    assert window.files.path is None and window.files.source == str(tune)
    assert not window.document.undo_stack.isClean()
    asked: list[str] = []
    monkeypatch.setattr("composer.ui.file_actions.QFileDialog.getSaveFileName",
                        lambda _parent, _title, start, _filter: (asked.append(start) or "", ""))
    assert not window.files.save()  # Save asks for a project name (cancelled here) ...
    assert asked and asked[0].endswith("truncated")
    assert hashlib.md5(tune.read_bytes()).hexdigest() == written  # ... and never overwrites the MIDI


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_an_autosave_that_cannot_be_reloaded_is_kept_and_named(qtbot, windows):
    folder = autosave_dir()
    folder.mkdir(parents=True, exist_ok=True)
    broken = folder / f"autosave-{dead_pid()}.composer.json"
    broken.write_text('{"format": "composer-project", "version": 1, "score": {"notes": [[60, 0')
    answer_recovery(qtbot)
    window = open_window(None, load_model=False, start_audio=False)
    windows.append(window)
    qtbot.waitUntil(lambda: "could not be recovered" in window.last_error, timeout=20000)
    kept = [p for p in folder.iterdir() if p.name.startswith(UNREADABLE_PREFIX)]
    assert len(kept) == 1 and kept[0].read_text().endswith("[[60, 0")  # every byte kept
    assert broken.name in window.last_error and str(kept[0]) in window.last_error
    assert not orphaned_autosaves()  # not offered again at every start


def test_a_kill_mid_save_leaves_no_partial_file_after_the_next_start(qtbot, windows, tmp_path):
    folder = autosave_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "autosave-1.composer.json"
    child = Child("partial", str(target))
    partial = Path(child.wait_for("PARTIAL"))
    child.kill()  # killed between the first bytes and the rename
    assert partial.exists() and not target.exists()
    # The same in a folder of recent files (a project saved by hand when the kill came).
    project_folder = tmp_path / "songs"
    project_folder.mkdir()
    song = project_folder / "a.composer.json"
    child = Child("partial", str(song))
    song_partial = Path(child.wait_for("PARTIAL"))
    child.kill()
    from composer.ui.settings import AppSettings

    AppSettings().add_recent(song)
    window = MainWindow(load_model=False, start_audio=False)  # the next start
    windows.append(window)
    assert not partial.exists() and not song_partial.exists()
    assert not song.exists()  # and no half-written project under the real name either


def test_saves_keep_permissions_and_private_files_stay_private(qtbot, windows, tmp_path):
    window = MainWindow(load_model=False, start_audio=False)
    windows.append(window)
    window.document.add_notes([Note(60, 0, Q)])
    shared = tmp_path / "shared.composer.json"
    shared.write_text("{}")
    os.chmod(shared, 0o644)
    assert window.files.save_to(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644  # kept, not narrowed to 0600
    previous = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.composer.json"
        assert window.files.save_to(fresh)
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # a new file follows the umask
    finally:
        os.umask(previous)
    window.document.add_notes([Note(62, Q, Q)])
    assert window.autosaver.autosave() and window.autosaver.wait()
    assert stat.S_IMODE(window.autosaver.path.stat().st_mode) == 0o600  # the autosave is private
    settings_file = Path(window.settings._q.fileName())
    assert settings_file.exists() and stat.S_IMODE(settings_file.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
