// Curator recipes built on watches: CuratorCache and PersistentWatcher (both on
// ZooKeeper 3.6+ persistent watches, addWatch opcode 106), and PersistentNode
// (an ephemeral node kept alive across deletes and session expiry).
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

final class WatchCases {
    private WatchCases() {}

    /** Wait (bounded) until the list holds at least `count` entries. */
    private static boolean atLeast(List<?> list, int count, long ms) throws Exception {
        return CuratorRecipes.until(ms, () -> list.size() >= count);
    }

    /**
     * CuratorCache on a subtree (a persistent recursive watch plus getData/getChildren):
     * the initial load, then creates, changes and deletes made by another client deep in
     * the tree, one step at a time; at the end the cache holds exactly the tree.
     */
    static Map<String, Object> curatorCache() throws Exception {
        String root = CuratorRecipes.base + "/cache";
        CuratorFramework w = CuratorRecipes.client();
        CuratorFramework c = CuratorRecipes.client();
        w.create().creatingParentsIfNeeded().forPath(root + "/pre/x", CuratorRecipes.b("x0"));

        List<String> initial = Collections.synchronizedList(new ArrayList<>());
        List<Map<String, Object>> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch initialized = new CountDownLatch(1);
        CuratorCache cache = CuratorCache.build(c, root);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, oldData, data) -> {
                    ChildData d = data != null ? data : oldData;
                    if (initialized.getCount() > 0) {
                        initial.add(type + " " + d.getPath());
                    } else {
                        events.add(Json.obj("type", type.toString(), "path", d.getPath(),
                                "data", CuratorRecipes.str(d.getData())));
                    }
                })
                .forInitialized(initialized::countDown)
                .build());
        cache.start();
        Map<String, Object> r = Json.obj();
        r.put("initialized", initialized.await(15, TimeUnit.SECONDS));
        List<String> init = new ArrayList<>(Json.snapshot(initial));
        Collections.sort(init);
        r.put("initial", init);
        if (!Boolean.TRUE.equals(r.get("initialized"))) {
            r.put("addWatchProbe", addWatchProbe(root));
            return r; // nothing below can work
        }


        // each step waits for the events it must cause before the next one starts
        List<Object> waited = new ArrayList<>();
        w.create().forPath(root + "/a", CuratorRecipes.b("a"));
        waited.add(atLeast(events, 1, 10_000));
        w.create().creatingParentsIfNeeded().forPath(root + "/a/b/c", CuratorRecipes.b("c"));
        waited.add(atLeast(events, 3, 10_000));
        w.setData().forPath(root + "/a/b/c", CuratorRecipes.b("c1"));
        waited.add(atLeast(events, 4, 10_000));
        w.create().creatingParentsIfNeeded().forPath(root + "/a/b/c/d/e/f", CuratorRecipes.b("f"));
        waited.add(atLeast(events, 7, 10_000));
        w.setData().forPath(root + "/pre/x", CuratorRecipes.b("x1"));
        waited.add(atLeast(events, 8, 10_000));
        w.delete().deletingChildrenIfNeeded().forPath(root + "/a/b/c");
        waited.add(atLeast(events, 12, 10_000));
        w.delete().forPath(root + "/pre/x");
        waited.add(atLeast(events, 13, 10_000));
        r.put("waited", waited);
        r.put("events", Json.snapshot(events));

        Map<String, String> cached = new TreeMap<>();
        cache.stream().forEach(d -> cached.put(d.getPath(), CuratorRecipes.str(d.getData())));
        r.put("cached", cached);
        Map<String, String> tree = new TreeMap<>();
        readTree(w, root, tree);
        r.put("tree", tree);
        cache.close();
        return r;
    }

    private static void readTree(CuratorFramework c, String path, Map<String, String> into) throws Exception {
        into.put(path, CuratorRecipes.str(c.getData().forPath(path)));
        for (String child : c.getChildren().forPath(path)) readTree(c, path + "/" + child, into);
    }

    /**
     * PersistentWatcher, the recipe over addWatch: a PERSISTENT watch on p (its data,
     * its children list, its own delete and re-create; never its grandchildren), a
     * PERSISTENT_RECURSIVE one on r (every node below, never NodeChildrenChanged),
     * and a PERSISTENT one on a path that does not exist yet. All events arrive on
     * one session, so their order is the order of the changes.
     */
    static Map<String, Object> persistentWatcher() throws Exception {
        String root = CuratorRecipes.base + "/pw";
        String p = root + "/p";
        String r = root + "/r";
        String q = root + "/q";
        CuratorFramework w = CuratorRecipes.client();
        CuratorFramework c = CuratorRecipes.client();
        w.create().creatingParentsIfNeeded().forPath(p, CuratorRecipes.b("0"));
        w.create().forPath(r, CuratorRecipes.b("0"));

        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch registered = new CountDownLatch(3);
        List<PersistentWatcher> watchers = new ArrayList<>();
        for (Object[] spec : new Object[][] {{p, false}, {r, true}, {q, false}}) {
            String path = (String) spec[0];
            PersistentWatcher pw = new PersistentWatcher(c, path, (Boolean) spec[1]);
            pw.getListenable().addListener(e -> events.add(describe(e)));
            pw.getResetListenable().addListener(registered::countDown);
            watchers.add(pw);
            pw.start();
        }
        Map<String, Object> out = Json.obj();
        out.put("registered", registered.await(15, TimeUnit.SECONDS));
        if (!Boolean.TRUE.equals(out.get("registered"))) {
            out.put("addWatchProbe", addWatchProbe(r));
            return out; // nothing below can work
        }

        w.setData().forPath(p, CuratorRecipes.b("1"));
        w.create().forPath(p + "/c", CuratorRecipes.b("0"));
        w.setData().forPath(p + "/c", CuratorRecipes.b("1"));
        w.create().forPath(p + "/c/g", CuratorRecipes.b("0"));
        w.setData().forPath(p, CuratorRecipes.b("2"));
        w.delete().deletingChildrenIfNeeded().forPath(p + "/c");
        w.create().forPath(r + "/a", CuratorRecipes.b("0"));
        w.create().forPath(r + "/a/b", CuratorRecipes.b("0"));
        w.setData().forPath(r + "/a/b", CuratorRecipes.b("1"));
        w.setData().forPath(r, CuratorRecipes.b("1"));
        w.delete().deletingChildrenIfNeeded().forPath(r + "/a");
        w.create().forPath(q, CuratorRecipes.b("0"));
        w.setData().forPath(q, CuratorRecipes.b("1"));
        w.delete().forPath(p);
        w.create().forPath(p, CuratorRecipes.b("3"));
        w.create().forPath(r + "/end", CuratorRecipes.b("0"));
        // the last change is seen only after all earlier ones (one ordered stream)
        out.put("sawEnd", CuratorRecipes.until(10_000, () -> events.contains("NodeCreated " + r + "/end")));
        out.put("events", Json.snapshot(events));
        for (PersistentWatcher pw : watchers) pw.close();

        // The Java client's removeWatches(path, watcher, Any) asks the server with
        // checkWatches (opcode 17: is there such a watch?) and drops the watcher on the
        // client side; the client then tells the watcher with PersistentWatchRemoved.
        ZooKeeper zk = c.getZookeeperClient().getZooKeeper();
        String qa = root + "/qa";
        w.create().forPath(qa, CuratorRecipes.b("0"));
        List<String> raw = Collections.synchronizedList(new ArrayList<>());
        Watcher mine = e -> raw.add(describe(e));
        zk.addWatch(qa, mine, AddWatchMode.PERSISTENT_RECURSIVE);
        w.create().forPath(qa + "/k", CuratorRecipes.b("0"));
        out.put("rawSawCreate", CuratorRecipes.until(10_000, () -> raw.contains("NodeCreated " + qa + "/k")));
        try {
            zk.removeWatches(qa, mine, Watcher.WatcherType.Any, false);
            out.put("removeWatches", "OK");
        } catch (KeeperException e) {
            out.put("removeWatches", e.code().toString());
        }
        // the removal event is queued to the event thread: wait for it, bounded
        CuratorRecipes.until(10_000, () -> raw.size() >= 2);
        out.put("rawEvents", Json.snapshot(raw));

        // A session's second addWatch on the same path: ZooKeeper 3.8 keeps one mode per
        // session and path, so PERSISTENT_RECURSIVE replaces PERSISTENT and the child
        // event of the parent is no longer sent.
        String qb = root + "/qb";
        w.create().forPath(qb, CuratorRecipes.b("0"));
        List<String> modes = Collections.synchronizedList(new ArrayList<>());
        zk.addWatch(qb, e -> modes.add("persistent " + describe(e)), AddWatchMode.PERSISTENT);
        zk.addWatch(qb, e -> modes.add("recursive " + describe(e)), AddWatchMode.PERSISTENT_RECURSIVE);
        w.create().forPath(qb + "/k", CuratorRecipes.b("0"));
        w.create().forPath(qb + "/k2", CuratorRecipes.b("0"));
        // A sentinel: its event comes on the same connection after every event of the
        // creates above, and the client's event thread hands events out in order.
        CountDownLatch sentinel = new CountDownLatch(1);
        zk.exists(qb + "-sentinel", e -> sentinel.countDown());
        w.create().forPath(qb + "-sentinel", CuratorRecipes.b("0"));
        out.put("modesSawEnd", sentinel.await(10, TimeUnit.SECONDS) && modes.contains("recursive NodeCreated " + qb + "/k2"));
        out.put("modeEvents", Json.snapshot(modes));
        return out;
    }

    /**
     * Diagnosis when a persistent watch never got registered: what a plain addWatch
     * (opcode 106) on a fresh session answers ("OK" or the KeeperException code).
     */
    private static String addWatchProbe(String path) throws Exception {
        CuratorFramework probe = CuratorRecipes.client();
        try {
            probe.getZookeeperClient().getZooKeeper().addWatch(path, e -> { }, AddWatchMode.PERSISTENT_RECURSIVE);
            return "OK";
        } catch (KeeperException e) {
            return e.code().toString();
        }
    }

    private static String describe(WatchedEvent e) {
        return e.getType() + " " + e.getPath();
    }

    /**
     * PersistentNode (EPHEMERAL): created, re-created after another client deletes it,
     * updated by setData, and re-created under the new session after its session is
     * expired (another handle takes the session over with its id and password, then
     * closes it).
     */
    static Map<String, Object> persistentNode() throws Exception {
        String path = CuratorRecipes.base + "/pnode/eph";
        CuratorFramework a = CuratorRecipes.client();
        CuratorFramework obs = CuratorRecipes.client();
        List<String> states = Collections.synchronizedList(new ArrayList<>());
        a.getConnectionStateListenable().addListener((cl, s) -> states.add(s.toString()));
        Map<String, Object> r = Json.obj();
        PersistentNode node = new PersistentNode(a, CreateMode.EPHEMERAL, false, path, CuratorRecipes.b("v0"));
        node.start();
        try {
            r.put("created", node.waitForInitialCreate(15, TimeUnit.SECONDS));
            r.put("actualPath", node.getActualPath());
            String s1 = CuratorRecipes.session(a);
            r.put("session1", s1);
            r.put("owner1", owner(obs, path));

            obs.delete().forPath(path);
            r.put("recreatedAfterDelete", CuratorRecipes.until(15_000, () -> obs.checkExists().forPath(path) != null));
            r.put("ownerAfterDelete", owner(obs, path));
            r.put("dataAfterDelete", CuratorRecipes.str(obs.getData().forPath(path)));

            node.setData(CuratorRecipes.b("v1")); // sent in the background
            r.put("dataSetSeen", CuratorRecipes.until(10_000,
                    () -> "v1".equals(CuratorRecipes.str(obs.getData().forPath(path)))));

            ZooKeeper zk = a.getZookeeperClient().getZooKeeper();
            r.put("takeoverConnected", takeOverAndClose(zk.getSessionId(), zk.getSessionPasswd()));
            r.put("recreatedAfterExpiry", CuratorRecipes.until(30_000, () -> {
                Stat st = obs.checkExists().forPath(path);
                return st != null && !Json.hex(st.getEphemeralOwner()).equals(s1);
            }));
            r.put("session2", CuratorRecipes.session(a));
            r.put("owner2", owner(obs, path));
            r.put("dataAfterExpiry", CuratorRecipes.str(obs.getData().forPath(path)));
            r.put("states", Json.snapshot(states));
        } finally {
            node.close();
        }
        r.put("goneAfterClose", CuratorRecipes.until(10_000, () -> obs.checkExists().forPath(path) == null));
        return r;
    }

    private static String owner(CuratorFramework c, String path) throws Exception {
        Stat st = c.checkExists().forPath(path);
        return st == null ? null : Json.hex(st.getEphemeralOwner());
    }

    /** Connect a plain handle to an existing session, then close it: the session ends. */
    private static boolean takeOverAndClose(long sessionId, byte[] password) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(CuratorRecipes.hostPort, 10_000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        }, sessionId, password);
        try {
            return connected.await(10, TimeUnit.SECONDS) && zk.getSessionId() == sessionId;
        } finally {
            zk.close();
        }
    }
}
