"""composer adapt: a small model trained here on major-mode tunes learns a new style from a folder of
Phrygian tunes (a mode the base corpus never uses), and its samples then use the Phrygian notes;
bad folders get clear messages. Real MIDI files, the real corpus builder, real training."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from composer.adapt import (AdaptConfig, AdaptError, adapt, read_folder, split_pieces, style_slug, styles_dir,
                            user_styles, with_new_style)
from adapt_music import FOREIGN, PHRYGIAN, train_base, tune, write_folder
from composer.io import write_midi
from composer.music import Note, Score, Voice

@pytest.fixture(scope="module")
def base_model(tmp_path_factory):
    """A tiny co-writer trained in seconds on C major and C Lydian tunes, and its corpus cache."""
    return train_base(tmp_path_factory.mktemp("base"))


def foreign_share(checkpoint_path, style, seeds=6) -> float:
    """Share of sampled pitches outside C major, continuing a seed made of notes both modes share."""
    from composer.generate import Continuer

    continuer = Continuer.load(checkpoint_path, threads=1)
    seed = Score(notes=[Note(p, i * 240, 240, 90) for i, p in enumerate([60, 65, 67, 60, 55, 60, 67, 65])])
    pitches = []
    for s in range(seeds):
        for variation in continuer.continue_score(seed, length=32, variations=4, style=style, seed=s):
            pitches += [n.pitch for n in variation.notes if n.generated]
    return float(np.mean([p % 12 in FOREIGN for p in pitches]))


@pytest.fixture(scope="module")
def phrygian_folder(tmp_path_factory):
    return write_folder(tmp_path_factory.mktemp("user") / "my phrygian", PHRYGIAN, 20, seed=2)


@pytest.mark.slow
@pytest.mark.timeout(600)  # real training; about a minute on a quiet CPU
def test_adapted_style_plays_the_folders_mode(base_model, phrygian_folder, tmp_path):
    base, cache = base_model
    out = tmp_path / "styles" / "phrygian.safetensors"
    lines = []
    # One stage that trains the output side as well (--train top): a mode the model never saw
    # needs new pitch preferences, which the style row alone cannot give a model this small.
    result = adapt(AdaptConfig(style="Phrygian", base=str(base), out=str(out), train="top", lr=3e-3, max_minutes=2,
                               patience=4, batch_size=16, corpus_cache=str(cache), mix=1.0, forgetting_pieces=10,
                               seed=0),
                   phrygian_folder, log=lines.append, progress=False, folder_cache=tmp_path / "folder-cache")
    assert result.out == out and out.exists() and out.with_suffix(".md").exists()
    info = result.info["adapt"]
    assert info["style"] == "phrygian" and info["mixed_corpus_pieces"] > 0
    # The adapted style predicts the folder's held-out pieces better than any base style did.
    assert info["after"]["pitch_nll"] < 0.8 * info["before"]["pitch_nll"]
    # ... and plays its trait: sampled from a seed both modes share, the base model never leaves
    # its modes, the new style plays the Phrygian notes (b2, b3, b6, b7).
    base_share = foreign_share(base, "major")
    adapted_share = foreign_share(out, "phrygian")
    assert base_share < 0.05
    assert adapted_share > base_share + 0.15, (base_share, adapted_share)
    # The old styles' figures were measured, and did not move: they keep the base weights.
    assert set(info["base_styles"]["before"]) == {"all", "major", "lydian"}
    assert info["base_styles"]["after"] == info["base_styles"]["before"] and info["own_weights"]
    card = out.with_suffix(".md").read_text()
    assert "phrygian" in card and "pitch NLL" in card and str(phrygian_folder.resolve()) in card
    assert any(line.startswith("epoch 1:") for line in lines)
    assert user_styles(out.parent) == {"phrygian": out}
    # Adapting the adapted model again keeps the first style's own network (and adds a row to it).
    from composer.model.checkpoint import load_checkpoint

    again = tmp_path / "again.safetensors"
    adapt(AdaptConfig(style="second", base=str(out), out=str(again), train="style", max_minutes=0.3, patience=1,
                      batch_size=16, forgetting_pieces=0, seed=0),
          phrygian_folder, log=lambda _line: None, progress=False, folder_cache=tmp_path / "folder-cache")
    first, second = load_checkpoint(out), load_checkpoint(again)
    assert second.styles == [*first.styles, "second"] and set(second.own) == {"phrygian"}
    for (name, a), b in zip(second.model_for("phrygian").state_dict().items(),
                            first.model_for("phrygian").state_dict().values()):
        assert torch.equal(a[:-1] if name == "style.weight" else a, b), name


def continuation(checkpoint_path, style, seed=0) -> list[tuple[int, int, int]]:
    from composer.generate import Continuer

    continuer = Continuer.load(checkpoint_path, threads=1)
    seed_score = Score(notes=[Note(p, i * 240, 240, 90) for i, p in enumerate([60, 62, 64, 65, 67, 65, 64, 62])])
    return [(n.pitch, n.onset, n.duration) for v in continuer.continue_score(seed_score, length=24, variations=2,
                                                                             style=style, seed=seed)
            for n in v.notes if n.generated]


@pytest.mark.slow
@pytest.mark.timeout(600)  # real training; about a minute on a quiet CPU
def test_the_old_styles_keep_the_base_weights(base_model, phrygian_folder, tmp_path):
    """The default (train="auto"): the new row alone, then every weight, kept if it wins on the
    folder's validation pieces. The tuned weights serve the new style only (parameter isolation):
    the adapted checkpoint writes the old styles with the base weights, note for note."""
    from composer.model.checkpoint import load_checkpoint

    base, cache = base_model
    out = tmp_path / "isolated.safetensors"
    result = adapt(AdaptConfig(style="phrygian", base=str(base), out=str(out), lr=3e-3, style_lr=1e-2, max_minutes=2,
                               patience=4, batch_size=16, corpus_cache=str(cache), forgetting_pieces=10, seed=0),
                   phrygian_folder, log=lambda _line: None, progress=False, folder_cache=tmp_path / "folder-cache")
    info = result.info["adapt"]
    assert [st["mode"] for st in info["stages"]] == ["style", "all"] and info["mixed_corpus_pieces"] == 0
    second = info["stages"][1]
    assert second["kept"] == (second["validation_pitch_nll"] < second["first_validation_pitch_nll"])
    assert info["kept"] in ("all" if second["kept"] else ("style", "start")) and info["own_weights"] == second["kept"]
    # Whatever is kept predicts the validation pieces better than the starting row, or is it.
    assert info["kept"] == "start" or min(second["validation_pitch_nll"], second["first_validation_pitch_nll"]) \
        < info["start_validation_pitch_nll"]
    assert info["base_styles"]["worst_change"] == 0.0, info["base_styles"]
    # Held-out figures of a tiny model on a few pieces move by chance (the stages are chosen on
    # validation): no worse than 1 % here; that adaptation learns the folder's trait is
    # test_adapted_style_plays_the_folders_mode.
    assert info["after"]["pitch_nll"] <= 1.01 * info["before"]["pitch_nll"]
    adapted, original = load_checkpoint(out), load_checkpoint(base)
    assert adapted.styles == [*original.styles, "phrygian"]
    for (name, a), b in zip(adapted.model.state_dict().items(), original.model.state_dict().values()):
        assert torch.equal(a[:-1] if name == "style.weight" else a, b), name  # the shared network is the base
    for style in original.styles:
        assert adapted.model_for(style) is adapted.model
        assert continuation(out, style) == continuation(base, style)  # the same notes, seed for seed
    if second["kept"]:
        own = adapted.model_for("phrygian")
        assert own is not adapted.model
        assert any(not torch.equal(a, b) for a, b in zip(own.parameters(), adapted.model.parameters()))


def test_without_a_corpus_it_adapts_all_the_same(base_model, phrygian_folder, tmp_path):
    """No corpus cache: nothing to mix in or to measure the old styles on, and nothing needed: the
    same two stages run (the old styles keep the base weights whatever is trained)."""
    base, _cache = base_model
    lines = []
    result = adapt(AdaptConfig(style="phrygian", base=str(base), out=str(tmp_path / "p.safetensors"), max_minutes=1,
                               patience=2, batch_size=16, corpus_cache=str(tmp_path / "no-corpus"), mix=1.0,
                               rehearsal=False, seed=0),
                   phrygian_folder, log=lines.append, progress=False, folder_cache=tmp_path / "folder-cache")
    info = result.info["adapt"]
    assert [st["mode"] for st in info["stages"]] == ["style", "all"] and info["base_styles"] == {}
    assert info["mixed_corpus_pieces"] == 0
    assert any("no corpus cache built" in line for line in lines)
    assert "not measured" in result.card.read_text()


def test_new_style_row_leaves_the_old_ones(base_model):
    from composer.model.checkpoint import load_checkpoint

    model = load_checkpoint(base_model[0]).model
    row = torch.arange(model.config.embed, dtype=torch.float32)
    bigger = with_new_style(model, row)
    assert bigger.config.n_styles == model.config.n_styles + 1
    assert torch.equal(bigger.style.weight[:-1], model.style.weight) and torch.equal(bigger.style.weight[-1], row)


def test_empty_and_unreadable_folders_say_why(tmp_path):
    with pytest.raises(AdaptError, match="no such folder"):
        read_folder(tmp_path / "missing", "x", tmp_path / "c0", progress=False)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("not music")
    with pytest.raises(AdaptError, match="no music files found"):
        read_folder(tmp_path / "docs", "x", tmp_path / "c1", progress=False)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "broken.mid").write_bytes(b"MThd\x00\x00\x00\x06garbage")
    (bad / "empty.abc").write_text("")
    with pytest.raises(AdaptError, match=r"none of the 2 music files could be read[\s\S]*broken\.mid"):
        read_folder(bad, "x", tmp_path / "c2", progress=False)


def test_too_few_notes_says_how_many_are_needed(tmp_path):
    folder = tmp_path / "tiny"
    folder.mkdir()
    write_midi(tune(np.random.default_rng(0), PHRYGIAN, notes=40), folder / "one.mid")
    (folder / "broken.mid").write_bytes(b"MThd\x00\x00\x00\x06garbage")
    with pytest.raises(AdaptError, match=r"40 notes in 1 usable pieces; at least 300 are needed"):
        read_folder(folder, "x", tmp_path / "c", progress=False)


def test_unreadable_files_are_listed_and_skipped(tmp_path):
    folder = write_folder(tmp_path / "mixed", PHRYGIAN, 8, seed=3)
    (folder / "broken.mid").write_bytes(b"MThd\x00\x00\x00\x06garbage")
    data = read_folder(folder, "mine", tmp_path / "c", progress=False)
    assert len(data.pieces) == 8 and {p.style for p in data.pieces} == {"mine"}
    assert [name for name, _ in data.skipped] == ["mixed:broken.mid"]


def test_split_by_piece_with_a_leave_some_out_fallback(tmp_path):
    folder = write_folder(tmp_path / "f", PHRYGIAN, 25, seed=4)
    pieces = read_folder(folder, "mine", tmp_path / "c", progress=False).pieces
    parts = split_pieces(pieces)
    assert [len(parts[k]) for k in ("train", "validation", "test")] == [19, 4, 2]
    ids = [p.id for k in parts for p in parts[k]]
    assert len(set(ids)) == 25  # each piece in one part only
    assert [len(split_pieces(pieces[:n])["validation"]) for n in (3, 10)] == [1, 2]
    one = split_pieces(pieces[:1])  # one piece: its last fifth is held out
    assert len(one["train"][0].notes) + len(one["validation"][0].notes) == len(pieces[0].notes)
    assert len(one["validation"][0].notes) >= 8


def test_style_names_and_the_default_folder(tmp_path, monkeypatch):
    assert style_slug("My Jigs!") == "my_jigs"
    with pytest.raises(AdaptError, match="not a usable style name"):
        style_slug("  --- ")
    monkeypatch.delenv("COMPOSER_STYLES", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert styles_dir() == tmp_path / "data" / "composer" / "styles"
    assert user_styles() == {}


@pytest.mark.slow
@pytest.mark.timeout(600)  # real training; about a minute on a quiet CPU
def test_the_command_line(base_model, phrygian_folder, tmp_path, capsys, monkeypatch):
    from composer.cli import main

    base, cache = base_model
    monkeypatch.setenv("COMPOSER_STYLES", str(tmp_path / "styles"))
    monkeypatch.setenv("COMPOSER_CACHE", str(tmp_path / "cache"))  # the folder's parse, not the user's cache
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["adapt", "--data", str(empty), "--style", "x", "--model", str(base), "--quiet"]) == 2
    assert "no music files found" in capsys.readouterr().err
    assert main(["adapt", "--data", str(phrygian_folder), "--style", "major", "--model", str(base), "--quiet"]) == 2
    assert "already has a style called 'major'" in capsys.readouterr().err
    code = main(["adapt", "--data", str(phrygian_folder), "--style", "My Phrygian", "--model", str(base), "--quiet",
                 "--cache", str(cache), "--max-minutes", "0.5", "--threads", "1", "--train", "style"])
    out = tmp_path / "styles" / "my_phrygian.safetensors"
    assert code == 0 and out.is_file() and out.with_suffix(".md").is_file()
    assert str(out) in capsys.readouterr().out
    assert main(["adapt", "--data", str(phrygian_folder), "--style", "my_phrygian", "--model", str(base)]) == 2
    assert "exists already" in capsys.readouterr().err  # nothing is replaced without --force


def test_a_style_name_too_long_for_a_file_name_is_refused(tmp_path, monkeypatch, capsys):
    from composer.cli import main

    assert style_slug("j" * 64) == "j" * 64
    # Accents are folded; letters of other scripts are not dropped silently ('中国 2' was stored as '2').
    assert style_slug("Café Tunes") == "cafe_tunes" and style_slug("Ölfolk") == "olfolk"
    with pytest.raises(AdaptError, match="Latin letters and digits"):
        style_slug("中国 2")
    with pytest.raises(AdaptError, match="at most 64"):
        style_slug("Jigs " * 40)
    monkeypatch.setenv("COMPOSER_STYLES", str(tmp_path / "styles"))
    # It names NAME.safetensors: before, the command failed with a traceback ("File name too long").
    assert main(["adapt", "--data", str(tmp_path), "--style", "x" * 300, "--quiet"]) == 2
    assert "at most 64" in capsys.readouterr().err


def test_an_output_that_cannot_be_written_is_refused_before_the_work(base_model, phrygian_folder, tmp_path,
                                                                    capsys, monkeypatch):
    """Before, -o into a folder or under a file failed when saving, after all the training, with a traceback."""
    from composer.cli import main

    base, _cache = base_model
    monkeypatch.setenv("COMPOSER_STYLES", str(tmp_path / "styles"))
    plain = tmp_path / "notes.txt"
    plain.write_text("a file, not a folder")
    folder = tmp_path / "out"
    folder.mkdir()
    for out, said in ((plain / "mine.safetensors", "cannot be written there"), (folder, "is a folder")):
        logged = []
        with pytest.raises(AdaptError, match=said):
            adapt(AdaptConfig(style="mine", base=str(base), out=str(out), threads=1), phrygian_folder,
                  log=logged.append, progress=False)
        assert not any(line.startswith("reading") for line in logged)  # refused before reading the folder
        args = ["adapt", "--data", str(phrygian_folder), "--style", "mine", "--model", str(base), "-o", str(out),
                "--force", "--quiet", "--threads", "1"]
        assert main(args) == 2
        assert said in capsys.readouterr().err
    assert plain.read_text() == "a file, not a folder" and not any(folder.iterdir())


def test_a_folder_of_drum_grooves_says_the_drums_do_not_count(tmp_path):
    """Before: '0 notes in 0 usable pieces ... Add more pieces' for 12 grooves of 160 drum hits each."""
    folder = tmp_path / "grooves"
    folder.mkdir()
    for k in range(12):
        hits = [Note(36 if beat % 2 == 0 else 38, beat * 480, 60, 100) for beat in range(80)]
        hits += [Note(42, beat * 480, 60, 80) for beat in range(80)]
        write_midi(Score(notes=hits, voices=[Voice("Drums", 0, is_drum=True)]), folder / f"groove{k}.mid")
    with pytest.raises(AdaptError, match=r"0 notes in 0 usable pieces \(1920 drum notes are not counted"):
        read_folder(folder, "x", tmp_path / "c", progress=False)


def test_options_out_of_range_and_a_file_for_a_folder_are_refused(tmp_path, capsys, monkeypatch):
    """Before: --threads 0 used every core, --max-minutes -3 ran anyway, and --data song.mid said
    'no such folder'."""
    from composer.cli import main

    monkeypatch.setenv("COMPOSER_STYLES", str(tmp_path / "styles"))
    song = tmp_path / "song.mid"
    write_midi(tune(np.random.default_rng(0), PHRYGIAN), song)
    for option, value in (("--threads", "0"), ("--max-minutes", "-3"), ("--patience", "0"), ("--lr", "nan")):
        with pytest.raises(SystemExit) as stop:
            main(["adapt", "--data", str(tmp_path), "--style", "x", option, value])
        assert stop.value.code == 2 and f"argument {option}: '{value}': give a number above 0" in capsys.readouterr().err
    with pytest.raises(AdaptError, match="is a file; give the folder it is in"):
        read_folder(song, "x", tmp_path / "c", progress=False)
    assert not (tmp_path / "styles").exists()
