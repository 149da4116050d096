"""Corpus build figures: first build, cached rebuild, load_corpus.

    .venv/bin/python bench/corpus_build.py [--cache DIR] [--workers N] [--only PATTERN ...] [--loads 7]

Without --cache the build goes into a fresh temporary directory (a full first build of the
default corpus takes minutes). With --cache pointing at an already built cache the "first
build" is itself cached: say so in any figures you quote. --only limits the default corpus to
corpus paths matching fnmatch patterns (e.g. 'ryansMammoth/*') for a quicker run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from composer.data import build_corpus, load_corpus  # noqa: E402
from composer.data.sources import Music21CorpusSource  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, help="cache directory (default: a fresh temporary one)")
    parser.add_argument("--workers", type=int, help="parsing processes (default: os.cpu_count())")
    parser.add_argument("--only", nargs="*", default=(), help="fnmatch patterns of music21 corpus paths")
    parser.add_argument("--loads", type=int, default=7, help="how many timed loads (median printed)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="composer-corpus-") as temporary:
        cache = args.cache or Path(temporary)
        source = Music21CorpusSource(only=tuple(args.only))
        first = build_corpus([source], cache, workers=args.workers, progress=True)
        print(first.summary())
        print(f"first build: {first.seconds:.1f} s total, {first.parse_seconds:.1f} s parsing "
              f"{first.parsed} files ({first.cached} already cached)")
        if first.parsed:
            print(f"  {first.parsed / first.parse_seconds:.2f} files/s, "
                  f"{first.pieces / first.parse_seconds:.1f} pieces/s while parsing")

        rebuilds = [build_corpus([source], cache, workers=args.workers, progress=False).seconds for _ in range(3)]
        print(f"cached rebuild (no change): median {statistics.median(rebuilds):.2f} s of {len(rebuilds)}")

        loads = []
        for _ in range(args.loads):
            started = time.perf_counter()
            corpus = load_corpus(cache)
            loads.append(time.perf_counter() - started)
        notes = sum(len(p.notes) for p in corpus.pieces)
        print(f"load_corpus: median {statistics.median(loads):.3f} s of {len(loads)} "
              f"({len(corpus.pieces)} pieces, {notes} notes, {len(corpus.styles)} styles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
