"""Co-writer ▸ Learn a Style from a Folder…: the real dialog runs composer.adapt in a child process
on a folder of MIDI files the test writes, with a tiny model trained here; the new style joins
the style list, is chosen, and is still there (and chosen) after a restart; Cancel changes
nothing; a bad folder gets its message."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from adapt_music import PHRYGIAN, train_base, write_folder


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return train_base(tmp_path_factory.mktemp("adapt-ui-base"))


@pytest.fixture
def styles(tmp_path, monkeypatch, base):
    """Styles folder and corpus cache of this test (the child process inherits the environment)."""
    monkeypatch.setenv("COMPOSER_STYLES", str(tmp_path / "styles"))
    monkeypatch.setenv("COMPOSER_CACHE", str(base[1]))  # the tiny corpus: mixing and the old styles' figures
    return tmp_path / "styles"


def ready(window, path: str | None = None) -> bool:
    return window.cowriter.state == "ready" and (path is None or window.cowriter.model_path == path)


@pytest.mark.slow
@pytest.mark.timeout(900)  # real training and model loads in child processes; minutes on a busy CPU
def test_learn_a_style_and_find_it_after_a_restart(qtbot, base, styles, tmp_path):
    from composer.ui.main_window import MainWindow
    from composer.ui.settings import AppSettings

    checkpoint, _cache = base
    folder = write_folder(tmp_path / "My Phrygian", PHRYGIAN, 20, seed=2)
    AppSettings().checkpoint = str(checkpoint)
    window = MainWindow(start_audio=False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: ready(window), timeout=180000)
    assert window.learn_style_action.text() == "&Learn a Style from a Folder…"
    window.learn_style_action.trigger()
    dialog = window.adapt_dialog
    assert dialog.isVisible() and not dialog.isModal()
    dialog.folder.setText(str(folder))
    assert dialog.name.text() == "my_phrygian"
    dialog.minutes.setValue(1.0)
    assert dialog.start()
    assert dialog.running and not dialog.start_button.isEnabled() and dialog.cancel_button.isEnabled()
    # The window stays live while the child learns: the GUI thread keeps answering timers.
    ticks, last, gaps = [], time.perf_counter(), []
    timer_window = window.startTimer(20)

    def tick(_event=None):
        nonlocal last
        now = time.perf_counter()
        gaps.append(now - last)
        last = now

    window.timerEvent = tick
    qtbot.waitUntil(lambda: not dialog.running, timeout=300000)
    window.killTimer(timer_window)
    assert dialog.result is not None, dialog.log.toPlainText()
    assert len(gaps) > 20 and sorted(gaps)[len(gaps) // 2] < 0.2  # the event loop ran throughout
    path = styles / "my_phrygian.safetensors"
    assert path.is_file() and path.with_suffix(".md").is_file()
    assert "Pitch cross-entropy" in dialog.figures.text() and "→" in dialog.figures.text()
    assert "style list" in dialog.status.text()
    assert any(line.startswith("epoch 1:") for line in dialog.log.toPlainText().splitlines())

    # The style list shows it; choosing it loads its checkpoint (the base styles stay listed).
    box = window.cowriter_panel.style_box
    qtbot.waitUntil(lambda: box.findData("my_phrygian") >= 0, timeout=10000)
    assert "(your style)" in box.itemText(box.findData("my_phrygian"))
    index = box.findData("my_phrygian")
    box.setCurrentIndex(index)
    box.activated.emit(index)
    qtbot.waitUntil(lambda: ready(window, str(path)), timeout=180000)
    assert box.currentData() == "my_phrygian" and box.findData("major") >= 0
    window.close()

    # A restart finds the style in the styles folder and comes back with it chosen.
    again = MainWindow(start_audio=False)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: ready(again, str(path)) and again.cowriter_panel.style_box.currentData() == "my_phrygian",
                    timeout=180000)
    again.close()


@pytest.mark.slow
@pytest.mark.timeout(900)  # real training and model loads in child processes; minutes on a busy CPU
def test_cancel_changes_nothing(qtbot, base, styles, tmp_path):
    from composer.ui.adapt_dialog import AdaptDialog

    checkpoint, _cache = base
    folder = write_folder(tmp_path / "phr", PHRYGIAN, 20, seed=3)
    dialog = AdaptDialog(str(checkpoint), taken=["neutral", "major", "lydian"])
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(folder))
    dialog.name.setText("never")
    dialog.minutes.setValue(5.0)
    assert dialog.start()
    readings, said = [], []
    # (queued: the job is a QThread, and a plain callable could be called on its thread, reading a
    # widget off the GUI thread; the full suite crashed once in this test, session 27)
    dialog.job.reading.connect(lambda done, total: (readings.append((done, total)), said.append(dialog.status.text())),
                               Qt.ConnectionType.QueuedConnection)
    workdir = Path(dialog.job.workdir)
    qtbot.waitUntil(lambda: "epoch 1:" in dialog.log.toPlainText(), timeout=120000)  # mid-training
    # The folder's reading showed its progress file by file (QA: "Reading…" sat at 0 for 30 s).
    assert readings and readings[-1] == (20, 20) and [d for d, _ in readings] == sorted(d for d, _ in readings)
    assert said[-1] == "Reading the folder: 20 of 20 files"
    dialog.cancel()
    qtbot.waitUntil(lambda: not dialog.running, timeout=30000)
    assert dialog.status.text() == "Cancelled: nothing was changed."
    assert not styles.exists() or not any(styles.iterdir())
    assert not workdir.exists()
    assert dialog.start_button.isEnabled() and not dialog.cancel_button.isEnabled()


def test_bad_folders_and_names_get_their_messages(qtbot, base, styles, tmp_path):
    from composer.ui.adapt_dialog import AdaptDialog

    checkpoint, _cache = base
    dialog = AdaptDialog(str(checkpoint), taken=["neutral", "major", "lydian"])
    qtbot.addWidget(dialog)
    assert not dialog.start() and "Choose a folder" in dialog.status.text()
    dialog.folder.setText(str(tmp_path / "nowhere"))
    assert not dialog.start() and "no such folder" in dialog.status.text()
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "readme.txt").write_text("no music here")
    dialog.folder.setText(str(docs))
    dialog.name.setText("Major")
    assert not dialog.start() and "already has a style called 'major'" in dialog.status.text()
    dialog.name.setText("docs")
    assert dialog.start()
    qtbot.waitUntil(lambda: not dialog.running, timeout=120000)
    assert "no music files found" in dialog.status.text() and dialog.result is None


@pytest.mark.slow
@pytest.mark.timeout(900)  # real training and model loads in child processes; minutes on a busy CPU
def test_a_style_that_cannot_load_falls_back_to_the_base_model(qtbot, base, styles):
    from composer.model.checkpoint import Checkpoint, load_checkpoint
    from composer.ui.main_window import MainWindow
    from composer.ui.settings import AppSettings

    checkpoint, _cache = base
    original = load_checkpoint(checkpoint)
    styles.mkdir()
    broken = styles / "broken.safetensors"  # listed (its header is fine), unloadable (truncated weights)
    Checkpoint(original.model, [*original.styles, "broken"], {"adapt": {"style": "broken"}}).save(broken)
    broken.write_bytes(broken.read_bytes()[:-200])
    AppSettings().checkpoint = str(checkpoint)
    window = MainWindow(start_audio=False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: ready(window, str(checkpoint)), timeout=180000)
    box = window.cowriter_panel.style_box
    index = box.findData("broken")
    assert index >= 0
    messages = []
    window.cowriter.failed.connect(messages.append)
    box.setCurrentIndex(index)
    box.activated.emit(index)
    qtbot.waitUntil(lambda: bool(messages) and ready(window, str(checkpoint)), timeout=180000)
    assert "Your style 'broken' could not be loaded" in messages[0] and "truncated" in messages[0]
    assert box.findData("broken") < 0 and box.findData("major") >= 0
    window.close()


def _descendants(pid: int) -> set[int]:
    """Live processes under `pid` (Linux /proc; zombies count as ended)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        children = {child for child, ppid in parents.items() if ppid == parent}
        todo += children - found
        found |= children
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from Linux /proc")
@pytest.mark.timeout(600)
def test_cancel_while_reading_the_folder_ends_the_parsing_workers_too(qtbot, base, styles, tmp_path):
    """The child parses the folder in a pool of processes of its own: Cancel must end them as well
    (they were left running, orphaned, for as long as the session lasted)."""
    from composer.ui.adapt_dialog import AdaptDialog

    checkpoint, _cache = base
    folder = write_folder(tmp_path / "many", PHRYGIAN, 400, seed=4)  # enough files to keep the pool busy
    dialog = AdaptDialog(str(checkpoint), taken=["neutral", "major", "lydian"])
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(folder))
    dialog.name.setText("never")
    assert dialog.start()
    child = dialog.job._process
    qtbot.waitUntil(lambda: child.pid is not None and len(_descendants(child.pid)) >= 2, timeout=120000)
    workers = _descendants(child.pid)
    assert dialog.running  # still reading
    dialog.cancel()
    qtbot.waitUntil(lambda: not dialog.running, timeout=30000)
    assert dialog.status.text() == "Cancelled: nothing was changed."
    qtbot.waitUntil(lambda: not any(_alive(pid) for pid in workers), timeout=15000)
    assert not styles.exists() or not any(styles.iterdir())


