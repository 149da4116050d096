"""The editor's door of the shared limits, and validated, private settings (issue 11, kinds 2, 4),
through the real window."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from composer.io.project_file import Project, load_project, save_project
from composer.music import limits
from composer.music.score import TICKS_PER_QUARTER as Q, Note, Score, TempoChange, Voice
from composer.ui.main_window import MainWindow
from composer.ui.settings import AUDIO_DRIVERS, AppSettings


def test_the_editor_refuses_edits_past_the_limits_and_says_why(qtbot, window, tmp_path):
    doc = window.document
    doc.ensure_voices(limits.MAX_VOICES + 50)
    assert len(doc.voices) == limits.MAX_VOICES
    with qtbot.waitSignal(doc.limit_refused) as refused:
        doc.set_score_field("tempos", [TempoChange(0, 5000.0)], "Change tempo")
    assert "5000 bpm" in refused.args[0] and doc.bpm != 5000.0
    qtbot.waitUntil(lambda: "Not changed" in window.statusBar().currentMessage())
    assert doc.add_notes([Note(60, limits.MAX_TICK, Q)]) == []
    assert doc.add_notes([Note(60, 0, Q, voice=limits.MAX_VOICES)]) == []
    ids = doc.add_notes([Note(60, 0, Q)])
    assert not doc.change_notes({ids[0]: Note(60, limits.MAX_TICK - 1, Q)}, "Move")
    doc.set_score_field("title", "x" * (limits.MAX_TITLE + 1), "Rename")
    assert len(doc.score().title) <= limits.MAX_TITLE
    # Whatever the window holds saves and reopens.
    assert window.files.save_to(tmp_path / "held.composer.json")
    assert len(load_project(tmp_path / "held.composer.json").score.voices) == limits.MAX_VOICES


def test_a_score_at_the_limits_opens_in_the_window_and_saves(qtbot, window, tmp_path):
    path = tmp_path / "wide.composer.json"
    score = Score(notes=[Note(40 + i % 60, i * Q, Q, voice=i) for i in range(limits.MAX_VOICES)],
                  voices=[Voice(name=f"Part {i}", program=i % 128) for i in range(limits.MAX_VOICES)],
                  tempos=[TempoChange(0, limits.MAX_BPM)])
    save_project(Project(score), path)
    assert window.files.open_path(path, confirmed=True)
    qtbot.waitUntil(lambda: not window.files.reading, timeout=60000)
    qtbot.waitUntil(lambda: len(window.document.voices) == limits.MAX_VOICES, timeout=60000)
    assert window.files.save_to(tmp_path / "again.composer.json")
    assert load_project(tmp_path / "again.composer.json").score.notes == load_project(path).score.notes


def write_raw_settings(**values) -> None:
    raw = QSettings("Composer", "Composer")
    for key, value in values.items():
        raw.setValue(key.replace("__", "/"), value)
    raw.sync()


def test_a_driver_the_dialog_does_not_offer_is_ignored_and_shown(qtbot):
    write_raw_settings(audio__driver="file", files__autosave_seconds="0")
    settings = AppSettings()
    assert settings.audio_driver == ""  # automatic, never FluidSynth's "file" driver
    assert settings.autosave_seconds == 60
    assert any("audio/driver='file'" in text for text in settings.ignored)
    assert any("autosave_seconds" in text for text in settings.ignored)
    with pytest.raises(ValueError):
        settings.audio_driver = "file"
    for name in AUDIO_DRIVERS:
        settings.audio_driver = name
        assert settings.audio_driver == name
    write_raw_settings(audio__driver="file")  # hand-edited again: the window says what it ignored
    window = MainWindow(load_model=False, start_audio=False)
    try:
        qtbot.waitUntil(lambda: "audio/driver" in window.statusBar().currentMessage())
    finally:
        window.close()
        window.deleteLater()


@pytest.mark.parametrize("value", [10**12, "abc", -5, 3.5e9])
def test_autosave_interval_out_of_range_falls_back(value):
    write_raw_settings(files__autosave_seconds=value)
    assert AppSettings().autosave_seconds == 60


def test_odd_recent_files_and_long_texts_are_dropped():
    write_raw_settings(files__recent=["/a.mid", "", "x" * 5000, "/b.mid"], audio__soundfont="y" * 5000)
    settings = AppSettings()
    assert settings.recent_files() == ["/a.mid", "/b.mid"]
    assert settings.soundfont == ""


def test_the_settings_file_is_private(tmp_path):
    settings = AppSettings()
    name = Path(settings._q.fileName())
    if name.exists():
        os.chmod(name, 0o644)  # as earlier versions left it
    settings = AppSettings()
    settings.add_recent(tmp_path / "song.mid")
    assert stat.S_IMODE(name.stat().st_mode) == 0o600


def test_what_the_reader_worked_around_is_shown_on_opening(qtbot, window, tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "io"))
    from handmade_smf import note, smf, tempo, track

    fast = tmp_path / "fast.mid"
    fast.write_bytes(smf(track(tempo(0, 1_200_000), note(0, 60, 480))))
    assert window.files.open_path(fast, confirmed=True)
    qtbot.waitUntil(lambda: not window.files.reading and window.document.bpm == limits.MAX_BPM, timeout=20000)
    qtbot.waitUntil(lambda: "1.2e+06 bpm was set to 1000" in window.last_error, timeout=5000)  # the notice
    assert "fast.mid" in window.last_error
    assert window.document.bpm == limits.MAX_BPM
