"""Adapt a trained co-writer to a folder of the user's own music: a new style in minutes.

Method (fine-tuning with a new conditioning token, as in the "new class embedding" recipe of
transfer learning; cf. Howard & Ruder 2018, ULMFiT, for low learning rates + early stopping):
  1. read the folder through the corpus machinery (composer.data: every MIDI/ABC/MusicXML/krn file,
     unreadable ones listed and skipped), split it by piece into train / validation (/ test with
     20+ pieces; one or two pieces: the last fifth of each piece is held out instead);
  2. add NAME as a new row of the style embedding (`Seq2Seq.style`), initialised from the base
     style that predicts the validation pieces best (or the mean of the style rows, whichever
     scores better);
  3. fine-tune with early stopping on the validation pieces: first the new row alone, then every
     weight, kept only if it predicts the validation pieces better. The tuned weights serve NAME
     alone (parameter isolation, De Lange et al. 2021, "A continual learning survey", TPAMI): the
     checkpoint keeps the base network for every other style, so the old styles cannot forget;
     composer.model.checkpoint stores only the tensors that differ (Checkpoint.own);
  4. write the checkpoint (safetensors + JSON, base styles + NAME) and a small model card to
     the user's styles folder (styles_dir()), where the app finds it.

Figures: the fixed evaluation protocol of composer.evaluate (melody, 16-note seed, next <= 64
notes teacher-forced): pitch cross-entropy in nats per note, before (base model, closest style)
and after (adapted model, NAME), and the base styles' figures before/after on the corpus test split.
"""

from __future__ import annotations

import copy
import json
import math
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from composer.model.checkpoint import NEUTRAL_STYLE, Checkpoint, load_checkpoint
from composer.model.network import NetworkConfig, Seq2Seq
from composer.user_styles import style_id, styles_dir, user_styles

__all__ = ["AdaptConfig", "AdaptError", "AdaptResult", "adapt", "read_folder", "split_pieces", "style_slug",
           "styles_dir", "user_styles", "with_new_style", "MIN_NOTES"]

MIN_NOTES = 300  # below this there is too little to learn a style from (about three short tunes)
MIN_PIECE_NOTES = 8  # shorter pieces give no training window
MIN_STEPS_PER_EPOCH = 8  # small folders sample more windows per piece, so an epoch is this many batches
# Parameter-name prefixes trained besides the new style row, by mode (see AdaptConfig.train).
TRAINABLE: dict[str, tuple[str, ...]] = {
    "style": (),
    "top": ("heads.", "interval_head.", "condition.", "combine.", "gates."),
    "all": ("",),
}


class AdaptError(Exception):
    """The folder or the request cannot be used; the message says why and what to do."""


# --- where adapted styles live (composer.user_styles, torch-free for the window) -------------------
def style_slug(name: str) -> str:
    """A style name as the user typed it -> the stored name (composer.user_styles.style_id):
    'My Jigs' -> 'my_jigs'. Raises AdaptError saying why a name cannot be used."""
    try:
        return style_id(name)
    except ValueError as error:
        raise AdaptError(str(error)) from None


def check_out(out: Path) -> None:
    """Raise AdaptError now, before minutes of work, when the checkpoint cannot be written to `out`."""
    try:
        if out.is_dir():
            raise AdaptError(f"{out} is a folder; give the checkpoint a file name, e.g. -o {out / 'my_style.safetensors'}")
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out.parent, prefix=out.name, suffix=".tmp"):
            pass
    except OSError as error:
        raise AdaptError(f"{out}: the new style cannot be written there ({error.strerror or error}); "
                         "choose another place (-o)") from None


# --- the folder ---------------------------------------------------------------------------------
@dataclass
class FolderData:
    pieces: list  # composer.data.Piece, style set to the new style's name
    skipped: list[tuple[str, str]]  # (file, reason): unreadable files, left out
    files: int
    notes: int


