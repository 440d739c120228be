/**
 * Apache ZooKeeper data-dir files (src/persistence/zk-datadir) against the data
 * dirs a real ZooKeeper 3.8.0 wrote (../shared/fixtures/datadir): every snapshot
 * and log decodes to what the fixture decoder saw and re-encodes byte for byte;
 * each dir loads the snapshot ZooKeeper would load; replaying the logs with
 * zkts's DataTree reproduces the later snapshots and every digest ZooKeeper
 * logged; damaged files are handled as ZooKeeper handles them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { OpCode } from '../src/protocol/opcodes.js';
import { adler32, crc32 } from '../src/persistence/zk-datadir/checksums.js';
import { readZkDataDir, loadSnapshotFile } from '../src/persistence/zk-datadir/data-dir-reader.js';
import { writeZkDataDir } from '../src/persistence/zk-datadir/data-dir-writer.js';
import { ZkFileFormatError } from '../src/persistence/zk-datadir/file-header.js';
import { compressionOfName, filesByZxid, snapshotFileName, zxidFromName } from '../src/persistence/zk-datadir/file-names.js';
import { decodeSnapshot, encodeSnapshot, type DecodedSnapshot } from '../src/persistence/zk-datadir/snapshot-file.js';
import { imageToSnapshot, snapshotToImage } from '../src/persistence/zk-datadir/snapshot-image.js';
import { unwrapSnapshot, wrapSnapshot } from '../src/persistence/zk-datadir/snapshot-stream.js';
import { snappyDecompressBlock, snappyStreamDecode, snappyStreamEncode } from '../src/persistence/zk-datadir/snappy.js';
import { encodeTxnEntry, type LoggedTxn } from '../src/protocol/txn-entry.js';
import { frameTxnLog, readTxnLog } from '../src/persistence/zk-datadir/txn-log-reader.js';
import { encodeTxnLog, paddedSize } from '../src/persistence/zk-datadir/txn-log-writer.js';
import { treeDigest } from '../src/persistence/zk-datadir/tree-digest.js';
import { replayDataDir, ZkTreeReplay } from '../src/persistence/zk-datadir/tree-replay.js';
import type { ZkImage, ZkImageNode } from '../src/persistence/zk-datadir/zk-image.js';
import { formatTxnLine } from '../src/cli/txn-dump-format.js';
import { formatSnapshotDetails } from '../src/cli/snapshot-dump-format.js';
import { fixturePath, haveFixtures, listFixtureFiles } from './support/fixtures.js';

const DATADIRS = ['standalone', 'standalone-client-capture', 'quorum-s1', 'quorum-s2', 'quorum-s3'];
const PREALLOC_64K = 64 * 1024; // the fixtures' zoo.cfg: preAllocSize=64 (KiB)

const scratch = mkdtempSync(join(tmpdir(), 'zk-datadir-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let scratchCount = 0;
function scratchDir(): string {
  return join(scratch, String(++scratchCount));
}

function versionDir(d: string): string {
  return fixturePath('datadir', d, 'version-2');
}

function fixtureFiles(d: string, prefix: 'log' | 'snapshot'): { name: string; zxid: bigint }[] {
  return filesByZxid(listFixtureFiles(`datadir/${d}/version-2`, /./), prefix);
}

function decodedJson(d: string, name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(versionDir(d), `${name}.decoded.json`), 'utf8')) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------
// Comparing with the fixture decoder's JSON (longs as "0x.." or numbers, buffers as {len, utf8|hex}).

function num(v: unknown, where: string): bigint {
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'string' && /^-?(0x[0-9a-f]+|\d+)$/i.test(v)) return v.startsWith('-') ? -BigInt(v.slice(1)) : BigInt(v);
  assert.fail(`${where}: ${JSON.stringify(v)} is not an integer`);
}

/** Counts the values compared, so a test can show it compared something. */
let compared = 0;

function sameValue(actual: unknown, expected: unknown, where: string): void {
  compared++;
  if (actual === null || actual === undefined) {
    assert.equal(expected ?? null, null, where);
  } else if (Buffer.isBuffer(actual)) {
    const e = expected as { len?: number; utf8?: string; hex?: string };
    assert.equal(actual.length, e.len, `${where}.len`);
    if (e.utf8 !== undefined) assert.equal(actual.toString('utf8'), e.utf8, `${where}.utf8`);
    if (e.hex !== undefined) assert.equal(actual.toString('hex'), e.hex.toLowerCase(), `${where}.hex`);
  } else if (typeof actual === 'bigint') {
    // The fixture decoder shows some negative longs (TTL owners) as unsigned hex.
    assert.equal(BigInt.asUintN(64, actual), BigInt.asUintN(64, num(expected, where)), where);
  } else if (typeof actual === 'number') {
    assert.equal(BigInt(actual), num(expected, where), where);
  } else if (Array.isArray(actual)) {
    assert.ok(Array.isArray(expected), `${where}: expected a list`);
    assert.equal(actual.length, expected.length, `${where}.length`);
    actual.forEach((a, i) => sameValue(a, expected[i], `${where}[${i}]`));
  } else if (typeof actual === 'object') {
    for (const [k, v] of Object.entries(actual)) sameValue(v, (expected as Record<string, unknown>)[k], `${where}.${k}`);
  } else {
    assert.equal(actual, expected, where);
  }
}

