"""`composer render IN -o OUT.wav [--soundfont F]`: render a score to WAV through FluidSynth.

Offline and faster than real time, through the same scheduling path as live playback.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path


def _number(convert, check):
    """An argparse type: `convert` the text, then `check(value)` returns why it is refused (or None).
    argparse names the option and exits 2 before anything is rendered."""

    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        reason = check(value)
        if reason:
            raise argparse.ArgumentTypeError(reason)
        return value

    return parse


def _fluidsynth_range(name: str):
    def check(value: float) -> str | None:
        from composer.audio.render import GAIN_RANGE, SAMPLE_RATE_RANGE
        low, high = SAMPLE_RATE_RANGE if name == "sample rate" else GAIN_RANGE
        if not low <= value <= high:
            shown = value if isinstance(value, int) else f"{value:g}"
            return f"{shown} is outside FluidSynth's {name} range, {low:g}-{high:g}"
        return None

    return check


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path,
                        help="a score (.mid, .abc, .xml/.mxl, .krn) or a project (.composer.json)")
    parser.add_argument("-o", "--output", type=Path,
                        help="the WAV file to write (default: the input's name with .wav)")
    parser.add_argument("--soundfont", type=Path,
                        help="a .sf2/.sf3 General MIDI soundfont (default: found automatically, "
                             "see soundfonts/README.md)")
    parser.add_argument("--sample-rate", type=_number(int, _fluidsynth_range("sample rate")),
                        default=44100, help="samples per second (8000-96000, default 44100)")
    parser.add_argument("--gain", type=_number(float, _fluidsynth_range("gain")), default=0.5,
                        help="FluidSynth master gain (0-10, default 0.5)")
    parser.add_argument("--tempo", type=float, default=1.0,
                        help="tempo factor: 2 plays twice as fast (0.1-10, default 1)")
    parser.add_argument("--peak", default=-1.0,
                        type=_number(float, lambda v: None if v <= 0 else
                                     f"{v:g} dBFS is above full scale: give 0 or less, e.g. -1"),
                        help="peak-normalise the file to this level in dBFS (0 or less, default -1)")
    parser.add_argument("--no-normalise", action="store_true", help="write the synth's level as is")
    parser.add_argument("--max-silence", default=10.0,
                        type=_number(float, lambda v: None if v >= 0 else
                                     f"{v:g} s is negative: give 0 or more seconds (0 keeps every silence)"),
                        help="shorten any stretch with no note longer than this to this many seconds "
                             "(default 10; 0 keeps every silence, up to the six-hour render limit)")
    parser.add_argument("--quiet", action="store_true", help="no progress line")


def run(args: argparse.Namespace) -> int:
    from composer.audio import AudioError, render_wav
    from composer.io import ScoreFileError, read_score
    from composer.io.project_file import is_project_path, load_project

    output = args.output or args.input.with_suffix(".wav")
    # render writes WAV only: a WAV under a .mp3 or .mid name fools players, and `-o song.mid`
    # naming the input overwrote the score with audio
    if output.suffix.lower() != ".wav":
        print(f"composer render: {output}: render writes WAV audio; name the output .wav "
              f"(e.g. -o {output.with_suffix('.wav').name})", file=sys.stderr)
        return 2
    if not output.parent.is_dir():  # said before the render, not as "No such file or directory" after it
        print(f"composer render: {output}: the folder {output.parent} does not exist; create it or "
              "give another -o", file=sys.stderr)
        return 2
    if not 0.1 <= args.tempo <= 10:
        print(f"composer render: --tempo {args.tempo} is outside 0.1-10", file=sys.stderr)
        return 2
    if args.soundfont is not None and not args.soundfont.is_file():  # else it is called "the settings'" font
        what = "is a folder" if args.soundfont.is_dir() else "does not exist"
        print(f"composer render: --soundfont {args.soundfont} {what}; give a .sf2/.sf3 General MIDI "
              "soundfont, or leave the flag out to use $COMPOSER_SOUNDFONT or a system font", file=sys.stderr)
        return 2
    try:
        # a project, as continue/fill/accompany write one (-o out.composer.json)
        score = load_project(args.input).score if is_project_path(args.input) else read_score(args.input)
    except ScoreFileError as error:
        print(f"composer render: {error}", file=sys.stderr)
        return 1
    if not score.notes:
        print(f"composer render: {args.input}: the score has no notes to render", file=sys.stderr)
        return 1
    for notice in score.notices:  # what reading interpreted (pedal, repeats), as the window says it
        print(f"composer render: {args.input}: {notice}", file=sys.stderr)
    show = not args.quiet and sys.stderr.isatty()

    def progress(fraction: float) -> None:
        if show:
            print(f"\rrendering {output.name}: {fraction:4.0%}", end="", file=sys.stderr, flush=True)

    import signal

    class Stopped(KeyboardInterrupt):  # a signal ends the render like an error: the partial file is removed
        def __init__(self, signum: int):
            super().__init__(signal.Signals(signum).name)
            self.code = 128 + signum  # the shell's convention: SIGTERM 143, SIGHUP 129 (Ctrl+C: 130)

    def stop(signum, _frame):
        raise Stopped(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        result = render_wav(score, output, soundfont=args.soundfont, sample_rate=args.sample_rate,
                            gain=args.gain, tempo_factor=args.tempo, progress=progress,
                            normalise_peak=None if args.no_normalise else min(0.0, args.peak),
                            max_silence=args.max_silence if args.max_silence > 0 else None)
    except KeyboardInterrupt as interrupt:
        print(f"\ncomposer render: stopped ({interrupt or 'interrupted'}); no file written", file=sys.stderr)
        return getattr(interrupt, "code", 130)
    except AudioError as error:
        if show:
            print(file=sys.stderr)
        print(f"composer render: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"composer render: cannot write {output}: {error.strerror or error}", file=sys.stderr)
        return 1
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if show:
        print(file=sys.stderr)
    if result.notice:
        print(f"composer render: {args.input.name}: {result.notice}", file=sys.stderr)
    print(f"wrote {result.path}: {result.seconds:.1f} s of audio in {result.elapsed:.2f} s "
          f"({result.speed:.0f}x real time) with {result.soundfont.name}; peak {result.peak_dbfs:.1f} dBFS"
          + (f" (normalised, {result.gain_db:+.1f} dB)" if result.gain_db else ""))
    return 0
