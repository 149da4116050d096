"""QA: `composer continue --style NAME` for a style made with `composer adapt`. Without --model the
shipped model does not know it, and the error listed the shipped styles only, not saying where the
style is; with --model, the name typed as for adapt ('My Jigs') was refused without naming
'my_jigs'. Real CLI, real files the test writes (a small untrained model with one adapted style)."""

from __future__ import annotations

import pytest

from composer.cli import main
from composer.io import write_midi
from composer.music.score import TICKS_PER_QUARTER as Q
from composer.music.score import Note, Score


@pytest.fixture
def adapted(tmp_path, monkeypatch):
    """A styles folder holding 'my_jigs' as composer adapt writes it (base styles + the new one)."""
    import torch

    from composer.model.checkpoint import Checkpoint
    from composer.model.network import NetworkConfig, Seq2Seq

    torch.manual_seed(3)
    base = Seq2Seq(NetworkConfig(n_styles=2, embed=32, encoder_hidden=16, decoder_hidden=32))
    monkeypatch.setenv("COMPOSER_STYLES", str(tmp_path / "styles"))
    base_path = tmp_path / "base.safetensors"
    Checkpoint(model=base, styles=["neutral", "folk"]).save(base_path)
    from composer.adapt import with_new_style

    path = tmp_path / "styles" / "my_jigs.safetensors"
    Checkpoint(model=with_new_style(base, base.style.weight[1]), styles=["neutral", "folk", "my_jigs"],
               info={"adapt": {"style": "my_jigs"}}).save(path)
    return base_path, path


def refused(tmp_path, capsys, *options) -> str:
    seed = tmp_path / "seed.mid"
    write_midi(Score(notes=[Note(60 + i, i * Q, Q, 90) for i in range(8)]), seed)
    out = tmp_path / "out.mid"
    code = main(["continue", str(seed), "-o", str(out), *options])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and not out.exists()
    return err


def test_an_adapted_style_without_its_model_names_the_checkpoint(adapted, tmp_path, capsys):
    base, path = adapted
    err = refused(tmp_path, capsys, "--model", str(base), "--style", "my_jigs")
    assert "unknown style 'my_jigs'" in err and f"add --model {path}" in err


def test_a_style_typed_as_for_adapt_names_its_stored_name(adapted, tmp_path, capsys):
    _base, path = adapted
    err = refused(tmp_path, capsys, "--model", str(path), "--style", "My Jigs")
    assert "Did you mean --style my_jigs?" in err
    err = refused(tmp_path, capsys, "--model", str(path), "--style", "reels")
    assert "unknown style 'reels'" in err and "Did you mean" not in err and "add --model" not in err