function sameSnapshot(s: DecodedSnapshot, json: Record<string, unknown>, where: string): void {
  sameValue(s.header, { magic: json['FileHeader'] && (json['FileHeader'] as Record<string, unknown>)['magic'], version: 2, dbid: -1 }, `${where} header`);
  sameValue(s.sessions, json['sessions'], `${where} sessions`);
  sameValue(s.aclCache, json['aclCache'], `${where} aclCache`);
  const nodes = json['nodes'] as Record<string, unknown>[];
  assert.equal(s.nodes.length, nodes.length, `${where}: node count`);
  s.nodes.forEach((n, i) => {
    const e = nodes[i]!;
    assert.equal(n.path, e['path'], `${where} node ${i} path`);
    sameValue(n.data, e['data'], `${where} ${n.path} data`);
    sameValue(n.aclKey, e['acl'], `${where} ${n.path} acl`);
    sameValue(n.stat, e['stat'], `${where} ${n.path} stat`);
  });
  sameValue(s.digest, json['ZxidDigest'] === undefined ? null : { ...(json['ZxidDigest'] as object), offset: undefined }, `${where} digest`);
  assert.equal(s.trailingBytes, json['trailingBytes'], `${where} trailing bytes`);
}

function sameTxn(l: LoggedTxn, e: Record<string, unknown>, where: string): void {
  const h = e['TxnHeader'] as Record<string, unknown>;
  sameValue(l.txn.hdr, { ...h, op: undefined }, `${where} header`);
  const body = l.txn.body;
  if (body.type === OpCode.multi) {
    const txns = (e['txn'] as Record<string, unknown>)['txns'] as Record<string, unknown>[];
    assert.equal(body.ops.length, txns.length, `${where} multi size`);
    body.ops.forEach((op, i) => {
      assert.equal(op.type, txns[i]!['type'], `${where} multi[${i}] type`);
      if ('txn' in op) sameValue(op.txn, txns[i]!['txn'], `${where} multi[${i}]`);
    });
  } else {
    sameValue(body.txn, e['txn'], `${where} txn`);
  }
  sameValue(l.digest, e['TxnDigest'] ?? null, `${where} digest`);
}

function imageNodes(image: ZkImage): Map<string, ZkImageNode> {
  return new Map([...image.nodes].map((n) => [n.path, n]));
}

/**
 * Node by node: data, ACL and every stored stat field. With `replicatedOnly`, the
 * nodes under /zookeeper/ are left out: each ensemble member writes the quorum
 * config there itself at startup, outside any txn (and the digest skips them too).
 */
function sameImage(actual: ZkImage, expected: ZkImage, where: string, replicatedOnly = false): void {
  const a = imageNodes(actual);
  const e = imageNodes(expected);
  assert.deepEqual([...a.keys()].sort(), [...e.keys()].sort(), `${where}: paths`);
  for (const [path, n] of e) {
    if (replicatedOnly && path.startsWith('/zookeeper/')) continue;
    const m = a.get(path)!;
    assert.deepEqual(m.data, n.data, `${where} ${path} data`);
    assert.deepEqual(m.acl, n.acl, `${where} ${path} acl`);
    assert.deepEqual(m.stat, n.stat, `${where} ${path} stat`);
  }
  assert.deepEqual(
    [...actual.sessions].sort((x, y) => (x.id < y.id ? -1 : 1)),
    [...expected.sessions].sort((x, y) => (x.id < y.id ? -1 : 1)),
    `${where}: sessions`,
  );
}

test('fixtures folder is present', () => {
  assert.ok(haveFixtures(), `fixtures not found at ${fixturePath()}`);
});

// ---------------------------------------------------------------------------

