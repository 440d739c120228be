import type Database from 'better-sqlite3';

/**
 * The two SQLite databases of a zkts store and how every connection to them is
 * set up. Shared by the writer threads and by recovery, so both agree on it.
 */

/** PRAGMA application_id of every zkts store file: "zkts" in ASCII. */
export const APPLICATION_ID = 0x7a6b7473;
/** PRAGMA user_version: bumped when the schema changes incompatibly. */
export const SCHEMA_VERSION = 1;

export const LOG_SCHEMA = `
CREATE TABLE IF NOT EXISTS txns (
  zxid INTEGER PRIMARY KEY,   -- TxnHeader.zxid
  txn  BLOB    NOT NULL,      -- TxnHeader + txn record (+ TxnDigest), a ZooKeeper log entry
  crc  INTEGER NOT NULL       -- CRC-32 of txn
);`;

export const SNAPSHOT_SCHEMA = `
CREATE TABLE IF NOT EXISTS snapshots (
  id           INTEGER PRIMARY KEY,
  zxid         INTEGER NOT NULL,            -- last zxid applied when the snapshot started
  started_at   INTEGER NOT NULL,            -- ms since the epoch
  sealed       INTEGER NOT NULL DEFAULT 0,  -- 1 once every chunk is written
  node_count   INTEGER,
  chunk_count  INTEGER,
  sessions     BLOB    NOT NULL,            -- (id long, timeout int)* at the start
  sessions_crc INTEGER NOT NULL,
  digest_zxid    INTEGER,                   -- ZooKeeper's ZxidDigest: the tree digest when the walk ended,
  digest_version INTEGER,                   -- at that last applied zxid (all NULL: digests off)
  digest         INTEGER
);
CREATE TABLE IF NOT EXISTS snapshot_chunks (
  snapshot_id INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  node_count  INTEGER NOT NULL,
  bytes       BLOB    NOT NULL,             -- node records, see snapshot-format.ts
  crc         INTEGER NOT NULL,
  nodes_digest INTEGER,                     -- sum of the nodes' tree digests (NULL: digests off)
  UNIQUE (snapshot_id, seq)
);`;

export class StoreFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreFormatError';
  }
}

/**
 * Checks that `db` is a zkts store of our schema version (or a new, empty file,
 * which it then claims). Refusing a foreign file beats silently writing into it.
 */
export function claimStoreFile(db: Database.Database, file: string, schema: string): void {
  const appId = Number(db.pragma('application_id', { simple: true }));
  const version = Number(db.pragma('user_version', { simple: true }));
  const tables = Number(db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").pluck().get());
  if (appId === 0 && version === 0 && tables === 0) {
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  } else if (appId !== APPLICATION_ID) {
    throw new StoreFormatError(`${file} is not a zkts store (application_id 0x${appId.toString(16)})`);
  } else if (version !== SCHEMA_VERSION) {
    throw new StoreFormatError(`${file} has store schema version ${version}; this zkts reads version ${SCHEMA_VERSION}`);
  }
  db.exec(schema);
  addLaterColumns(db);
}

/** Columns added to a table after the first schema: a file made before gets them, NULL in old rows. */
const LATER_COLUMNS: readonly { table: string; column: string; type: string }[] = [
  { table: 'snapshots', column: 'digest_zxid', type: 'INTEGER' },
  { table: 'snapshots', column: 'digest_version', type: 'INTEGER' },
  { table: 'snapshots', column: 'digest', type: 'INTEGER' },
  { table: 'snapshot_chunks', column: 'nodes_digest', type: 'INTEGER' },
];

function addLaterColumns(db: Database.Database): void {
  for (const { table, column, type } of LATER_COLUMNS) {
    const columns = db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[];
    if (columns.length > 0 && !columns.includes(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
}

/**
 * WAL mode; synchronous=FULL fsyncs the WAL on every commit (forceSync=yes),
 * NORMAL leaves syncing to checkpoints: safe from process crashes, not from
 * power loss (ZooKeeper's forceSync=no).
 */
export function configureConnection(db: Database.Database, forceSync: boolean): void {
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${forceSync ? 'FULL' : 'NORMAL'}`);
  db.defaultSafeIntegers(true);
}
