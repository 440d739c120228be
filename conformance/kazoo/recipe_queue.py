"""kazoo Queue and LockingQueue.

Queue: entries come out by priority, FIFO within a priority (sequential node
names); three competing consumers take 30 entries, each exactly once.
LockingQueue: get() locks an entry (an ephemeral under /taken) so a second
consumer skips it; release() hands it back, consume() removes it; a consumer
blocked in get() wakes when an entry is released; a lock held by a session
that closes is released with it."""
import threading

from recipeutil import Workers, clients, close_all
from zkconf import BASE, emit

zks = clients(4, fast_retry=True)
try:
    r = {}
    a, b, c, producer = zks
    qpath = BASE + "/queue"
    q = producer.Queue(qpath)
    for value, prio in ((b"low-1", 200), (b"hi-1", 10), (b"mid-1", 100), (b"hi-2", 10), (b"mid-2", 100)):
        q.put(value, priority=prio)
    r["names"] = sorted(producer.get_children(qpath))
    r["len"] = len(q)
    r["order"] = [q.get().decode() for _ in range(5)]
    r["empty"] = q.get()

    items = ["item-%02d" % i for i in range(30)]
    for it in items:
        q.put(it.encode())
    taken = {0: [], 1: [], 2: []}

    def consume(i, zk):
        mine = zk.Queue(qpath)
        while True:
            v = mine.get()
            if v is None:
                return
            taken[i].append(v.decode())
    consumers = Workers()
    for i, zk in enumerate((a, b, c)):
        consumers.spawn(consume, i, zk)
    r["consumersFinished"] = consumers.join(30)
    got = taken[0] + taken[1] + taken[2]
    r["consumed"] = sorted(got)
    r["duplicates"] = len(got) - len(set(got))
    r["leftInQueue"] = producer.get_children(qpath)

    lpath = BASE + "/locking"
    qa = a.LockingQueue(lpath)
    qb = b.LockingQueue(lpath)
    qa.put_all([b"e1", b"e2", b"e3"])
    qa.put(b"e0", priority=1)
    r["lockingLen"] = len(qa)
    r["aGets"] = qa.get(timeout=5).decode()
    r["aHolds"] = qa.holds_lock()
    r["aGetsAgain"] = qa.get(timeout=5).decode()  # the unconsumed entry again
    r["bGets"] = qb.get(timeout=5).decode()
    r["taken"] = len(producer.get_children(lpath + "/taken"))
    r["aReleases"] = qa.release()
    r["bConsumes"] = qb.consume()
    r["bGetsReleased"] = qb.get(timeout=5).decode()
    r["bConsumes2"] = qb.consume()
    r["lenAfterTwoConsumed"] = len(qa)

    # b and a lock the last two entries; c's get() then blocks until b releases one
    qc = c.LockingQueue(lpath)
    r["bGets3"] = qb.get(timeout=5).decode()
    r["aGets3"] = qa.get(timeout=5).decode()
    got_c = {}
    ready = threading.Event()

    def blocked_get():
        ready.set()
        got_c["value"] = qc.get(timeout=15)
    waiter = Workers()
    waiter.spawn(blocked_get)
    ready.wait(5)
    r["cBlockedBeforeRelease"] = not waiter.join(0.5)
    r["bReleases"] = qb.release()
    r["cWoke"] = waiter.join(15)
    r["cGets"] = got_c.get("value").decode() if got_c.get("value") else None
    # a's session ends while it holds its entry: the lock (ephemeral) goes with it
    close_all([a])
    r["aLockGone"] = len(producer.get_children(lpath + "/taken")) == 1
    r["cConsumes"] = qc.consume()
    r["cGetsAbandoned"] = (qc.get(timeout=5) or b"").decode()
    r["cConsumes2"] = qc.consume()
    r["lockingLeft"] = len(qc)
    r["lockingEmptyGet"] = qc.get(timeout=0.3)
    r["workerErrors"] = consumers.errors + waiter.errors
    emit(r)
finally:
    close_all(zks)
