"""onemap:verifyfolder on every core: the plans of a folder checked in a pool of processes.

One check is mostly Python holding one interpreter lock, so a county's villages are spread over
processes, each a headless QGIS of its own that reads its plan (and the one map near it), checks it
and writes its findings GeoPackage; only a small outcome (counts, or why it failed) comes back. The
outcomes are given in plan order, so the batch's summary and log read as in a serial run.

Memory is bounded: at most one process per core (MAX_WORKERS at most), each holding one plan at a
time, and a process is replaced after RECYCLE plans when the batch is longer than that (a replacement
started with no plan left would cost a QGIS start on a busy core). A process that dies (a crash in
QGIS, GEOS or GDAL) takes the plans it was running with it: they are checked again, each alone, and a
plan that kills that process too is a failed row, not a stopped batch. A batch of one plan, a one-core machine,
a rule set given as an object, or an interpreter the processes cannot be started with (see
python_executable) runs in this process, as before.
"""
import contextlib
import functools
import multiprocessing
import os
import re
import subprocess
import sys
from concurrent import futures
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from qgis.core import QgsFeedback

from ..errors import Cancelled, OneMapError
from ..outputs import TEMPORARY
from .pool_start import start_qgis

MAX_WORKERS = 8          # processes at most, whatever the cores (each holds a plan and the one map near it)
RECYCLE = 25             # plans a process checks before it is replaced (what it kept is given back)
POLL_S = 0.2             # seconds between two looks at the cancel button while a check runs
PROBE_S = 20             # seconds an interpreter may take to say which Python it is


@dataclass
class Outcome:
    """What a check of one plan gave: its counts, or why it could not be checked."""
    counts: dict = None              # {'error': n, 'warning': n, 'info': n} when the check ran
    zh: str = ""                     # why not (a OneMapError's words), or
    en: str = ""
    internal: str = ""               # an unexpected error: its type and message


@dataclass
class Job:
    plan: str
    output: str                      # its findings GeoPackage
    previous: str = None             # an earlier findings GeoPackage whose decisions carry over


def outcomes(jobs, onemap, ruleset=None, kind=None, feedback=None, workers=None, check=None):
    """(job, Outcome) for each job, in order. When the feedback is cancelled the checks still running
    stop, and only the plans already checked are given. `workers`: processes to use (default: one per
    core, at most MAX_WORKERS); `check`: what a process runs per plan (default: verify it)."""
    workers = pool_size(jobs, ruleset, workers)
    if workers <= 1:
        yield from _in_process(jobs, onemap, ruleset, kind, feedback)
        return
    context = multiprocessing.get_context("spawn")        # never fork a running QGIS
    context.set_executable(python_executable())
    tasks = [(check or _check, (job, onemap, ruleset, kind)) for job in jobs]
    start, done = 0, 0
    while start < len(jobs):
        pool, first = Processes(context, workers, len(jobs) - start), start       # this pool checks jobs[first:]
        pending = [pool.submit(*task) for task in tasks[first:]]
        try:
            for index, future in enumerate(pending, first):
                outcome = _wait(future, feedback)
                if outcome is CRASHED:                  # some process died: this plan is checked again alone
                    pool.stop()
                    outcome = _alone(context, tasks[index], feedback)
                if outcome is None:                      # cancelled: plans already checked further on are given
                    yield from ((jobs[n], f.result()) for n, f in enumerate(pending[index - first:], index)
                                if f.done() and not f.exception())
                    return
                yield jobs[index], outcome
                done += 1
                if feedback is not None:
                    feedback.setProgress(100.0 * done / len(jobs))
                start = index + 1
                if pool.broken:                          # the rest in a pool of their own
                    break
        finally:
            pool.stop()
            _remove_temporaries({os.path.dirname(job.output) for job in jobs}, pool.pids)


CRASHED = Outcome(internal="核对进程意外退出（QGIS、GEOS 或 GDAL 崩溃） / the check's process ended abruptly (a crash)")


class Processes:
    """A ProcessPoolExecutor of headless QGIS processes that can be stopped at once (a cancel, a crash)."""

    def __init__(self, context, workers, plans=1):
        self._before = {process.pid for process in multiprocessing.active_children()}
        recycle = {}
        if sys.version_info >= (3, 11) and plans > workers * RECYCLE:           # (QGIS's Python 3.9 cannot)
            recycle = {"max_tasks_per_child": RECYCLE}
        self._executor = futures.ProcessPoolExecutor(workers, mp_context=context, initializer=start_qgis, **recycle)
        self.pids, self.broken = set(), False

    def submit(self, function, task):
        return self._executor.submit(function, task)

    def stop(self):
        """Stop every process of this pool now (its checks still running are lost)."""
        self.broken = True
        self.pids |= {process.pid for process in multiprocessing.active_children()} - self._before
        for process in multiprocessing.active_children():
            if process.pid in self.pids:
                process.terminate()
        self._executor.shutdown(wait=True, cancel_futures=True)


