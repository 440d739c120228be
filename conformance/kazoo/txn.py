"""kazoo transaction() (multi): a committed one, failing ones, and their
per-operation results."""
from zkconf import BASE, client, close, emit, err, result, stat

zk = client()
try:
    r = {}
    t = BASE + "/t"
    zk.ensure_path(t)
    zk.create(t + "/node", b"a")
    zk.create(t + "/gone", b"")

    tx = zk.transaction()
    tx.create(t + "/c1", b"c1")
    tx.check(t + "/node", 0)
    tx.set_data(t + "/node", b"b")
    tx.delete(t + "/gone")
    tx.create(t + "/s-", b"", sequence=True)
    r["ok"] = [result(x) for x in tx.commit()]
    data, st = zk.get(t + "/node")
    r["okAfter"] = {"node": data.decode(), "nodeStat": stat(st),
                    "c1": stat(zk.exists(t + "/c1")), "gone": stat(zk.exists(t + "/gone")),
                    "children": sorted(zk.get_children(t))}

    # fails at op 2 (check with a stale version): ops before it are rolled back,
    # ops after it are not run
    tx = zk.transaction()
    tx.create(t + "/c2", b"")
    tx.set_data(t + "/node", b"zz")
    tx.check(t + "/node", 7)
    tx.delete(t + "/c1")
    r["badVersion"] = [result(x) for x in tx.commit()]
    data, st = zk.get(t + "/node")
    r["badVersionAfter"] = {"node": data.decode(), "version": st.version,
                            "c2": stat(zk.exists(t + "/c2")), "c1": zk.exists(t + "/c1") is not None}

    # fails at op 0
    tx = zk.transaction()
    tx.create(t + "/c1", b"")
    tx.delete(t + "/node")
    r["nodeExists"] = [result(x) for x in tx.commit()]
    r["nodeExistsAfter"] = zk.exists(t + "/node") is not None

    # fails on a delete of a missing node / of a node with children / on a check of a missing node
    tx = zk.transaction()
    tx.create(t + "/c3", b"")
    tx.delete(t + "/missing")
    r["noNode"] = [result(x) for x in tx.commit()]
    tx = zk.transaction()
    tx.delete(t)
    r["notEmpty"] = [result(x) for x in tx.commit()]
    tx = zk.transaction()
    tx.check(t + "/missing", 0)
    tx.create(t + "/c4", b"")
    r["checkMissing"] = [result(x) for x in tx.commit()]

    # ops in one transaction see the earlier ops' effects
    tx = zk.transaction()
    tx.create(t + "/p", b"")
    tx.create(t + "/p/q", b"")
    tx.set_data(t + "/p/q", b"qq")
    tx.delete(t + "/p/q")
    tx.delete(t + "/p")
    r["chain"] = [result(x) for x in tx.commit()]
    r["chainAfter"] = zk.exists(t + "/p") is not None
    r["children"] = sorted(zk.get_children(t))
    r["emptyTxn"] = [result(x) for x in zk.transaction().commit()]
    r["errors"] = {"deleteAfter": err(lambda: zk.delete(t + "/c2"))}
    emit(r)
finally:
    close(zk)
