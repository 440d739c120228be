"""kazoo Lock: a non-blocking try while held, contenders() in queue order, FIFO
hand-over to blocked waiters, then 4 clients x 15 read-increment-write cycles
under the lock: no lost update, never two holders, and the data version each
holder writes is exactly one past the one it read."""
import threading
import time

from kazoo.exceptions import LockTimeout

from recipeutil import Workers, clients, close_all, until
from zkconf import BASE, emit

N, M = 4, 15
lock_path = BASE + "/lock"
counter = BASE + "/counter"

zks = clients(N)
try:
    r = {}
    zks[0].ensure_path(BASE)
    zks[0].create(counter, b"0")

    holder = zks[0].Lock(lock_path, "holder")
    r["acquired"] = holder.acquire(timeout=10)
    r["tryWhileHeld"] = zks[1].Lock(lock_path, "try").acquire(blocking=False)
    t0 = time.monotonic()
    try:
        zks[1].Lock(lock_path, "timed").acquire(timeout=0.3)
        r["timedWhileHeld"] = "acquired"
    except LockTimeout:
        r["timedWhileHeld"] = "LockTimeout"
    r["timedWaitedMs"] = int((time.monotonic() - t0) * 1000)

    # waiters join one at a time so that their queue order is known
    order = []
    waiters = Workers()

    def wait_turn(i):
        lk = zks[i].Lock(lock_path, "waiter-%d" % i)
        if lk.acquire(timeout=15):
            order.append(lk.contenders()[0])
            lk.release()
    for i in range(1, N):
        waiters.spawn(wait_turn, i)
        until(lambda: len(holder.contenders()) == i + 1, 10)
    r["contenders"] = holder.contenders()
    r["orderWhileHeld"] = list(order)
    holder.release()
    r["waitersFinished"] = waiters.join(20)
    r["handOverOrder"] = order
    r["nodesAfterHandOver"] = zks[0].get_children(lock_path)

    state = {"holders": 0, "max": 0, "versionJumps": 0, "increments": 0}
    mutex = threading.Lock()  # guards `state` only; exclusion is the ZooKeeper lock's job

    def work(i):
        zk = zks[i]
        lk = zk.Lock(lock_path, "worker-%d" % i)
        for _ in range(M):
            with lk:
                with mutex:
                    state["holders"] += 1
                    state["max"] = max(state["max"], state["holders"])
                data, read = zk.get(counter)
                time.sleep(0.001)  # widen the window a broken lock would let others into
                wrote = zk.set(counter, str(int(data) + 1).encode())
                with mutex:
                    if wrote.version != read.version + 1:
                        state["versionJumps"] += 1
                    state["increments"] += 1
                    state["holders"] -= 1
    workers = Workers()
    for i in range(N):
        workers.spawn(work, i)
    r["finished"] = workers.join(40)
    r["workerErrors"] = waiters.errors + workers.errors
    data, st = zks[0].get(counter)
    r["counter"] = int(data)
    r["counterVersion"] = st.version
    r["expected"] = N * M
    r.update({k: state[k] for k in ("max", "versionJumps", "increments")})
    r["nodesAfter"] = zks[0].get_children(lock_path)
    emit(r)
finally:
    close_all(zks)
