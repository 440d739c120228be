"""An ephemeral is owned by its session and disappears when that session
closes; a second client sees it go (watch + exists)."""
from zkconf import BASE, Events, client, close, emit, err, hexid, stat

a = client()
b = client()
ev = Events()
try:
    r = {}
    b.ensure_path(BASE)
    p = a.create(BASE + "/eph", b"x", ephemeral=True)
    sp = a.create(BASE + "/eph-", b"", ephemeral=True, sequence=True)
    bp = b.create(BASE + "/b-eph", b"", ephemeral=True)
    st = b.exists(p)
    r["sessionA"] = hexid(a.client_id[0])
    r["sessionB"] = hexid(b.client_id[0])
    r["ownerSeenByB"] = hexid(st.ephemeralOwner)
    r["ownerOfB"] = hexid(b.exists(bp).ephemeralOwner)
    r["plainOwner"] = hexid(b.exists(BASE).ephemeralOwner)
    r["childOfEphemeral"] = err(lambda: a.create(p + "/child", b""))
    r["before"] = sorted(b.get_children(BASE))
    b.exists(p, watch=ev.watcher("deleted"))
    b.get_children(BASE, watch=ev.watcher("children"))
    close(a)
    r["waited"] = {"deleted": ev.wait("deleted"), "children": ev.wait("children")}
    r["events"] = {"deleted": ev.get("deleted"), "children": ev.get("children")}
    r["after"] = sorted(b.get_children(BASE))
    r["existsAfter"] = stat(b.exists(p))
    r["seqAfter"] = stat(b.exists(sp))
    emit(r)
finally:
    close(b)