describe('snapshot files', () => {
  const snapshots = DATADIRS.flatMap((d) => fixtureFiles(d, 'snapshot').map((f) => ({ d, ...f })));

  test('every fixture snapshot decodes as the fixture decoder read it and re-encodes byte for byte', () => {
    assert.ok(snapshots.length >= 11, `found only ${snapshots.length} snapshots`);
    const before = compared;
    for (const { d, name } of snapshots) {
      const bytes = readFileSync(join(versionDir(d), name));
      const s = decodeSnapshot(bytes, name);
      sameSnapshot(s, decodedJson(d, name), `${d}/${name}`);
      assert.ok(encodeSnapshot(s).equals(bytes), `${d}/${name}: re-encoding differs`);
    }
    assert.ok(compared - before > 1000, `only ${compared - before} values compared`);
  });

  test("the digest computed from a snapshot's nodes is the one ZooKeeper sealed into it", () => {
    let checked = 0;
    for (const { d, name, zxid } of snapshots) {
      const s = decodeSnapshot(readFileSync(join(versionDir(d), name)));
      assert.ok(s.digest !== null, `${name} has a digest`);
      if (s.digest.zxid === 0n) {
        assert.equal(s.digest.digest, 0n, `${d}/${name}: an empty digest is 0`);
        continue;
      }
      assert.equal(s.digest.zxid, zxid, `${d}/${name}: taken at startup, so not fuzzy`);
      assert.equal(treeDigest(snapshotToImage(s, zxid).nodes), s.digest.digest, `${d}/${name}`);
      checked++;
    }
    assert.ok(checked >= 5, `only ${checked} digests checked`);
  });

  test('an image written back as a snapshot reads as the same image, with the same digest', () => {
    for (const { d, name, zxid } of snapshots) {
      const original = decodeSnapshot(readFileSync(join(versionDir(d), name)));
      const image = snapshotToImage(original, zxid);
      const rewritten = decodeSnapshot(encodeSnapshot(imageToSnapshot(image)));
      sameImage(snapshotToImage(rewritten, zxid), image, `${d}/${name}`);
      // Always the digest of the tree written (ZooKeeper's own may be empty, e.g. after a SNAP sync).
      const digest = zxid === 0n ? 0n : treeDigest(image.nodes);
      assert.deepEqual(rewritten.digest, { zxid, digestVersion: 2, digest }, `${d}/${name}: digest`);
      if (original.digest?.zxid === zxid) assert.equal(digest, original.digest.digest);
      // Every distinct ACL list is stored once.
      assert.equal(new Set(rewritten.aclCache.map((e) => JSON.stringify(e.acls))).size, rewritten.aclCache.length);
      // A fresh server's first snapshot has no history in its ACL keys: the image alone gives its bytes.
      if (zxid === 0n) assert.ok(encodeSnapshot(imageToSnapshot(image)).equals(readFileSync(join(versionDir(d), name))), `${d}/${name} bytes`);
    }
  });

  test('gzip and snappy wrapping round-trip, and a data dir finds the wrapped snapshot by its name', () => {
    const bytes = readFileSync(join(versionDir('standalone'), 'snapshot.15'));
    for (const c of ['gz', 'snappy'] as const) {
      const wrapped = wrapSnapshot(bytes, c);
      assert.ok(!wrapped.equals(bytes));
      assert.ok(unwrapSnapshot(wrapped, c).equals(bytes), c);
      const dir = scratchDir();
      cpSync(fixturePath('datadir', 'standalone'), dir, { recursive: true });
      const v2 = join(dir, 'version-2');
      rmSync(join(v2, 'snapshot.15'), { force: true });
      writeFileSync(join(v2, snapshotFileName(0x15n, c)), wrapped);
      const read = readZkDataDir({ dataDir: dir });
      assert.equal(read.snapshot?.file, `snapshot.15.${c}`);
      assert.equal(read.lastZxid, 0x15n);
    }
    assert.equal(compressionOfName('snapshot.15.GZ'), 'gz');
    assert.equal(compressionOfName('snapshot.15'), 'none');
  });

  test('snappy blocks with back-references decode; broken ones are refused', () => {
    // varint 12, literal "abc", copy (1-byte offset) of 9 bytes from 3 back
    assert.equal(snappyDecompressBlock(Buffer.from([12, 0x08, 0x61, 0x62, 0x63, 0x15, 0x03])).toString(), 'abcabcabcabc');
    // varint 8, literal "ab", copy (2-byte offset) of 6 bytes from 2 back
    assert.equal(snappyDecompressBlock(Buffer.from([8, 0x04, 0x61, 0x62, 0x16, 0x02, 0x00])).toString(), 'abababab');
    assert.throws(() => snappyDecompressBlock(Buffer.from([12, 0x08, 0x61, 0x62, 0x63, 0x15, 0x09])), ZkFileFormatError);
    assert.throws(() => snappyDecompressBlock(Buffer.from([5, 0x08, 0x61])), ZkFileFormatError);
    const big = Buffer.alloc(100_000, 7);
    assert.ok(snappyStreamDecode(snappyStreamEncode(big)).equals(big));
  });

  test('a damaged snapshot is refused, and the data dir falls back to the older one plus the logs', () => {
    const good = readFileSync(join(versionDir('standalone'), 'snapshot.15'));
    const badSeal = Buffer.from(good);
    badSeal[200] = badSeal[200]! ^ 0xff;
    assert.throws(() => decodeSnapshot(badSeal), /first seal/);
    const badSecondSeal = Buffer.from(good);
    badSecondSeal[good.length - 15] = badSecondSeal[good.length - 15]! ^ 1; // inside the ZxidDigest
    assert.throws(() => decodeSnapshot(badSecondSeal), /second seal/);
    assert.throws(() => decodeSnapshot(good.subarray(0, 600)), ZkFileFormatError);
    const badMagic = Buffer.from(good);
    badMagic.write('ZKLG', 0, 'latin1');
    assert.throws(() => decodeSnapshot(badMagic), /magic ZKLG, expected ZKSN/);

    for (const damage of ['seal', 'truncated'] as const) {
      const dir = scratchDir();
      cpSync(fixturePath('datadir', 'standalone'), dir, { recursive: true });
      const snap = join(dir, 'version-2', 'snapshot.15');
      if (damage === 'seal') writeFileSync(snap, badSeal);
      else truncateSync(snap, 700);
      const read = readZkDataDir({ dataDir: dir });
      assert.equal(read.snapshot?.file, 'snapshot.11', damage);
      assert.equal(read.skippedSnapshots[0]?.file, 'snapshot.15', damage);
      // snapshot.11 + log.12's four txns reach the same tree as snapshot.15.
      const replay = replayDataDir(read);
      assert.deepEqual(replay.mismatches, []);
      assert.equal(read.lastZxid, 0x15n);
      sameImage(replay.image(), snapshotToImage(decodeSnapshot(good), 0x15n), damage);
    }
  });
});