def test_a_name_too_long_or_a_file_already_there_is_refused(qtbot, tmp_path, monkeypatch):
    from composer.ui.adapt_dialog import AdaptDialog

    monkeypatch.setenv("COMPOSER_STYLES", str(tmp_path / "styles"))
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "taken.safetensors").write_bytes(b"not a style")  # unlisted, but a file of that name
    dialog = AdaptDialog(None, taken=["neutral"])
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(tmp_path))
    dialog.name.setText("x" * 65)  # it names the files: saving failed after the whole training
    assert not dialog.start() and "use at most 64" in dialog.status.text()
    dialog.name.setText("中国 2")  # was stored as '2' without a word
    assert not dialog.start() and "Latin letters and digits" in dialog.status.text()
    (tmp_path / "Café Tunes").mkdir()
    dialog.name.setModified(False)
    dialog.folder.setText(str(tmp_path / "Café Tunes"))
    assert dialog.name.text() == "cafe_tunes"  # the name it is stored under (was 'café_tunes', stored 'caf_tunes')
    dialog.name.setText("Taken")
    assert not dialog.start() and "already have a style called 'taken'" in dialog.status.text()
    (tmp_path / "tune.mid").write_bytes(b"")
    dialog.folder.setText(str(tmp_path / "tune.mid"))  # said "no such folder"
    dialog.name.setText("tunes")
    assert not dialog.start() and "is a file: choose the folder that holds your pieces" in dialog.status.text()
    assert (tmp_path / "styles" / "taken.safetensors").read_bytes() == b"not a style"


def test_the_dialog_starts_from_the_model_chosen_in_settings_since_it_was_first_opened(window, tmp_path):
    """The dialog is kept between openings; it went on adapting the model it first saw."""
    first = window.learn_style()
    assert first.base_checkpoint is None and first.base_label.text() == "the shipped model"
    first.close()
    window.settings.checkpoint = str(tmp_path / "mine.safetensors")
    again = window.learn_style()
    assert again is first and again.base_checkpoint == str(tmp_path / "mine.safetensors")
    assert again.base_label.text() == "mine.safetensors"
    again.close()