def read_folder(folder: str | Path, style: str, cache_dir: str | Path | None = None, *,
                progress: bool = True, workers: int | None = None,
                on_file: Callable[[int, int], None] | None = None) -> FolderData:
    """Every piece of the folder (sub-folders included) as style `style`; on_file(done, total) as
    each file is parsed. Raises AdaptError when the folder is missing, holds no readable music, or
    too few notes (fewer than MIN_NOTES)."""
    from composer.data.build import build_corpus
    from composer.data.corpus import load_corpus
    from composer.data.sources import FolderSource
    from composer.io import SCORE_SUFFIXES

    folder = Path(folder).expanduser()
    if folder.is_file():
        raise AdaptError(f"{folder} is a file; give the folder it is in (with the other pieces in the style)")
    if not folder.is_dir():
        raise AdaptError(f"{folder}: no such folder; choose a folder of MIDI, ABC, MusicXML or Humdrum files")
    source = FolderSource(folder)
    files = source.files()
    if not files:
        raise AdaptError(f"{folder}: no music files found (looked for {', '.join(sorted(SCORE_SUFFIXES))}, "
                         "sub-folders included)")
    if cache_dir is None:
        import hashlib

        from composer.data.cache import default_cache_dir

        digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
        cache_dir = default_cache_dir().parent / "adapt" / digest
    report = build_corpus([source], cache_dir, progress=progress, workers=workers or min(2, os.cpu_count() or 1),
                          on_file=on_file)
    corpus = load_corpus(cache_dir)
    pieces = [replace(p, style=style) for p in corpus.pieces if _melodic_notes(p) >= MIN_PIECE_NOTES]
    skipped = list(report.skipped)
    if not corpus.pieces:
        listing = "".join(f"\n  {name}: {reason}" for name, reason in skipped[:20])
        raise AdaptError(f"{folder}: none of the {len(files)} music files could be read{listing}")
    notes = sum(_melodic_notes(p) for p in pieces)
    if notes < MIN_NOTES:
        # Drum notes do not count (a folder of grooves read as "0 notes ... add more pieces").
        drums = sum(len(p.notes) - _melodic_notes(p) for p in corpus.pieces)
        aside = (f" ({drums} drum notes are not counted: a style needs pitched parts; drum grooves "
                 "alone cannot teach one)") if drums else ""
        raise AdaptError(f"{folder}: too few notes to learn a style from: {notes} notes in {len(pieces)} usable "
                         f"pieces{aside}; at least {MIN_NOTES} are needed (about three short tunes). Add more pieces.")
    return FolderData(pieces=pieces, skipped=skipped, files=len(files), notes=notes)


def _melodic_notes(piece) -> int:
    if not piece.drum_voices:
        return len(piece.notes)
    return int((~np.isin(piece.notes[:, 4], list(piece.drum_voices))).sum())


def split_pieces(pieces: list, *, test: bool = True) -> dict[str, list]:
    """By piece, deterministically (ordered by a hash of the music, composer.data.split):
    20+ pieces: 10 % test (if `test`), 15 % validation; 3-19: 20 % validation (at least one);
    1-2 pieces ("leave some out"): the last fifth of each piece is validation."""
    from composer.data.split import content_key

    pieces = sorted(pieces, key=lambda p: content_key(p.notes))
    n = len(pieces)
    if n < 3:
        train, validation = [], []
        for p in pieces:
            cut = int(len(p.notes) * 0.8)
            train.append(replace(p, notes=p.notes[:cut], split="train"))
            validation.append(replace(p, notes=p.notes[cut:], split="validation"))
        return {"train": train, "validation": validation, "test": []}
    n_test = n // 10 if test and n >= 20 else 0
    n_valid = max(1, round(n * (0.15 if n >= 20 else 0.2)))
    out = {"test": [replace(p, split="test") for p in pieces[:n_test]],
           "validation": [replace(p, split="validation") for p in pieces[n_test:n_test + n_valid]],
           "train": [replace(p, split="train") for p in pieces[n_test + n_valid:]]}
    return out


