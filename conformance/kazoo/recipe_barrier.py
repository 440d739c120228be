"""kazoo Barrier and DoubleBarrier.

Barrier: three clients block in wait() while the barrier node exists and all
return True once it is removed; wait() with a timeout on a standing barrier
gives False, on a missing one True at once.
DoubleBarrier(3): members arrive and leave at staggered times; nobody gets
through enter() before the last one called it, nor through leave() before the
last one called it."""
import time

from recipeutil import Clock, Workers, clients, close_all
from zkconf import BASE, emit

N = 3
zks = clients(N + 1)
try:
    r = {}
    main = zks[N]
    bpath = BASE + "/barrier"
    barrier = main.Barrier(bpath)
    barrier.create()
    t0 = time.monotonic()
    r["timedWait"] = main.Barrier(bpath).wait(timeout=0.3)
    r["timedWaitMs"] = int((time.monotonic() - t0) * 1000)
    r["missingWait"] = main.Barrier(BASE + "/no-barrier").wait(timeout=5)

    clock = Clock()
    results = []

    def waiter(i):
        ok = zks[i].Barrier(bpath).wait(timeout=15)
        clock.mark("released", i)
        results.append(ok)
    blocked = Workers()
    for i in range(N):
        blocked.spawn(waiter, i)
    time.sleep(0.5)  # let them block; none can return while the node exists
    clock.mark("removing", "main")
    barrier.remove()
    r["barrierFinished"] = blocked.join(15)
    r["barrierLog"] = clock.log
    r["barrierResults"] = results
    r["barrierExists"] = main.exists(bpath) is not None

    dpath = BASE + "/double"
    dclock = Clock()

    def member(i):
        db = zks[i].DoubleBarrier(dpath, N, identifier="m%d" % i)
        time.sleep(0.2 * i)
        dclock.mark("enterCalled", i)
        db.enter()
        dclock.mark("entered", i)
        dclock.mark("participating" if db.participating else "notParticipating", i)
        time.sleep(0.2 * (N - 1 - i))
        dclock.mark("leaveCalled", i)
        db.leave()
        dclock.mark("left", i)
    members = Workers()
    for i in range(N):
        members.spawn(member, i)
    r["doubleFinished"] = members.join(30)
    r["doubleLog"] = dclock.log
    r["doubleChildrenAfter"] = main.get_children(dpath)
    r["workerErrors"] = blocked.errors + members.errors
    emit(r)
finally:
    close_all(zks)
