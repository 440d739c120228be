"""CRUD with version checks, ensure_path, get_children, exists, and the error
exceptions kazoo raises."""
from zkconf import BASE, client, close, emit, err, now_ms, stat

zk = client()
try:
    r = {}
    t0 = now_ms()
    zk.ensure_path(BASE)
    p = BASE + "/n"
    r["createPath"] = zk.create(p, b"v0")
    data, st = zk.get(p)
    r["get0"] = {"data": data.decode(), "stat": stat(st)}
    r["t0"] = t0
    r["t1"] = now_ms()
    r["set1"] = stat(zk.set(p, b"v1", version=0))
    r["setStale"] = err(lambda: zk.set(p, b"stale", version=0))
    r["deleteStale"] = err(lambda: zk.delete(p, version=0))
    r["afterStale"] = zk.get(p)[0].decode()
    r["set2"] = stat(zk.set(p, b"v2"))  # version -1: any
    r["exists"] = stat(zk.exists(p))
    r["deleteRight"] = err(lambda: zk.delete(p, version=2))
    r["existsAfterDelete"] = stat(zk.exists(p))

    # create with include_data (create2) and with empty data
    path, st = zk.create(BASE + "/i", b"abc", include_data=True)
    r["create2"] = {"path": path, "stat": stat(st)}
    r["emptyData"] = {"data": zk.get(zk.create(BASE + "/empty"))[0].decode()}

    # ensure_path creates every missing level and is idempotent
    zk.ensure_path(BASE + "/a/b/c")
    zk.ensure_path(BASE + "/a/b/c")
    r["ensure"] = [zk.exists(x) is not None for x in (BASE + "/a", BASE + "/a/b", BASE + "/a/b/c")]
    zk.create(BASE + "/mk/x/y", b"deep", makepath=True)
    r["makepath"] = zk.get(BASE + "/mk/x/y")[0].decode()

    # children
    for name in ("c3", "c1", "c2"):
        zk.create(BASE + "/a/" + name, b"")
    r["children"] = sorted(zk.get_children(BASE + "/a"))
    kids, pst = zk.get_children(BASE + "/a", include_data=True)
    r["children2"] = {"children": sorted(kids), "stat": stat(pst)}
    r["childrenLeaf"] = zk.get_children(BASE + "/a/c1")

    # a 100 KiB value round-trips
    big = bytes(range(256)) * 400
    zk.create(BASE + "/big", big)
    r["bigEqual"] = zk.get(BASE + "/big")[0] == big
    r["bigLength"] = zk.exists(BASE + "/big").dataLength

    # errors
    r["errors"] = {
        "createExisting": err(lambda: zk.create(BASE + "/a", b"")),
        "createNoParent": err(lambda: zk.create(BASE + "/missing/x", b"")),
        "getMissing": err(lambda: zk.get(BASE + "/missing")),
        "setMissing": err(lambda: zk.set(BASE + "/missing", b"")),
        "deleteMissing": err(lambda: zk.delete(BASE + "/missing")),
        "childrenMissing": err(lambda: zk.get_children(BASE + "/missing")),
        "deleteNotEmpty": err(lambda: zk.delete(BASE + "/a")),
        "setBadVersion": err(lambda: zk.set(BASE + "/a", b"", version=42)),
    }
    r["existsMissing"] = stat(zk.exists(BASE + "/missing"))

    # recursive delete (kazoo walks the tree, deleting leaves first)
    zk.delete(BASE + "/a", recursive=True)
    r["afterRecursiveDelete"] = stat(zk.exists(BASE + "/a"))
    r["baseChildren"] = sorted(zk.get_children(BASE))
    emit(r)
finally:
    close(zk)
