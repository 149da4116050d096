"""`composer continue`, `fill` and `accompany` as a user runs them: a four-voice MIDI file the test
writes, real MIDI out, read back. An untrained small model serves the requests (these tests are
about what the commands do with files, voices and bars; quality is tests/model/test_parts_quality.py)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent))
from parts_music import four_voice_score, random_checkpoint  # noqa: E402

from composer.cli import main  # noqa: E402
from composer.io import read_score, write_midi  # noqa: E402

BAR = 1920


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("parts")
    write_midi(four_voice_score(), root / "four.mid")
    return root, random_checkpoint(root / "random.safetensors")


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def counts(score):
    return Counter((n.voice, n.pitch, n.onset, n.duration) for n in score.notes)


def test_continue_carries_every_voice_on_in_its_own_voice(files, capsys):
    root, model = files
    code, out, err = run(capsys, "continue", root / "four.mid", "-o", root / "c.mid", "--model", model, "--seed", 1,
                         "--bars", 2, "--variations", 2)
    assert code == 0, err
    source = read_score(root / "four.mid")
    for number in (1, 2):
        result = read_score(root / f"c-{number}.mid")
        assert [v.name for v in result.voices] == [v.name for v in source.voices]
        assert result.voices[3].is_drum and result.voices[2].program == 33
        new = counts(result) - counts(source)
        assert not counts(source) - counts(result)  # the input is all there
        assert {voice for voice, *_ in new} == {0, 1, 2, 3}
        assert all(onset >= 8 * BAR for _, _, onset, _ in new)
    assert "c-1.mid" in out and "Melody" in out and "Drums" in out


def test_continue_only_the_chosen_voices(files, capsys):
    root, model = files
    code, _, err = run(capsys, "continue", root / "four.mid", "-o", root / "bass.mid", "--model", model,
                       "--voices", "Bass", "--length", 8)
    assert code == 0, err
    new = counts(read_score(root / "bass.mid")) - counts(read_score(root / "four.mid"))
    assert new and {voice for voice, *_ in new} == {2}


def test_fill_rewrites_only_the_bars_and_voices_asked(files, capsys):
    root, model = files
    code, _, err = run(capsys, "fill", root / "four.mid", "--bars", "3-4", "--voices", "melody,2", "-o",
                       root / "f.mid", "--model", model, "--seed", 5, "--key", "D:major")
    assert code == 0, err
    source, result = read_score(root / "four.mid"), read_score(root / "f.mid")
    inside = lambda n: n.voice in (0, 1) and 2 * BAR <= n.onset < 4 * BAR  # noqa: E731
    outside = lambda s: Counter((n.voice, n.pitch, n.onset, n.duration) for n in s.notes if not inside(n))  # noqa: E731
    assert outside(result) == outside(source)
    assert any(inside(n) for n in result.notes)


def test_accompany_adds_a_bass_part_over_the_bars(files, capsys):
    root, model = files
    code, out, err = run(capsys, "accompany", root / "four.mid", "--part", "bass", "--bars", "1-4", "-o",
                         root / "a.composer.json", "--model", model, "--lowest", "E1", "--highest", "60",
                         "--anyway")  # (four.mid has a bass: tests/commands/test_drums_bass_part_exists.py)
    assert code == 0, err
    from composer.io.project_file import load_project

    result = load_project(root / "a.composer.json").score
    assert len(result.voices) == 5 and result.voices[4].role == "bass" and result.voices[4].program == 33
    new = [n for n in result.notes if n.voice == 4]
    assert new and all(n.generated and n.onset < 4 * BAR for n in new)
    assert "Bass" in out


@pytest.mark.parametrize("args, message", [
    (("fill", "{f}", "--bars", "6-5"), "--bars: bars '6-5'"),  # an option error names the option, not the file
    (("continue", "{f}", "--voices", "Tuba"), "--voices: no voice 'Tuba'"),
    (("accompany", "{f}", "--part", "bass", "--bars", "0-2"), "--bars: bars 0-2"),
    (("continue", "{missing}"), "missing.mid"),
])
def test_bad_requests_say_what_is_wrong(files, capsys, args, message):
    root, model = files
    args = [a.format(f=root / "four.mid", missing=root / "missing.mid") for a in args]
    try:
        code, _, err = run(capsys, *args, "-o", root / "x.mid", "--model", model)
    except SystemExit as stop:  # refused when the options are parsed
        code, err = stop.code, capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert not (root / "x.mid").exists()


def test_controls_and_key_reach_the_request(files):
    from composer.cli import build_parser
    from composer.commands.generation_args import request_options

    args = build_parser().parse_args(["fill", "x.mid", "--bars", "1", "-o", "y.mid", "--density", "4", "--lowest",
                                      "C3", "--highest", "G5", "--max-polyphony", "1", "--grid", "swing"])
    options = request_options(args)
    controls = options["controls"]
    assert (controls.density, controls.lowest, controls.highest, controls.max_polyphony, controls.grid) == \
        (4.0, 48, 79, 1, "swing")
    assert options["key"] == "auto"  # the default key lock: detected from the music around
    assert request_options(build_parser().parse_args(["continue", "x", "-o", "y", "--key", "off"]))["key"] is None
