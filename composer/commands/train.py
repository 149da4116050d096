"""`composer train`: train a co-writer on the corpus cache (default: the bundled corpus)."""

from __future__ import annotations

import argparse


def _task_weights(text: str) -> tuple[float, float, float]:
    try:
        weights = tuple(float(x) for x in text.split(","))
    except ValueError:
        weights = ()
    if len(weights) != 3 or min(weights) < 0 or sum(weights) <= 0:
        raise argparse.ArgumentTypeError(f"expected three non-negative weights C,F,A (continue, fill, accompany), got {text!r}")
    return weights  # type: ignore[return-value]


def _balance(text: str) -> float:
    try:
        power = float(text)
    except ValueError:
        power = -1.0
    if not 0 < power <= 1:
        raise argparse.ArgumentTypeError(f"expected a power above 0 and at most 1, got {text!r}")
    return power


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--out", default="models/model.safetensors", help="checkpoint to write (best epoch)")
    parser.add_argument("--cache", help="corpus cache directory (default: the `composer data build` cache)")
    parser.add_argument("--data", metavar="FOLDER", help="train on your own folder of MIDI/ABC/MusicXML files "
                        "(style = sub-folder name); builds its cache first")
    parser.add_argument("--epochs", type=int, default=1000, help="most epochs (early stopping and --max-minutes usually end a run first)")
    parser.add_argument("--batch-size", type=int, default=32, help="region examples per step")
    parser.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate (1e-4 to go on training a trained model; with --resume it replaces the saved rate)")
    parser.add_argument("--dropout", type=float, default=0.2, help="dropout between the layers")
    parser.add_argument("--patience", type=int, default=10, help="early stopping: epochs without improvement")
    parser.add_argument("--clip", type=float, default=1.0, help="gradient-norm clipping")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same run)")
    parser.add_argument("--max-minutes", type=float, help="stop after this much training time")
    parser.add_argument("--max-steps-per-epoch", type=int, help="cap the batches per epoch (quick runs)")
    parser.add_argument("--embed", type=int, default=256, help="size of each note feature's embedding")
    parser.add_argument("--encoder-hidden", type=int, default=128, help="per direction")
    parser.add_argument("--decoder-hidden", type=int, default=256, help="decoder LSTM size")
    parser.add_argument("--layers", type=int, default=2, help="LSTM layers of the encoder and the decoder")
    parser.add_argument("--absolute-pitch-only", action="store_true",
                        help="no interval head beside the absolute pitch head (the first design)")
    parser.add_argument("--no-copy", action="store_true", help="no copy (pointer) distributions from the history")
    parser.add_argument("--target-length", type=int, default=96, help="notes written by a continue example")
    parser.add_argument("--no-augment", action="store_true", help="turn data augmentation off")
    parser.add_argument("--windows-per-piece", type=int, default=2, help="at most this many training examples "
                        "of one piece per epoch, so long works do not outweigh short songs")
    parser.add_argument("--init-from", metavar="CKPT", help="start from this checkpoint's weights (styles matched "
                        "by name; new styles start at the mean of the known ones)")
    parser.add_argument("--melody-probability", type=float, default=0.5, help="how often a polyphonic piece "
                        "is reduced to its melody for a training example")
    parser.add_argument("--polyphonic-tasks", metavar="C,F,A", type=_task_weights,
                        help="how often continue, fill and accompany examples are drawn from pieces of several voices "
                             "(default 0.65,0.2,0.15, as for every piece); accompany can only come from those")
    parser.add_argument("--style-balance", type=_balance, default=1.0, metavar="POWER",
                        help="each style's share of the training examples is its share of the corpus to this "
                             "power: 1 (default) as in the corpus, 0.5 gives small styles more (0 < POWER <= 1)")
    parser.add_argument("--restatements", type=float, default=0.0, metavar="SHARE",
                        help="share of training examples that are a random phrase stated again, as is or "
                             "transposed (keeps the model's memory of the piece while fine-tuning; default 0)")
    parser.add_argument("--exclude-style", action="append", metavar="STYLE",
                        help="leave a style of the corpus out altogether (repeatable): a base that never heard it, "
                             "to measure `composer adapt` on it")
    parser.add_argument("--threads", type=int, help="CPU threads for torch (default: all cores)")
    parser.add_argument("--resume", action="store_true", help="continue the run that wrote --out")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def run(args: argparse.Namespace) -> int:
    import sys

    import torch

    from composer.data.corpus import CorpusNotBuiltError, load_corpus
    from composer.model.network import NetworkConfig
    from composer.train import TrainConfig, Trainer, pieces_from_corpus

    if args.threads:
        torch.set_num_threads(args.threads)
    cache = args.cache
    if args.data:
        from composer.data.corpus import build_corpus
        from composer.data.sources import source_from_spec

        cache = cache or f"{args.data.rstrip('/')}/.composer-cache"
        build_corpus([source_from_spec(args.data)], cache, progress=not args.quiet)
    try:
        corpus = load_corpus(cache)
    except CorpusNotBuiltError as error:
        print(f"error: {error}\nBuild it first: composer data build", file=sys.stderr)
        return 2
    unknown = sorted(set(args.exclude_style or ()) - set(corpus.styles))
    if unknown:
        print(f"error: --exclude-style {', '.join(unknown)}: not a style of this corpus "
              f"({', '.join(corpus.styles)})", file=sys.stderr)
        return 2
    data = pieces_from_corpus(corpus, exclude=tuple(args.exclude_style or ()))
    if not data.train or not data.validation:
        print("error: the corpus needs pieces in both the training and validation splits", file=sys.stderr)
        return 2
    network = NetworkConfig(embed=args.embed, encoder_hidden=args.encoder_hidden, decoder_hidden=args.decoder_hidden,
                            encoder_layers=args.layers, decoder_layers=args.layers, dropout=args.dropout,
                            relative_pitch=not args.absolute_pitch_only, copy=not args.no_copy)
    config = TrainConfig(out=args.out, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                         patience=args.patience, clip=args.clip, seed=args.seed,
                         max_minutes=args.max_minutes, max_steps_per_epoch=args.max_steps_per_epoch,
                         target_length=args.target_length, augment=not args.no_augment,
                         windows_per_piece=args.windows_per_piece, melody_probability=args.melody_probability,
                         polyphonic_task_weights=args.polyphonic_tasks, style_balance=args.style_balance,
                         restatements=args.restatements,
                         network=network)
    model = None
    if args.init_from and not args.resume:
        from composer.model.checkpoint import CheckpointError, load_checkpoint
        from composer.train import model_for_styles

        try:
            # A checkpoint from before the match-length bonus gains it (starting at zero).
            model = model_for_styles(load_checkpoint(args.init_from), data.styles, {"match": network.match})
        except CheckpointError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    trainer = Trainer(config, data, progress=not args.quiet, resume=args.resume, model=model)
    if trainer.rank == 0:
        print(f"training on {len(data.train)} pieces ({len(data.validation)} validation), styles: "
              f"{', '.join(data.styles)}; {trainer.model.parameter_count():,} parameters on {trainer.device}")
    trainer.fit()
    if trainer.rank == 0:
        print(f"best validation loss {trainer.best:.4f}; checkpoint {config.out}, metrics {trainer.out.with_suffix('.csv')}")
    if trainer.world > 1:
        torch.distributed.destroy_process_group()
    return 0
