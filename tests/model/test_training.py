"""The network learns: a tiny model overfits a few phrases, and training is repeatable."""

import numpy as np
import torch

from composer.model.dataset import make_piece
from composer.model.network import NetworkConfig
from composer.train import Dataset, TrainConfig, Trainer


def tiny_trainer(tmp_path, piece_arrays, *, seed=0, epochs=60):
    pieces = [make_piece(a, style=1) for a in piece_arrays]
    data = Dataset(train=pieces, validation=pieces, styles=["neutral", "test"], summary={})
    config = TrainConfig(out=str(tmp_path / "tiny.safetensors"), epochs=epochs, batch_size=16, lr=3e-3,
                         patience=1000, seed=seed, target_length=16, augment=False, windows_per_piece=4,
                         network=NetworkConfig(embed=64, encoder_hidden=32, decoder_hidden=64, dropout=0.0,
                                                 relative_pitch=True))
    return Trainer(config, data, progress=False, log=lambda _line: None)


def test_tiny_model_overfits_a_few_phrases(tmp_path, piece_arrays):
    torch.set_num_threads(1)
    trainer = tiny_trainer(tmp_path, piece_arrays, epochs=150)
    trainer.sampler.style_dropout = 0.0
    first = trainer.run_epoch(False)
    trainer.fit()
    last = trainer.history[-1]
    assert last["val_pitch_loss"] < 0.25 * first["pitch_loss"]
    assert last["val_pitch_acc"] > 0.9
    assert (tmp_path / "tiny.safetensors").exists() and (tmp_path / "tiny.csv").exists()


def test_same_seed_same_run(tmp_path, piece_arrays):
    torch.set_num_threads(1)
    runs = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        trainer = tiny_trainer(tmp_path / name, piece_arrays, seed=7, epochs=2)
        trainer.fit()
        runs.append([row["train_loss"] for row in trainer.history])
    assert runs[0] == runs[1]


def test_resume_continues_where_it_stopped(tmp_path, piece_arrays):
    torch.set_num_threads(1)
    trainer = tiny_trainer(tmp_path, piece_arrays, epochs=2)
    trainer.fit()
    weights = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    resumed = tiny_trainer(tmp_path, piece_arrays, epochs=3)
    from composer.model.training_state import load_training_state

    load_training_state(resumed.out, resumed)
    assert resumed.epoch == 2 and len(resumed.history) == 2
    assert all(torch.equal(weights[k], v) for k, v in resumed.model.state_dict().items())
    resumed.fit()
    assert resumed.epoch == 3
    assert np.isfinite(resumed.history[-1]["val_loss"])


def test_a_style_can_be_left_out_of_training(tmp_path):
    """--exclude-style: a base that never heard one style (to measure adapting to it)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from adapt_music import LYDIAN, MAJOR, write_folder

    from composer.cli import main as cli_main
    from composer.data.corpus import build_corpus, load_corpus
    from composer.train import pieces_from_corpus

    write_folder(tmp_path / "music" / "major", MAJOR, 6, seed=1)
    write_folder(tmp_path / "music" / "lydian", LYDIAN, 6, seed=2)
    cache = tmp_path / "cache"
    build_corpus([str(tmp_path / "music")], cache, progress=False, workers=1)
    corpus = load_corpus(cache)
    assert {"major", "lydian"} <= set(corpus.styles)
    data = pieces_from_corpus(corpus, exclude=("lydian",))
    assert "lydian" not in data.styles and "major" in data.styles
    kept = data.train + data.validation
    assert len(kept) == sum(1 for p in corpus.pieces if p.style == "major" and p.split != "test")
    assert "lydian" not in data.summary["by_style"]
    # A style the corpus does not have is refused, naming the styles it has.
    assert cli_main(["train", "--cache", str(cache), "--exclude-style", "bebop", "-o", str(tmp_path / "m.safetensors"),
                     "--quiet"]) == 2


def test_early_stopping_can_watch_some_attributes_only(tmp_path, piece_arrays):
    """stop_on: the best epoch (and its checkpoint) by the named attributes' validation loss, as
    composer adapt stops on the notes and not on velocity."""
    torch.set_num_threads(1)
    trainer = tiny_trainer(tmp_path, piece_arrays, epochs=6)
    trainer.config.stop_on = ("pitch", "delta")
    trainer.fit()
    scores = [row["val_pitch_loss"] + row["val_delta_loss"] for row in trainer.history]
    assert trainer.best == min(scores)
    assert trainer.best != min(row["val_loss"] for row in trainer.history)



def test_resume_takes_the_commands_learning_rate(tmp_path, piece_arrays):
    """Resuming to fine-tune at a lower rate: the command's --lr applies, not the rate saved in the state."""
    import dataclasses

    torch.set_num_threads(1)
    first = tiny_trainer(tmp_path, piece_arrays, epochs=1)
    first.fit()
    lines = []
    config = dataclasses.replace(first.config, lr=1e-4, epochs=2)
    resumed = Trainer(config, first.data, progress=False, log=lines.append, resume=True)
    assert all(group["lr"] == 1e-4 for group in resumed.optimizer.param_groups)
    assert any("learning rate 0.0001 (was 0.003)" in line for line in lines)
    resumed.fit()
    assert resumed.epoch == 2
