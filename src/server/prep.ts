import type { ACL, Id } from '../protocol/generated/records.js';
import type { WriteRequest } from '../protocol/client-requests.js';
import { createModeFromFlag } from '../protocol/create-mode.js';
import { Err, KeeperError, WholeRequestError } from '../protocol/error-codes.js';
import { OpCode } from '../protocol/opcodes.js';
import type { TxnBody } from '../protocol/txn.js';
import { aclAllows, fixupAcl, Perms } from '../tree/acl.js';
import { CONTAINER_OWNER, MAX_TTL, ownerKind, ttlOwner } from '../tree/ephemeral-owner.js';
import { invalidPathReason, parentOf } from '../tree/path-validation.js';
import { type ChangeRecord, type ChangeSet, withData } from './pending-changes.js';

/** Who asks, and what prep needs to know of the server's settings. */
export interface PrepContext {
  sessionId: bigint;
  authIds: readonly Id[];
  zxid: bigint;
  /** The txn's time (TxnHeader.time): a create's ctime, a setData's mtime. */
  time: bigint;
  extendedTypesEnabled: boolean;
  reconfigEnabled: boolean;
  isSystemPath(path: string): boolean;
  /** Ephemerals the tree holds for a session (closeSession). */
  ephemeralsOf(sessionId: bigint): ReadonlySet<string>;
  /** With enforceQuota: throws QuotaExceeded for a create/setData past a hard quota. */
  checkQuota?(path: string, bytesDiff: number, countDiff: number): void;
}

function requirePath(path: string | null): string {
  if (path === null || invalidPathReason(path) !== null) throw new KeeperError(Err.BADARGUMENTS, path ?? undefined);
  return path;
}

function record(view: ChangeSet, path: string): ChangeRecord {
  const rec = view.get(path);
  if (!rec) throw new KeeperError(Err.NONODE, path);
  return rec;
}

function checkAcl(acl: readonly ACL[], perm: number, ctx: PrepContext, path: string): void {
  if (!aclAllows(acl, perm, ctx.authIds)) throw new KeeperError(Err.NOAUTH, path);
}

function nextVersion(current: number, expected: number, path: string): number {
  if (expected !== -1 && expected !== current) throw new KeeperError(Err.BADVERSION, path);
  return current + 1;
}

/** ZooKeeper keys the root as "" when splitting a path at its last slash. */
function parentForCreate(path: string): string {
  const slash = path.lastIndexOf('/');
  if (slash === -1 || path.includes('\0')) throw new KeeperError(Err.BADARGUMENTS, path);
  return slash === 0 ? '/' : path.substring(0, slash);
}

