// Curator's ACL support: a client with an ACLProvider and digest authorization
// creates nodes (parents included); strangers and friends see what ZooKeeper lets them.
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

final class AclCases {
    private AclCases() {}

    /** A connected client authenticated as user:password (digest), with an optional ACLProvider. */
    private static CuratorFramework authed(String userPassword, ACLProvider provider) throws Exception {
        CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
                .connectString(CuratorRecipes.hostPort)
                .sessionTimeoutMs(10_000)
                .connectionTimeoutMs(10_000)
                .retryPolicy(new RetryNTimes(3, 200))
                .authorization("digest", CuratorRecipes.b(userPassword));
        if (provider != null) b.aclProvider(provider);
        CuratorFramework c = b.build();
        CuratorRecipes.track(c);
        c.start();
        if (!c.blockUntilConnected(15, TimeUnit.SECONDS)) throw new IllegalStateException("not connected within 15 s");
        return c;
    }

    private static List<String> show(List<ACL> acl) {
        List<String> out = new ArrayList<>();
        for (ACL a : acl) out.add(a.getPerms() + " " + a.getId().getScheme() + ":" + a.getId().getId());
        return out;
    }

    private static String attempt(CuratorRecipes.Action a) {
        try {
            a.run();
            return "OK";
        } catch (KeeperException e) {
            return e.code().name();
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    static Map<String, Object> aclProvider() throws Exception {
        Map<String, Object> out = new TreeMap<>();
        ACLProvider creatorOnly = new ACLProvider() {
            @Override public List<ACL> getDefaultAcl() { return ZooDefs.Ids.CREATOR_ALL_ACL; }
            @Override public List<ACL> getAclForPath(String path) { return ZooDefs.Ids.CREATOR_ALL_ACL; }
        };
        CuratorFramework owner = authed("alice:pw", creatorOnly);
        CuratorFramework friend = authed("alice:pw", null);
        CuratorFramework stranger = CuratorRecipes.client();
        String root = CuratorRecipes.base + "/acl";
        String leaf = root + "/p/leaf";
        owner.create().creatingParentsIfNeeded().forPath(leaf, CuratorRecipes.b("v"));
        out.put("expectedId", DigestAuthenticationProvider.generateDigest("alice:pw"));
        out.put("leafAcl", show(owner.getACL().forPath(leaf)));
        out.put("parentAcl", show(owner.getACL().forPath(root + "/p")));
        out.put("strangerGet", attempt(() -> stranger.getData().forPath(leaf)));
        out.put("strangerGetAcl", attempt(() -> stranger.getACL().forPath(leaf)));
        // A node the world may read: getACL then answers, with digest ids masked (no ADMIN).
        List<ACL> readable = new ArrayList<>(ZooDefs.Ids.READ_ACL_UNSAFE);
        readable.addAll(ZooDefs.Ids.CREATOR_ALL_ACL);
        String open = root + "/readable";
        owner.create().withACL(readable).forPath(open, CuratorRecipes.b("r"));
        out.put("ownerOpenAcl", show(owner.getACL().forPath(open)));
        out.put("strangerOpenAcl", show(stranger.getACL().forPath(open)));
        out.put("strangerOpenGet", CuratorRecipes.str(stranger.getData().forPath(open)));
        out.put("strangerCreateUnder", attempt(() -> stranger.create().forPath(root + "/p/x")));
        out.put("friendGet", CuratorRecipes.str(friend.getData().forPath(leaf)));
        List<String> who = new ArrayList<>();
        for (org.apache.zookeeper.data.ClientInfo ci : friend.getZookeeperClient().getZooKeeper().whoAmI()) {
            who.add(ci.getAuthScheme() + ":" + ci.getUser());
        }
        out.put("whoAmI", who);
        return out;
    }
}