# --- the model ----------------------------------------------------------------------------------
def with_new_style(model: Seq2Seq, row: torch.Tensor) -> Seq2Seq:
    """A copy of `model` whose style embedding has one more row (the last), set to `row` (embed,)."""
    config = NetworkConfig.from_dict({**model.config.to_dict(), "n_styles": model.config.n_styles + 1})
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    state["style.weight"] = torch.cat([state["style.weight"], row.detach().reshape(1, -1).to(state["style.weight"])])
    new = Seq2Seq(config)
    new.load_state_dict(state)
    return new


def eval_pieces(pieces: list, style: str | None) -> list:
    """Corpus pieces as the evaluation protocol's pieces (composer.evaluate), all with `style`."""
    from composer.evaluate import EvalPiece

    return [replace(EvalPiece.of(p), style=style) for p in pieces]


def _evaluate(checkpoint: Checkpoint, pieces: list) -> dict:
    """composer.evaluate's "continue" task: melody, 16-note seed, the next <= 64 notes scored."""
    from composer.evaluate import continue_cases, evaluate_model

    # (a style the checkpoint does not know is scored as neutral: the "before" of an adaptation)
    return evaluate_model(checkpoint, continue_cases(pieces), unlabeled="neutral")


def pitch_figures(checkpoint: Checkpoint, pieces: list, style: str | None) -> dict:
    """The evaluation protocol's "all" row (pitch_nll, pitch_acc, joint_nll, notes, ...) with `style`."""
    rows = _evaluate(checkpoint, eval_pieces(pieces, style))
    return rows["all"].row() if "all" in rows else {}


def closest_style(base: Checkpoint, pieces: list) -> tuple[str, torch.Tensor, dict[str, float]]:
    """The initial row for the new style: the base style (or the mean of the styles) whose
    embedding gives the lowest joint NLL on `pieces`. Returns (name, row, {name: joint nll})."""
    weight = base.model.style.weight.detach()
    candidates = {name: weight[i] for i, name in enumerate(base.styles)}
    if len(base.styles) > 1:
        candidates["mean of styles"] = weight[1:].mean(0)
    scores = {}
    for name, row in candidates.items():
        trial = Checkpoint(model=with_new_style(base.model, row).eval(), styles=[*base.styles, "__trial__"])
        scores[name] = pitch_figures(trial, pieces, "__trial__").get("joint_nll", math.inf)
    best = min(scores, key=scores.get)
    return best, candidates[best], scores


# --- adapting -----------------------------------------------------------------------------------
@dataclass
class AdaptConfig:
    style: str
    base: str | None = None  # base checkpoint; None = the shipped model
    out: str | None = None  # None = styles_dir()/<style>.safetensors
    max_minutes: float = 10.0
    # Every weight of NAME's own network. Measured on 100 Han folk songs a base never heard
    # (bench/adapt.py): 1e-3 -13.7 % held-out pitch cross-entropy, 2e-3 -11.6 %, 3e-4 (-8 %) too slow.
    lr: float = 1e-3
    style_lr: float = 1e-2  # the new style's own row: nothing else depends on it
    epochs: int = 200
    patience: int = 6
    batch_size: int = 32
    # "auto": the row alone, then every weight (kept if it wins on validation); "style" (the new
    # row only), "top" (+ output side), "all" (everything) train in one stage.
    train: str = "auto"
    # Original-corpus pieces mixed in per folder training piece, as a regulariser (the old styles
    # need no protection: they keep the base weights). Measured: 0 as good as 1 and twice as fast.
    mix: float = 0.0
    corpus_cache: str | None = None  # corpus for mixing and for the old styles' figures
    forgetting_pieces: int = 10  # per base style, from the corpus validation + test splits (0 = not measured)
    rehearsal: bool = True  # mixing without a corpus cache built: parse a few music21 files
    # Timing/velocity noise and transposition by +-2 (a style's keys matter); None = as the base
    # model was trained (augmenting what the base never saw blurs what it knows).
    augment: bool | None = None
    seed: int = 0
    threads: int | None = None


