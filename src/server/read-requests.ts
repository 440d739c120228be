import type { ACL, ClientInfo, Id } from '../protocol/generated/records.js';
import type { ReadRequest } from '../protocol/client-requests.js';
import { Err, KeeperError } from '../protocol/error-codes.js';
import { OpCode } from '../protocol/opcodes.js';
import { EventType, KeeperState } from '../protocol/watch-events.js';
import { aclAllows, Perms } from '../tree/acl.js';
import type { DataTree } from '../tree/data-tree.js';
import type { Watcher } from '../tree/watch-manager.js';
import type { ReplyBody } from './reply-body.js';

/** What a read needs to know of its caller. */
export interface ReadCaller {
  sessionId: bigint;
  authIds: readonly Id[];
  watcher: Watcher;
}

function checkRead(acl: readonly ACL[], caller: ReadCaller, path: string): void {
  if (!aclAllows(acl, Perms.READ, caller.authIds)) throw new KeeperError(Err.NOAUTH, path);
}

/**
 * The tree key a read's path names. ZooKeeper keys the root under "" as well as
 * "/", so "" reads the root; a null path makes it fail to read the request.
 */
function readPath(path: string | null): string {
  if (path === null) throw new KeeperError(Err.MARSHALLINGERROR);
  return path === '' ? '/' : path;
}

function nodeOrThrow(tree: DataTree, path: string) {
  const node = tree.getNode(path);
  if (!node) throw new KeeperError(Err.NONODE, path);
  return node;
}

/** 'watch type' values of checkWatches/removeWatches. */
const WatcherType = { Children: 1, Data: 2, Any: 3 } as const;

/**
 * Answers a read from the local tree. Throws KeeperError for an error reply.
 * Watches are registered here, so they cover exactly the state the reply shows.
 */
export function executeRead(tree: DataTree, req: ReadRequest, caller: ReadCaller): ReplyBody {
  switch (req.type) {
    case OpCode.exists: {
      const path = readPath(req.req.path);
      if (path.includes('\0')) throw new KeeperError(Err.BADARGUMENTS, path);
      const stat = tree.statNode(path, req.req.watch ? caller.watcher : undefined);
      if (!stat) throw new KeeperError(Err.NONODE, path);
      return { type: OpCode.exists, stat };
    }
    case OpCode.getData: {
      const path = readPath(req.req.path);
      checkRead(nodeOrThrow(tree, path).acl, caller, path);
      const r = tree.getData(path, req.req.watch ? caller.watcher : undefined);
      return { type: OpCode.getData, data: r.data, stat: r.stat };
    }
    case OpCode.getChildren:
    case OpCode.getChildren2: {
      const path = readPath(req.req.path);
      checkRead(nodeOrThrow(tree, path).acl, caller, path);
      const r = tree.getChildren(path, req.req.watch ? caller.watcher : undefined);
      return req.type === OpCode.getChildren
        ? { type: OpCode.getChildren, children: r.children }
        : { type: OpCode.getChildren2, children: r.children, stat: r.stat };
    }
    case OpCode.getACL: {
      const path = readPath(req.req.path);
      const node = nodeOrThrow(tree, path);
      if (!aclAllows(node.acl, Perms.READ | Perms.ADMIN, caller.authIds)) throw new KeeperError(Err.NOAUTH, path);
      return { type: OpCode.getACL, acl: node.acl, stat: node.stat() };
    }
    case OpCode.sync:
      return { type: OpCode.sync, path: req.req.path };
    case OpCode.ping:
      return { type: OpCode.ping };
    case OpCode.multiRead:
      return {
        type: OpCode.multiRead,
        results: req.ops.map((op) => {
          try {
            return executeRead(tree, op, caller);
          } catch (e) {
            if (!(e instanceof KeeperError)) throw e;
            return { type: OpCode.error, err: e.code };
          }
        }),
      };
    case OpCode.setWatches:
    case OpCode.setWatches2: {
      const w = req.req;
      resetWatches(tree, caller.watcher, w.relativeZxid, w.dataWatches ?? [], w.existWatches ?? [], w.childWatches ?? []);
      return { type: OpCode.setWatches };
    }
    case OpCode.whoAmI: {
      const clientInfo: ClientInfo[] = caller.authIds.map((id) => ({ authScheme: id.scheme, user: id.id }));
      return { type: OpCode.whoAmI, clientInfo };
    }
    case OpCode.getEphemerals: {
      const prefix = req.req.prefixPath ?? '/';
      const ephemerals = [...tree.ephemeralsOf(caller.sessionId)].filter((p) => prefix === '/' || p.startsWith(prefix));
      return { type: OpCode.getEphemerals, ephemerals };
    }
    case OpCode.getAllChildrenNumber: {
      const path = readPath(req.req.path);
      checkRead(nodeOrThrow(tree, path).acl, caller, path);
      let total = 0;
      const stack = [path];
      while (stack.length > 0) {
        const p = stack.pop() as string;
        for (const c of tree.getNode(p)?.children ?? []) {
          total++;
          stack.push(p === '/' ? `/${c}` : `${p}/${c}`);
        }
      }
      return { type: OpCode.getAllChildrenNumber, totalNumber: total };
    }
    case OpCode.checkWatches:
    case OpCode.removeWatches: {
      const path = req.req.path ?? '';
      const kind = req.req.type;
      const tables = [
        ...(kind === WatcherType.Data || kind === WatcherType.Any ? [tree.dataWatches] : []),
        ...(kind === WatcherType.Children || kind === WatcherType.Any ? [tree.childWatches] : []),
      ];
      const present = tables.filter((t) => t.has(path, caller.watcher));
      if (present.length === 0) throw new KeeperError(Err.NOWATCHER, path);
      if (req.type === OpCode.removeWatches) for (const t of present) t.remove(path, caller.watcher);
      return { type: req.type };
    }
    case OpCode.addWatch:
    case OpCode.auth:
    case OpCode.sasl:
      // Persistent watches and SASL are not served yet (issue 3): say so plainly.
      throw new KeeperError(Err.UNIMPLEMENTED);
  }
}

/**
 * Re-registers a reconnecting client's watches. Changes after relativeZxid that
 * the client missed fire at once instead, as in ZooKeeper.
 */
function resetWatches(
  tree: DataTree,
  watcher: Watcher,
  relativeZxid: bigint,
  dataPaths: string[],
  existPaths: string[],
  childPaths: string[],
): void {
  const fire = (type: number, path: string) => watcher.process({ type, state: KeeperState.SyncConnected, path });
  for (const p of dataPaths) {
    const node = tree.getNode(p);
    if (!node) fire(EventType.NodeDeleted, p);
    else if (node.mzxid > relativeZxid) fire(EventType.NodeDataChanged, p);
    else tree.dataWatches.add(p, watcher);
  }
  for (const p of existPaths) {
    if (tree.getNode(p)) fire(EventType.NodeCreated, p);
    else tree.dataWatches.add(p, watcher);
  }
  for (const p of childPaths) {
    const node = tree.getNode(p);
    if (!node) fire(EventType.NodeDeleted, p);
    else if (node.pzxid > relativeZxid) fire(EventType.NodeChildrenChanged, p);
    else tree.childWatches.add(p, watcher);
  }
}
