"""Fill latency: rewrite 2 bars x 3 voices x 4 variations of a four-voice piece (melody, chords,
bass, drums; the music on both sides as context), on 1 CPU thread, through the co-writer
service (composer.generate.CoWriter.generate) as the window and CLI call it.

    python bench/fill.py [--model models/default.safetensors] [--repeats 21] [--threads 1]

Prints the median (min, max) in ms after one warm-up, and the new notes per call. Target
(issue 13): median <= 150 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import composer  # noqa: E402,F401  (sets OMP_WAIT_POLICY before torch loads, as the app does)

from composer.generate import CoWriter, default_model_path  # noqa: E402
from composer.request import bar_span, fill_request  # noqa: E402
from parts_music import four_voice_score  # noqa: E402  (the piece the tests write)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    path = args.model or default_model_path()
    cowriter = CoWriter.load(path, threads=args.threads)
    score = four_voice_score(8)
    start, end = bar_span(score, 4, 5)
    request = fill_request(score, start, end, (0, 1, 2), variations=4, seed=0)
    cowriter.generate(request)  # warm-up
    times, counts = [], []
    for i in range(args.repeats):
        request.seed = i
        t0 = time.perf_counter()
        variations = cowriter.generate(request)
        times.append((time.perf_counter() - t0) * 1000)
        counts.append(sum(n.generated for v in variations for n in v.notes))
    print(f"fill bars 4-5 x voices melody/chords/bass x 4 variations, {args.threads} thread(s), {path.name}: "
          f"median {statistics.median(times):.1f} ms (min {min(times):.1f}, max {max(times):.1f}, n={len(times)}); "
          f"{statistics.median(counts):.0f} new notes per call (target: median <= 150 ms)")


if __name__ == "__main__":
    main()