@dataclass
class AdaptResult:
    out: Path
    card: Path
    info: dict
    history: list[dict] = field(default_factory=list)


Log = Callable[[str], None]
Epoch = Callable[[dict, float], None]  # (history row, elapsed seconds)


# A few files of each music21 style (the shipped model's first corpus), parsed once when no corpus
# cache is built: enough pieces to mix in and to measure the old styles on (~1,400 pieces).
REHEARSAL_FILES = ("essenFolksong/han2.abc", "essenFolksong/kinder0.abc", "essenFolksong/irl.abc",
                   "oneills1850/0001-0050.abc", "airdsAirs/book1.abc", "ryansMammoth/[AB]*.abc",
                   "bach/bwv2[0-5]*.mxl", "palestrina/Agnus_0[0-4].krn", "trecento/PMFC_01*.xml",
                   "monteverdi/madrigal.3.[12].mxl")


def rehearsal_corpus(log: Log = print, progress: bool = True):
    """The REHEARSAL_FILES of music21's corpus, built into <cache root>/rehearsal once (minutes)."""
    from composer.data.build import build_corpus
    from composer.data.cache import default_cache_dir
    from composer.data.corpus import load_corpus
    from composer.data.sources import Music21CorpusSource

    cache = default_cache_dir().parent / "rehearsal"
    if not (cache / "corpus.npz").is_file():
        log("no corpus cache built: reading a small rehearsal set from music21's corpus (once, a few minutes)")
    build_corpus([Music21CorpusSource(only=REHEARSAL_FILES)], cache, progress=progress,
                 workers=min(2, os.cpu_count() or 1))
    return load_corpus(cache)


def _corpus_slice(cache, base_styles: list[str], count: int, seed: int, rehearsal: bool, log: Log, progress: bool):
    """(`count` training pieces of the base styles, their validation + test pieces) from the corpus
    cache, else from the rehearsal set (with `rehearsal`), else None."""
    from composer.data.corpus import CorpusNotBuiltError, load_corpus

    try:
        corpus = load_corpus(cache)
    except CorpusNotBuiltError:
        if not (rehearsal and count):
            return None
        corpus = rehearsal_corpus(log, progress)
    known = set(base_styles)
    train = [p for p in corpus.pieces if p.split == "train" and p.style in known]
    unseen = [p for p in corpus.pieces if p.split in ("validation", "test") and p.style in known]
    rng = np.random.default_rng(seed)
    chosen = [train[i] for i in rng.choice(len(train), min(count, len(train)), replace=False)] if count else []
    return chosen, unseen


def _by_style_figures(checkpoint: Checkpoint, test: list, per_style: int) -> dict[str, float]:
    from composer.evaluate import EvalPiece

    picked, counts = [], {}
    for piece in test:  # the corpus order is stable, so before and after see the same pieces
        if counts.get(piece.style, 0) < per_style:
            counts[piece.style] = counts.get(piece.style, 0) + 1
            picked.append(EvalPiece.of(piece))
    return style_figures(checkpoint, picked)


def style_figures(checkpoint: Checkpoint, pieces: list) -> dict[str, float]:
    """{"all" and each style: pitch cross-entropy} of evaluation-protocol pieces, each with its own style."""
    rows = _evaluate(checkpoint, pieces)
    return {k: round(v.row()["pitch_nll"], 4) for k, v in sorted(rows.items())}


