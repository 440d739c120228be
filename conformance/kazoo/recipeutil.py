"""Helpers for the kazoo recipe scripts (conformance/kazoo/recipe_*.py).

Recipes are exercised by several clients at once, each with its own session
and its own thread. Every wait is bounded: worker threads are daemons joined
with a deadline, so a recipe that never wakes up turns into a reported
"finished": false instead of a hung process."""
import threading
import time
import traceback

from kazoo.client import KazooClient

from zkconf import HOSTS

# Optimistic recipes (Counter, Queue) retry on BadVersion/NoNode: keep the retries
# quick and bounded instead of kazoo's default exponential backoff up to an hour.
FAST_RETRY = {"max_tries": 300, "delay": 0.005, "backoff": 1.3, "max_delay": 0.1, "max_jitter": 0.5}


def clients(n, timeout=10.0, fast_retry=False):
    """n started clients, each with its own session."""
    out = []
    try:
        for _ in range(n):
            zk = KazooClient(hosts=HOSTS, timeout=timeout,
                             command_retry=dict(FAST_RETRY) if fast_retry else None)
            out.append(zk)
            zk.start(timeout=15)
    except Exception:
        close_all(out)
        raise
    return out


def close_all(zks):
    for zk in zks:
        try:
            zk.stop()
            zk.close()
        except Exception:
            pass


class Workers:
    """Daemon threads that record their exceptions; join() is bounded."""

    def __init__(self):
        self.threads = []
        self.errors = []
        self._lock = threading.Lock()

    def spawn(self, fn, *args):
        def body():
            try:
                fn(*args)
            except Exception as e:  # reported, never swallowed
                with self._lock:
                    self.errors.append("%s: %s\n%s" % (type(e).__name__, e, traceback.format_exc(limit=4)))
        t = threading.Thread(target=body, daemon=True)
        self.threads.append(t)
        t.start()
        return t

    def join(self, timeout):
        """True if every thread finished within `timeout` seconds (in total)."""
        deadline = time.monotonic() + timeout
        for t in self.threads:
            t.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self.threads)


class Clock:
    """A shared logical clock: the order in which threads saw things happen."""

    def __init__(self):
        self._lock = threading.Lock()
        self._t = 0
        self.log = []

    def mark(self, what, who):
        with self._lock:
            self._t += 1
            self.log.append({"t": self._t, "what": what, "who": who})


def until(cond, timeout, step=0.02):
    """Poll cond() until it holds or `timeout` seconds pass; its last result."""
    deadline = time.monotonic() + timeout
    while True:
        ok = cond()
        if ok or time.monotonic() >= deadline:
            return ok
        time.sleep(step)
