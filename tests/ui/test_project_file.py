"""The project file round-trips everything the window saves, and hostile JSON gives
ScoreFileError (never another exception, never a half-built project)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from composer.io.errors import ScoreFileError
from composer.io.project_file import Project, is_project_path, load_project, project_to_dict, save_project
from composer.music import Key, Note, Score, TempoChange, TimeSignature, Voice


def sample_project() -> Project:
    score = Score(
        notes=[Note(60, 0, 480, 90, 0), Note(64, 480, 240, 70, 1, generated=True)],
        voices=[Voice("Piano", 0, volume=110, pan=20), Voice("Flute", 73, mute=True, solo=True)],
        tempos=[TempoChange(0, 96.0), TempoChange(1920, 120.0)],
        time_signature=TimeSignature(3, 4), key=Key(9, "minor"), title="Tune", style="folk",
    )
    return Project(score, {"temperature": 0.9, "style": "folk", "variations": 3, "key_mode": None})


def test_round_trip_keeps_notes_flags_voicing_and_settings(tmp_path):
    path = tmp_path / "song.composer.json"
    project = sample_project()
    save_project(project, path)
    loaded = load_project(path)
    assert loaded.score.sorted_notes() == project.score.sorted_notes()
    assert loaded.score.voices == project.score.voices
    assert loaded.score.tempos == project.score.tempos
    assert loaded.score.time_signature == TimeSignature(3, 4)
    assert loaded.score.key == Key(9, "minor") and loaded.score.title == "Tune" and loaded.score.style == "folk"
    assert loaded.generation == project.generation
    assert is_project_path(path) and is_project_path("x.CMP") and not is_project_path("x.json")


def write(tmp_path, data, name="bad.cmp"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def good() -> dict:
    return project_to_dict(sample_project())


@pytest.mark.parametrize("mutate, fragment", [
    (lambda d: d.update(format="other"), "not a Composer project"),
    (lambda d: d.update(version=99), "newer Composer"),
    (lambda d: d["score"]["notes"].append([60, 0, 0, 80, 0, 0]), "duration"),
    (lambda d: d["score"]["notes"].append([200, 0, 10, 80, 0, 0]), "pitch"),
    (lambda d: d["score"]["notes"].append([60, 0, 10, 80, 7, 0]), "voice"),
    (lambda d: d["score"]["notes"].append([60, 0, 10, 80, 0]), "note 3"),
    (lambda d: d["score"]["notes"].append("C4"), "note 3"),
    (lambda d: d["score"].update(tempos=[[0, -5]]), "bpm"),
    (lambda d: d["score"].update(tempos=[]), "first tempo"),
    (lambda d: d["score"].update(time_signature=[4, 3]), "power of two"),
    (lambda d: d["score"].update(key="H:major"), "key"),
    (lambda d: d["score"].update(voices="piano"), "voices"),
    (lambda d: d["score"]["voices"][0].update(program=300), "program"),
    (lambda d: d.update(score=None), "score"),
])
def test_invalid_content_is_named(tmp_path, mutate, fragment):
    data = good()
    mutate(data)
    with pytest.raises(ScoreFileError) as error:
        load_project(write(tmp_path, data))
    assert fragment in str(error.value) and "bad.cmp" in str(error.value)


@pytest.mark.parametrize("text", ["", "   ", "{", "[1,2", '{"format": NaN}', "[" * 100000, "\xff\xfe",
                                  '{"version": 1e999}', "null", "1" * 5000])
def test_broken_json_is_a_clear_error(tmp_path, text):
    path = tmp_path / "bad.cmp"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(ScoreFileError):
        load_project(path)


def test_missing_file(tmp_path):
    with pytest.raises(ScoreFileError, match="cannot open"):
        load_project(tmp_path / "nope.cmp")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=8), children, max_size=6),
    max_leaves=40,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=json_values, where=st.sampled_from(["root", "score", "notes", "voices", "note", "generation"]))
def test_hostile_json_never_escapes_as_another_exception(tmp_path, junk, where):
    data = good()
    if where == "root":
        data = junk
    elif where == "score":
        data["score"] = junk
    elif where == "notes":
        data["score"]["notes"] = junk
    elif where == "voices":
        data["score"]["voices"] = junk
    elif where == "note":
        data["score"]["notes"][0] = junk
    else:
        data["generation"] = junk
    path = write(tmp_path, data, "fuzz.cmp")
    try:
        project = load_project(path)
    except ScoreFileError as error:
        assert "fuzz.cmp" in str(error)
    else:
        assert isinstance(project.score, Score)
        for note in project.score.notes:
            assert note.voice < len(project.score.voices)