def adapt(config: AdaptConfig, folder: str | Path, *, log: Log = print, progress: bool = True,
          on_epoch: Epoch | None = None, folder_cache: str | Path | None = None,
          workdir: str | Path | None = None, on_read: Callable[[int, int], None] | None = None) -> AdaptResult:
    """Adapt config.base to the music in `folder` as the new style config.style (see the module
    doc). Writes config.out (or styles_dir()/<style>.safetensors) and <same>.md only at the end,
    atomically: an interrupted run leaves earlier files as they were. on_epoch(history row,
    seconds) after each epoch; on_read(done, total) as the folder's files are parsed. Raises
    AdaptError."""
    from composer.data.augment import AugmentConfig, Augmenter
    from composer.data.corpus import Corpus
    from composer.generate import default_model_path
    from composer.train import TrainConfig, Trainer, pieces_from_corpus

    started = time.monotonic()
    if config.threads:
        torch.set_num_threads(config.threads)
    if config.train not in (*TRAINABLE, "auto"):
        raise AdaptError(f"unknown training mode {config.train!r}; choose auto or one of {', '.join(TRAINABLE)}")
    style = style_slug(config.style)
    base_path = Path(config.base) if config.base else default_model_path()
    base = load_checkpoint(base_path)
    if style in base.styles:
        raise AdaptError(f"the model already has a style called {style!r}; choose another name")
    out = Path(config.out) if config.out else styles_dir() / f"{style}.safetensors"
    check_out(out)

    log(f"reading {folder} ...")
    data = read_folder(folder, style, folder_cache, progress=progress, on_file=on_read)
    for name, reason in data.skipped:
        log(f"skipped (unreadable) {name}: {reason}")
    parts = split_pieces(data.pieces)
    log(f"{len(data.pieces)} pieces, {data.notes} notes: {len(parts['train'])} to learn from, "
        f"{len(parts['validation'])} for early stopping, {len(parts['test'])} held out for the figures")
    judge = parts["test"] or parts["validation"]

    init_name, row, init_scores = closest_style(base, parts["validation"])
    log(f"the new style starts from {init_name!r} (closest to the folder on its validation pieces)")
    model = with_new_style(base.model, row)
    styles = [*base.styles, style]
    new_index = len(styles) - 1

    mixed, corpus_test = [], []
    found = _corpus_slice(config.corpus_cache, base.styles, int(round(config.mix * len(parts["train"]))),
                          config.seed, config.rehearsal, log, progress)
    if found is not None:
        mixed, corpus_test = found
    if config.mix and not mixed:
        log("no corpus cache built: nothing from the original corpus is mixed in (composer data build)")
    only_folder = pieces_from_corpus(Corpus(pieces=parts["train"] + parts["validation"], styles=styles), styles)
    pieces = parts["train"] + parts["validation"] + [replace(p, split="train") for p in mixed]
    dataset = pieces_from_corpus(Corpus(pieces=pieces, styles=styles), styles)

    work = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="composer-adapt-"))
    base_training = base.info.get("training", {})
    augmenting = config.augment if config.augment is not None else bool(base_training.get("augment", True))
    augment = Augmenter(AugmentConfig(max_transpose=2)) if augmenting else None
    current: list = [None]  # the running Trainer, for the per-epoch relay

    def relay(line: str) -> None:
        log(line)
        trainer = current[0]
        if on_epoch is not None and trainer is not None and line.startswith("epoch ") and trainer.history:
            on_epoch(trainer.history[-1], time.monotonic() - started)

    def stage(start: Seq2Seq, mode: str, lr: float, minutes: float, dataset, tag: str):
        """Fine-tune `start` (trainable: the new style row + TRAINABLE[mode]) -> (best Checkpoint, Trainer)."""
        prefixes = TRAINABLE[mode]
        keep = torch.ones(len(styles), 1)
        keep[:new_index] = 0.0  # the old styles' rows never move
        start.style.weight.register_hook(lambda grad: grad * keep.to(grad))
        # Early stopping on the notes, not on velocity: the shipped corpus has no dynamics, so its
        # velocity head starts untrained (9-17 nats a note on a folder of MIDI files, QA) and its
        # fall would decide when the style stops improving.
        wanted = {"stop_on": ("voice", "pitch", "delta", "duration"),
                  "out": str(work / f"{tag}.safetensors"), "epochs": config.epochs, "batch_size": config.batch_size,
                  "lr": lr, "patience": config.patience, "seed": config.seed,
                  "max_minutes": max(0.2, round(minutes, 1)),
                  "augment": augmenting, "teacher_forcing": float(base_training.get("teacher_forcing", 1.0)),
                  "teacher_forcing_warmup": 0}
        # Window shapes as the base model was trained (the fields this version's TrainConfig has) ...
        wanted.update({k: base_training[k] for k in ("target_length", "seed_range", "windows_per_piece",
                                                     "melody_probability") if k in base_training})
        # ... but at least MIN_STEPS_PER_EPOCH batches an epoch: a dozen tunes made one batch, and
        # early stopping ended a stage after a handful of steps.
        wanted["windows_per_piece"] = max(int(wanted.get("windows_per_piece", 2)), math.ceil(
            MIN_STEPS_PER_EPOCH * config.batch_size / max(1, len(dataset.train))))
        fields = TrainConfig.__dataclass_fields__
        train_config = TrainConfig(**{k: tuple(v) if k == "seed_range" else v for k, v in wanted.items() if k in fields})
        trainer = Trainer(train_config, dataset, log=relay, progress=progress, augment=augment, model=start,
                          trainable=lambda name: name == "style.weight" or any(name.startswith(p) for p in prefixes))
        current[0] = trainer
        for sampler in (getattr(trainer, "sampler", None), getattr(trainer, "val_sampler", None)):
            if sampler is not None and hasattr(sampler, "style_dropout"):
                sampler.style_dropout = 0.0  # neutral must not learn the folder
        counted = sum(p.numel() for p in trainer.model.parameters() if p.requires_grad)
        mixed_count = len(dataset.train) - len(parts["train"])
        log(f"fine-tuning {counted:,} of {trainer.model.parameter_count():,} parameters ({mode}), lr {lr:g}, "
            f"{mixed_count} corpus pieces mixed in, at most {minutes:.1f} min")
        best = trainer.fit()
        if best is None:
            raise AdaptError("training stopped before the first epoch finished; allow more time (--max-minutes)")
        return best, trainer

    def isolated(tuned: Checkpoint, shared_row: torch.Tensor) -> Checkpoint:
        """The result: the base network (with NAME's row) for every style, and NAME's own network
        where tuning changed more than its row (parameter isolation: the old styles keep the base)."""
        shared = with_new_style(base.model, shared_row).eval()
        changed = any(not torch.equal(a, b) for (name, a), b in zip(tuned.model.state_dict().items(),
                                                                    shared.state_dict().values()) if name != "style.weight")
        # Styles adapted earlier into the base keep their own networks (one more style row each).
        own = {name: with_new_style(net, shared_row).eval() for name, net in base.own.items()}
        return Checkpoint(model=shared if changed else tuned.model, styles=styles, info=tuned.info,
                          own={**own, style: tuned.model} if changed else own)

    stages = []
    try:
        # 1: the new row alone; 2: every weight (NAME's own), kept only if it wins on validation.
        if config.train == "auto":
            first, trainer = stage(model, "style", config.style_lr, 0.25 * config.max_minutes, only_folder, "style")
            first_row = first.model.style.weight[new_index].detach().clone()
            adapted = isolated(first, first_row)
            stages.append({"mode": "style", "lr": config.style_lr, "epochs": trainer.epoch,
                           "best_val_loss": round(trainer.best, 4), "kept": True})
            left = 0.8 * config.max_minutes - (time.monotonic() - started) / 60
            if left < 0.3:
                log("no time left for the second stage; the new style's row alone was trained")
            else:
                first_valid = pitch_figures(adapted, parts["validation"], style).get("pitch_nll", math.inf)
                second, trainer2 = stage(copy.deepcopy(first.model), "all", config.lr, left, dataset, "all")
                candidate = isolated(second, first_row)
                valid = pitch_figures(candidate, parts["validation"], style).get("pitch_nll", math.inf)
                kept = valid < first_valid
                stages.append({"mode": "all", "lr": config.lr, "epochs": trainer2.epoch,
                               "best_val_loss": round(trainer2.best, 4), "kept": kept,
                               "validation_pitch_nll": round(valid, 4), "first_validation_pitch_nll": round(first_valid, 4)})
                log(f"every weight: validation pitch cross-entropy {valid:.3f}, the row alone {first_valid:.3f}: "
                    f"{'kept' if kept else 'the row alone kept'}")
                if kept:
                    adapted, trainer, stages[0]["kept"] = candidate, trainer2, False
        else:
            lr = config.style_lr if config.train == "style" else config.lr
            tuned, trainer = stage(model, config.train, lr, config.max_minutes,
                                   only_folder if config.train == "style" else dataset, config.train)
            adapted = isolated(tuned, tuned.model.style.weight[new_index].detach().clone())
            stages.append({"mode": config.train, "lr": lr, "epochs": trainer.epoch,
                           "best_val_loss": round(trainer.best, 4), "kept": True})
        # Nothing trained may leave the style worse than its starting row on the validation pieces
        # (a dozen tunes can: +1.6 % found by QA with --train all).
        start = Checkpoint(model=with_new_style(base.model, row).eval(), styles=styles, info=dict(base.info),
                           own={name: with_new_style(net, row).eval() for name, net in base.own.items()})
        start_valid = pitch_figures(start, parts["validation"], style).get("pitch_nll", math.inf)
        final_valid = pitch_figures(adapted, parts["validation"], style).get("pitch_nll", math.inf)
        if not final_valid < start_valid:
            log(f"the trained style predicts the validation pieces no better than its starting row "
                f"({final_valid:.3f} against {start_valid:.3f} nats/note): the starting row is kept")
            adapted = start
            for st in stages:
                st["kept"] = False
        seconds = time.monotonic() - started

        log("measuring before/after figures ...")
        before = pitch_figures(Checkpoint(model=with_new_style(base.model, row).eval(), styles=styles), judge, style)
        after = pitch_figures(adapted, judge, style)
        neutral = pitch_figures(base, judge, NEUTRAL_STYLE)
        old = {}
        if corpus_test and config.forgetting_pieces:
            # Unchanged by construction (the base weights write them); measured, so the card shows it.
            old = {"before": _by_style_figures(base, corpus_test, config.forgetting_pieces),
                   "after": _by_style_figures(adapted, corpus_test, config.forgetting_pieces)}
            old["worst_change"] = max((old["after"][k] / v - 1.0 for k, v in old["before"].items() if v > 0), default=0.0)
        info = dict(adapted.info)
        info["adapt"] = {
            "style": style, "folder": str(Path(folder).expanduser().resolve()), "base": str(base_path),
            "files": data.files, "skipped": [name for name, _ in data.skipped], "notes": data.notes,
            "pieces": {k: len(v) for k, v in parts.items()}, "figures_on": "test" if parts["test"] else "validation",
            "init": init_name, "init_scores": {k: round(v, 4) for k, v in init_scores.items()},
            "train": config.train, "stages": stages, "kept": next((st["mode"] for st in stages if st["kept"]), "start"),
            "start_validation_pitch_nll": round(start_valid, 4),
            "lr": trainer.config.lr, "mixed_corpus_pieces": len(mixed), "epochs": sum(st["epochs"] for st in stages),
            "best_epoch": adapted.info.get("metrics", {}).get("best_epoch"), "seconds": round(seconds, 1),
            "threads": torch.get_num_threads(), "made": time.strftime("%Y-%m-%d %H:%M:%S"),
            "before": before, "after": after, "base_neutral": neutral, "base_styles": old,
        }
        info["adapt"]["own_weights"] = bool(adapted.own)
        info = json.loads(json.dumps(info))
        result = replace(adapted, info=info)
        result.save(out)
        card = out.with_suffix(".md")
        _write_atomic(card, model_card(info["adapt"]))
        history = list(trainer.history)
    finally:
        if not workdir:
            shutil.rmtree(work, ignore_errors=True)
    log(f"{style}: pitch cross-entropy {before.get('pitch_nll', float('nan')):.3f} -> "
        f"{after.get('pitch_nll', float('nan')):.3f} nats/note on {info['adapt']['figures_on']} pieces; "
        f"wrote {out} and {card}")
    return AdaptResult(out=out, card=card, info=info, history=history)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def change(before: float, after: float) -> str:
    return f"{(after / before - 1.0):+.1%}" if before else "n/a"


