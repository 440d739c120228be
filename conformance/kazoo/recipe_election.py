"""kazoo Election: three contenders join in order p0, p1, p2; each leads until
told to resign, and the next one in line takes over. Never two leaders at once;
contenders() lists the remaining candidates in join order, leader first. A
contender that cancels while waiting never leads."""
import threading

from recipeutil import Workers, clients, close_all, until
from zkconf import BASE, emit

N = 3
path = BASE + "/election"

zks = clients(N + 1)
try:
    r = {}
    elections = [zks[i].Election(path, "p%d" % i) for i in range(N)]
    leading = [threading.Event() for _ in range(N)]
    resign = [threading.Event() for _ in range(N)]
    led = []
    state = {"active": 0, "max": 0}
    mutex = threading.Lock()

    def lead(i):
        with mutex:
            state["active"] += 1
            state["max"] = max(state["max"], state["active"])
            led.append("p%d" % i)
        leading[i].set()
        resign[i].wait(15)
        with mutex:
            state["active"] -= 1

    workers = Workers()
    for i in range(N):
        workers.spawn(elections[i].run, lead, i)
        if i == 0:
            r["firstLeads"] = leading[0].wait(10)
        else:
            until(lambda: len(elections[0].contenders()) == i + 1, 10)

    # a fourth contender joins, then gives up before its turn
    quitter = zks[N].Election(path, "quitter")
    quitter_done = threading.Event()

    def never_called():
        led.append("quitter")

    def run_quitter():
        quitter.run(never_called)
        quitter_done.set()
    workers.spawn(run_quitter)
    until(lambda: len(elections[0].contenders()) == N + 1, 10)
    r["contendersWithQuitter"] = elections[0].contenders()
    quitter.cancel()
    r["quitterReturned"] = quitter_done.wait(10)

    rounds = []
    for i in range(N):
        rounds.append({
            "leads": leading[i].wait(10),
            "contenders": elections[i].contenders(),
            "led": list(led),
        })
        resign[i].set()
    r["rounds"] = rounds
    r["finished"] = workers.join(20)
    r["workerErrors"] = workers.errors
    r["maxActive"] = state["max"]
    r["led"] = led
    r["nodesAfter"] = zks[0].get_children(path)
    emit(r)
finally:
    close_all(zks)