// ---------------------------------------------------------------------------

describe('txn log files', () => {
  const logs = DATADIRS.flatMap((d) => fixtureFiles(d, 'log').map((f) => ({ d, ...f })));

  test('every fixture log decodes as the fixture decoder read it and re-encodes byte for byte, padding included', () => {
    assert.ok(logs.length >= 10, `found only ${logs.length} logs`);
    let records = 0;
    for (const { d, name, zxid } of logs) {
      const bytes = readFileSync(join(versionDir(d), name));
      const json = decodedJson(d, name);
      const log = readTxnLog(bytes, name);
      const expected = json['records'] as Record<string, unknown>[];
      assert.equal(log.records.length, expected.length, `${d}/${name}: records`);
      log.records.forEach((r, i) => {
        sameTxn(r.logged, expected[i]!, `${d}/${name}#${i}`);
        assert.equal(r.offset, expected[i]!['offset']);
        assert.ok(encodeTxnEntry(r.logged).equals(r.entry), `${d}/${name}#${i}: entry re-encoding differs`);
      });
      assert.equal(log.records[0]?.logged.txn.hdr.zxid, zxid, `${name}: named after its first zxid`);
      // The log s2 truncated on TRUNC has no padding; the others grew in 64 KiB steps.
      const padded = log.end.kind === 'padding';
      assert.equal(padded, (json['paddingBytes'] as number) > 0, `${d}/${name}: padding`);
      const rewritten = encodeTxnLog(
        log.records.map((r) => r.logged),
        { dbid: log.header.dbid, preAllocBytes: padded ? PREALLOC_64K : 0 },
      );
      assert.ok(rewritten.equals(bytes), `${d}/${name}: re-encoding differs`);
      records += log.records.length;
    }
    assert.ok(records > 150, `only ${records} records`);
  });

  test('the file grows as FilePadding grows it', () => {
    assert.equal(paddedSize(16, 16, 65536), 65552);
    assert.equal(paddedSize(1000, 65552, 65536), 65552);
    assert.equal(paddedSize(61457, 65552, 65536), 131088, 'within 4 KiB of the end: one more step');
    assert.equal(paddedSize(200000, 65552, 65536), 262144, 'past the end: rounded up to a step boundary');
    assert.equal(paddedSize(200000, 16, 0), 16, 'no preallocation');
  });

  test('a torn tail ends the log at the last complete record, wherever the file was cut', () => {
    const bytes = readFileSync(join(versionDir('standalone'), 'log.12'));
    const full = readTxnLog(bytes);
    const last = full.records[full.records.length - 1]!;
    const lastEnd = last.offset + 13 + last.entry.length;
    for (let cut = last.offset + 1; cut < lastEnd; cut++) {
      const log = readTxnLog(bytes.subarray(0, cut));
      assert.equal(log.records.length, full.records.length - 1, `cut at ${cut}`);
      // Cut inside the checksum's zero high bytes, the rest reads as zeros: padding, which also ends the log.
      assert.equal(log.end.kind, cut - last.offset <= 4 ? 'padding' : 'torn', `cut at ${cut}`);
      assert.equal(log.end.offset, last.offset);
    }
    assert.equal(readTxnLog(bytes.subarray(0, lastEnd)).end.kind, 'eof');
    assert.equal(readTxnLog(bytes.subarray(0, lastEnd)).records.length, full.records.length);
    const badEor = Buffer.from(bytes);
    badEor[lastEnd - 1] = 0x41;
    const torn = frameTxnLog(badEor);
    assert.equal(torn.end.kind, 'torn');
    assert.ok(torn.end.kind === 'torn' && torn.end.entry?.equals(last.entry), 'the partial entry is kept for dumping');

    // In a data dir this is a note, not an error, and the txns before it load.
    const dir = scratchDir();
    cpSync(fixturePath('datadir', 'standalone'), dir, { recursive: true });
    rmSync(join(dir, 'version-2', 'snapshot.15'));
    truncateSync(join(dir, 'version-2', 'log.12'), lastEnd - 5);
    const read = readZkDataDir({ dataDir: dir });
    assert.equal(read.lastZxid, 0x14n);
    assert.match(read.notes.join('\n'), new RegExp(`log\\.12: partial record at offset ${last.offset} `));
  });

  test('a record with a bad checksum or an unknown txn type makes the log unloadable', () => {
    const bytes = readFileSync(join(versionDir('standalone'), 'log.12'));
    const second = readTxnLog(bytes).records[1]!;
    const flipped = Buffer.from(bytes);
    flipped[second.offset + 40] = flipped[second.offset + 40]! ^ 0x20;
    const log = readTxnLog(flipped);
    assert.equal(log.records.length, 1);
    assert.deepEqual([log.end.kind, log.end.offset], ['corrupt', second.offset]);
    assert.match(log.end.kind === 'corrupt' ? log.end.reason : '', /checksum mismatch/);
    assert.equal(frameTxnLog(flipped).frames.filter((f) => !f.checksumOk).length, 1, 'framing keeps going, as the toolkit does');

    // A well-sealed record of txn type 99.
    const entry = Buffer.from(second.entry);
    entry.writeInt32BE(99, 28);
    const unknown = encodeTxnLog([entry], { preAllocBytes: 0 });
    assert.match(String((readTxnLog(unknown).end as { reason?: string }).reason), /unknown txn type 99/);

    const dir = scratchDir();
    cpSync(fixturePath('datadir', 'standalone'), dir, { recursive: true });
    rmSync(join(dir, 'version-2', 'snapshot.15'));
    writeFileSync(join(dir, 'version-2', 'log.12'), flipped);
    assert.throws(() => readZkDataDir({ dataDir: dir }), /log\.12: record at offset 77: checksum mismatch/);
  });

  test('log entries without any snapshot are refused, as ZooKeeper refuses them', () => {
    const dir = scratchDir();
    cpSync(fixturePath('datadir', 'standalone'), dir, { recursive: true });
    for (const f of readdirSync(join(dir, 'version-2'))) if (f.startsWith('snapshot.')) rmSync(join(dir, 'version-2', f));
    assert.throws(() => readZkDataDir({ dataDir: dir }), /no valid snapshot, but the logs hold txns/);
  });
});

