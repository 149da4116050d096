"""Co-writer figures: checkpoint load time, continuation latency, training throughput.

    python bench/model_bench.py [--model models/default.safetensors] [--threads 2] [--repeats 21]

Prints medians (and min/max). Latency: continue by 64 notes x 4 variations, after load, with a
16-note seed and with a 512-note piece (melody and bass) as context. Peak memory (RSS) of this
process after loading and generating, as the model process of the app would hold. Throughput:
training notes per second on batches of the training shape (32 region examples, contexts up to
512 notes), on CPU, and on CUDA when there is one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import composer  # noqa: E402,F401  (sets OMP_WAIT_POLICY before torch loads, as the app does)
import numpy as np  # noqa: E402
import torch  # noqa: E402

from composer.generate import Continuer, default_model_path  # noqa: E402
from composer.model.checkpoint import Checkpoint  # noqa: E402
from composer.model.dataset import make_piece  # noqa: E402
from composer.model.metrics import step_losses  # noqa: E402
from composer.model.network import NetworkConfig, Seq2Seq  # noqa: E402
from composer.music import Note, Score, Voice  # noqa: E402
from composer.train import Dataset, TrainConfig, Trainer  # noqa: E402


def figures(values: list[float], unit: str) -> str:
    return f"median {statistics.median(values):.1f} {unit} (min {min(values):.1f}, max {max(values):.1f}, n={len(values)})"


def seed_score() -> Score:
    pitches = [67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 69, 71, 67, 62, 67]
    return Score(notes=[Note(p, i * 240, 240, 80) for i, p in enumerate(pitches)])


def bench_load(path: Path, repeats: int) -> None:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        Continuer.load(path)
        times.append((time.perf_counter() - t0) * 1000)
    print(f"load {path.name}: {figures(times, 'ms')}")


def long_score(notes: int = 512) -> Score:
    """A two-voice piece of `notes` notes (a melody over a bass, 7 melody notes per bass note)."""
    rng = np.random.default_rng(0)
    melody, bass, onset = [], [], 0
    while len(melody) + len(bass) < notes:
        if len(melody) % 7 == 0:
            bass.append(Note(int(rng.integers(36, 48)), onset, 1680, 80, 1))
        melody.append(Note(int(rng.integers(60, 79)), onset, 240, 80, 0))
        onset += 240
    return Score(notes=melody + bass, voices=[Voice("melody"), Voice("bass", program=33)])


def bench_latency(path: Path, threads: int, repeats: int) -> None:
    continuer = Continuer.load(path, threads=threads)
    for name, score in (("16-note seed", seed_score()), ("512-note piece", long_score())):
        continuer.continue_score(score, length=64, variations=4, seed=0)  # warm-up
        times = []
        for i in range(repeats):
            t0 = time.perf_counter()
            continuer.continue_score(score, length=64, variations=4, seed=i)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"continue a {name} by 64 notes x 4 variations, {threads} thread(s): {figures(times, 'ms')}")
    import resource

    print(f"peak memory of this process (model loaded, generating): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def bench_training(device: str, threads: int, steps: int) -> None:
    torch.set_num_threads(threads)
    rng = np.random.default_rng(0)
    pieces = []
    for _ in range(128):
        onsets = np.cumsum(rng.choice([120, 240, 480], size=400))
        notes = np.stack([onsets, np.full(400, 240), rng.integers(55, 80, 400), np.full(400, 80), np.zeros(400)], 1)
        pieces.append(make_piece(notes.astype(np.int64), style=1))
    data = Dataset(train=pieces, validation=pieces[:2], styles=["neutral", "x"], summary={})
    config = TrainConfig(out="/tmp/composer-bench/m.safetensors", batch_size=32)
    trainer = Trainer(config, data, progress=False, log=lambda _l: None)
    trainer.model.to(device)
    trainer.device = torch.device(device)
    trainer.autocast = device == "cuda"
    batches = list(trainer.sampler.batches(rng))[: steps + 2]
    rates = []
    for i, batch in enumerate(batches):
        batch = batch.to(device)
        t0 = time.perf_counter()
        logits = trainer._forward(batch, True)
        loss = sum(step_losses(logits, batch.targets)) / batch.notes
        trainer.optimizer.zero_grad()
        loss.backward()
        trainer.optimizer.step()
        if device == "cuda":
            torch.cuda.synchronize()
        if i >= 2:  # skip warm-up
            rates.append(batch.notes / (time.perf_counter() - t0))
    print(f"training on {device}, {threads} thread(s): {figures(rates, 'notes/s')}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--train-steps", type=int, default=10)
    args = parser.parse_args()
    path = args.model or default_model_path()
    if not path.exists():
        path = Path("/tmp/composer-bench/random.safetensors")
        print(f"(no trained model found: timing a random model of the default architecture, {path})")
        Checkpoint(model=Seq2Seq(NetworkConfig()), styles=["neutral", "x"]).save(path)
    bench_load(path, 7)
    for threads in args.threads:
        bench_latency(path, threads, args.repeats)
    bench_training("cpu", max(args.threads), args.train_steps)
    if torch.cuda.is_available():
        bench_training("cuda", 1, args.train_steps * 5)


if __name__ == "__main__":
    main()
