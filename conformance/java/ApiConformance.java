// The official ZooKeeper 3.8 Java client's APIs for the newer opcodes, against a server.
// Usage: java ApiConformance HOST:PORT BASEPATH MODE [wait]
//   MODE: reconfig | watches | ephemerals | acl | ttl | sync | check
// Prints one JSON object on stdout. Values that differ between servers by nature are
// normalised here: zxids relative to the zxid that created BASEPATH ("z+N"), times as
// "set", session ids as "self"/"other", lists sorted where the server's order is a
// Java hash order. Every wait is bounded.
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;

public class ApiConformance {
    static String hostPort;
    static String base;
    static boolean wait;
    static long z0;
    static long self;
    static long other;

    public static void main(String[] args) throws Exception {
        hostPort = args[0];
        base = args[1];
        String mode = args[2];
        wait = args.length > 3 && "wait".equals(args[3]);
        int rc = 0;
        try {
            switch (mode) {
                case "reconfig": reconfig(); break;
                case "watches": watches(); break;
                case "ephemerals": ephemerals(); break;
                case "acl": acl(); break;
                case "ttl": ttl(); break;
                case "sync": sync(); break;
                case "check": check(); break;
                default: throw new IllegalArgumentException("unknown mode " + mode);
            }
        } catch (Throwable t) {
            t.printStackTrace();
            rc = 1;
        }
        System.out.flush();
        System.exit(rc);
    }

    // ---------------------------------------------------------------- helpers

