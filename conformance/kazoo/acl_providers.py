"""kazoo's ACL support: auth_data (digest) and default_acl on a client, then what
a client without the credentials, with them, and a super-less stranger can do;
make_digest_acl ids, get_acls masking, set_acls with versions."""
from kazoo.exceptions import BadVersionError, NoAuthError
from kazoo.security import make_acl, make_digest_acl, make_digest_acl_credential

from recipeutil import close_all
from kazoo.client import KazooClient
from zkconf import BASE, HOSTS, emit


def started(**kw):
    zk = KazooClient(hosts=HOSTS, timeout=10.0, **kw)
    zk.start(timeout=15)
    return zk


owner_acl = make_digest_acl("bob", "pw", all=True)
owner = started(auth_data=[("digest", "bob:pw")], default_acl=[owner_acl])
stranger = started()
friend = started(auth_data=[("digest", "bob:pw")])
zks = [owner, stranger, friend]
try:
    r = {}
    path = BASE + "/secret"
    owner.ensure_path(BASE)
    owner.create(path, b"s3cret")
    acls, st = owner.get_acls(path)
    r["ownerAcl"] = [[a.perms, a.id.scheme, a.id.id] for a in acls]
    r["expectedId"] = make_digest_acl_credential("bob", "pw")
    try:
        stranger.get(path)
        r["strangerGet"] = "ok"
    except NoAuthError:
        r["strangerGet"] = "NoAuthError"
    try:
        stranger.get_acls(path)
        r["strangerGetAcls"] = "ok"
    except NoAuthError:
        r["strangerGetAcls"] = "NoAuthError"
    readable = BASE + "/readable"
    owner.create(readable, b"r", acl=[make_acl("world", "anyone", read=True), owner_acl])
    acls, st = stranger.get_acls(readable)
    r["strangerAcl"] = [[a.perms, a.id.scheme, a.id.id] for a in acls]
    r["friendGet"] = friend.get(path)[0].decode()
    try:
        friend.set_acls(path, [make_digest_acl("bob", "pw", read=True, admin=True)], version=5)
        r["setAclStale"] = "ok"
    except BadVersionError:
        r["setAclStale"] = "BadVersionError"
    st = friend.set_acls(path, [make_digest_acl("bob", "pw", read=True, admin=True)], version=0)
    r["aversionAfterSet"] = st.aversion
    try:
        friend.set(path, b"x")
        r["friendSetAfterReadOnly"] = "ok"
    except NoAuthError:
        r["friendSetAfterReadOnly"] = "NoAuthError"
    emit(r)
finally:
    close_all(zks)