function prepCreate(
  type: typeof OpCode.create | typeof OpCode.create2 | typeof OpCode.createContainer | typeof OpCode.createTTL,
  req: { path: string | null; data: Buffer | null; acl: ACL[] | null; flags: number; ttl?: bigint },
  view: ChangeSet,
  ctx: PrepContext,
): TxnBody {
  const rawPath = req.path ?? '';
  const mode = createModeFromFlag(req.flags, rawPath);
  const ttl = req.ttl ?? -1n;
  if (mode.ttl && !ctx.extendedTypesEnabled) throw new KeeperError(Err.UNIMPLEMENTED, rawPath);
  if (mode.ttl ? ttl <= 0n || ttl > MAX_TTL : ttl >= 0n) throw new KeeperError(Err.BADARGUMENTS, rawPath);
  if (req.path === null) throw new WholeRequestError(Err.MARSHALLINGERROR);
  const parentPath = parentForCreate(rawPath);
  const acl = fixupAcl(req.acl, ctx.authIds);
  if (acl === null) throw new KeeperError(Err.INVALIDACL, rawPath);
  const parent = record(view, parentPath);
  checkAcl(parent.acl, Perms.CREATE, ctx, rawPath);
  const path = mode.sequential ? rawPath + String(parent.cversion).padStart(10, '0') : rawPath;
  if (invalidPathReason(path) !== null) throw new KeeperError(Err.BADARGUMENTS, path);
  if (view.get(path)) throw new KeeperError(Err.NODEEXISTS, path);
  if (ownerKind(parent.ephemeralOwner) === 'ephemeral') throw new KeeperError(Err.NOCHILDRENFOREPHEMERALS, path);
  ctx.checkQuota?.(path, req.data?.length ?? 0, 1);
  const parentCVersion = parent.cversion + 1;
  // The opcode, not the flag, decides the txn and so the node's type.
  const owner =
    type === OpCode.createContainer ? CONTAINER_OWNER : type === OpCode.createTTL ? ttlOwner(ttl) : mode.ephemeral ? ctx.sessionId : 0n;
  const zxid = ctx.zxid;
  view.add({ ...parent, zxid, childCount: parent.childCount + 1, cversion: parentCVersion, pzxid: zxid }, parent);
  const data = req.data;
  view.add(
    {
      zxid,
      path,
      exists: true,
      czxid: zxid,
      mzxid: zxid,
      pzxid: zxid,
      ctime: ctx.time,
      mtime: ctx.time,
      version: 0,
      cversion: 0,
      aversion: 0,
      ephemeralOwner: owner,
      childCount: 0,
      acl,
      data,
      digest: 0,
    },
    null,
  );
  switch (type) {
    case OpCode.createContainer:
      return { type, txn: { path, data, acl, parentCVersion } };
    case OpCode.createTTL:
      return { type, txn: { path, data, acl, parentCVersion, ttl } };
    default:
      return { type, txn: { path, data, acl, ephemeral: mode.ephemeral, parentCVersion } };
  }
}

function parentForDelete(path: string, ctx: PrepContext): string {
  const slash = path.lastIndexOf('/');
  if (slash === -1 || path.includes('\0') || ctx.isSystemPath(path)) throw new KeeperError(Err.BADARGUMENTS, path);
  return slash === 0 ? '/' : path.substring(0, slash);
}

function prepDelete(path: string, version: number, view: ChangeSet, ctx: PrepContext): TxnBody {
  const parent = record(view, parentForDelete(path, ctx));
  // ZooKeeper checks the parent's DELETE permission before it looks for the node.
  checkAcl(parent.acl, Perms.DELETE, ctx, path);
  const node = record(view, path);
  nextVersion(node.version, version, path);
  if (node.childCount > 0) throw new KeeperError(Err.NOTEMPTY, path);
  removeNode(node, parent, view, ctx.zxid);
  return { type: OpCode.delete, txn: { path } };
}

/**
 * The container manager's delete (session 0, no ACL or version). ZooKeeper reads this
 * request's path from the raw packet, so from a client (whose packet starts with the
 * request header's zero bytes) it always fails with BadArguments; zkts refuses every
 * client session (ids are never 0) the same way. Persistent nodes pass, as in ZooKeeper.
 */
function prepDeleteContainer(path: string | null, view: ChangeSet, ctx: PrepContext): TxnBody {
  if (ctx.sessionId !== 0n || path === null) throw new KeeperError(Err.BADARGUMENTS);
  const parentPath = parentForDelete(path, ctx);
  const node = record(view, path);
  if (node.childCount > 0) throw new KeeperError(Err.NOTEMPTY, path);
  if (ownerKind(node.ephemeralOwner) === 'ephemeral') throw new KeeperError(Err.BADVERSION, path);
  removeNode(node, record(view, parentPath), view, ctx.zxid);
  return { type: OpCode.deleteContainer, txn: { path } };
}

/** A delete's records: the node gone, its parent one child fewer with pzxid moved. */
function removeNode(node: ChangeRecord, parent: ChangeRecord, view: ChangeSet, zxid: bigint): void {
  view.add({ ...parent, zxid, childCount: parent.childCount - 1, pzxid: zxid }, parent);
  view.add({ ...node, zxid, exists: false }, node);
}