    static byte[] b(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String str(byte[] d) {
        return d == null ? null : new String(d, StandardCharsets.UTF_8);
    }

    static Map<String, Object> obj(Object... kv) {
        return Json.obj(kv);
    }

    static void emit(Map<String, Object> m) {
        System.out.println(Json.write(m));
        System.out.flush();
    }

    static Object z(long zxid) {
        if (zxid <= 0) return zxid;
        long d = zxid - z0;
        return d >= 0 ? "z+" + d : "z" + d;
    }

    static String owner(long id) {
        if (id == 0) return "0";
        if (id == self) return "self";
        if (id == other) return "other";
        return "unknown";
    }

    static Map<String, Object> stat(Stat s) {
        if (s == null) return null;
        return obj("czxid", z(s.getCzxid()), "mzxid", z(s.getMzxid()), "pzxid", z(s.getPzxid()),
                "ctime", s.getCtime() == 0 ? 0 : "set", "mtime", s.getMtime() == 0 ? 0 : "set",
                "version", s.getVersion(), "cversion", s.getCversion(), "aversion", s.getAversion(),
                "ephemeralOwner", owner(s.getEphemeralOwner()), "dataLength", s.getDataLength(),
                "numChildren", s.getNumChildren());
    }

    static List<String> acls(List<ACL> l) {
        if (l == null) return null;
        List<String> out = new ArrayList<>();
        for (ACL a : l) out.add(a.getId().getScheme() + ":" + a.getId().getId() + ":" + a.getPerms());
        return out;
    }

    static List<String> sorted(List<String> l) {
        if (l == null) return null;
        List<String> c = new ArrayList<>(l);
        Collections.sort(c);
        return c;
    }

    static List<String> who(List<ClientInfo> l) {
        List<String> out = new ArrayList<>();
        for (ClientInfo c : l) out.add(c.getAuthScheme() + ":" + c.getUser());
        Collections.sort(out); // the server lists a connection's ids in Java hash-set order
        return out;
    }

    static Object results(List<OpResult> rs) {
        if (rs == null) return null;
        List<Object> l = new ArrayList<>();
        for (OpResult r : rs) {
            Map<String, Object> m = obj("type", r.getType(), "kind", r.getClass().getSimpleName());
            if (r instanceof OpResult.CreateResult) {
                m.put("path", ((OpResult.CreateResult) r).getPath());
                m.put("stat", stat(((OpResult.CreateResult) r).getStat()));
            } else if (r instanceof OpResult.SetDataResult) {
                m.put("stat", stat(((OpResult.SetDataResult) r).getStat()));
            } else if (r instanceof OpResult.ErrorResult) {
                m.put("err", ((OpResult.ErrorResult) r).getErr());
            }
            l.add(m);
        }
        return l;
    }

    /** Runs `body` and returns "ok" or the KeeperException code name (or the exception class). */
    interface Body { Object run() throws Exception; }

    static Object attempt(Body body) {
        try {
            Object v = body.run();
            return v == null ? "ok" : v;
        } catch (KeeperException e) {
            return "KeeperException." + e.code().name();
        } catch (IllegalArgumentException e) {
            return "IllegalArgumentException";
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    /** Records "Type:path" (or the state when there is no type) of every event. */
    static class Recorder implements Watcher {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final String name;
        Recorder(String name) { this.name = name; }
        public void process(WatchedEvent e) {
            if (e.getType() == Event.EventType.None) events.add(e.getState().toString());
            else events.add(e.getType() + ":" + e.getPath());
        }
        List<String> snapshot() {
            synchronized (events) {
                return new ArrayList<>(events);
            }
        }
        /** Waits (bounded) until `n` events of a type (not state changes) arrived. */
        boolean await(int n, long ms) throws InterruptedException {
            long end = System.currentTimeMillis() + ms;
            while (System.currentTimeMillis() < end) {
                int count = 0;
                for (String s : snapshot()) if (s.contains(":")) count++;
                if (count >= n) return true;
                Thread.sleep(20);
            }
            return false;
        }
    }

    static ZooKeeper connect(Watcher w) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(hostPort, 10000, (WatchedEvent e) -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) up.countDown();
            if (w != null) w.process(e);
        });
        if (!up.await(15, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException("not connected to " + hostPort + " within 15 s");
        }
        return zk;
    }

    /** Creates BASEPATH; its czxid is the zero of relative zxids. */
    static void start(ZooKeeper zk, ZooKeeper zk2) throws Exception {
        Stat st = new Stat();
        zk.create(base, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, st);
        z0 = st.getCzxid();
        self = zk.getSessionId();
        other = zk2 == null ? -1 : zk2.getSessionId();
    }

    /** A round trip that every earlier notification of this session precedes. */
    static void settle(ZooKeeper zk) throws Exception {
        zk.exists("/", false);
    }

    // ---------------------------------------------------------------- modes

    /** ZooKeeperAdmin.reconfigure and getConfig. */
    static void reconfig() throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        ZooKeeperAdmin admin = new ZooKeeperAdmin(hostPort, 10000, (WatchedEvent e) -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) up.countDown();
        });
        try {
            if (!up.await(15, TimeUnit.SECONDS)) throw new IllegalStateException("admin not connected");
            start(admin, null);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("incremental", attempt(() -> str(admin.reconfigure("server.2=127.0.0.1:2888:3888;2181", null, null, -1, new Stat()))));
            r.put("leaving", attempt(() -> str(admin.reconfigure(null, "1", null, -1, new Stat()))));
            r.put("newMembers", attempt(() -> str(admin.reconfigure(null, null, "server.1=127.0.0.1:2888:3888;2181", 7, new Stat()))));
            CountDownLatch done = new CountDownLatch(1);
            Map<String, Object> async = new LinkedHashMap<>();
            admin.reconfigure("server.3=127.0.0.1:2889:3889;2182", null, null, -1, (int rc, String path, Object ctx, byte[] data, Stat stat) -> {
                async.put("rc", rc);
                async.put("path", path);
                async.put("ctx", ctx);
                async.put("data", str(data));
                done.countDown();
            }, "ctx-r");
            r.put("asyncWaited", done.await(15, TimeUnit.SECONDS));
            r.put("async", async);
            Stat st = new Stat();
            r.put("config", str(admin.getConfig(false, st)));
            r.put("configStat", stat(st));
            emit(r);
        } finally {
            admin.close();
        }
    }

    /** addWatch (persistent, recursive), removeWatches / removeAllWatches. */
    static void watches() throws Exception {
        Recorder dflt = new Recorder("default");
        ZooKeeper zk = connect(dflt);
        ZooKeeper zk2 = connect(null);
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            start(zk, zk2);
            String p = base + "/p";
            String rp = base + "/r";
            String d = base + "/d";
            Recorder pw = new Recorder("persistent");
            Recorder rw = new Recorder("recursive");
            r.put("addPersistent", attempt(() -> { zk.addWatch(p, pw, AddWatchMode.PERSISTENT); return null; }));
            r.put("addRecursive", attempt(() -> { zk.addWatch(rp, rw, AddWatchMode.PERSISTENT_RECURSIVE); return null; }));
            r.put("addDefault", attempt(() -> { zk.addWatch(d, AddWatchMode.PERSISTENT); return null; }));
            zk2.create(p, b("0"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk2.setData(p, b("1"), -1);
            zk2.create(p + "/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk2.setData(p + "/c", b("x"), -1);
            zk2.delete(p + "/c", -1);
            zk2.create(rp, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk2.create(rp + "/c", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk2.create(rp + "/c/d", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk2.setData(rp + "/c/d", b("y"), -1);
            zk2.delete(rp + "/c/d", -1);
            zk2.create(d, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk2.setData(d, b("z"), -1);
            pw.await(4, 5000);
            rw.await(5, 5000);
            dflt.await(2, 5000);
            settle(zk);
            r.put("persistentEvents", pw.snapshot());
            r.put("recursiveEvents", rw.snapshot());
            r.put("defaultEvents", dflt.snapshot());

            // removing them: the client reports PersistentWatchRemoved locally after the server's OK
            r.put("removePersistent", attempt(() -> { zk.removeWatches(p, pw, Watcher.WatcherType.Any, false); return null; }));
            r.put("removePersistentAgain", attempt(() -> { zk.removeWatches(p, pw, Watcher.WatcherType.Any, false); return null; }));
            r.put("removeAllRecursive", attempt(() -> { zk.removeAllWatches(rp, Watcher.WatcherType.Any, false); return null; }));
            zk2.setData(p, b("2"), -1);
            zk2.create(rp + "/after", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            settle(zk2);
            Thread.sleep(300);
            settle(zk);
            r.put("persistentAfter", pw.snapshot());
            r.put("recursiveAfter", rw.snapshot());

            // one-shot watches, removed by type
            Recorder dw = new Recorder("data");
            Recorder cw = new Recorder("child");
            zk2.create(d + "/k", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.getData(d + "/k", dw, null);
            zk.getChildren(d + "/k", cw);
            r.put("removeChildWrongWatcher", attempt(() -> { zk.removeWatches(d + "/k", dw, Watcher.WatcherType.Children, false); return null; }));
            r.put("removeData", attempt(() -> { zk.removeWatches(d + "/k", dw, Watcher.WatcherType.Data, false); return null; }));
            r.put("removeAllChildren", attempt(() -> { zk.removeAllWatches(d + "/k", Watcher.WatcherType.Children, false); return null; }));
            r.put("removeAllNone", attempt(() -> { zk.removeAllWatches(d + "/k", Watcher.WatcherType.Any, false); return null; }));
            r.put("removeOnMissingPath", attempt(() -> { zk.removeAllWatches(base + "/nowhere", Watcher.WatcherType.Any, false); return null; }));
            zk2.setData(d + "/k", b("k"), -1);
            zk2.create(d + "/k/kid", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            settle(zk2);
            Thread.sleep(300);
            settle(zk);
            r.put("dataWatcherEvents", dw.snapshot());
            r.put("childWatcherEvents", cw.snapshot());
            // local removal does not ask the server
            Recorder lw = new Recorder("local");
            zk.exists(d + "/k", lw);
            r.put("removeLocal", attempt(() -> { zk.removeWatches(d + "/k", lw, Watcher.WatcherType.Data, true); return null; }));
            // the client's event thread delivers DataWatchRemoved after the call returns: wait for it (bounded)
            lw.await(1, 3000);
            r.put("localEvents", lw.snapshot());
            emit(r);
        } finally {
            zk.close();
            zk2.close();
        }
    }

    /** getEphemerals and getAllChildrenNumber. */
    static void ephemerals() throws Exception {
        ZooKeeper zk = connect(null);
        ZooKeeper zk2 = connect(null);
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            start(zk, zk2);
            zk.create(base + "/sub", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            zk.create(base + "/e1", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            zk.create(base + "/sub/e2", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            zk.create(base + "/sub-e3", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
            zk2.create(base + "/theirs", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            r.put("all", sorted(zk.getEphemerals()));
            r.put("prefixSub", sorted(zk.getEphemerals(base + "/sub")));
            r.put("prefixSubSlash", attempt(() -> sorted(zk.getEphemerals(base + "/sub/"))));
            r.put("prefixNone", sorted(zk.getEphemerals(base + "/none")));
            r.put("other", sorted(zk2.getEphemerals("/")));
            r.put("badPrefix", attempt(() -> sorted(zk.getEphemerals("noslash"))));
            CountDownLatch done = new CountDownLatch(1);
            Map<String, Object> async = new LinkedHashMap<>();
            zk.getEphemerals(base, (int rc, Object ctx, List<String> paths) -> {
                async.put("rc", rc);
                async.put("ctx", ctx);
                async.put("paths", sorted(paths));
                done.countDown();
            }, "ctx-e");
            r.put("asyncWaited", done.await(15, TimeUnit.SECONDS));
            r.put("async", async);
            r.put("countBase", zk.getAllChildrenNumber(base));
            r.put("countSub", zk.getAllChildrenNumber(base + "/sub"));
            r.put("countLeaf", zk.getAllChildrenNumber(base + "/e1"));
            r.put("countMissing", attempt(() -> zk.getAllChildrenNumber(base + "/none")));
            zk.create(base + "/hidden", null, Arrays.asList(new ACL(ZooDefs.Perms.WRITE, ZooDefs.Ids.ANYONE_ID_UNSAFE)), CreateMode.PERSISTENT);
            r.put("countNoRead", attempt(() -> zk.getAllChildrenNumber(base + "/hidden")));
            r.put("countBadPath", attempt(() -> zk.getAllChildrenNumber("noslash")));
            CountDownLatch done2 = new CountDownLatch(1);
            Map<String, Object> async2 = new LinkedHashMap<>();
            zk.getAllChildrenNumber(base, (int rc, String path, Object ctx, int number) -> {
                async2.put("rc", rc);
                async2.put("path", path);
                async2.put("number", number);
                done2.countDown();
            }, "ctx-n");
            r.put("asyncCountWaited", done2.await(15, TimeUnit.SECONDS));
            r.put("asyncCount", async2);
            emit(r);
        } finally {
            zk.close();
            zk2.close();
        }
    }

    /** addAuthInfo, getACL/setACL with digest, ip and auth ids, whoAmI. */
    static void acl() throws Exception {
        ZooKeeper zk = connect(null);
        ZooKeeper anon = connect(null);
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            start(zk, anon);
            r.put("whoBefore", who(zk.whoAmI()));
            zk.addAuthInfo("digest", b("alice:secret"));
            r.put("whoAfter", who(zk.whoAmI()));
            String mine = base + "/mine";
            zk.create(mine, b("m"), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
            Stat st = new Stat();
            r.put("mineAcl", acls(zk.getACL(mine, st)));
            r.put("mineStat", stat(st));
            r.put("anonGetData", attempt(() -> str(anon.getData(mine, false, null))));
            r.put("anonGetAcl", attempt(() -> acls(anon.getACL(mine, new Stat()))));
            String shared = base + "/shared";
            List<ACL> sharedAcl = new ArrayList<>(ZooDefs.Ids.READ_ACL_UNSAFE);
            sharedAcl.add(new ACL(ZooDefs.Perms.ALL, new Id("auth", "")));
            zk.create(shared, b("s"), sharedAcl, CreateMode.PERSISTENT);
            r.put("sharedAclOwner", acls(zk.getACL(shared, new Stat())));
            r.put("sharedAclAnon", acls(anon.getACL(shared, new Stat())));
            r.put("anonSetAcl", attempt(() -> stat(anon.setACL(shared, ZooDefs.Ids.OPEN_ACL_UNSAFE, -1))));
            r.put("setAclBadVersion", attempt(() -> stat(zk.setACL(shared, ZooDefs.Ids.OPEN_ACL_UNSAFE, 3))));
            r.put("setAclOk", attempt(() -> stat(zk.setACL(shared, ZooDefs.Ids.OPEN_ACL_UNSAFE, 0))));
            r.put("sharedAclAfter", acls(anon.getACL(shared, new Stat())));
            r.put("anonCreatorAll", attempt(() -> anon.create(base + "/x", null, ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT)));
            r.put("emptyAcl", attempt(() -> zk.create(base + "/y", null, new ArrayList<ACL>(), CreateMode.PERSISTENT)));
            String ip = base + "/ip";
            zk.create(ip, b("i"), Arrays.asList(new ACL(ZooDefs.Perms.READ, new Id("ip", "127.0.0.1"))), CreateMode.PERSISTENT);
            r.put("anonReadsIp", attempt(() -> str(anon.getData(ip, false, null))));
            r.put("anonWritesIp", attempt(() -> stat(anon.setData(ip, b("j"), -1))));
            String far = base + "/far";
            zk.create(far, b("f"), Arrays.asList(new ACL(ZooDefs.Perms.ALL, new Id("ip", "10.0.0.0/8"))), CreateMode.PERSISTENT);
            r.put("anonReadsFar", attempt(() -> str(anon.getData(far, false, null))));
            r.put("badIpAcl", attempt(() -> zk.create(base + "/bad", null, Arrays.asList(new ACL(ZooDefs.Perms.ALL, new Id("ip", "1.2.3.4/99"))), CreateMode.PERSISTENT)));
            anon.addAuthInfo("digest", b("alice:wrong"));
            r.put("wrongPassword", attempt(() -> str(anon.getData(mine, false, null))));
            anon.addAuthInfo("digest", b("alice:secret"));
            r.put("rightPassword", attempt(() -> str(anon.getData(mine, false, null))));
            r.put("whoAnon", who(anon.whoAmI()));

            // an unknown scheme: AuthFailed, the connection is closed
            Recorder ev = new Recorder("bad");
            ZooKeeper bad = connect(ev);
            try {
                bad.addAuthInfo("nosuch", b("x"));
                long end = System.currentTimeMillis() + 5000;
                while (System.currentTimeMillis() < end && !ev.snapshot().contains("AuthFailed")) Thread.sleep(20);
                r.put("badEvents", ev.snapshot());
                r.put("badAlive", bad.getState().isAlive());
                r.put("badOp", attempt(() -> stat(bad.exists(base, false))));
            } finally {
                bad.close();
            }
            emit(r);
        } finally {
            zk.close();
            anon.close();
        }
    }

    /** TTL and container nodes through CreateMode. */
    static void ttl() throws Exception {
        Recorder ev = new Recorder("watch");
        ZooKeeper zk = connect(null);
        ZooKeeper zk2 = connect(ev);
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            start(zk, zk2);
            Stat st = new Stat();
            r.put("ttl", attempt(() -> zk.create(base + "/t", b("t"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, st, 400)));
            r.put("ttlStat", r.get("ttl").equals(base + "/t") ? stat(st) : null);
            r.put("ttlSequential", attempt(() -> zk.create(base + "/s-", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, new Stat(), 60000)));
            r.put("ttlZero", attempt(() -> zk.create(base + "/z", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, new Stat(), 0)));
            r.put("ttlOnPersistent", attempt(() -> zk.create(base + "/z", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, new Stat(), 100)));
            Stat cs = new Stat();
            r.put("container", attempt(() -> zk.create(base + "/c", b("c"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER, cs)));
            r.put("containerStat", stat(cs));
            r.put("containerChild", attempt(() -> zk.create(base + "/c/kid", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)));
            r.put("containerInMulti", attempt(() -> results(zk.multi(Arrays.asList(
                    Op.create(base + "/mc", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER),
                    Op.create(base + "/mt", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, 60000))))));
            if (wait) {
                zk2.exists(base + "/c", true);
                zk2.exists(base + "/t", true);
                zk.delete(base + "/c/kid", -1);
                ev.await(2, 8000);
                settle(zk2);
                List<String> evs = sorted(ev.snapshot());
                evs.remove("SyncConnected");
                r.put("expiryEvents", evs);
                r.put("containerAfter", zk.exists(base + "/c", false) != null);
                r.put("ttlAfter", zk.exists(base + "/t", false) != null);
            }
            r.put("children", sorted(zk.getChildren(base, false)));
            emit(r);
        } finally {
            zk.close();
            zk2.close();
        }
    }

    /** sync with its callback. */
    static void sync() throws Exception {
        ZooKeeper zk = connect(null);
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            start(zk, null);
            List<Object> got = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(3);
            for (String p : new String[] {base, base + "/missing", "/"}) {
                zk.sync(p, (int rc, String path, Object ctx) -> {
                    got.add(obj("rc", rc, "path", path, "ctx", ctx));
                    done.countDown();
                }, "ctx:" + p);
            }
            r.put("waited", done.await(15, TimeUnit.SECONDS));
            r.put("callbacks", new ArrayList<>(got));
            r.put("badPath", attempt(() -> { zk.sync("noslash", (int rc, String path, Object ctx) -> { }, null); return null; }));
            emit(r);
        } finally {
            zk.close();
        }
    }

    /** check inside multi and transactions. */
    static void check() throws Exception {
        ZooKeeper zk = connect(null);
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            start(zk, null);
            zk.setData(base, b("v1"), 0);
            r.put("ok", attempt(() -> results(zk.multi(Arrays.asList(Op.check(base, 1), Op.setData(base, b("v2"), 1))))));
            try {
                zk.multi(Arrays.asList(Op.check(base, 1), Op.create(base + "/n", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)));
                r.put("stale", "no exception");
            } catch (KeeperException e) {
                r.put("stale", obj("code", e.code().name(), "results", results(e.getResults())));
            }
            try {
                zk.multi(Arrays.asList(Op.create(base + "/n", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT), Op.check(base + "/missing", -1)));
                r.put("missing", "no exception");
            } catch (KeeperException e) {
                r.put("missing", obj("code", e.code().name(), "results", results(e.getResults())));
            }
            r.put("transaction", attempt(() -> results(zk.transaction().check(base, 2)
                    .create(base + "/t", b("t"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)
                    .delete(base + "/t", 0).commit())));
            r.put("anyVersion", attempt(() -> results(zk.multi(Arrays.asList(Op.check(base, -1))))));
            Stat st = new Stat();
            r.put("data", str(zk.getData(base, false, st)));
            r.put("stat", stat(st));
            emit(r);
        } finally {
            zk.close();
        }
    }
}
