"""Options and the run loop shared by `composer continue`, `fill` and `accompany`: each builds
one GenerationRequest (composer.request) and hands it to the co-writer service
(composer.generate.CoWriter). Heavy imports (torch) happen inside `run_request` only."""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from contextlib import contextmanager
from typing import Any, Callable

from composer.music.limits import BARS_REQUEST_NOTES, MAX_VARIATIONS, region_fill_cap, voice_fill_cap
from composer.music.region import GRIDS


def add_common(parser: argparse.ArgumentParser) -> None:
    """The input file, output, sampling options and controls every generating command takes."""
    parser.add_argument("file", help="input score (.mid, .abc, .xml/.mxl, .krn, .composer.json)")
    parser.add_argument("-o", "--out", required=True, help="output .mid or .composer.json (with --variations N > 1, "
                        "files are numbered: out-1.mid, out-2.mid, ...)")
    parser.add_argument("--model", help="checkpoint (default: the shipped model)")
    parser.add_argument("--style", help="style name (see --list-styles); default: neutral")
    parser.add_argument("--key", type=_key, default="auto", help="key lock: 'auto' (detected from the music around; the "
                        "default), e.g. C:major, A:minor, D:dorian, or 'off'")
    parser.add_argument("--temperature", type=_request_value("temperature", float), default=1.0,
                        help="how adventurous the choices are: 1 as the model learnt (the default), lower is safer, "
                        "0 always the likeliest note")
    parser.add_argument("--top-p", type=_request_value("top_p", float), default=0.95,
                        help="draw only from the likeliest choices that together hold this share of the "
                        "probability (nucleus sampling; default 0.95, 1 = all)")
    parser.add_argument("--variations", type=bounded_count("variations", MAX_VARIATIONS, "at a time"), default=1,
                        help=f"how many different takes to write, each its own file (default 1, at most {MAX_VARIATIONS})")
    parser.add_argument("--seed", type=int, dest="random_seed", help="random seed for a repeatable result")
    parser.add_argument("--only-continuation", "--only-new", action="store_true", dest="only_new",
                        help="write only the new notes, at their place in the piece (MIDI or project)")
    parser.add_argument("--list-styles", action="store_true", help="print the model's styles and exit")
    controls = parser.add_argument_group("controls (each optional; the model decides what is not given)")
    controls.add_argument("--density", type=_request_value("density", float),
                          help="new notes per bar per voice (more than 0, at most 64)")
    controls.add_argument("--lowest", type=_request_value("lowest", _pitch),
                          help="lowest new pitch (MIDI number or name, e.g. C3)")
    controls.add_argument("--highest", type=_request_value("highest", _pitch),
                          help="highest new pitch (MIDI number or name, e.g. G5)")
    controls.add_argument("--max-polyphony", type=_request_value("max_polyphony", int),
                          help="most simultaneous new notes in a voice (1 = a single line)")
    controls.add_argument("--grid", choices=GRIDS, help="rhythmic grid of new onsets, kept exactly (without it, new "
                          "notes in a part you played keep its timing feel, a little off the grid as yours are)")
    controls.add_argument("--chord-strength", type=_chord_strength, metavar="0-10",
                          help="how strongly the melody lands on chord tones on strong beats when chords are "
                               "given (--chords or the file's own); 0 = off (only the model's own habit); "
                               "default: the style's own habit (a little firmer in a fill given chords its old "
                               "bars do not follow)")


def print_styles(cowriter) -> int:
    """Print a co-writer's styles, grouped and named as the window shows them (--list-styles)."""
    from composer.data.styles import style_list_lines

    print("\n".join(style_list_lines(cowriter.styles)))
    return 0


def list_styles(model: str | None) -> int:
    """`composer continue|fill|accompany --list-styles [--model M]`: the styles, without a file to
    read or write (a new user looking for the names had been asked for a file, -o and --part)."""
    import sys

    from composer.generate import CheckpointError, CoWriter

    try:
        return print_styles(CoWriter.load(model))
    except CheckpointError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


class OptionError(ValueError):
    """A bad option, or pair of options, found after parsing (e.g. --voices against the file's
    voices): printed as '--option: why', without the input file's name, which is not at fault."""

    def __init__(self, option: str, message: str):
        super().__init__(f"{option}: {message}")


