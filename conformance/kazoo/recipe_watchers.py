"""kazoo DataWatch and ChildrenWatch (one-shot watches re-armed by the recipe).

Changes come from a second client, one at a time: each waits for the callback it
must cause, so the callback list is exact. Then a burst of changes without
waiting: callbacks may coalesce but must move forward and end at the last value.
A watch whose function returns False (DataWatch) or whose node is deleted
(ChildrenWatch) gets no more calls, checked against a fresh watch as sentinel."""
import threading

from recipeutil import clients, close_all, until
from zkconf import BASE, emit

zks = clients(2)
try:
    w, m = zks
    r = {}
    m.ensure_path(BASE)
    dpath = BASE + "/data"
    calls = []
    lock = threading.Lock()

    def on_data(data, stat, event):
        with lock:
            calls.append({"data": None if data is None else data.decode(),
                          "version": None if stat is None else stat.version,
                          "event": None if event is None else event.type})
        return data != b"stop"

    w.DataWatch(dpath, on_data)

    def step(action, count, store):
        action()
        store.append(until(lambda: len(calls) >= count, 10))
    waited = []
    step(lambda: None, 1, waited)
    step(lambda: m.create(dpath, b"v0"), 2, waited)
    step(lambda: m.set(dpath, b"v1"), 3, waited)
    step(lambda: m.set(dpath, b"v2"), 4, waited)
    step(lambda: m.delete(dpath), 5, waited)
    step(lambda: m.create(dpath, b"v3"), 6, waited)
    r["dataWaited"] = waited
    r["dataCalls"] = list(calls)

    burst = len(calls)
    for i in range(10):
        m.set(dpath, ("b%d" % i).encode())
    r["burstReachedLast"] = until(lambda: calls[-1]["data"] == "b9", 10)
    seen = [c["version"] for c in calls[burst:]]
    r["burstVersionsIncrease"] = all(a < b for a, b in zip(seen, seen[1:]))
    r["burstCalls"] = len(seen)

    m.set(dpath, b"stop")
    r["stopSeen"] = until(lambda: calls[-1]["data"] == "stop", 10)
    stopped_at = len(calls)
    sentinel = []
    w.DataWatch(dpath, lambda data, stat: sentinel.append(data))
    m.set(dpath, b"after")
    r["sentinelSawAfter"] = until(lambda: b"after" in sentinel, 10)
    r["callsAfterStop"] = calls[stopped_at:]

    kpath = BASE + "/kids"
    m.create(kpath, b"")
    kids = []

    def on_children(children, event):
        with lock:
            kids.append({"children": sorted(children), "event": None if event is None else event.type})
    w.ChildrenWatch(kpath, on_children, send_event=True)
    kwaited = []

    def kstep(action, count):
        action()
        kwaited.append(until(lambda: len(kids) >= count, 10))
    kstep(lambda: None, 1)
    kstep(lambda: m.create(kpath + "/a", b""), 2)
    kstep(lambda: m.create(kpath + "/b", b""), 3)
    kstep(lambda: m.delete(kpath + "/a"), 4)
    m.set(kpath, b"data change: not a children change")
    kstep(lambda: m.create(kpath + "/c", b""), 5)
    kstep(lambda: m.delete(kpath + "/b"), 6)
    kstep(lambda: m.delete(kpath + "/c"), 7)
    m.delete(kpath)
    # the watch stopped with its node; a fresh watch shows when the next change is seen
    m.create(kpath + "/z", b"", makepath=True)
    ksentinel = []
    w.ChildrenWatch(kpath, lambda children: ksentinel.append(sorted(children)))
    m.create(kpath + "/y", b"")
    r["kidsSentinel"] = until(lambda: ["y", "z"] in ksentinel, 10)
    r["kidsWaited"] = kwaited
    r["kidsCalls"] = kids
    emit(r)
finally:
    close_all(zks)
