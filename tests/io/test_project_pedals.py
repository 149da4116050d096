"""The project file keeps the sustain pedal (Score.pedals) as [voice, onset, end] spans beside
the notes; a project saved before pedals were kept (no "pedals" key) opens with none, and a bad
span is refused with its number and what is wrong."""

from __future__ import annotations

import json

import pytest

from composer.io.errors import ScoreFileError
from composer.io.project_file import Project, load_project, project_to_dict, save_project
from composer.music.score import Note, Pedal, Score, Voice


def _project() -> Project:
    return Project(Score(notes=[Note(60, 0, 240), Note(48, 0, 240, voice=1)],
                         voices=[Voice("Right Hand"), Voice("Left Hand")],
                         pedals=[Pedal(1, 0, 1920), Pedal(0, 0, 1920), Pedal(1, 1920, 3840)]))


def test_a_saved_project_reopens_with_its_pedal(tmp_path):
    path = tmp_path / "song.composer.json"
    save_project(_project(), path)
    assert json.loads(path.read_text())["score"]["pedals"] == [[0, 0, 1920], [1, 0, 1920], [1, 1920, 3840]]
    assert load_project(path).score.pedals == [Pedal(0, 0, 1920), Pedal(1, 0, 1920), Pedal(1, 1920, 3840)]


def test_a_project_from_before_pedals_opens_with_none(tmp_path):
    data = project_to_dict(_project())
    del data["score"]["pedals"]
    path = tmp_path / "old.composer.json"
    path.write_text(json.dumps(data))
    score = load_project(path).score
    assert score.pedals == [] and len(score.notes) == 2


@pytest.mark.parametrize("pedal, fragment", [
    ([2, 0, 480], "pedal 4 voice 2 is outside 0-1"),
    ([0, 480, 480], "pedal 4 end 480 is outside 481-"),
    ([0, -1, 480], "pedal 4 onset -1"),
    ([0, 0], "pedal 4 must be [voice, onset, end]"),
])
def test_a_bad_pedal_is_named(tmp_path, pedal, fragment):
    data = project_to_dict(_project())
    data["score"]["pedals"].append(pedal)
    path = tmp_path / "bad.composer.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ScoreFileError, match=r"bad\.composer\.json") as error:
        load_project(path)
    assert fragment in str(error.value)


def test_overlapping_spans_of_one_voice_are_one_pedal():
    score = Score(voices=[Voice(), Voice()], pedals=[Pedal(0, 480, 960), Pedal(0, 0, 600), Pedal(1, 0, 100),
                                                     Pedal(0, 960, 1000)])
    assert score.pedals == [Pedal(0, 0, 960), Pedal(0, 960, 1000), Pedal(1, 0, 100)]
    with pytest.raises(ValueError, match="must end after it starts"):
        Pedal(0, 480, 480)