// ---------------------------------------------------------------------------

describe('data dirs', () => {
  test('each fixture data dir loads the newest snapshot and every txn logged after it', () => {
    for (const d of DATADIRS) {
      const read = readZkDataDir({ dataDir: fixturePath('datadir', d) });
      const snaps = fixtureFiles(d, 'snapshot');
      const newest = snaps[snaps.length - 1]!;
      assert.equal(read.snapshot?.file, newest.name, d);
      const logged = fixtureFiles(d, 'log').flatMap((f) =>
        (decodedJson(d, f.name)['records'] as Record<string, unknown>[]).map((r) => num((r['TxnHeader'] as Record<string, unknown>)['zxid'], f.name)),
      );
      const after = logged.filter((z) => z > newest.zxid);
      assert.deepEqual(read.txns.map((t) => t.txn.hdr.zxid), after, `${d}: txns after ${newest.name}`);
      assert.equal(read.lastZxid, after.length > 0 ? after[after.length - 1] : newest.zxid, d);
      assert.deepEqual(read.notes, [], d);
      const quorum = d.startsWith('quorum');
      assert.deepEqual(read.epochs, quorum ? { current: 3n, accepted: 3n } : { current: null, accepted: null }, d);
    }
  });

  test('replaying the logs with DataTree reproduces every later snapshot, and every digest ZooKeeper logged', () => {
    let snapshotsMatched = 0;
    let digests = 0;
    for (const d of DATADIRS) {
      const snaps = fixtureFiles(d, 'snapshot');
      const logs = fixtureFiles(d, 'log');
      // quorum-s1 lost its history (wiped, then SNAP-synced): its first log starts mid-epoch.
      if ((logs[0]!.zxid & 0xffffffffn) !== 1n) continue;
      const first = loadSnapshotFile(join(versionDir(d), snaps[0]!.name), snaps[0]!.name, snaps[0]!.zxid);
      const replay = new ZkTreeReplay(first.image, first.contents.digest);
      const later = snaps.slice(1);
      const check = (): void => {
        while (later.length > 0 && later[0]!.zxid <= replay.lastZxid) {
          const s = later.shift()!;
          assert.equal(s.zxid, replay.lastZxid, `${d}: a txn at ${s.name}'s zxid was replayed`);
          const snap = loadSnapshotFile(join(versionDir(d), s.name), s.name, s.zxid);
          sameImage(replay.image(), snap.image, `${d} ${s.name}`, true);
          if (snap.contents.digest?.zxid === s.zxid) assert.equal(replay.digest, snap.contents.digest.digest, `${d} ${s.name} digest`);
          snapshotsMatched++;
        }
      };
      for (const f of logs) {
        for (const r of readTxnLog(readFileSync(join(versionDir(d), f.name))).records) {
          if (r.logged.txn.hdr.zxid <= replay.lastZxid) continue; // s2's TRUNCated epoch-2 tail is absent, epoch 3 follows
          replay.apply(r.logged);
          check();
        }
      }
      assert.deepEqual(replay.mismatches, [], `${d}: digest mismatches`);
      assert.equal(later.length, 0, `${d}: snapshots not reached: ${later.map((s) => s.name).join(', ')}`);
      digests += replay.digestsChecked;
    }
    assert.ok(snapshotsMatched >= 4, `only ${snapshotsMatched} snapshots compared`);
    assert.ok(digests >= 150, `only ${digests} logged digests compared`);
  });

  test('a written data dir reads back as the same image and txns, with the digests ZooKeeper would log', () => {
    const source = readZkDataDir({ dataDir: fixturePath('datadir', 'standalone-client-capture') });
    const replay = new ZkTreeReplay(source.snapshot!.image);
    // Half the txns go into the snapshot, the rest into the log with recomputed digests.
    const cut = Math.floor(source.txns.length / 2);
    for (const t of source.txns.slice(0, cut)) replay.apply(t.txn);
    const image = replay.image();
    const snapshotNodes = [...image.nodes];
    const rest = source.txns.slice(cut).map((t) => replay.applyAndDigest(t.txn));
    rest.forEach((t, i) => assert.deepEqual(t.digest, source.txns[cut + i]!.digest, `txn ${i}: the digest ZooKeeper logged`));

    for (const compression of ['none', 'gz'] as const) {
      const dir = scratchDir();
      const written = writeZkDataDir({ dataDir: dir, image: { ...image, nodes: snapshotNodes }, txns: rest, compression, preAllocBytes: PREALLOC_64K, epochs: true });
      assert.equal(written.lastZxid, 0x70n);
      const back = readZkDataDir({ dataDir: dir });
      assert.equal(back.snapshot?.zxid, image.zxid);
      sameImage(back.snapshot!.image, { ...image, nodes: snapshotNodes }, compression);
      assert.deepEqual(back.txns, rest);
      assert.deepEqual(back.epochs, { current: 0n, accepted: 0n });
      const again = new ZkTreeReplay(back.snapshot!.image, back.snapshot!.contents.digest);
      for (const t of back.txns) again.apply(t);
      assert.deepEqual(again.mismatches, []);
      assert.equal(again.digestsChecked, rest.filter((t) => t.digest !== null).length);
      assert.throws(() => writeZkDataDir({ dataDir: dir, image }), /already holds snapshot\./, 'never writes beside existing files');
    }
  });

  test('an empty data dir is the fresh tree at zxid 0, as ZooKeeper starts one', () => {
    const read = readZkDataDir({ dataDir: scratchDir() });
    assert.equal(read.snapshot, null);
    assert.equal(read.lastZxid, 0n);
    const replay = replayDataDir(read);
    assert.deepEqual([...replay.image().nodes].map((n) => n.path), ['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']);
    // The same tree ZooKeeper wrote into its first snapshot.
    const first = loadSnapshotFile(join(versionDir('standalone'), 'snapshot.0'), 'snapshot.0', 0n);
    sameImage(replay.image(), first.image, 'fresh tree');
  });

  test('garbage never escapes as anything but a format error', () => {
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const files = [
      { bytes: readFileSync(join(versionDir('standalone'), 'snapshot.15')), read: (b: Buffer) => snapshotToImage(decodeSnapshot(b), 0x15n) },
      { bytes: wrapSnapshot(readFileSync(join(versionDir('standalone'), 'snapshot.15')), 'snappy'), read: (b: Buffer) => decodeSnapshot(unwrapSnapshot(b, 'snappy')) },
      { bytes: readFileSync(join(versionDir('standalone'), 'log.1')).subarray(0, 1700), read: (b: Buffer) => readTxnLog(b) },
    ];
    let refused = 0;
    for (const f of files) {
      for (let i = 0; i < 400; i++) {
        const b = Buffer.from(f.bytes);
        for (let k = 0, n = 1 + rand(4); k < n; k++) b[rand(b.length)] = rand(256);
        const cut = rand(3) === 0 ? b.subarray(0, rand(b.length)) : b;
        try {
          f.read(cut);
        } catch (e) {
          assert.ok(e instanceof ZkFileFormatError, `${String(e)}`);
          refused++;
        }
      }
    }
    assert.ok(refused > 300, `only ${refused} damaged files refused`);
  });

  test('loading a snapshot recounts quota stats from the tree, as ZooKeeper does', () => {
    const base = readZkDataDir({ dataDir: fixturePath('datadir', 'standalone') }).snapshot!.image;
    const stat = { czxid: 0n, mzxid: 0n, ctime: 0n, mtime: 0n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, pzxid: 0n };
    const quotaNode = (path: string, data: string): ZkImageNode => ({ path, data: Buffer.from(data), acl: base.nodes[0]!.acl, stat });
    const image: ZkImage = {
      ...base,
      nodes: [
        ...base.nodes,
        quotaNode('/zookeeper/quota/app', ''),
        quotaNode('/zookeeper/quota/app/zookeeper_limits', 'count=100,bytes=-1'),
        quotaNode('/zookeeper/quota/app/zookeeper_stats', 'count=0,bytes=0'), // stale, as in a fuzzy snapshot
      ],
    };
    const replay = new ZkTreeReplay(image);
    // /app, /app/eph2, /app/cfg, /app/after-restart: 4 nodes, 2+2+3+1 bytes.
    assert.equal(replay.tree.getNode('/zookeeper/quota/app/zookeeper_stats')?.data?.toString(), 'count=4,bytes=8');
  });

  test('file names: hex zxids as ZooKeeper writes and parses them', () => {
    assert.equal(zxidFromName('log.20000000d', 'log'), 0x20000000dn);
    assert.equal(zxidFromName('snapshot.15.gz', 'snapshot'), 0x15n);
    assert.equal(zxidFromName('snapshot.xyz', 'snapshot'), null);
    assert.deepEqual(
      filesByZxid(['log.12', 'log.1', 'log.1.decoded.json', 'snapshot.0', 'log.a'], 'log').map((f) => f.name),
      ['log.1', 'log.a', 'log.12'],
    );
    assert.equal(snapshotFileName(0x300000005n, 'snappy'), 'snapshot.300000005.snappy');
  });

  test('checksums are those of java.util.zip', () => {
    assert.equal(adler32(Buffer.from('Wikipedia')), 0x11e60398);
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    const big = Buffer.alloc(20_000, 0xff); // past zlib's NMAX, where the sums must be reduced
    assert.equal(adler32(big), adler32(big.subarray(10_000), 0, 10_000, adler32(big.subarray(0, 10_000))));
  });

  test('an empty part leaves the CRC as it was, even an empty buffer whose ArrayBuffer was looked at', () => {
    // node:zlib's crc32 restarts at 0 for a null data pointer; a znode's empty data may have one.
    const empty = Buffer.alloc(0);
    assert.equal(empty.buffer.byteLength, 0);
    assert.equal(crc32(Buffer.from('1234'), empty, Buffer.from('56789')), 0xcbf43926);
  });
});

