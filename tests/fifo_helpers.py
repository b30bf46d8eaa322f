"""A FIFO for tests of "never opened": should the code under test open it after all, a watcher writes
`content` into it, so the test fails on what was read instead of hanging."""
import contextlib
import os
import threading


@contextlib.contextmanager
def watched_fifo(path, content=b""):
    os.mkfifo(path)
    done, opened = threading.Event(), []

    def watch():
        while not done.wait(0.2):
            try:
                handle = os.open(path, os.O_WRONLY | os.O_NONBLOCK)    # succeeds only while someone reads
            except OSError:
                continue
            opened.append(True)
            try:
                os.write(handle, content)
            finally:
                os.close(handle)
    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield opened
    finally:
        done.set()
        thread.join()
