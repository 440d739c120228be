"""Sequential nodes: 10-digit zero-padded suffix from the parent's counter."""
from zkconf import BASE, client, close, emit, stat

zk = client()
try:
    r = {}
    zk.ensure_path(BASE + "/seq")
    r["jobs"] = [zk.create(BASE + "/seq/job-", b"", sequence=True) for _ in range(3)]
    r["eph"] = zk.create(BASE + "/seq/eph-", b"", ephemeral=True, sequence=True)
    zk.delete(r["jobs"][2])
    r["afterDelete"] = zk.create(BASE + "/seq/job-", b"", sequence=True)
    r["bare"] = zk.create(BASE + "/seq/", b"", sequence=True)
    r["children"] = sorted(zk.get_children(BASE + "/seq"))
    r["parent"] = stat(zk.exists(BASE + "/seq"))
    # the counter is per parent
    zk.ensure_path(BASE + "/seq2")
    r["otherParent"] = zk.create(BASE + "/seq2/x", b"", sequence=True)
    emit(r)
finally:
    close(zk)
