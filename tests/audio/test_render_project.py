"""`composer render song.composer.json`: a project file renders like a score file.

continue/fill/accompany read and write `.composer.json` projects, so a newcomer who saved one
(`composer accompany song.mid --part drums -o out.composer.json`) renders it next; render refused
it as an "unsupported file type .json". Real project file, real FluidSynth, real WAV.
"""

from __future__ import annotations

import wave

from composer.cli import main
from composer.io.project_file import Project, save_project
from composer.music.score import Note, Score, Voice


def test_render_reads_a_project_file(tmp_path, soundfont, capsys):
    score = Score(voices=[Voice(name="Lead", program=0)],
                  notes=[Note(onset=480 * i, duration=400, pitch=60 + 2 * i, velocity=100, voice=0)
                         for i in range(4)])
    project, target = tmp_path / "idea.composer.json", tmp_path / "idea.wav"
    save_project(Project(score=score), project)
    assert main(["render", str(project), "-o", str(target), "--soundfont", str(soundfont), "--quiet"]) == 0
    assert "wrote" in capsys.readouterr().out
    with wave.open(str(target), "rb") as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 2.0 <= seconds <= 2.0 + 3.1  # four beats at 120 bpm plus at most the release tail


def test_render_names_a_broken_project(tmp_path, soundfont, capsys):
    project = tmp_path / "broken.composer.json"
    project.write_text("{not json")
    assert main(["render", str(project), "-o", str(tmp_path / "x.wav"), "--soundfont", str(soundfont)]) == 1
    error = capsys.readouterr().err
    assert "broken.composer.json" in error and "JSON" in error
    assert not (tmp_path / "x.wav").exists()


def test_a_missing_soundfont_flag_is_named_as_the_flag(tmp_path, capsys):
    """`--soundfont /nope.sf2` was reported as "the soundfont set in the settings"."""
    score = Score(notes=[Note(onset=0, duration=480, pitch=60, velocity=100, voice=0)])
    project, target = tmp_path / "idea.composer.json", tmp_path / "idea.wav"
    save_project(Project(score=score), project)
    assert main(["render", str(project), "-o", str(target), "--soundfont", str(tmp_path / "nope.sf2")]) == 2
    error = capsys.readouterr().err
    assert f"--soundfont {tmp_path / 'nope.sf2'} does not exist" in error and "settings" not in error
    assert not target.exists()
