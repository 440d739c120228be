// The official ZooKeeper 3.8 Java client (/usr/share/java/zookeeper.jar) against a server.
// Usage: java Conformance HOST:PORT BASEPATH MODE   (MODE: multi | pipeline | expiry | hold | observe)
// Prints JSON objects, one per line, on stdout. Every wait is bounded.
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

public class Conformance {
    static String hostPort;
    static String base;

    public static void main(String[] args) throws Exception {
        hostPort = args[0];
        base = args[1];
        String mode = args[2];
        int rc = 0;
        try {
            switch (mode) {
                case "multi": multi(); break;
                case "pipeline": pipeline(); break;
                case "expiry": expiry(); break;
                case "hold": hold(); break;
                case "observe": observe(); break;
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

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    static byte[] b(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String str(byte[] d) {
        return d == null ? null : new String(d, StandardCharsets.UTF_8);
    }

    static void emit(Map<String, Object> m) {
        System.out.println(Json.write(m));
        System.out.flush();
    }

    static Map<String, Object> obj(Object... kv) {
        return Json.obj(kv);
    }

    static Map<String, Object> stat(Stat s) {
        if (s == null) return null;
        return obj("czxid", hex(s.getCzxid()), "mzxid", hex(s.getMzxid()), "pzxid", hex(s.getPzxid()),
                "ctime", s.getCtime(), "mtime", s.getMtime(), "version", s.getVersion(),
                "cversion", s.getCversion(), "aversion", s.getAversion(),
                "ephemeralOwner", hex(s.getEphemeralOwner()), "dataLength", s.getDataLength(),
                "numChildren", s.getNumChildren());
    }

    static Map<String, Object> result(OpResult r) {
        Map<String, Object> m = obj("opType", r.getType());
        if (r instanceof OpResult.CreateResult) {
            m.put("kind", "create");
            m.put("path", ((OpResult.CreateResult) r).getPath());
            m.put("stat", stat(((OpResult.CreateResult) r).getStat()));
        } else if (r instanceof OpResult.SetDataResult) {
            m.put("kind", "setData");
            m.put("stat", stat(((OpResult.SetDataResult) r).getStat()));
        } else if (r instanceof OpResult.DeleteResult) {
            m.put("kind", "delete");
        } else if (r instanceof OpResult.CheckResult) {
            m.put("kind", "check");
        } else if (r instanceof OpResult.GetDataResult) {
            m.put("kind", "getData");
            m.put("data", str(((OpResult.GetDataResult) r).getData()));
            m.put("stat", stat(((OpResult.GetDataResult) r).getStat()));
        } else if (r instanceof OpResult.GetChildrenResult) {
            m.put("kind", "getChildren");
            List<String> c = new ArrayList<>(((OpResult.GetChildrenResult) r).getChildren());
            Collections.sort(c);
            m.put("children", c);
        } else if (r instanceof OpResult.ErrorResult) {
            m.put("kind", "error");
            m.put("err", ((OpResult.ErrorResult) r).getErr());
        } else {
            m.put("kind", r.getClass().getSimpleName());
        }
        return m;
    }

    static List<Object> results(List<OpResult> rs) {
        List<Object> l = new ArrayList<>();
        if (rs == null) return null;
        for (OpResult r : rs) l.add(result(r));
        return l;
    }

    /** A connected client; events go to `events` (may be null). */
    static ZooKeeper connect(int sessionTimeoutMs, List<String> events, long sessionId, byte[] passwd) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        Watcher w = (WatchedEvent e) -> {
            if (events != null) events.add(e.getState() + (e.getType() == Watcher.Event.EventType.None ? "" : ":" + e.getType() + ":" + e.getPath()));
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) up.countDown();
        };
        ZooKeeper zk = passwd == null ? new ZooKeeper(hostPort, sessionTimeoutMs, w)
                : new ZooKeeper(hostPort, sessionTimeoutMs, w, sessionId, passwd);
        if (!up.await(15, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException("not connected to " + hostPort + " within 15 s");
        }
        return zk;
    }

    static ZooKeeper connect() throws Exception {
        return connect(10000, null, 0, null);
    }

    static void ensure(ZooKeeper zk, String path) throws Exception {
        try {
            zk.create(path, null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException e) {
            // fine
        }
    }

    static Op create(String path, String data, CreateMode mode) {
        return Op.create(path, b(data), ZooDefs.Ids.OPEN_ACL_UNSAFE, mode);
    }

    // ---------------------------------------------------------------- multi

    static void multi() throws Exception {
        ZooKeeper zk = connect();
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            ensure(zk, base);
            String m = base + "/m";
            // 1. a multi that commits
            List<OpResult> ok = zk.multi(Arrays.asList(
                    create(m, "m", CreateMode.PERSISTENT),
                    create(m + "/c", null, CreateMode.PERSISTENT),
                    create(m + "/s-", "s", CreateMode.PERSISTENT_SEQUENTIAL),
                    Op.setData(m, b("m2"), 0),
                    Op.check(m, 1),
                    Op.delete(m + "/c", 0)));
            r.put("ok", results(ok));
            Stat st = new Stat();
            r.put("okData", str(zk.getData(m, false, st)));
            r.put("okStat", stat(st));
            List<String> kids = new ArrayList<>(zk.getChildren(m, false));
            Collections.sort(kids);
            r.put("okChildren", kids);

            // 2. a multi that fails at its third op (sync API: KeeperException with the results)
            try {
                zk.multi(Arrays.asList(
                        create(base + "/f1", "f1", CreateMode.PERSISTENT),
                        Op.setData(m, b("m3"), 1),
                        Op.delete(base + "/missing", -1),
                        create(base + "/f2", null, CreateMode.PERSISTENT)));
                r.put("fail", "no exception");
            } catch (KeeperException e) {
                r.put("fail", obj("code", e.code().name(), "intCode", e.code().intValue(),
                        "path", e.getPath(), "results", results(e.getResults())));
            }
            r.put("failAfter", obj("f1", zk.exists(base + "/f1", false) != null,
                    "f2", zk.exists(base + "/f2", false) != null,
                    "mData", str(zk.getData(m, false, st)), "mVersion", st.getVersion()));

            // 3. failing multi through the async API: rc + per-op results
            CountDownLatch done = new CountDownLatch(1);
            Map<String, Object> async = new LinkedHashMap<>();
            zk.multi(Arrays.asList(
                    Op.check(m, 99),
                    create(base + "/f3", null, CreateMode.PERSISTENT)),
                    (int rc, String path, Object ctx, List<OpResult> opResults) -> {
                        async.put("rc", rc);
                        async.put("path", path);
                        async.put("ctx", ctx);
                        async.put("results", results(opResults));
                        done.countDown();
                    }, "ctx-1");
            r.put("asyncWaited", done.await(15, TimeUnit.SECONDS));
            r.put("async", async);

            // 4. the Transaction builder, and a NodeExists failure at op 0
            List<OpResult> tx = zk.transaction()
                    .create(base + "/t1", b("t"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)
                    .setData(base + "/t1", b("t2"), 0)
                    .commit();
            r.put("transaction", results(tx));
            try {
                zk.multi(Arrays.asList(create(base + "/t1", null, CreateMode.PERSISTENT), Op.delete(base + "/t1", -1)));
                r.put("exists", "no exception");
            } catch (KeeperException e) {
                r.put("exists", obj("code", e.code().name(), "results", results(e.getResults())));
            }
            // 5. create of an ephemeral child under an ephemeral in one multi
            try {
                zk.multi(Arrays.asList(create(base + "/e", null, CreateMode.EPHEMERAL),
                        create(base + "/e/child", null, CreateMode.PERSISTENT)));
                r.put("ephemeralChild", "no exception");
            } catch (KeeperException e) {
                r.put("ephemeralChild", obj("code", e.code().name(), "results", results(e.getResults())));
            }

            // 6. a read-only multi (multiRead): per-op results, errors do not abort the others
            List<OpResult> reads = zk.multi(Arrays.asList(
                    Op.getData(m),
                    Op.getChildren(m),
                    Op.getData(base + "/missing"),
                    Op.getChildren(base + "/t1")));
            r.put("reads", results(reads));
            r.put("empty", results(zk.multi(new ArrayList<Op>())));
            emit(r);
        } finally {
            zk.close();
        }
    }

    // ---------------------------------------------------------------- pipeline

    static void pipeline() throws Exception {
        final int n = 1000;
        ZooKeeper zk = connect();
        try {
            ensure(zk, base);
            String dir = base + "/pipe";
            ensure(zk, dir);
            // every callback runs on the client's single event thread, in the order
            // the replies arrived; ctx is the index the request was issued with
            final List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            final AtomicInteger createOk = new AtomicInteger();
            final AtomicInteger createExists = new AtomicInteger();
            final AtomicInteger getOk = new AtomicInteger();
            final AtomicInteger dataMatches = new AtomicInteger();
            final AtomicInteger other = new AtomicInteger();
            final long[] czxid = new long[n];
            int issued = 0;
            int expected = n + n / 10 + n + 1;
            final CountDownLatch all = new CountDownLatch(expected);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                zk.create(String.format("%s/n-%04d", dir, i), b("v" + i), ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT, (int rc, String path, Object ctx, String name) -> {
                            order.add((Integer) ctx);
                            if (rc == 0 && path.equals(name)) createOk.incrementAndGet();
                            else other.incrementAndGet();
                            all.countDown();
                        }, issued++);
                if (i % 10 == 9) {
                    // a create that must fail (node made 5 requests earlier): errors keep their place too
                    zk.create(String.format("%s/n-%04d", dir, i - 5), null, ZooDefs.Ids.OPEN_ACL_UNSAFE,
                            CreateMode.PERSISTENT, (int rc, String path, Object ctx, String name) -> {
                                order.add((Integer) ctx);
                                if (rc == KeeperException.Code.NODEEXISTS.intValue() && name == null) createExists.incrementAndGet();
                                else other.incrementAndGet();
                                all.countDown();
                            }, issued++);
                }
            }
            for (int i = 0; i < n; i++) {
                final int idx = i;
                zk.getData(String.format("%s/n-%04d", dir, i), false,
                        (int rc, String path, Object ctx, byte[] data, Stat stat) -> {
                            order.add((Integer) ctx);
                            if (rc == 0) {
                                getOk.incrementAndGet();
                                if (("v" + idx).equals(str(data)) && stat.getVersion() == 0) dataMatches.incrementAndGet();
                                czxid[idx] = stat.getCzxid();
                            } else {
                                other.incrementAndGet();
                            }
                            all.countDown();
                        }, issued++);
            }
            zk.sync(dir, (int rc, String path, Object ctx) -> {
                order.add((Integer) ctx);
                if (rc != 0) other.incrementAndGet();
                all.countDown();
            }, issued++);
            boolean finished = all.await(90, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            int firstOut = -1;
            synchronized (order) {
                for (int i = 0; i < order.size(); i++) {
                    if (order.get(i) != i) {
                        firstOut = i;
                        break;
                    }
                }
            }
            boolean increasing = true;
            for (int i = 1; i < n; i++) if (czxid[i] <= czxid[i - 1]) increasing = false;
            Stat dirStat = zk.exists(dir, false);
            emit(obj("issued", issued, "expected", expected, "finished", finished, "completed", order.size(),
                    "firstOutOfOrder", firstOut, "createOk", createOk.get(), "createNodeExists", createExists.get(),
                    "getDataOk", getOk.get(), "dataMatches", dataMatches.get(), "other", other.get(),
                    "czxidIncreasing", increasing, "numChildren", dirStat.getNumChildren(), "ms", ms));
        } finally {
            zk.close();
        }
    }

    // ---------------------------------------------------------------- expiry

    /** Session takeover: a second handle with the first one's id+password closes the session. */
    static void expiry() throws Exception {
        List<String> events1 = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch expired = new CountDownLatch(1);
        ZooKeeper zk1 = connect(6000, events1, 0, null);
        ZooKeeper observer = connect();
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            ensure(zk1, base);
            String eph = base + "/eph";
            zk1.create(eph, b("x"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            zk1.register((WatchedEvent e) -> {
                events1.add(e.getState() + (e.getType() == Watcher.Event.EventType.None ? "" : ":" + e.getType()));
                if (e.getState() == Watcher.Event.KeeperState.Expired) expired.countDown();
            });
            long sid = zk1.getSessionId();
            byte[] pwd = zk1.getSessionPasswd();
            r.put("session", hex(sid));
            r.put("negotiatedTimeout", zk1.getSessionTimeout());
            CountDownLatch gone = new CountDownLatch(1);
            List<String> obsEvents = Collections.synchronizedList(new ArrayList<>());
            Stat st = observer.exists(eph, (WatchedEvent e) -> {
                obsEvents.add(e.getType() + ":" + e.getPath());
                gone.countDown();
            });
            r.put("ownerBefore", st == null ? null : hex(st.getEphemeralOwner()));

            ZooKeeper zk2 = connect(6000, null, sid, pwd);
            r.put("takeoverSession", hex(zk2.getSessionId()));
            r.put("takeoverTimeout", zk2.getSessionTimeout());
            zk2.close(); // closeSession: the session and its ephemerals end

            r.put("ephemeralDeleted", gone.await(15, TimeUnit.SECONDS));
            r.put("observerEvents", obsEvents);
            r.put("existsAfter", observer.exists(eph, false) != null);
            r.put("expiredSeen", expired.await(20, TimeUnit.SECONDS));
            r.put("events", new ArrayList<>(events1));
            r.put("aliveAfter", zk1.getState().isAlive());
            try {
                zk1.exists(base, false);
                r.put("opAfterExpiry", "ok");
            } catch (KeeperException e) {
                r.put("opAfterExpiry", e.code().name());
            }
            emit(r);
        } finally {
            zk1.close();
            observer.close();
        }
    }

    /** Timeout expiry, part 1: hold an ephemeral with a 4 s session; the test freezes this JVM. */
    static void hold() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch expired = new CountDownLatch(1);
        ZooKeeper zk = connect(4000, events, 0, null);
        try {
            zk.register((WatchedEvent e) -> {
                events.add(e.getState().toString());
                if (e.getState() == Watcher.Event.KeeperState.Expired) expired.countDown();
            });
            ensure(zk, base);
            String p = zk.create(base + "/held", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            emit(obj("ready", true, "session", hex(zk.getSessionId()), "negotiatedTimeout", zk.getSessionTimeout(),
                    "owner", hex(zk.exists(p, false).getEphemeralOwner())));
            boolean got = expired.await(40, TimeUnit.SECONDS);
            emit(obj("expired", got, "events", new ArrayList<>(events), "alive", zk.getState().isAlive()));
        } finally {
            zk.close();
        }
    }

    /** Timeout expiry, part 2: watch the held ephemeral go. */
    static void observe() throws Exception {
        ZooKeeper zk = connect();
        try {
            String p = base + "/held";
            CountDownLatch gone = new CountDownLatch(1);
            List<String> evs = Collections.synchronizedList(new ArrayList<>());
            long t0 = System.nanoTime();
            Stat st = zk.exists(p, (WatchedEvent e) -> {
                evs.add(e.getType() + ":" + e.getPath());
                gone.countDown();
            });
            boolean waited = st != null && gone.await(30, TimeUnit.SECONDS);
            emit(obj("ownerBefore", st == null ? null : hex(st.getEphemeralOwner()), "waited", waited,
                    "events", new ArrayList<>(evs), "elapsedMs", (System.nanoTime() - t0) / 1_000_000,
                    "existsAfter", zk.exists(p, false) != null));
        } finally {
            zk.close();
        }
    }
}