// ---------------------------------------------------------------------------

describe('dump formats', () => {
  test("txn lines read as ZooKeeper's TxnLogToolkit prints them", () => {
    process.env['TZ'] = 'UTC';
    const lines = readTxnLog(readFileSync(join(versionDir('standalone'), 'log.1'))).records.map((r) => formatTxnLine(r.logged.txn));
    // Lines the Java tool (3.8.0, TZ=UTC) printed for this file.
    assert.equal(lines[0], '11/21/26, 12:34:04 PM UTC session 0x100001036f10000 cxid 0x0 zxid 0x1 createSession 30000\n');
    assert.equal(lines[1], "11/21/26, 12:34:04 PM UTC session 0x100001036f10000 cxid 0x1 zxid 0x2 create /app,v0,[31,s{'world,'anyone}\n],false,1\n");
    assert.equal(lines[8], "11/21/26, 12:34:04 PM UTC session 0x100001036f10000 cxid 0x8 zxid 0x9 delete '/app/cont/item\n");
    assert.equal(lines[9], "11/21/26, 12:34:04 PM UTC session 0x100001036f10000 cxid 0x9 zxid 0xa createTtl /app/ttl,t,[31,s{'world,'anyone}\n],5,1000\n");
    assert.equal(
      lines[10],
      "11/21/26, 12:34:04 PM UTC session 0x100001036f10000 cxid 0xa zxid 0xb setACL '/app/cfg,v{s{31,s{'digest,'user:2Om+GBbT2q/tS6pdvACZbbm7/1A=}}},1\n",
    );
    assert.match(lines[11]!, /zxid 0xc multi create:\0\0\0\x06\/app\/m\0\0\0\x01m.*;setData:.*;delete:\0\0\0\x13\/app\/seq-0000000002\n$/s);
    assert.equal(lines[13], '11/21/26, 12:34:04 PM UTC session 0x100001036f10000 cxid 0xc zxid 0xe error -110\n');
    assert.equal(lines[16], "11/21/26, 12:34:08 PM UTC session 0x100001036f10000 cxid 0xe zxid 0x11 closeSession v{'/app/eph}\n");
  });

  test("a snapshot reads as ZooKeeper's SnapshotFormatter prints it", () => {
    process.env['TZ'] = 'UTC';
    const snap = loadSnapshotFile(join(versionDir('standalone'), 'snapshot.15'), 'snapshot.15', 0x15n);
    const text = formatSnapshotDetails({ zxid: 0x15n, nodes: snap.image.nodes, sessions: snap.contents.sessions }, false);
    const lines = text.split('\n');
    assert.equal(lines[0], 'ZNode Details (count=9):');
    // Children in Java's HashSet order: the tool printed /app/eph2, /app/cfg, /app/after-restart.
    assert.deepEqual(
      lines.filter((l) => l.startsWith('/')),
      ['/', '/app', '/app/eph2', '/app/cfg', '/app/after-restart', '/zookeeper', '/zookeeper/config', '/zookeeper/quota'],
    );
    assert.deepEqual(lines.slice(14, 26), [
      '/app',
      '  cZxid = 0x00000000000002',
      '  ctime = Sat Nov 21 12:34:04 UTC 2026',
      '  mZxid = 0x00000000000014',
      '  mtime = Sat Nov 21 12:34:10 UTC 2026',
      '  pZxid = 0x00000000000015',
      '  cversion = 8',
      '  dataVersion = 2',
      '  aclVersion = 0',
      '  ephemeralOwner = 0x00000000000000',
      '  dataLength = 2',
      '----',
    ]);
    assert.deepEqual(lines.slice(-6), ['----', 'Session Details (sid, timeout, ephemeralCount):', '0x100001058bb0000, 30000, 1', '----', 'Last zxid: 0x15', '']);
  });
});

