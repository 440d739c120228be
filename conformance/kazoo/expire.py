"""Session expiry by timeout. `hold`: create an ephemeral with a 4 s session,
print {"ready": ...}, then wait (bounded) for kazoo to report the session LOST.
The test stops this process (SIGSTOP) so it cannot heartbeat, and resumes it
(SIGCONT) after `observe` (a second client) saw the ephemeral go."""
import sys
import threading
import time

from kazoo.protocol.states import KazooState

from zkconf import BASE, Events, client, close, emit, hexid, now_ms

mode = sys.argv[3]
path = BASE + "/expiring"

if mode == "hold":
    zk = client(timeout=4.0)
    lost = threading.Event()
    states = []

    def listener(state):
        states.append(state)
        if state == KazooState.LOST:
            lost.set()
    zk.add_listener(listener)
    try:
        zk.ensure_path(BASE)
        zk.create(path, b"", ephemeral=True)
        emit({"ready": True, "session": hexid(zk.client_id[0]),
              "negotiatedTimeoutMs": zk._session_timeout,
              "owner": hexid(zk.exists(path).ephemeralOwner)})
        got = lost.wait(40)
        emit({"lost": got, "states": list(states), "t": now_ms()})
    finally:
        close(zk)
elif mode == "observe":
    zk = client()
    ev = Events()
    try:
        t0 = now_ms()
        st = zk.exists(path, watch=ev.watcher("gone"))
        owner = hexid(st.ephemeralOwner) if st is not None else None
        waited = ev.wait("gone", timeout=30) if st is not None else None
        emit({"ownerBefore": owner, "waited": waited, "events": ev.get("gone"),
              "elapsedMs": now_ms() - t0, "existsAfter": zk.exists(path) is not None})
    finally:
        close(zk)
else:
    sys.exit("mode must be hold or observe")
