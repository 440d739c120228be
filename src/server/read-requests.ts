import type { ACL, Id } from '../protocol/generated/records.js';
import type { ReadRequest } from '../protocol/client-requests.js';
import { Err, KeeperError } from '../protocol/error-codes.js';
import { OpCode } from '../protocol/opcodes.js';
import { aclAllows, clientInfos, maskDigestIds, Perms } from '../tree/acl.js';
import { AddWatchMode, WatcherType, type DataTree } from '../tree/data-tree.js';
import type { Watcher } from '../tree/watch-manager.js';
import type { ReplyBody } from './reply-body.js';

type MultiResults = Extract<ReplyBody, { results: unknown }>['results'];

/** An error reply that still carries a body, as ZooKeeper sends for a multiRead holding a write op. */
export class PartialReplyError extends KeeperError {
  constructor(
    code: number,
    readonly body: ReplyBody,
  ) {
    super(code);
  }
}

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

/**
 * Answers a read from the local tree. Throws KeeperError for an error reply.
 * Watches are registered here, so they cover exactly the state the reply shows.
 * Stats in the body are live znodes: the reply must be encoded before the next
 * txn applies (the connection encodes a read's reply as soon as it runs).
 */
export function executeRead(tree: DataTree, req: ReadRequest, caller: ReadCaller): ReplyBody {
  switch (req.type) {
    case OpCode.exists: {
      const path = readPath(req.req.path);
      if (path.includes('\0')) throw new KeeperError(Err.BADARGUMENTS, path);
      const node = tree.statNode(path, req.req.watch ? caller.watcher : undefined);
      if (!node) throw new KeeperError(Err.NONODE, path);
      return { type: OpCode.exists, stat: node };
    }
    case OpCode.getData: {
      const path = readPath(req.req.path);
      const node = nodeOrThrow(tree, path);
      checkRead(node.acl, caller, path);
      if (req.req.watch) tree.getData(path, caller.watcher);
      return { type: OpCode.getData, data: node.bytes, stat: node };
    }
    case OpCode.getChildren:
    case OpCode.getChildren2: {
      const path = readPath(req.req.path);
      const node = nodeOrThrow(tree, path);
      checkRead(node.acl, caller, path);
      if (req.req.watch) tree.getChildren(path, caller.watcher);
      const children = [...node.children];
      return req.type === OpCode.getChildren ? { type: OpCode.getChildren, children } : { type: OpCode.getChildren2, children, stat: node };
    }
    case OpCode.getACL: {
      const path = readPath(req.req.path);
      const node = nodeOrThrow(tree, path);
      if (!aclAllows(node.acl, Perms.READ | Perms.ADMIN, caller.authIds)) throw new KeeperError(Err.NOAUTH, path);
      const acl = aclAllows(node.acl, Perms.ADMIN, caller.authIds) ? [...node.acl] : maskDigestIds(node.acl);
      return { type: OpCode.getACL, acl, stat: node };
    }
    case OpCode.sync:
      return { type: OpCode.sync, path: req.req.path };
    case OpCode.ping:
      return { type: OpCode.ping };
    case OpCode.multiRead: {
      const results: MultiResults = [];
      for (const op of req.ops) {
        // ZooKeeper answers the read ops before a write op, then fails the request
        // with those answers still in the reply body.
        if (op.type === 'write') throw new PartialReplyError(Err.MARSHALLINGERROR, { type: OpCode.multiRead, results });
        try {
          // The watch flags of multiRead ops are ignored: ZooKeeper sets no watch.
          results.push(executeRead(tree, { ...op, req: { ...op.req, watch: false } }, caller));
        } catch (e) {
          if (!(e instanceof KeeperError)) throw e;
          results.push({ type: OpCode.error, err: e.code });
        }
      }
      return { type: OpCode.multiRead, results };
    }
    case OpCode.setWatches:
    case OpCode.setWatches2: {
      const w = req.req;
      const persistent = 'persistentWatches' in w ? w : undefined;
      tree.setWatches(
        w.relativeZxid,
        {
          data: w.dataWatches ?? [],
          exist: w.existWatches ?? [],
          child: w.childWatches ?? [],
          persistent: persistent?.persistentWatches ?? [],
          persistentRecursive: persistent?.persistentRecursiveWatches ?? [],
        },
        caller.watcher,
      );
      return { type: OpCode.setWatches };
    }
    case OpCode.whoAmI: {
      return { type: OpCode.whoAmI, clientInfo: clientInfos(caller.authIds) };
    }
    case OpCode.getEphemerals: {
      const prefix = req.req.prefixPath;
      // Java's trim(): a blank prefix or "/" asks for every ephemeral of the session.
      const all = prefix === null || /^[\u0000-\u0020]*\/?[\u0000-\u0020]*$/.test(prefix);
      const ephemerals = [...tree.ephemeralsOf(caller.sessionId)].filter((p) => all || p.startsWith(prefix));
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
      const path = req.req.path;
      const kind = req.req.type;
      // An unknown watcher type or a null path fails to read, as in ZooKeeper.
      if (path === null || !isWatcherType(kind)) throw new KeeperError(Err.MARSHALLINGERROR);
      // ZooKeeper 3.8's parent-path walk fails on a path without any '/'.
      if (req.type === OpCode.checkWatches && path !== '' && !path.includes('/')) throw new KeeperError(Err.MARSHALLINGERROR);
      const found =
        req.type === OpCode.checkWatches ? tree.containsWatch(path, kind, caller.watcher) : tree.removeWatch(path, kind, caller.watcher);
      if (!found) throw new KeeperError(Err.NOWATCHER, path);
      return { type: req.type };
    }
    case OpCode.addWatch: {
      const { path, mode } = req.req;
      if (path === null || !isAddWatchMode(mode)) throw new KeeperError(Err.MARSHALLINGERROR);
      tree.addWatch(path, caller.watcher, mode);
      return { type: OpCode.addWatch };
    }
    case OpCode.sasl:
      // A server without SASL configured answers OK with no token (its SASL server is absent).
      return { type: OpCode.sasl, token: null };
    case OpCode.auth:
      // Auth packets are handled by the connection before they get here.
      throw new KeeperError(Err.MARSHALLINGERROR);
  }
}

function isWatcherType(n: number): n is WatcherType {
  return (Object.values(WatcherType) as number[]).includes(n);
}

function isAddWatchMode(n: number): n is AddWatchMode {
  return (Object.values(AddWatchMode) as number[]).includes(n);
}
