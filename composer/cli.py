"""`composer` console script: the GUI by default, and the sub-commands.

Each sub-command lives in composer/commands/<name>.py with `add_arguments(parser)` and
`run(args) -> int`. Those modules import heavy libraries (torch, music21, fluidsynth) only inside
`run`, so `composer --help` and the GUI start-up stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

from composer import __version__

# name -> (module under composer.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "gui": ("gui", "open the composer window (the default)"),
    "data": ("data", "build or inspect the training corpus cache"),
    "train": ("train", "train a co-writer model"),
    "adapt": ("adapt", "teach the co-writer a new style from a folder of your own music"),
    "evaluate": ("evaluate", "score a model against the PPM and n-gram baselines (nats per note)"),
    "continue": ("continue_", "continue a score, each voice sounding at the end in its own voice"),
    "fill": ("fill", "rewrite bars in the middle of a score (a gap) with the music around as context"),
    "accompany": ("accompany", "add a bass, harmony, counter-melody or drum part to a score"),
    "render": ("render", "render a score to a WAV file through FluidSynth"),
}


def _available(module: str) -> bool:
    return importlib.util.find_spec(f"composer.commands.{module}") is not None


def _names_a_file(word: str) -> bool:
    """A first word that is no command or option but a file (or a name with a suffix, e.g. a
    song.mid not there: the window says so) opens in the window. `composer song.mid` was refused
    with "invalid choice: 'song.mid' (choose from 'gui', ...)"."""
    from pathlib import Path

    return word not in COMMANDS and not word.startswith("-") and (Path(word).suffix != "" or Path(word).exists())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="composer",
        description="Composer: sketch a phrase, let the co-writer continue it, hear it, export it.",
    )
    parser.add_argument("--version", action="version", version=f"composer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        if not _available(module):
            continue
        command = importlib.import_module(f"composer.commands.{module}")
        command.add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def _option_value(argv: list[str], option: str) -> str | None:
    """The value given to `option` in argv ("--model M" or "--model=M"), or None."""
    for i, arg in enumerate(argv):
        if arg == option and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(option + "="):
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv:
        if not _available("gui"):
            parser.print_help()
            return 0
        argv = ["gui"]
    elif _names_a_file(argv[0]):
        argv = ["gui", *argv]  # `composer song.mid`, as a file manager's "Open with" runs it
    if argv[0] in ("continue", "fill", "accompany") and "--list-styles" in argv:
        # (answered before the parser asks for the file, -o and --part the listing does not need)
        from composer.commands.generation_args import list_styles

        return list_styles(_option_value(argv, "--model"))
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    command = importlib.import_module(f"composer.commands.{COMMANDS[args.command][0]}")
    try:
        return int(command.run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
