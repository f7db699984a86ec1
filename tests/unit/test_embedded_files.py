"""The embedded SQLite files' writer lock (one writer at a time across threads and processes) and tokens."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from shared.adapters.embedded import WriterLock

REPO = Path(__file__).resolve().parents[2]

HOLD = """
import sys, time
from pathlib import Path
from shared.adapters.embedded import WriterLock
with WriterLock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(0.5)
    print(time.time(), flush=True)
"""


def test_a_writer_of_another_process_waits_until_the_lock_is_let_go(tmp_path):
    database = tmp_path / "store.sqlite3"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(database)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    lock = WriterLock(database)
    with lock:
        acquired_at = time.time()
    released_at = float(holder.stdout.readline())
    assert holder.wait(10) == 0
    assert acquired_at >= released_at
    lock.close()


def test_threads_of_one_process_take_turns_and_one_thread_may_nest(tmp_path):
    lock = WriterLock(tmp_path / "bus.sqlite3")
    inside, overlaps = [0], []

    def write() -> None:
        for _ in range(200):
            with lock:
                with lock:  # a transaction inside a write
                    inside[0] += 1
                    overlaps.append(inside[0])
                    inside[0] -= 1

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(overlaps) == 800 and set(overlaps) == {1}
    lock.close()


def test_tokens_are_unique_within_a_process_and_between_processes():
    from shared.adapters.embedded import new_token

    here = {new_token() for _ in range(10000)}
    other = subprocess.run([sys.executable, "-c", "from shared.adapters.embedded import new_token; print(new_token())"],
                           cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    assert len(here) == 10000 and other and other not in here
    assert len({token.rsplit("-", 1)[0] for token in here}) == 1, "one random prefix per process"