function prepOne(op: WriteRequest, view: ChangeSet, ctx: PrepContext): TxnBody {
  switch (op.type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL:
      return prepCreate(op.type, op.req, view, ctx);
    case OpCode.delete:
      if (op.req.path === null) throw new WholeRequestError(Err.MARSHALLINGERROR);
      return prepDelete(op.req.path, op.req.version, view, ctx);
    case OpCode.deleteContainer:
      return prepDeleteContainer(op.req.path, view, ctx);
    case OpCode.setData: {
      const path = requirePath(op.req.path);
      const node = record(view, path);
      checkAcl(node.acl, Perms.WRITE, ctx, path);
      ctx.checkQuota?.(path, (op.req.data?.length ?? 0) - (node.data?.length ?? 0), 0);
      const version = nextVersion(node.version, op.req.version, path);
      view.add(withData(node, ctx.zxid, ctx.time, version, op.req.data), node);
      return { type: op.type, txn: { path, data: op.req.data, version } };
    }
    case OpCode.setACL: {
      const path = requirePath(op.req.path);
      const acl = fixupAcl(op.req.acl, ctx.authIds);
      if (acl === null) throw new KeeperError(Err.INVALIDACL, path);
      const node = record(view, path);
      checkAcl(node.acl, Perms.ADMIN, ctx, path);
      const version = nextVersion(node.aversion, op.req.version, path);
      view.add({ ...node, zxid: ctx.zxid, aversion: version, acl }, node);
      return { type: op.type, txn: { path, acl, version } };
    }
    case OpCode.check: {
      const path = requirePath(op.req.path);
      const node = record(view, path);
      checkAcl(node.acl, Perms.READ, ctx, path);
      return { type: op.type, txn: { path, version: nextVersion(node.version, op.req.version, path) } };
    }
    case OpCode.reconfig:
      // A standalone server: disabled unless reconfigEnabled, then unsupported.
      throw new KeeperError(ctx.reconfigEnabled ? Err.UNIMPLEMENTED : Err.RECONFIGDISABLED);
    case OpCode.createSession:
      return { type: op.type, txn: { timeOut: op.timeOut } };
    case OpCode.closeSession: {
      const paths = new Set(ctx.ephemeralsOf(ctx.sessionId));
      for (const c of view.pending()) {
        if (!c.exists) paths.delete(c.path);
        else if (c.ephemeralOwner === ctx.sessionId) paths.add(c.path);
      }
      for (const p of paths) {
        const node = view.get(p);
        const parent = view.get(parentOf(p));
        if (node && parent) removeNode(node, parent, view, ctx.zxid);
        else if (node) view.add({ ...node, zxid: ctx.zxid, exists: false }, node);
      }
      return { type: op.type, txn: { paths2Delete: [...paths] } };
    }
    case OpCode.multi:
      throw new KeeperError(Err.BADARGUMENTS);
  }
}

/**
 * Turns a write into the txn body to log. A failed write still becomes a txn
 * (an error txn), as in ZooKeeper, so it consumes its zxid.
 */
export function prepWrite(op: WriteRequest, view: ChangeSet, ctx: PrepContext): { body: TxnBody; error?: KeeperError } {
  try {
    if (op.type === OpCode.multi) return prepMulti(op.ops, view, ctx);
    const body = prepOne(op, view, ctx);
    view.commit();
    return { body };
  } catch (e) {
    // Only a WholeRequestError leaves prepMulti: the whole multi fails, its records unused.
    if (!(e instanceof KeeperError)) throw e;
    return { body: { type: OpCode.error, txn: { err: e.code } }, error: e };
  }
}

function prepMulti(ops: WriteRequest[], view: ChangeSet, ctx: PrepContext): { body: TxnBody; error?: KeeperError } {
  const bodies: TxnBody[] = [];
  let failure: KeeperError | undefined;
  for (const op of ops) {
    if (failure) {
      bodies.push({ type: OpCode.error, txn: { err: Err.RUNTIMEINCONSISTENCY } });
      continue;
    }
    try {
      bodies.push(prepOne(op, view, ctx));
    } catch (e) {
      if (!(e instanceof KeeperError) || e instanceof WholeRequestError) throw e;
      failure = e;
      bodies.push({ type: OpCode.error, txn: { err: e.code } });
    }
  }
  // A failed multi changes nothing, so its records are dropped with the view.
  if (!failure) view.commit();
  return { body: { type: OpCode.multi, ops: bodies }, error: failure };
}
