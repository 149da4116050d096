"""QA: `composer render` options a musician can get wrong. `-o song.mp3` (or `-o song.mid`, the
input itself) silently wrote WAV audio under that name, overwriting the score; `--sample-rate 0`
ended in a wave.Error traceback and `--sample-rate 1000000` wrote 44.1 kHz audio under a 1 MHz
header (16 s of music played as 0.7 s), as FluidSynth ignores values outside its range; `--gain -1`
was ignored the same way; `--peak 5` was silently taken as 0 and `--max-silence -3` as "keep every
silence"; `-o missing/out.wav` rendered, then said "No such file or directory". Real CLI, real FluidSynth, files the test writes."""

from __future__ import annotations

import wave

import pytest

from composer.audio import AudioError, render_wav
from composer.cli import main
from composer.io import write_midi
from composer.music.score import TICKS_PER_QUARTER as Q
from composer.music.score import Note, Score


def tune() -> Score:
    return Score(notes=[Note(60 + i, i * Q, Q, 90) for i in range(4)])  # 2 s at 120 bpm


@pytest.fixture
def song(tmp_path):
    path = tmp_path / "song.mid"
    write_midi(tune(), path)
    return path


def run(*argv) -> int:
    try:
        return main(["render", *map(str, argv)])
    except SystemExit as stop:  # argparse refuses an option value
        return stop.code


@pytest.mark.parametrize("name", ["song.mp3", "song.mid", "song"])
def test_output_that_is_not_a_wav_is_refused_and_the_score_kept(song, soundfont, capsys, name):
    before = song.read_bytes()
    target = song.with_name(name)
    assert run(song, "-o", target, "--soundfont", soundfont) == 2
    err = capsys.readouterr().err
    assert ".wav" in err and "Traceback" not in err
    assert song.read_bytes() == before  # -o song.mid used to overwrite the score with audio
    assert target == song or not target.exists()


@pytest.mark.parametrize("option, value, says", [
    ("--sample-rate", "0", "8000-96000"),
    ("--sample-rate", "1000000", "8000-96000"),
    ("--gain", "-1", "0-10"),
    ("--gain", "100", "0-10"),
    ("--peak", "5", "0 or less"),
    ("--max-silence", "-3", "0 or more"),
])
def test_out_of_range_values_are_refused_naming_the_option(song, soundfont, capsys, option, value, says):
    target = song.with_name("out.wav")
    assert run(song, "-o", target, "--soundfont", soundfont, option, value) == 2
    err = capsys.readouterr().err
    assert f"argument {option}" in err and says in err and "Traceback" not in err
    assert not target.exists()


def test_a_sample_rate_in_range_is_the_one_written(song, soundfont, capsys):
    target = song.with_name("Out.WAV")  # the suffix in any case
    assert run(song, "-o", target, "--soundfont", soundfont, "--sample-rate", "22050") == 0
    with wave.open(str(target), "rb") as wav:
        rate, seconds = wav.getframerate(), wav.getnframes() / wav.getframerate()
    assert rate == 22050
    assert 2.0 <= seconds <= 2.0 + 3.1  # the music at that rate (plus the release tail), not 1/45 of it


def test_render_wav_refuses_what_fluidsynth_would_ignore(tmp_path, soundfont):
    for options in ({"sample_rate": 1_000_000}, {"sample_rate": 0}, {"gain": 11.0}):
        target = tmp_path / "out.wav"
        with pytest.raises(AudioError, match="FluidSynth"):
            render_wav(tune(), target, soundfont=soundfont, **options)
        assert not target.exists()


def test_an_output_folder_that_does_not_exist_is_named_before_rendering(song, soundfont, capsys):
    target = song.parent / "no such folder" / "out.wav"
    assert run(song, "-o", target, "--soundfont", soundfont) == 2
    err = capsys.readouterr().err
    assert f"the folder {target.parent} does not exist" in err and "No such file or directory" not in err
    assert not target.parent.exists()