def _wait(future, feedback):
    """The future's Outcome, CRASHED when its process died, None when the feedback is cancelled first."""
    while not future.done():
        if _cancelled(feedback):
            return None
        with contextlib.suppress(futures.TimeoutError):
            future.exception(timeout=POLL_S)
    try:
        return future.result()
    except BrokenProcessPool:
        return CRASHED


def _alone(context, task, feedback):
    """A plan checked again in a process of its own: its Outcome, or CRASHED when it kills that one too."""
    pool = Processes(context, 1)
    try:
        return _wait(pool.submit(*task), feedback)
    finally:
        pool.stop()


def _remove_temporaries(folders, pids):
    """The half-written findings files of stopped processes (outputs.atomic_output's temporaries)."""
    for folder in folders:
        for name in os.listdir(folder) if os.path.isdir(folder) else ():
            match = TEMPORARY.match(name)
            if match and int(match.group(1)) in pids:
                with contextlib.suppress(OSError):
                    os.remove(os.path.join(folder, name))


def _cancelled(feedback):
    return feedback is not None and feedback.isCanceled()


def pool_size(jobs, ruleset, workers=None):
    """Processes for these jobs: 1 (in this process) unless there are several plans, several cores, a
    rule set the processes can load by name or path, and a Python to start them with."""
    if workers is None:
        workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if len(jobs) < 2 or not (ruleset is None or isinstance(ruleset, str)) or python_executable() is None:
        return 1
    return max(1, min(workers, len(jobs)))


@functools.lru_cache(maxsize=None)
def python_executable():
    """The Python interpreter that starts the pool's processes: this very Python (same version and
    build), or None. In QGIS or qgis_process sys.executable may be QGIS itself or whatever `python3`
    comes first on PATH; the interpreter beside this Python's library is taken then."""
    candidates = []
    if re.match(r"python[\d.]*(\.exe)?$", os.path.basename(sys.executable or ""), re.IGNORECASE):
        candidates.append(sys.executable)
    version = "{}.{}".format(*sys.version_info[:2])
    for prefix in dict.fromkeys((sys.exec_prefix, sys.base_exec_prefix)):
        candidates += [os.path.join(prefix, name) for name in ("bin/python" + version, "bin/python3", "python.exe")]
    for path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK) and _same_python(path):
            return path
    return None


def _same_python(path):
    """Whether `path` runs this very Python (QGIS's modules are built for it)."""
    try:
        answer = subprocess.run([path, "-c", "import sys; print(sys.version)"], capture_output=True, text=True,
                                timeout=PROBE_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return answer.returncode == 0 and answer.stdout.strip() == sys.version.strip()


def _in_process(jobs, onemap, ruleset, kind, feedback):
    for index, job in enumerate(jobs):
        if feedback is not None and feedback.isCanceled():
            return
        part = _PlanFeedback(feedback, index, len(jobs)) if feedback is not None else None
        try:
            yield job, _verify(job, onemap, ruleset, kind, part)
        except Cancelled:
            return


def _verify(job, onemap, ruleset, kind, feedback=None):
    """Check one plan; its Outcome (Cancelled is raised)."""
    from .engine import verify
    try:
        result = verify(job.plan, onemap, ruleset=ruleset, output=job.output, kind=kind, feedback=feedback,
                        previous=job.previous)
    except OneMapError as exc:
        return Outcome(zh=exc.zh, en=exc.en)
    except Cancelled:
        raise
    except Exception as exc:  # noqa: BLE001 — one broken plan must not end the batch
        return Outcome(internal="{}: {}".format(type(exc).__name__, exc))
    return Outcome(counts=dict(result.counts))


def _check(task):
    job, onemap, ruleset, kind = task
    return _verify(job, onemap, ruleset, kind)


class _PlanFeedback(QgsFeedback):
    """One plan's share of the overall progress; cancelling the whole run cancels the plan."""

    def __init__(self, parent, index, total):
        super().__init__()
        self.parent_feedback, self.index, self.total = parent, index, total
        self.progressChanged.connect(lambda value: parent.setProgress(100.0 * (index + value / 100.0) / total))

    def isCanceled(self):  # noqa: N802
        return self.parent_feedback.isCanceled() or super().isCanceled()
