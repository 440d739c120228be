// Apache Curator 5.4 recipes (Debian libcurator-*-java) against a server.
// Usage: java CuratorRecipes HOST:PORT BASEPATH CASE...
// Runs the named cases one after another in this JVM (one JVM start per target) and
// prints one JSON line per case: {"case": NAME, ...facts} or {"case": NAME, "error": ...}.
// Every case runs under a time bound; every wait inside a case is bounded too.
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.utils.CloseableUtils;

public class CuratorRecipes {
    static String hostPort;
    static String base;
    /** Bound on one case, well under the test's own bound. */
    static final long CASE_BOUND_MS = 45_000;

    /** Clients opened by the running case; closed after it, whatever happened. */
    private static final List<CuratorFramework> open = Collections.synchronizedList(new ArrayList<>());

    public static void main(String[] args) {
        hostPort = args[0];
        base = args[1];
        for (int i = 2; i < args.length; i++) runCase(args[i]);
        System.out.flush();
        // Curator and ZooKeeper leave non-daemon threads of timed-out cases behind.
        System.exit(0);
    }

    private static Callable<Map<String, Object>> named(String name) {
        switch (name) {
            case "mutex": return LockCases::mutex;
            case "leaderLatch": return LockCases::leaderLatch;
            case "doubleBarrier": return LockCases::doubleBarrier;
            case "atomicLong": return LockCases::atomicLong;
            case "curatorCache": return WatchCases::curatorCache;
            case "persistentWatcher": return WatchCases::persistentWatcher;
            case "persistentNode": return WatchCases::persistentNode;
            default: return null;
        }
    }

    private static void runCase(String name) {
        Callable<Map<String, Object>> body = named(name);
        Map<String, Object> out;
        if (body == null) {
            out = Json.obj("case", name, "error", "unknown case " + name);
        } else {
            ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "case-" + name);
                t.setDaemon(true);
                return t;
            });
            long t0 = System.currentTimeMillis();
            Future<Map<String, Object>> f = ex.submit(body);
            try {
                out = Json.obj("case", name);
                out.putAll(f.get(CASE_BOUND_MS, TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                f.cancel(true);
                out = Json.obj("case", name, "error", "case did not finish within " + CASE_BOUND_MS + " ms");
            } catch (ExecutionException e) {
                out = Json.obj("case", name, "error", String.valueOf(e.getCause()), "trace", trace(e.getCause()));
            } catch (InterruptedException e) {
                out = Json.obj("case", name, "error", "interrupted");
            }
            out.put("elapsedMs", System.currentTimeMillis() - t0);
            ex.shutdownNow();
            closeAll();
        }
        System.out.println(Json.write(out));
        System.out.flush();
    }

    private static String trace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        return s.length() > 4000 ? s.substring(0, 4000) : s;
    }

    private static void closeAll() {
        List<CuratorFramework> cs;
        synchronized (open) {
            cs = new ArrayList<>(open);
            open.clear();
        }
        for (CuratorFramework c : cs) CloseableUtils.closeQuietly(c);
    }

    // ---------------------------------------------------------------- helpers for the cases

    /** A started client with a 10 s session, connected (bounded) before it is returned. */
    static CuratorFramework client() throws Exception {
        CuratorFramework c = CuratorFrameworkFactory.builder()
                .connectString(hostPort)
                .sessionTimeoutMs(10_000)
                .connectionTimeoutMs(10_000)
                .retryPolicy(new RetryNTimes(3, 200))
                .build();
        open.add(c);
        c.start();
        if (!c.blockUntilConnected(15, TimeUnit.SECONDS)) throw new IllegalStateException("not connected within 15 s");
        return c;
    }

    static String session(CuratorFramework c) throws Exception {
        return Json.hex(c.getZookeeperClient().getZooKeeper().getSessionId());
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String str(byte[] d) {
        return d == null ? null : new String(d, StandardCharsets.UTF_8);
    }

    /** Poll cond every 20 ms for at most ms; true as soon as it holds. */
    static boolean until(long ms, Callable<Boolean> cond) throws Exception {
        long deadline = System.currentTimeMillis() + ms;
        while (true) {
            if (Boolean.TRUE.equals(cond.call())) return true;
            if (System.currentTimeMillis() >= deadline) return false;
            Thread.sleep(20);
        }
    }

    /** Start the workers and join them, all within ms; false if one is still running. */
    static boolean runAll(List<Thread> workers, long ms) throws InterruptedException {
        for (Thread t : workers) {
            t.setDaemon(true);
            t.start();
        }
        long deadline = System.currentTimeMillis() + ms;
        for (Thread t : workers) t.join(Math.max(1, deadline - System.currentTimeMillis()));
        for (Thread t : workers) if (t.isAlive()) return false;
        return true;
    }
}
