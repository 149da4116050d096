"""QA: `composer song.mid` (what a file manager's "Open with" runs, and what a new user types) was
refused with "invalid choice: 'song.mid' (choose from 'gui', ...)"; it now opens the file in the
window as `composer gui song.mid` does. The real CLI parser; the window's event loop is replaced by
a recorder (run_app would block the test until the window is closed)."""

from __future__ import annotations

import pytest

import composer.ui.app
from composer.cli import main
from composer.io import write_midi
from composer.music.score import Note, Score


@pytest.fixture
def opened(monkeypatch):
    paths: list[str | None] = []
    monkeypatch.setattr(composer.ui.app, "run_app", lambda path=None, argv=None: paths.append(path) or 0)
    return paths


def test_a_file_as_the_only_argument_opens_it_in_the_window(tmp_path, opened):
    song = tmp_path / "song.mid"
    write_midi(Score(notes=[Note(60, 0, 480, 90)]), song)
    assert main([str(song)]) == 0
    assert opened == [str(song)]


def test_a_missing_file_with_a_suffix_goes_to_the_window_too(tmp_path, opened):
    assert main([str(tmp_path / "not there.abc")]) == 0  # the window says it cannot be read
    assert opened == [str(tmp_path / "not there.abc")]


def test_commands_and_misspelled_commands_are_not_files(opened, capsys):
    assert main(["gui"]) == 0 and opened == [None]
    with pytest.raises(SystemExit) as stop:
        main(["contineu"])
    assert stop.value.code == 2 and "invalid choice: 'contineu'" in capsys.readouterr().err
    assert opened == [None]
