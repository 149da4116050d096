"""The command line end to end, as a user runs it: build a corpus from their own folder, train,
evaluate against the n-gram, continue a seed; and training across two processes (DDP, gloo)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pretty_midi
import pytest

from composer.io import write_midi
from composer.music import Note, Score

MAJOR = [0, 2, 4, 5, 7, 9, 11]
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def melody(tonic: int, pattern: list[int], repeats: int = 6) -> Score:
    notes, onset = [], 0
    for _ in range(repeats):
        for i, degree in enumerate(pattern):
            octave, index = divmod(degree, 7)
            length = 480 if i % 4 == 3 else 240
            notes.append(Note(tonic + 12 * octave + MAJOR[index], onset, length, 70 + 5 * (i % 3)))
            onset += length
    return Score(notes=notes)


@pytest.fixture(scope="module")
def user_folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("my_music")
    patterns = {"folk": [[0, 1, 2, 0, 4, 2, 1, 0], [4, 4, 5, 4, 2, 0, 1, 2]],
                "hymn": [[0, 0, 1, 2, 2, 1, 0, 6], [2, 3, 4, 4, 3, 2, 1, 0]]}
    for style, shapes in patterns.items():
        (root / style).mkdir()
        for tonic in range(55, 67):
            for number, shape in enumerate(shapes):
                write_midi(melody(tonic, shape), root / style / f"{tonic}_{number}.mid")
    return root


def composer(*args, cwd=None, timeout=300):
    result = subprocess.run([sys.executable, "-m", "composer", *map(str, args)], capture_output=True, text=True,
                            env=ENV, cwd=cwd, timeout=timeout)
    assert result.returncode == 0, f"composer {' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def trained(user_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    cache = out / "cache"
    composer("data", "build", "--source", user_folder, "--cache", cache, "--quiet", "--workers", "1")
    model = out / "model.safetensors"
    log = composer("train", "--cache", cache, "-o", model, "--epochs", "4", "--batch-size", "16", "--embed", "48",
                   "--encoder-hidden", "24", "--decoder-hidden", "48", "--threads", "1", "--quiet", "--seed", "1",
                   "--style-balance", "0.5")
    return cache, model, log


def test_train_prints_metrics_and_writes_checkpoint_and_csv(trained):
    cache, model, log = trained
    assert model.exists() and model.with_suffix(".csv").exists()
    for word in ("loss", "ppl", "acc", "pitch", "duration", "delta", "velocity", "valid"):
        assert word in log
    header = model.with_suffix(".csv").read_text().splitlines()[0]
    assert "val_pitch_ppl" in header and "train_pitch_acc" in header
    from composer.model.checkpoint import read_config

    assert read_config(model)["training"]["style_balance"] == 0.5  # the run's settings are in the card


def test_train_refuses_a_style_balance_outside_its_range(tmp_path):
    result = subprocess.run([sys.executable, "-m", "composer", "train", "--style-balance", "2", "-o",
                             str(tmp_path / "m.safetensors")], capture_output=True, text=True)
    assert result.returncode == 2 and "--style-balance" in result.stderr and "at most 1" in result.stderr


def test_evaluate_reports_model_ppm_and_ngram(trained, user_folder):
    cache, model, _ = trained
    out = composer("evaluate", user_folder, "--model", model, "--cache", cache, "--json", "--by-style")
    result = json.loads(out.strip().splitlines()[-1])
    for key in ("pitch_nll", "pitch_acc", "notes", "pieces"):
        for row in ("ppm", "ppm_ltm", "ppm_stm", "ngram"):
            assert key in result and key in result[row]
    assert math.isfinite(result["pitch_nll"]) and math.isfinite(result["ppm"]["pitch_nll"])
    assert result["pitch_nll_reduction"] == 1 - result["pitch_nll"] / result["ppm"]["pitch_nll"]
    assert result["pieces"] == 48 and result["notes"] == 48 * 32
    assert set(result["by_style"]) == {"folk", "hymn"}
    baseline_only = composer("evaluate", user_folder, "--model", "baselines", "--cache", cache, "--json")
    assert {"ppm", "ngram"} <= set(json.loads(baseline_only.strip().splitlines()[-1]))


def test_continue_writes_a_midi_file_with_the_continuation(trained, user_folder, tmp_path):
    _, model, _ = trained
    seed = user_folder / "folk" / "60_0.mid"
    out = tmp_path / "out.mid"
    composer("continue", seed, "-o", out, "--model", model, "--length", "20", "--key", "C:major", "--seed", "3",
             "--style", "folk", "--variations", "2")
    files = sorted(tmp_path.glob("out-*.mid"))
    assert len(files) == 2
    seed_notes = len(pretty_midi.PrettyMIDI(str(seed)).instruments[0].notes)
    for path in files:
        notes = [n for i in pretty_midi.PrettyMIDI(str(path)).instruments for n in i.notes]
        assert len(notes) == seed_notes + 20
        assert all(n.pitch % 12 in {0, 2, 4, 5, 7, 9, 11} for n in sorted(notes, key=lambda n: n.start)[seed_notes:])
    only = tmp_path / "only.mid"
    composer("continue", seed, "-o", only, "--model", model, "--length", "12", "--only-continuation")
    assert sum(len(i.notes) for i in pretty_midi.PrettyMIDI(str(only)).instruments) == 12


def test_continue_reports_a_bad_seed_file_clearly(trained, tmp_path):
    _, model, _ = trained
    bad = tmp_path / "bad.mid"
    bad.write_bytes(b"MThd garbage")
    result = subprocess.run([sys.executable, "-m", "composer", "continue", str(bad), "-o", str(tmp_path / "x.mid"),
                             "--model", str(model)], capture_output=True, text=True, env=ENV)
    assert result.returncode == 2
    assert "bad.mid" in result.stderr and "Traceback" not in result.stderr


def test_training_runs_with_two_processes_under_torchrun(trained, tmp_path):
    cache, _, _ = trained
    model = tmp_path / "ddp.safetensors"
    result = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
         "-m", "composer", "train", "--cache", str(cache), "-o", str(model), "--epochs", "2", "--batch-size", "8",
         "--embed", "32", "--encoder-hidden", "16", "--decoder-hidden", "32", "--threads", "1", "--quiet"],
        capture_output=True, text=True, env=ENV, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert model.exists()
    from composer.model.checkpoint import read_config

    assert read_config(model)["training"]["world_size"] == 2
    assert result.stdout.count("epoch 2:") == 1  # only rank 0 reports