describe('zkts dump-log / dump-snapshot', () => {
  const MAIN = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, TZ: 'UTC' } });

  test('a log file prints header, txns and the end; a snapshot prints its tree', () => {
    const log = cli('dump-log', join(versionDir('standalone'), 'log.12'));
    assert.equal(log.status, 0, log.stderr);
    const lines = log.stdout.split('\n');
    assert.equal(lines[0], 'ZooKeeper Transactional Log File with dbid 0 txnlog format version 2');
    assert.equal(lines[1], '11/21/26, 12:34:10 PM UTC session 0x100001058bb0000 cxid 0x0 zxid 0x12 createSession 30000');
    assert.deepEqual(lines.slice(-2), ['EOF reached after 4 txns.', '']);
    const snap = cli('dump-snapshot', '-d', fixturePath('datadir', 'standalone'));
    assert.equal(snap.status, 0, snap.stderr);
    assert.match(snap.stdout, /^\/app\/eph2\n(?:.*\n){9}  data = ZTI=\n/m, 'data in base64 ("e2")');
  });

  test('what cannot be dumped is said on stderr with exit code 1 (2 for bad usage)', () => {
    const missing = cli('dump-log', join(scratch, 'nothing-here'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^zkts dump-log: .*nothing-here: no txn log found there\n$/);
    const notSnapshot = cli('dump-snapshot', join(versionDir('standalone'), 'log.1'));
    assert.equal(notSnapshot.status, 1);
    assert.match(notSnapshot.stderr, /no snapshot found there/);
    const both = cli('dump-snapshot', '-d', '--json', join(versionDir('standalone'), 'snapshot.0'));
    assert.equal(both.status, 2);
    assert.match(both.stderr, /Cannot specify both data dump \(-d\) and json mode/);
    const damaged = join(scratch, 'snapshot.15');
    writeFileSync(damaged, readFileSync(join(versionDir('standalone'), 'snapshot.15')).subarray(0, 500));
    const bad = cli('dump-snapshot', damaged);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^zkts dump-snapshot: snapshot\.15: does not end with a seal\n$/);
  });
});