def _request_value(name: str, convert: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type for the GenerationRequest or Controls field `name`, checked when parsed with
    that class's own rule (one rule, one message; argparse names the option and exits 2)."""

    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a{' whole' if convert is int else ''} "
                                             "number") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        try:
            _probe(name, value)
        except ValueError as error:
            message = str(error)
            for word in (name.replace("_", "-"), name.replace("_", " ")):  # argparse names it already
                message = message.removeprefix(f"{word} ")
            raise argparse.ArgumentTypeError(message) from None
        return value

    return parse


def _probe(name: str, value: Any) -> None:
    """Raise the ValueError a request with field `name` = value raises (nothing when it is fine)."""
    from dataclasses import fields

    from composer.music.region import Controls, Region
    from composer.music.score import Score
    from composer.request import GenerationRequest

    if name in {f.name for f in fields(Controls)}:
        Controls(**{name: value})
    else:
        GenerationRequest(Score(), Region(0, None, (0,)), **{name: value})


def _key(text: str) -> str:
    """--key: 'auto', 'off'/'none', or a key Key.parse reads (checked when parsed)."""
    from composer.music.scales import Key

    if text.strip().lower() in ("auto", "off", "none"):
        return text.strip().lower()
    try:
        Key.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{error}; or give 'auto' or 'off'") from None
    return text


