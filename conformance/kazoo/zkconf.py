"""Shared helpers for the kazoo conformance scripts (python3-kazoo 2.8.0).

Every script is run as: /usr/bin/python3 <script> HOST:PORT BASEPATH [args...]
and prints JSON objects, one per line, on stdout. Every wait is bounded."""
import json
import logging
import sys
import threading
import time

from kazoo.client import KazooClient
from kazoo.exceptions import KazooException
from kazoo.protocol.states import ZnodeStat

logging.basicConfig(level=logging.CRITICAL)

HOSTS = sys.argv[1]
BASE = sys.argv[2] if len(sys.argv) > 2 else "/kz"
WAIT = 10.0  # seconds: bound on every wait for an event


def client(timeout=10.0):
    """A started client. `timeout` is the requested session timeout (s)."""
    zk = KazooClient(hosts=HOSTS, timeout=timeout)
    try:
        zk.start(timeout=15)
    except Exception:
        zk.stop()
        zk.close()
        raise
    return zk


def close(zk):
    try:
        zk.stop()
    finally:
        zk.close()


def emit(obj):
    print(json.dumps(obj, sort_keys=True), flush=True)


def err(fn):
    """Name of the kazoo exception fn raises, or None."""
    try:
        fn()
        return None
    except KazooException as e:
        return type(e).__name__


HEX_FIELDS = ("czxid", "mzxid", "pzxid", "ephemeralOwner")


def hexid(n):
    """64-bit ids (zxids, session ids) as "0x..." strings: JSON numbers lose
    precision above 2**53 in JavaScript."""
    return hex(n)


def stat(st):
    if st is None:
        return None
    return {k: (hexid(getattr(st, k)) if k in HEX_FIELDS else getattr(st, k))
            for k in ZnodeStat._fields}


def result(x):
    """A transaction result as JSON."""
    if isinstance(x, Exception):
        return {"kind": "error", "name": type(x).__name__}
    if isinstance(x, ZnodeStat):
        return {"kind": "stat", "stat": stat(x)}
    if isinstance(x, bool):
        return {"kind": "bool", "value": x}
    if isinstance(x, str):
        return {"kind": "path", "value": x}
    return {"kind": "other", "repr": repr(x)}


class Events:
    """Watch callbacks, recorded by tag; wait() is bounded."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_tag = {}
        self.flags = {}

    def watcher(self, tag):
        with self.lock:
            self.by_tag.setdefault(tag, [])
            self.flags.setdefault(tag, threading.Event())

        def cb(ev):
            with self.lock:
                self.by_tag[tag].append({"type": ev.type, "path": ev.path, "state": ev.state})
            self.flags[tag].set()
        return cb

    def wait(self, tag, timeout=WAIT):
        return self.flags[tag].wait(timeout)

    def get(self, tag):
        with self.lock:
            return list(self.by_tag.get(tag, []))


def now_ms():
    return int(time.time() * 1000)