def model_card(a: dict) -> str:
    """The small Markdown card written beside an adapted checkpoint."""
    b, f = a["before"], a["after"]
    lines = [
        f"# Style `{a['style']}`", "",
        f"Adapted from `{a['base']}` to the music in `{a['folder']}` on {a['made']} "
        f"in {a['seconds'] / 60:.1f} min ({a['threads']} CPU threads, {a['epochs']} epochs, best {a['best_epoch']}).", "",
        "## Data",
        f"{a['files']} files, {sum(a['pieces'].values())} pieces, {a['notes']} notes: "
        f"{a['pieces']['train']} learned from, {a['pieces']['validation']} for early stopping, "
        f"{a['pieces']['test']} held out." + (f" Unreadable, skipped: {', '.join(a['skipped'])}." if a["skipped"] else ""),
        "", "## Method",
        f"New style row initialised from `{a['init']}`"
        + (f"; {a['mixed_corpus_pieces']} pieces of the original corpus mixed in" if a["mixed_corpus_pieces"] else "")
        + f". Stages (`{a['train']}`):", "",
        *(f"{i + 1}. {st['mode']}: lr {st['lr']:g}, {st['epochs']} epochs, best validation loss {st['best_val_loss']}"
          + (f", validation pitch NLL {st['validation_pitch_nll']} (row alone {st['first_validation_pitch_nll']})"
             if "validation_pitch_nll" in st else "")
          + (" (kept)" if st["kept"] else " (not kept)") for i, st in enumerate(a["stages"])), "",
        ("The tuned weights serve this style only; every base style is written by the base model's weights, "
         "unchanged (parameter isolation)." if a.get("own_weights") else
         "Training did not beat the starting row on the validation pieces, so the starting row is kept; every "
         "other weight is the base model's." if a.get("kept") == "start" else
         "Only the new style's row was trained; every other weight is the base model's."), "",
        f"## Figures (evaluation protocol, {a['figures_on']} pieces of the folder)", "",
        "| | pitch NLL (nats/note) | pitch acc | joint NLL |", "|---|---|---|---|",
        f"| base model, style `{a['init']}` | {b.get('pitch_nll', 0):.3f} | {b.get('pitch_acc', 0):.1%} | {b.get('joint_nll', 0):.3f} |",
        f"| base model, neutral | {a['base_neutral'].get('pitch_nll', 0):.3f} | {a['base_neutral'].get('pitch_acc', 0):.1%} "
        f"| {a['base_neutral'].get('joint_nll', 0):.3f} |",
        f"| **adapted, `{a['style']}`** | **{f.get('pitch_nll', 0):.3f}** | {f.get('pitch_acc', 0):.1%} | {f.get('joint_nll', 0):.3f} |",
        "", f"Pitch cross-entropy change: {change(b.get('pitch_nll', 0), f.get('pitch_nll', 0))}.",
    ]
    old = a.get("base_styles") or {}
    if old:
        lines += ["", "## The base styles (corpus validation + test splits, pitch NLL)", "",
                  "| style | before | after | change |",
                  "|---|---|---|---|"]
        lines += [f"| {k} | {old['before'][k]:.3f} | {old['after'][k]:.3f} | {change(old['before'][k], old['after'][k])} |"
                  for k in old["before"]]
    else:
        lines += ["", "The base styles' figures were not measured here (no corpus cache built: composer data "
                  "build); they keep the base weights, so they are the base model's."]
    return "\n".join(lines) + "\n"
