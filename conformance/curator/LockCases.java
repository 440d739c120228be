// Curator coordination recipes built on ephemeral sequential nodes and one-shot
// watches: InterProcessMutex, LeaderLatch, DistributedDoubleBarrier, and the
// optimistic (versioned setData) DistributedAtomicLong.
import static org.apache.curator.framework.recipes.leader.LeaderLatch.CloseMode.NOTIFY_LEADER;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.barriers.DistributedDoubleBarrier;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.data.Stat;

final class LockCases {
    private LockCases() {}

    private static List<String> errors() {
        return Collections.synchronizedList(new ArrayList<>());
    }

    /**
     * InterProcessMutex: reentrancy and a timed-out acquire while held, then N clients
     * each doing M read-increment-write cycles on one znode under the lock. The write
     * is unversioned, so a lost update would show in the final value, and the version
     * each holder gets back from setData must be exactly one past the one it read.
     */
    static Map<String, Object> mutex() throws Exception {
        String root = CuratorRecipes.base + "/mutex";
        String lockPath = root + "/lock";
        String counter = root + "/counter";
        final int n = 4;
        final int m = 15;
        CuratorFramework setup = CuratorRecipes.client();
        setup.create().creatingParentsIfNeeded().forPath(counter, CuratorRecipes.b("0"));
        CuratorFramework[] cs = new CuratorFramework[n];
        for (int i = 0; i < n; i++) cs[i] = CuratorRecipes.client();

        Map<String, Object> r = Json.obj();
        InterProcessMutex m0 = new InterProcessMutex(cs[0], lockPath);
        r.put("acquired", m0.acquire(10, TimeUnit.SECONDS));
        r.put("reentered", m0.acquire(10, TimeUnit.SECONDS));
        List<String> nodes = setup.getChildren().forPath(lockPath);
        r.put("lockNodes", nodes);
        Stat lockStat = nodes.isEmpty() ? null : setup.checkExists().forPath(lockPath + "/" + nodes.get(0));
        r.put("lockOwner", lockStat == null ? null : Json.hex(lockStat.getEphemeralOwner()));
        r.put("holderSession", CuratorRecipes.session(cs[0]));
        InterProcessMutex other = new InterProcessMutex(cs[1], lockPath);
        long t0 = System.currentTimeMillis();
        r.put("otherAcquiredWhileHeld", other.acquire(300, TimeUnit.MILLISECONDS));
        r.put("otherWaitedMs", System.currentTimeMillis() - t0);
        m0.release();
        r.put("heldAfterOneRelease", m0.isAcquiredInThisProcess());
        m0.release();
        r.put("heldAfterTwoReleases", m0.isAcquiredInThisProcess());
        r.put("lockNodesAfterRelease", setup.getChildren().forPath(lockPath));

        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        AtomicInteger versionJumps = new AtomicInteger();
        AtomicInteger acquireTimeouts = new AtomicInteger();
        AtomicInteger increments = new AtomicInteger();
        List<String> errs = errors();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final CuratorFramework c = cs[i];
            workers.add(new Thread(() -> {
                InterProcessMutex mx = new InterProcessMutex(c, lockPath);
                try {
                    for (int j = 0; j < m; j++) {
                        if (!mx.acquire(15, TimeUnit.SECONDS)) {
                            acquireTimeouts.incrementAndGet();
                            continue;
                        }
                        try {
                            maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                            Stat read = new Stat();
                            long v = Long.parseLong(CuratorRecipes.str(c.getData().storingStatIn(read).forPath(counter)));
                            Thread.sleep(1); // widen the window a broken lock would let others into
                            Stat wrote = c.setData().forPath(counter, CuratorRecipes.b(Long.toString(v + 1)));
                            if (wrote.getVersion() != read.getVersion() + 1) versionJumps.incrementAndGet();
                            increments.incrementAndGet();
                            holders.decrementAndGet();
                        } finally {
                            mx.release();
                        }
                    }
                } catch (Exception e) {
                    errs.add(e.toString());
                }
            }));
        }
        r.put("finished", CuratorRecipes.runAll(workers, 40_000));
        Stat fin = new Stat();
        r.put("counter", Long.parseLong(CuratorRecipes.str(setup.getData().storingStatIn(fin).forPath(counter))));
        r.put("counterVersion", fin.getVersion());
        r.put("expected", n * m);
        r.put("increments", increments.get());
        r.put("maxHolders", maxHolders.get());
        r.put("versionJumps", versionJumps.get());
        r.put("acquireTimeouts", acquireTimeouts.get());
        r.put("workerErrors", Json.snapshot(errs));
        r.put("lockNodesAfter", setup.getChildren().forPath(lockPath));
        return r;
    }

    /**
     * LeaderLatch: three participants join in order p0, p1, p2; the leader closes
     * (NOTIFY_LEADER) and the next one by sequence takes over. At each stable point
     * exactly one open latch leads and every open latch names it as the leader.
     */
    static Map<String, Object> leaderLatch() throws Exception {
        String path = CuratorRecipes.base + "/leader";
        final int n = 3;
        CuratorFramework setup = CuratorRecipes.client();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        LeaderLatch[] ls = new LeaderLatch[n];
        for (int i = 0; i < n; i++) {
            CuratorFramework c = CuratorRecipes.client();
            final String id = "p" + i;
            ls[i] = new LeaderLatch(c, path, id, NOTIFY_LEADER);
            ls[i].addListener(new LeaderLatchListener() {
                @Override
                public void isLeader() {
                    events.add("isLeader:" + id);
                }

                @Override
                public void notLeader() {
                    events.add("notLeader:" + id);
                }
            });
        }
        Map<String, Object> r = Json.obj();
        ls[0].start();
        r.put("firstAwait", ls[0].await(10, TimeUnit.SECONDS));
        for (int i = 1; i < n; i++) {
            ls[i].start();
            final int want = i + 1;
            // join in order, so that the sequence numbers (and the succession) are known
            if (!CuratorRecipes.until(10_000, () -> ls[0].getParticipants().size() == want)) {
                throw new IllegalStateException("participant p" + i + " did not show up within 10 s");
            }
        }
        List<String> ourNodes = new ArrayList<>();
        for (LeaderLatch l : ls) ourNodes.add(l.getOurPath().substring(path.length() + 1));
        r.put("nodes", ourNodes);

        boolean[] closed = new boolean[n];
        List<Map<String, Object>> rounds = new ArrayList<>();
        for (int round = 0; round < n; round++) {
            boolean stable = CuratorRecipes.until(15_000, () -> {
                int leading = 0;
                for (int i = 0; i < n; i++) if (!closed[i] && ls[i].hasLeadership()) leading++;
                return leading == 1;
            });
            List<String> leaders = new ArrayList<>();
            TreeSet<String> named = new TreeSet<>();
            int leader = -1;
            for (int i = 0; i < n; i++) {
                if (closed[i]) continue;
                if (ls[i].hasLeadership()) {
                    leaders.add(ls[i].getId());
                    leader = i;
                }
                named.add(ls[i].getLeader().getId());
            }
            List<String> participants = new ArrayList<>();
            for (Participant p : ls[leader < 0 ? n - 1 : leader].getParticipants()) {
                participants.add(p.getId() + (p.isLeader() ? "*" : ""));
            }
            rounds.add(Json.obj("stable", stable, "leaders", leaders, "namedLeader", new ArrayList<>(named),
                    "participants", participants));
            if (leader < 0) break;
            ls[leader].close();
            closed[leader] = true;
        }
        r.put("rounds", rounds);
        r.put("gone", CuratorRecipes.until(10_000, () -> setup.getChildren().forPath(path).isEmpty()));
        r.put("events", Json.snapshot(events));
        return r;
    }

    /**
     * DistributedDoubleBarrier with three members that arrive and leave at staggered
     * times: nobody gets through enter() before the last one called it, and nobody
     * gets through leave() before the last one called it.
     */
    static Map<String, Object> doubleBarrier() throws Exception {
        String path = CuratorRecipes.base + "/barrier";
        final int n = 3;
        CuratorFramework setup = CuratorRecipes.client();
        AtomicInteger clock = new AtomicInteger();
        List<Map<String, Object>> log = Collections.synchronizedList(new ArrayList<>());
        List<Object> enterResults = Collections.synchronizedList(new ArrayList<>());
        List<Object> leaveResults = Collections.synchronizedList(new ArrayList<>());
        List<String> errs = errors();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final int me = i;
            final CuratorFramework c = CuratorRecipes.client();
            workers.add(new Thread(() -> {
                DistributedDoubleBarrier barrier = new DistributedDoubleBarrier(c, path, n);
                try {
                    Thread.sleep(200L * me);
                    log.add(Json.obj("t", clock.incrementAndGet(), "what", "enterCalled", "who", me));
                    enterResults.add(barrier.enter(20, TimeUnit.SECONDS));
                    log.add(Json.obj("t", clock.incrementAndGet(), "what", "entered", "who", me));
                    Thread.sleep(200L * (n - 1 - me));
                    log.add(Json.obj("t", clock.incrementAndGet(), "what", "leaveCalled", "who", me));
                    leaveResults.add(barrier.leave(20, TimeUnit.SECONDS));
                    log.add(Json.obj("t", clock.incrementAndGet(), "what", "left", "who", me));
                } catch (Exception e) {
                    errs.add(e.toString());
                }
            }));
        }
        Map<String, Object> r = Json.obj();
        r.put("finished", CuratorRecipes.runAll(workers, 40_000));
        r.put("enterResults", Json.snapshot(enterResults));
        r.put("leaveResults", Json.snapshot(leaveResults));
        r.put("log", Json.snapshot(log));
        r.put("workerErrors", Json.snapshot(errs));
        r.put("childrenAfter", setup.checkExists().forPath(path) == null ? null : setup.getChildren().forPath(path));
        return r;
    }

    /**
     * DistributedAtomicLong (optimistic: versioned setData, retried): N clients each
     * add 1 M times; every successful increment saw a distinct pre value, so the
     * post values are exactly 1..N*M.
     */
    static Map<String, Object> atomicLong() throws Exception {
        String path = CuratorRecipes.base + "/atomic";
        final int n = 4;
        final int m = 20;
        CuratorFramework setup = CuratorRecipes.client();
        Map<String, Object> r = Json.obj();
        DistributedAtomicLong init = new DistributedAtomicLong(setup, path, new RetryNTimes(10, 10));
        r.put("initialized", init.initialize(0L));
        r.put("initializedAgain", init.initialize(5L));
        List<Long> posts = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger mismatched = new AtomicInteger();
        AtomicInteger notSucceeded = new AtomicInteger();
        List<String> errs = errors();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final CuratorFramework c = CuratorRecipes.client();
            workers.add(new Thread(() -> {
                DistributedAtomicLong counter = new DistributedAtomicLong(c, path, new RetryNTimes(50, 5));
                try {
                    long deadline = System.currentTimeMillis() + 30_000;
                    for (int j = 0; j < m && System.currentTimeMillis() < deadline; ) {
                        AtomicValue<Long> v = counter.increment();
                        if (!v.succeeded()) {
                            notSucceeded.incrementAndGet();
                            continue;
                        }
                        if (v.postValue() != v.preValue() + 1) mismatched.incrementAndGet();
                        posts.add(v.postValue());
                        j++;
                    }
                } catch (Exception e) {
                    errs.add(e.toString());
                }
            }));
        }
        r.put("finished", CuratorRecipes.runAll(workers, 40_000));
        AtomicValue<Long> fin = init.get();
        r.put("finalSucceeded", fin.succeeded());
        r.put("final", fin.postValue());
        r.put("expected", (long) n * m);
        List<Long> sorted = new ArrayList<>(Json.snapshot(posts));
        Collections.sort(sorted);
        boolean exact = sorted.size() == n * m;
        for (int i = 0; exact && i < sorted.size(); i++) exact = sorted.get(i) == i + 1;
        r.put("postValuesAreOneToNM", exact);
        r.put("increments", sorted.size());
        r.put("mismatched", mismatched.get());
        r.put("notSucceeded", notSucceeded.get());
        r.put("workerErrors", Json.snapshot(errs));
        Stat st = setup.checkExists().forPath(path);
        r.put("nodeDataLength", st == null ? null : st.getDataLength());
        return r;
    }
}
