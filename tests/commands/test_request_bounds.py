"""QA: `composer continue --length 100000` ran silently for minutes, `--bars 100000` silently
stopped at the model's note cap, `--variations 1000` wrote 1000 files. Now each is refused when the
options are parsed (exit 2, the option named, the bound from composer.music.limits), before the
model loads; a --bars continuation the model's note cap cut short says so. Real CLI, real files the
test writes; an untrained small model serves the one generating test (it is about the cap, not
about the notes)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent))
from parts_music import four_voice_score, random_checkpoint  # noqa: E402

from composer.cli import build_parser, main  # noqa: E402
from composer.io import read_score, write_midi  # noqa: E402
from composer.music.limits import (MAX_CONTINUE_BARS, MAX_NEW_NOTES, MAX_VARIATIONS,  # noqa: E402
                                   voice_fill_cap)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("bounds")
    write_midi(four_voice_score(), root / "seed.mid")
    return root


@pytest.mark.parametrize("command", [["continue"], ["fill", "--bars", "1"], ["accompany", "--part", "bass"]])
def test_too_many_variations_is_refused_before_the_model_loads(files, capsys, command):
    out = files / "out.mid"
    with pytest.raises(SystemExit) as stop:  # a model that does not exist: the option is refused first
        main([command[0], str(files / "seed.mid"), "-o", str(out), *command[1:], "--model",
              str(files / "missing.safetensors"), "--variations", "1000"])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert "--variations" in err and f"at most {MAX_VARIATIONS}" in err and "Traceback" not in err
    assert "missing.safetensors" not in err
    assert not list(files.glob("out*"))


@pytest.mark.parametrize("option, value, bound", [
    ("--length", "100000", f"at most {MAX_NEW_NOTES:,} new notes"),
    ("--bars", "100000", f"at most {MAX_CONTINUE_BARS} bars"),
    ("--length", "0", "at least 1"),
    ("--bars", "-3", "at least 1"),
    ("--bars", "many", "'many' is not a whole number"),
])
def test_a_continuation_past_the_bounds_is_refused(files, capsys, option, value, bound):
    out = files / "long.mid"
    with pytest.raises(SystemExit) as stop:
        main(["continue", str(files / "seed.mid"), "-o", str(out), "--model", str(files / "missing.safetensors"),
              option, value])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert option in err and bound in err and "Traceback" not in err
    assert not out.exists()


def test_the_bounds_themselves_are_accepted():
    args = build_parser().parse_args(["continue", "x.mid", "-o", "y.mid", "--length", str(MAX_NEW_NOTES),
                                      "--bars", str(MAX_CONTINUE_BARS), "--variations", str(MAX_VARIATIONS)])
    assert (args.length, args.bars, args.variations) == (MAX_NEW_NOTES, MAX_CONTINUE_BARS, MAX_VARIATIONS)


def test_a_long_bars_continuation_cut_short_by_the_note_cap_says_so(files, capsys):
    model = random_checkpoint(files / "random.safetensors")
    out = files / "long.mid"
    code = main(["continue", str(files / "seed.mid"), "-o", str(out), "--model", str(model), "--bars", "200",
                 "--seed", "1"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    source, result = read_score(files / "seed.mid"), read_score(out)
    new = [n for n in result.notes if n.onset >= source.end]
    cap = voice_fill_cap(200)  # a voice written after the first: 24 notes a bar, at most 1024
    capped = [v.name for i, v in enumerate(result.voices) if sum(n.voice == i for n in new) == cap]
    assert capped, "the test needs a voice that reached the cap (the random model's drums do in 200 bars)"
    assert "notice:" in captured.err and "200 bars may not all be filled" in captured.err
    assert all(f"{name} ({cap})" in captured.err for name in capped)

    code = main(["continue", str(files / "seed.mid"), "-o", str(files / "short.mid"), "--model", str(model),
                 "--bars", "2", "--seed", "1"])
    assert code == 0 and "notice:" not in capsys.readouterr().err  # nothing was cut short
