"""Voice roles inferred from drum flag, GM program, register and polyphony (composer.music.roles)."""

from composer.music.roles import infer_roles
from composer.music.score import Note, Score, Voice


def line(pitches, voice, step=480):
    return [Note(p, i * step, step, voice=voice) for i, p in enumerate(pitches)]


def chords(roots, voice):
    return [Note(r + k, i * 960, 960, voice=voice) for i, r in enumerate(roots) for k in (0, 4, 7)]


def test_four_voice_texture():
    score = Score(notes=line([76, 74, 72, 71] * 2, 0) + chords([60, 57, 65, 67], 1) + line([40, 45, 41, 43], 2, 960)
                  + line([36, 38] * 4, 3), voices=[Voice("A"), Voice("B"), Voice("C"), Voice("D", is_drum=True)])
    assert infer_roles(score) == ["melody", "harmony", "bass", "drums"]


def test_given_role_and_bass_program_win_over_register():
    score = Score(notes=line([40, 43, 45], 0) + line([84, 86], 1),
                  voices=[Voice("low", role="melody"), Voice("high", program=33)])
    assert infer_roles(score) == ["melody", "bass"]


def test_a_lone_line_is_the_melody_even_when_low_but_not_under_chords():
    assert infer_roles(Score(notes=line([50, 52, 53], 0))) == ["melody"]
    under = Score(notes=line([50, 47, 45, 43], 0, 960) + chords([64, 62, 60, 59], 1), voices=[Voice(), Voice()])
    assert infer_roles(under) == ["bass", "harmony"]


def test_inner_lines_are_harmony_and_an_unknown_role_is_inferred():
    soprano, alto, tenor, bass = line([72, 74, 76], 0), line([67, 67, 69], 1), line([60, 62, 64], 2), line([45, 43, 41], 3)
    score = Score(notes=soprano + alto + tenor + bass, voices=[Voice(), Voice(), Voice(), Voice(role="kazoo")])
    assert infer_roles(score) == ["melody", "harmony", "harmony", "bass"]


def test_empty_voices_and_empty_score():
    assert infer_roles(Score(voices=[Voice(), Voice(is_drum=True), Voice(program=35)])) == ["melody", "drums", "bass"]


def test_roles_are_saved_in_the_project_file(tmp_path):
    import json

    import pytest

    from composer.io.errors import ScoreFileError
    from composer.io.project_file import Project, load_project, save_project

    score = Score(notes=line([40, 43], 1), voices=[Voice("Lead", role="melody"), Voice("Low")])
    path = tmp_path / "song.composer.json"
    save_project(Project(score=score), path)
    assert [v.role for v in load_project(path).score.voices] == ["melody", None]  # None: inferred when used
    data = json.loads(path.read_text())
    data["score"]["voices"][1]["role"] = "tuba"
    path.write_text(json.dumps(data))
    with pytest.raises(ScoreFileError, match="song.composer.json.*voice 2 role 'tuba' is not one of melody"):
        load_project(path)
