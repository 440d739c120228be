"""Data, exists and children watches: which event fires, with which type/path,
and that a watch fires once."""
import time

from zkconf import BASE, Events, client, close, emit

zk = client()
other = client()
ev = Events()
try:
    r = {"waited": {}}
    w = BASE + "/w"
    zk.ensure_path(BASE)
    zk.create(w, b"0")

    def fire(tag, arm, act):
        arm(ev.watcher(tag))
        act()
        r["waited"][tag] = ev.wait(tag)

    # getData watch + setData -> NodeDataChanged; fires only once
    fire("get-set", lambda cb: zk.get(w, watch=cb), lambda: zk.set(w, b"1"))
    zk.set(w, b"2")
    # exists watch on a missing node + create -> NodeCreated
    fire("exists-create", lambda cb: zk.exists(w + "2", watch=cb), lambda: zk.create(w + "2", b""))
    # exists watch on a node + setData -> NodeDataChanged
    fire("exists-set", lambda cb: zk.exists(w + "2", watch=cb), lambda: zk.set(w + "2", b"x"))
    # exists watch + delete -> NodeDeleted
    fire("exists-delete", lambda cb: zk.exists(w + "2", watch=cb), lambda: zk.delete(w + "2"))
    # getChildren watch + create child -> NodeChildrenChanged
    fire("children-create", lambda cb: zk.get_children(w, watch=cb), lambda: zk.create(w + "/c1", b""))
    # getChildren watch + delete child -> NodeChildrenChanged
    fire("children-delete", lambda cb: zk.get_children(w, watch=cb), lambda: zk.delete(w + "/c1"))
    # a change made by another session fires this session's watch
    fire("get-other-session", lambda cb: zk.get(w, watch=cb), lambda: other.set(w, b"3"))
    fire("children-other-session", lambda cb: zk.get_children(w, watch=cb),
         lambda: other.create(w + "/c2", b""))
    other.delete(w + "/c2")
    # a children watch ignores data changes of its node; both a data and a
    # children watch on a node fire NodeDeleted when it is deleted
    zk.get_children(w, watch=ev.watcher("children-parent-delete"))
    zk.get(w, watch=ev.watcher("get-before-set"))
    zk.set(w, b"4")
    r["waited"]["get-before-set"] = ev.wait("get-before-set")
    r["childrenAfterSet"] = len(ev.get("children-parent-delete"))
    # re-arm the data watch (consumed by the set), then delete
    zk.get(w, watch=ev.watcher("get-delete"))
    zk.delete(w)
    r["waited"]["children-parent-delete"] = ev.wait("children-parent-delete")
    r["waited"]["get-delete"] = ev.wait("get-delete")
    # exists watch set on a missing node that stays missing: no event
    zk.exists(w + "-never", watch=ev.watcher("never"))
    time.sleep(0.5)
    r["events"] = {tag: ev.get(tag) for tag in sorted(ev.by_tag)}
    emit(r)
finally:
    close(other)
    close(zk)
