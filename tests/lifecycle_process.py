"""Merges run in processes of their own (tests/lifecycle_runner.py): stopped at a named step, killed with
SIGKILL there, let go on, or run two at once. Nothing here waits for a time: every step is a line the
merge prints."""
import json
import os
import signal
import subprocess
import sys

RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lifecycle_runner.py")
WAITING = "一张图正由另一次入库写入"


class Merge:
    def __init__(self, pause_at=None, **args):
        env = dict(os.environ)
        env.pop("ONEMAP_TEST_PAUSE_AT", None)
        if pause_at:
            env["ONEMAP_TEST_PAUSE_AT"] = pause_at
        self.lines = []
        self.process = subprocess.Popen([sys.executable, RUNNER, json.dumps(args)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)

    def wait_for(self, text):
        """Read what the merge says until a line holds `text`; AssertionError if it ends first."""
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if text in line:
                return line
        self.process.wait()
        raise AssertionError("the merge ended without saying {!r}: {} {}".format(text, self.lines,
                                                                                  self.process.stderr.read()[-2000:]))

    def kill(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()
        self.process.stdin.close()
        return self.process.returncode

    def go_on(self):
        """Let a paused merge continue; (exit code, its last line)."""
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        return self.finish()

    def finish(self):
        out, err = self.process.communicate()
        self.lines += out.splitlines()
        return self.process.returncode, (self.lines[-1] if self.lines else err[-2000:])
