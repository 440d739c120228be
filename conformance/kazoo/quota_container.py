"""Quotas and the container/TTL manager seen from kazoo.

  quota_container.py HOST:PORT BASE multi N
      BASE has a hard count quota; one transaction creates BASE/c0..c{N-1}.
      Prints the per-op results and the quota's stats text afterwards.
  quota_container.py HOST:PORT BASE watch-gone SECONDS path... [--delete path...]
      Sets an exists watch on each path, then deletes the --delete paths (children
      whose removal leaves a container empty), waits (bounded) until every watch
      fired, and prints the events and which paths still exist."""
import sys
import time

from zkconf import BASE, Events, client, close, emit, result

mode = sys.argv[3]
zk = client()
try:
    if mode == "multi":
        n = int(sys.argv[4])
        tx = zk.transaction()
        for i in range(n):
            tx.create("%s/c%d" % (BASE, i), b"")
        results = [result(x) for x in tx.commit()]
        stats, _ = zk.get("/zookeeper/quota" + BASE + "/zookeeper_stats")
        emit({"results": results, "stats": stats.decode()})
    elif mode == "watch-gone":
        seconds = float(sys.argv[4])
        rest = sys.argv[5:]
        cut = rest.index("--delete") if "--delete" in rest else len(rest)
        paths, to_delete = rest[:cut], rest[cut + 1:]
        events = Events()
        present = {}
        for p in paths:
            present[p] = zk.exists(p, watch=events.watcher(p)) is not None
        for p in to_delete:
            zk.delete(p)
        deadline = time.time() + seconds
        for p in paths:
            if present[p]:
                events.wait(p, max(0.0, deadline - time.time()))
        emit({
            "present": present,
            "events": {p: events.get(p) for p in paths},
            "existsAfter": {p: zk.exists(p) is not None for p in paths},
        })
    else:
        raise SystemExit("unknown mode " + mode)
finally:
    close(zk)
