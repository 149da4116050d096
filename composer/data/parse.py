"""Parse source files into cache entries, in parallel, with a progress bar.

Each worker process reads one file through composer.io.read_scores and writes that file's cache
entry itself (only a small summary goes back to the parent). A file that cannot be read gets a
failure entry with the reason, so an unchanged bad file is not parsed again on the next build.
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from composer.data.cache import FileEntry, write_entry, write_failure

# music21 slowly grows its caches while parsing; a fresh worker every so many files keeps the
# memory of a long build flat at the cost of a second of start-up.
_FILES_PER_WORKER = 60


@dataclass(frozen=True, slots=True)
class ParseJob:
    path: Path
    entry: Path  # where the cache entry goes
    failure: Path  # where the reason goes if the file cannot be read


@dataclass(frozen=True, slots=True)
class ParseResult:
    job: ParseJob
    pieces: int
    error: str | None


def parse_file(job: ParseJob) -> ParseResult:
    """Read one file and write its cache entry (or its failure). Runs in a worker process."""
    from composer.io import ScoreFileError, read_scores

    warnings.filterwarnings("ignore")  # music21 warns about every odd ABC header; not our problem
    try:
        scores = read_scores(job.path)
        entry = FileEntry.from_scores(scores)
        if len(entry) == 0:
            raise ScoreFileError(job.path, "the file holds no notes")
    except ScoreFileError as error:
        reason = error.problem
    except Exception as error:  # a reader bug must cost one file, not the whole build
        reason = f"unexpected {type(error).__name__}: {error}"
    else:
        write_entry(job.entry, entry)
        return ParseResult(job, len(entry), None)
    write_failure(job.failure, reason)
    return ParseResult(job, 0, reason)


def _worker_init() -> None:
    # Workers share the machine with the app, training or other builds: stay polite.
    try:
        os.nice(5)
    except OSError:
        pass
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def parse_files(jobs: list[ParseJob], workers: int | None = None, progress: bool = True) -> list[ParseResult]:
    """Parse every job, largest files first (so one big collection does not finish last)."""
    from tqdm import tqdm

    if not jobs:
        return []
    jobs = sorted(jobs, key=lambda job: -job.path.stat().st_size)
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    results: list[ParseResult] = []
    bar = tqdm(total=len(jobs), unit="file", desc="parsing", disable=not progress, dynamic_ncols=True)
    pieces = 0
    try:
        if workers == 1:
            for job in jobs:
                results.append(parse_file(job))
                pieces += results[-1].pieces
                bar.set_postfix(pieces=pieces, skipped=sum(r.error is not None for r in results), refresh=False)
                bar.update()
            return results
        # spawn, not fork: the caller may hold threads (Qt, torch) that a fork would copy half-alive.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init,
                                 max_tasks_per_child=_FILES_PER_WORKER) as pool:
            futures = [pool.submit(parse_file, job) for job in jobs]
            try:
                for future in as_completed(futures):
                    results.append(future.result())
                    pieces += results[-1].pieces
                    bar.set_postfix(pieces=pieces, skipped=sum(r.error is not None for r in results), refresh=False)
                    bar.update()
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        return results
    finally:
        bar.close()