def bars_text(text: str) -> str:
    """--bars of fill/accompany ('5-6' or '5'), checked when parsed; laid out once the file is read."""
    from composer.request import parse_bars

    try:
        parse_bars(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


VOICES_LISTED = 8  # voices a summary line names their new notes for (a 256-voice file's ran to 5,000 characters)


def _per_voice(score, voices: tuple[int, ...], new: list) -> str:
    """'Melody 12, Bass 8' for the first VOICES_LISTED of `voices`, then how many more."""
    counts = Counter(n.voice for n in new)
    listed = ", ".join(f"{score.voices[v].name} {counts[v]}" for v in voices[:VOICES_LISTED])
    more = len(voices) - VOICES_LISTED
    return listed + (f", and {more} more voices ({sum(counts[v] for v in voices[VOICES_LISTED:])} notes)"
                     if more > 0 else "")


@contextmanager
def _progress_bar():
    """A progress(done, total) callback drawing a percentage bar on a terminal's stderr (tqdm;
    nothing where stderr is not a terminal): a 256-voice continuation ran for 20-40 s with no sign
    of life (QA qa27). A percentage, as what the generation counts depends on the request
    (composer.ui.generation_progress)."""
    from tqdm import tqdm

    bar = tqdm(total=1, desc="writing", disable=None, leave=False, file=sys.stderr,
               bar_format="{desc}: {percentage:3.0f}% |{bar}| {elapsed}")

    def progress(done: int, total: int) -> None:
        bar.total = max(1, total)
        bar.n = min(done, bar.total)
        bar.refresh()

    try:
        yield progress
    finally:
        bar.close()


def chosen_voices(score, names: str | None) -> tuple[int, ...] | None:
    """--voices as indices into the score's voices; OptionError naming the voices it has."""
    from composer.request import voice_indices

    try:
        return voice_indices(score, names)
    except ValueError as error:
        raise OptionError("--voices", str(error)) from None


def chosen_bars(score, text: str) -> tuple[int, int]:
    """--bars of fill/accompany as ticks [start, end) of the score; OptionError when the score has
    no such bars (bar 0 without a pickup)."""
    from composer.request import bar_span, parse_bars

    try:
        return bar_span(score, *parse_bars(text))
    except ValueError as error:
        raise OptionError("--bars", str(error)) from None


def bounded_count(unit: str, most: int, hint: str) -> Callable[[str], int]:
    """An argparse type for a whole number 1..most (composer.music.limits), refused when parsed
    (exit 2, argparse names the option) so that a typo never runs for minutes or writes 1000 files."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"{value} is too few: give at least 1")
        if value > most:
            raise argparse.ArgumentTypeError(f"{value} is too many: at most {most:,} {unit} {hint}")
        return value

    return parse


def _pitch(text: str) -> int:
    """'60' or 'C4' (middle C = C4 = 60) -> MIDI pitch."""
    from composer.music.scales import pitch_class_of

    text = text.strip()
    if text.lstrip("-").isdigit():
        return int(text)
    name, octave = text.rstrip("-0123456789"), text[len(text.rstrip("-0123456789")):]
    try:
        return pitch_class_of(name) + 12 * (int(octave) + 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a pitch: give a MIDI number or a name like C4") from None


def _chord_strength(text: str) -> float:
    """--chord-strength, checked when parsed (argparse names the option) with Controls' own rule,
    so the message is the one a request would give."""
    from composer.music.region import Controls

    try:
        value = float(text)
        Controls(chord_strength=value)
    except ValueError as error:
        reason = str(error) if "chord strength" in str(error) else f"{text!r} is not a number"
        raise argparse.ArgumentTypeError(f"{reason}; give 0-10 (0 = off), or leave it out for the style's "
                                         "own habit") from None
    return value


def request_options(args: argparse.Namespace) -> dict:
    """Keyword arguments of GenerationRequest from the parsed options (controls included)."""
    from composer.music.region import Controls

    key = None if (args.key or "").lower() in ("off", "none") else args.key
    try:
        controls = Controls(density=args.density, lowest=args.lowest, highest=args.highest,
                            max_polyphony=args.max_polyphony, grid=args.grid,
                            chord_strength=getattr(args, "chord_strength", None))
    except ValueError as error:  # each is checked when parsed: what is left is a pair, --lowest above --highest
        named = [f"--{o}" for o in ("lowest", "highest", "density", "max-polyphony", "grid", "chord-strength")
                 if o.replace("-", " ") in str(error)]
        raise OptionError("/".join(named) or "options", str(error)) from None
    return dict(style=args.style, key=key, controls=controls, temperature=args.temperature, top_p=args.top_p,
                variations=args.variations, seed=args.random_seed)


def run_request(args: argparse.Namespace, build: Callable) -> int:
    """Load the model and the file, build the request with build(score, options), generate, write
    the variations. Errors print one line naming the file and what to do; exit status 2."""
    import sys
    from pathlib import Path

    from composer.generate import CheckpointError, CoWriter
    from composer.io import ScoreFileError, read_score, write_midi
    from composer.io.project_file import Project, is_project_path, load_project, save_project

    def fail(message: str) -> int:
        print(f"error: {message}", file=sys.stderr)
        return 2

    if not args.list_styles and not (is_project_path(args.out) or Path(args.out).suffix.lower() in (".mid", ".midi")):
        # write_midi writes any name: "-o take.wav" made a MIDI file called take.wav
        hint = "; to hear it, write a .mid and run composer render on it" if Path(args.out).suffix.lower() == ".wav" else ""
        return fail(f"{args.out}: the output must be a .mid/.midi file or a .composer.json project{hint}")
    clash = None if args.list_styles else _input_among_outputs(args)
    if clash:  # "-o song.mid" on song.mid replaced it: with --only-new its notes were gone
        return fail(f"{clash}: that is the input file; give -o another name (writing over it would lose "
                    "its notes with --only-new, and what Composer does not read, such as pitch bend)")
    try:
        options = request_options(args)
    except OptionError as error:
        return fail(str(error))
    try:  # the environment's number format, before the file: a wrong one is not the file's fault
        from composer.model.precision import inference_dtype

        inference_dtype()
    except ValueError as error:
        return fail(f"{error} (the environment variable; unset it for the default)")
    try:
        cowriter = CoWriter.load(args.model)
    except CheckpointError as error:
        return fail(str(error))
    if args.list_styles:
        return print_styles(cowriter)
    try:
        cowriter.check_style(args.style)
    except ValueError as error:
        return fail(f"--style: {error}{_style_hint(args.style, cowriter.styles, args.model)}")
    try:
        score = load_project(args.file).score if is_project_path(args.file) else read_score(args.file)
        for notice in score.notices:  # what reading interpreted (pedal, repeats), as the window says it
            print(f"notice: {args.file}: {notice}", file=sys.stderr)
        request = build(score, options)
        unkeyed = _unkeyed(request)
        if unkeyed:
            print(f"notice: {args.file}: {unkeyed}", file=sys.stderr)
        with _progress_bar() as progress:
            variations = cowriter.generate(request, progress=progress)
        for notice in cowriter.notices:  # (a one-track piano written as two hands)
            print(f"notice: {args.file}: {notice}", file=sys.stderr)
    except ScoreFileError as error:
        return fail(str(error))
    except OptionError as error:  # an option the file's content refuses (--voices, --bars): not the file's fault
        return fail(str(error))
    except ValueError as error:
        return fail(f"{args.file}: {error}")
    out = Path(args.out)
    for number, variation in enumerate(variations, start=1):
        path = out if len(variations) == 1 else out.with_name(_numbered(out.name, number))
        try:
            if is_project_path(path):  # --only-new: the co-writer's notes alone, as the MIDI export writes them
                written = variation.copy(notes=[n for n in variation.notes if n.generated]) if args.only_new \
                    else variation
                if args.only_new:
                    written.pedals = []  # the player's pedal belongs to the notes left out
                save_project(Project(score=written), path)
            else:
                write_midi(variation, path, only_generated=args.only_new)
        except ScoreFileError as error:
            return fail(str(error))
        new = [n for n in variation.notes if n.generated and not n in score.notes]
        per_voice = _per_voice(variation, request.region.voices, new)
        if args.only_new:
            print(f"{path}: {len(new)} new notes alone, without the {len(variation.notes) - len(new)} kept "
                  f"(--only-new) ({per_voice})")
        else:
            print(f"{path}: {len(variation.notes) - len(new)} notes kept + {len(new)} new ({per_voice})")
        stopped = _stopped_short(*_as_written(cowriter, request, new, number - 1))
        if stopped and request.region.end is not None:
            print(f"notice: {path}: {stopped} stopped at the most new notes one request writes "
                  f"({len(new)} written), before the end of the bars asked: ask for fewer bars at a time (--bars)",
                  file=sys.stderr)
        elif stopped:
            print(f"notice: {path}: {stopped} stopped at the most new notes one request writes in a voice, so "
                  f"the {request.bars} bars may not all be filled: continue {path.name} for more, or ask for "
                  "fewer bars", file=sys.stderr)
    from composer.request import same_variations, same_variations_text

    same = same_variations_text(same_variations(variations), request.temperature)
    if same:
        print(f"notice: {same} (--temperature, --top-p)", file=sys.stderr)
    return 0


def _unkeyed(request) -> str | None:
    """What to say when the auto key lock finds no key (composer.request.finds_no_key). None otherwise."""
    from composer.request import finds_no_key

    if not finds_no_key(request):
        return None
    return ("there are no pitched notes, chords or key signature to take a key from, or the music changes key "
            "too often for one, so the new notes keep to no key: give one with --key (e.g. --key E:minor), "
            "or --chords")


def _style_hint(style: str, known: list[str], model: str | None) -> str:
    """For an unknown --style: the stored name of one typed as for composer adapt ('My Jigs' ->
    my_jigs), or the checkpoint of a style adapted into the styles folder (the model lacks it)."""
    from pathlib import Path

    from composer.user_styles import style_id, user_styles

    try:
        slug = style_id(style)
    except ValueError:
        return ""
    if slug in known:
        return f". Did you mean --style {slug}?"
    mine = user_styles()
    if slug in mine and (model is None or Path(model).resolve() != mine[slug].resolve()):
        return f". '{slug}' is a style you adapted (composer adapt): add --model {mine[slug]}"
    return ""


def _input_among_outputs(args: argparse.Namespace):
    """The output path (or numbered variation path) that is the input file itself, or None."""
    from pathlib import Path

    source, out = Path(args.file), Path(args.out)
    count = getattr(args, "variations", None) or 1
    paths = [out] if count == 1 else [out.with_name(_numbered(out.name, n)) for n in range(1, count + 1)]
    if not source.exists():
        return None
    return next((p for p in paths if p.exists() and p.samefile(source)), None)


def _as_written(cowriter, request, new: list, variation: int) -> tuple:
    """(request, new notes) as the model wrote them: a part played with both hands in one track
    as its two hands, each with its own note cap (counted as one part, a long continuation was
    told it stopped at the cap when neither hand had)."""
    written, notes = cowriter.written
    return (written, notes[variation]) if written is not None and variation < len(notes) else (request, new)


def _stopped_short(request, new: list) -> str:
    """'Chords (256), Drums (256)': the voices of a --bars continuation, or of a region with an end
    (a fill, an added part), that the model stopped at its note cap (composer.music.limits:
    BARS_REQUEST_NOTES for the voice written first, voice_fill_cap for each after it;
    region_fill_cap for a region) rather than at the last bar; '' when none did."""
    region = request.region
    if region.end is not None and request.length is None and request.bars is None:
        cap = region_fill_cap((region.end - region.start) / request.score.time_signature.bar_ticks,
                              len(region.voices))
        if len(new) < cap:
            return ""
        return ", ".join(f"{request.score.voices[v].name} ({sum(n.voice == v for n in new)})" for v in region.voices)
    if request.bars is None or request.length is not None or region.end is not None:
        return ""  # otherwise only an open-ended --bars request has a span the cap can cut short
    first_cap = min(BARS_REQUEST_NOTES, 48 * request.bars * len(request.region.voices))  # region_writer's
    counts = {v: sum(n.voice == v for n in new) for v in request.region.voices}
    return ", ".join(f"{request.score.voices[v].name} ({count})" for v, count in counts.items()
                     if count in (first_cap, voice_fill_cap(request.bars)) or count >= BARS_REQUEST_NOTES)


def _numbered(name: str, number: int) -> str:
    for suffix in (".composer.json", ".mid", ".midi"):
        if name.lower().endswith(suffix):
            return f"{name[:-len(suffix)]}-{number}{name[-len(suffix):]}"
    stem, dot, ext = name.rpartition(".")
    return f"{stem}-{number}.{ext}" if dot else f"{name}-{number}"


def _chords_text(text: str) -> str:
    """Validate --chords early (argparse names the option); bars are laid out once the score is read."""
    from composer.music.chords import parse_chord_bars
    from composer.music.meter import MeterChange, MeterMap

    try:
        parse_chord_bars(text, MeterMap([MeterChange(0, 4, 4)]))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def add_chords(parser: argparse.ArgumentParser, where: str) -> None:
    """--chords for a command whose chords are laid out `where` (help text: "from the bar ...")."""
    parser.add_argument("--chords", type=_chords_text, metavar='"C | Am | F G7 | %"',
                        help=f"chords to follow, one bar per '|'-separated cell {where} (several chords in a "
                             "bar share its beats, the first the longest: 'C F G' in 4/4 is 2+1+1; '/' holds the "
                             "chord before it a share: 'C / / F' is 3+1; %% repeats a bar; N.C. = none)")


def say_chords_unused(file: str, request) -> None:
    """A notice where --chords was given for a request that writes drums only: chords guide pitched
    parts, and a drum fill took them without a word (QA qa17 L2)."""
    voices = request.region.voices
    if voices and all(request.score.voices[v].is_drum for v in voices):
        print(f"notice: {file}: --chords guides pitched parts; the drums written here play no chords "
              "(the chords still stand in the score's chord track)", file=sys.stderr)


# Scales of a chosen key's tonic that say_chords_outside_key suggests where they hold the chords given,
# nearest first: a minor key's harmonic and melodic forms, a major key's modes.
_SCALES_TO_SUGGEST = {"minor": ("harmonic_minor", "melodic_minor", "dorian"),
                      "major": ("mixolydian", "lydian"),
                      "harmonic_minor": ("melodic_minor",), "melodic_minor": ("harmonic_minor",)}


def say_chords_outside_key(file: str, request) -> None:
    """A notice where the key chosen with --key lacks tones of the chords given for the bars
    written: the lock holds (a key a person chose stays as chosen), so those chords sound with the
    key's notes (under --key C:major, Bb7 as B D F against the tune's B flat, E7 as G B D E; QA
    qa34), and the person is told which and how to follow the chords instead."""
    from composer.music.chords import tone_names
    from composer.music.scales import Key
    from composer.request import bar_number

    key = request.key
    if key in (None, "auto") or not request.chords:
        return
    key = Key.parse(key) if isinstance(key, str) else key
    region = request.region
    if region.voices and all(request.score.voices[v].is_drum for v in region.voices):
        return
    outside: dict[str, list[int]] = {}  # "G# of E7" -> the bars it stands in
    needed: set[int] = set()  # every pitch class of the chords in the region
    for chord in request.chords:
        if chord.end <= region.start or (region.end is not None and chord.onset >= region.end):
            continue
        try:
            names = tone_names(chord.figure)
        except ValueError:
            continue
        needed |= set(names)
        missing = [name for pc, name in names.items() if pc not in key.pitch_classes]
        if missing:
            bars = outside.setdefault(f"{' '.join(missing)} of {chord.figure}", [])
            bar = bar_number(request.score, chord.onset)
            if bar not in bars:
                bars.append(bar)
    if outside:
        # (each chord once, with its bars: a chart repeating E7 had been listed bar by bar; QA qa35)
        said = [f"{what} (bar{'s' if len(bars) > 1 else ''} {', '.join(map(str, bars))})"
                for what, bars in outside.items()]
        shown = ", ".join(said[:4]) + (f" and {len(said) - 4} more" if len(said) > 4 else "")
        # (a scale of the same tonic that holds them all, named first: under --key A:minor, E7's G#
        # is A harmonic minor's, as a musician takes a minor key's dominant to be; QA qa35)
        fits = next((Key(key.tonic, scale) for scale in _SCALES_TO_SUGGEST.get(key.scale, ())
                     if needed <= Key(key.tonic, scale).pitch_classes), None)
        instead = f"--key {fits} holds them all, or leave --key out (auto)" if fits else "leave --key out (auto)"
        print(f"notice: {file}: --key {key} leaves out {shown}: those chords sound with the key's notes "
              f"instead; {instead} to play the chords as written", file=sys.stderr)


def say_chords_short(file: str, request, text: str, start: int) -> None:
    """A notice where --chords (laid from the bar holding tick `start`) ends before the bars written
    do: the bars after it follow the chords the piece's parts play, or the co-writer's own, and a
    chart of two bars over four had been taken without a word (QA qa31)."""
    from composer.music.chords import bar_lines, chart_end
    from composer.request import bar_number

    meters, region = request.score.meter_map(), request.region
    voices = region.voices
    if voices and all(request.score.voices[v].is_drum for v in voices):
        return  # (say_chords_unused says the drums play none)
    end = region.end
    if end is None and request.bars:  # (the rest of the bar the region starts in, then whole bars)
        line, after = meters.bar_span(region.start)
        end = bar_lines(meters, region.start if line == region.start else after, request.bars)[-1][1]
    covered = chart_end(text, meters, start)
    if end is None or covered == end:
        return

    def bars(first: int, last: int) -> str:
        return f"bar {first}" if first == last else f"bars {first}-{last}"

    first, last = bar_number(request.score, start), bar_number(request.score, end - 1)
    if covered > end:
        print(f"notice: {file}: --chords gives {bars(first, bar_number(request.score, covered - 1))}; those after "
              f"bar {last} lie past the bars written (they stand in the chord track)", file=sys.stderr)
        return
    after = bar_number(request.score, covered)
    print(f"notice: {file}: --chords gives {bars(first, after - 1)}; {bars(after, last)} "
          f"{'is' if after == last else 'are'} written without given chords (following the chords the piece's "
          "parts play, or the co-writer's own): add bars to --chords, or '%' to repeat one", file=sys.stderr)


def given_chords(score, text: str, start: int, file: str = "") -> list:
    """The score's chord track with --chords laid out from the bar holding tick `start` (its own
    chords before, these from there on); the score's chords become that too. A bar of more chords
    than beats is said (chords.crowded_bars), as from `file`."""
    from composer.music.chords import crowded_bars, parse_chord_bars, with_chords
    from composer.request import bar_number

    meters = score.meter_map()
    score.chords = with_chords(score.chords, parse_chord_bars(text, meters, start))
    first = bar_number(score, start)
    for number, count, beats in crowded_bars(text, meters, start):
        print(f"notice: {file + ': ' if file else ''}--chords bar {first + number - 1}: {count} chords for {beats} "
              "beats: some change off the beat (on its halves, or a compound beat's eighths)", file=sys.stderr)
    return score.chords
