/**
 * kazoo 2.8.0 recipes (kazoo.recipe.*, unmodified) against each target: several
 * clients, each with its own session, drive one recipe at a time from
 * conformance/kazoo/recipe_*.py, which prints one JSON object; the assertions are
 * here. Every wait in the scripts is bounded (worker threads are joined with a
 * deadline and report "finished": false instead of hanging).
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { kazooResult, type Json } from './support/clients.js';
import { serverForSuite, targets } from './support/servers.js';

type LogEntry = { t: number; what: string; who: number | string };

/** Logical times of the entries of one kind in a Clock log (recipeutil.Clock). */
function times(log: LogEntry[], what: string): number[] {
  return log.filter((e) => e.what === what).map((e) => e.t);
}

/** `first` happened firstCount times, `then` thenCount times, and every `first` before any `then`. */
function assertAllBefore(log: LogEntry[], first: string, then: string, firstCount: number, thenCount: number): void {
  assert.equal(times(log, first).length, firstCount, `${first}: ${JSON.stringify(log)}`);
  assert.equal(times(log, then).length, thenCount, `${then}: ${JSON.stringify(log)}`);
  assert.ok(Math.max(...times(log, first)) < Math.min(...times(log, then)), `every ${first} before any ${then}: ${JSON.stringify(log)}`);
}

for (const target of targets) {
  describe(`kazoo recipes against ${target}`, () => {
    const hp = serverForSuite(target);

    test('Lock: excludes others while held, hands over FIFO, 4 clients x 15 locked increments lose nothing', async () => {
      const r = await kazooResult(hp(), 'recipe_lock', '/kzr-lock');
      assert.equal(r.acquired, true);
      assert.equal(r.tryWhileHeld, false, 'a non-blocking acquire of a held lock fails');
      assert.equal(r.timedWhileHeld, 'LockTimeout');
      assert.ok(r.timedWaitedMs >= 250, `the timed acquire waited (${r.timedWaitedMs} ms)`);
      assert.deepEqual(r.contenders, ['holder', 'waiter-1', 'waiter-2', 'waiter-3'], 'contenders in queue order');
      assert.deepEqual(r.orderWhileHeld, [], 'no waiter got in while the lock was held');
      assert.equal(r.waitersFinished, true);
      assert.deepEqual(r.handOverOrder, ['waiter-1', 'waiter-2', 'waiter-3'], 'the lock passes in queue order');
      assert.deepEqual(r.nodesAfterHandOver, []);
      assert.equal(r.finished, true, 'all workers finished within 40 s');
      assert.deepEqual(r.workerErrors, []);
      assert.equal(r.max, 1, 'never two holders at once');
      assert.equal(r.versionJumps, 0, 'no write landed between a holder read and its write');
      assert.equal(r.increments, 60);
      assert.equal(r.counter, 60, 'no lost update');
      assert.equal(r.counterVersion, 60);
      assert.deepEqual(r.nodesAfter, [], 'every lock node was deleted');
    });

    test('Election: leadership passes in join order, one leader at a time; a cancelled contender never leads', async () => {
      const r = await kazooResult(hp(), 'recipe_election', '/kzr-election');
      assert.equal(r.firstLeads, true);
      assert.deepEqual(r.contendersWithQuitter, ['p0', 'p1', 'p2', 'quitter']);
      assert.equal(r.quitterReturned, true, 'cancel() ends the waiting run()');
      assert.deepEqual(r.rounds, [
        { leads: true, contenders: ['p0', 'p1', 'p2'], led: ['p0'] },
        { leads: true, contenders: ['p1', 'p2'], led: ['p0', 'p1'] },
        { leads: true, contenders: ['p2'], led: ['p0', 'p1', 'p2'] },
      ]);
      assert.equal(r.finished, true);
      assert.deepEqual(r.workerErrors, []);
      assert.equal(r.maxActive, 1, 'never two leaders at once');
      assert.deepEqual(r.led, ['p0', 'p1', 'p2'], 'the quitter never led');
      assert.deepEqual(r.nodesAfter, []);
    });

    test('Barrier releases every waiter when removed; DoubleBarrier(3) members enter together and leave together', async () => {
      const r = await kazooResult(hp(), 'recipe_barrier', '/kzr-barrier');
      assert.equal(r.timedWait, false, 'wait() on a standing barrier times out');
      assert.ok(r.timedWaitMs >= 250, `it waited (${r.timedWaitMs} ms)`);
      assert.equal(r.missingWait, true, 'wait() on a missing barrier passes at once');
      assert.equal(r.barrierFinished, true);
      assert.deepEqual(r.barrierResults, [true, true, true]);
      assertAllBefore(r.barrierLog, 'removing', 'released', 1, 3);
      assert.equal(r.barrierExists, false);

      assert.equal(r.doubleFinished, true, 'all members finished within 30 s');
      assert.deepEqual(r.workerErrors, []);
      const log = r.doubleLog as LogEntry[];
      assert.equal(times(log, 'participating').length, 3, `every member entered for real: ${JSON.stringify(log)}`);
      assertAllBefore(log, 'enterCalled', 'entered', 3, 3);
      assertAllBefore(log, 'leaveCalled', 'left', 3, 3);
      assert.deepEqual(r.doubleChildrenAfter, [], 'member and ready nodes are gone');
    });

    test('Queue: priority then FIFO order, 3 consumers take 30 entries exactly once; LockingQueue locks, releases, consumes', async () => {
      const r = await kazooResult(hp(), 'recipe_queue', '/kzr-queue');
      assert.deepEqual(r.names, ['entry-010-0000000001', 'entry-010-0000000003', 'entry-100-0000000002', 'entry-100-0000000004', 'entry-200-0000000000']);
      assert.equal(r.len, 5);
      assert.deepEqual(r.order, ['hi-1', 'hi-2', 'mid-1', 'mid-2', 'low-1']);
      assert.equal(r.empty, null);
      assert.equal(r.consumersFinished, true);
      assert.deepEqual(r.workerErrors, []);
      assert.deepEqual(r.consumed, Array.from({ length: 30 }, (_, i) => `item-${String(i).padStart(2, '0')}`));
      assert.equal(r.duplicates, 0, 'no entry was taken twice');
      assert.deepEqual(r.leftInQueue, []);

      const expected: Json = {
        lockingLen: 4,
        aGets: 'e0', // priority 1 before the three put_all entries at 100
        aHolds: true,
        aGetsAgain: 'e0',
        bGets: 'e1', // e0 is locked by a
        taken: 2,
        aReleases: true,
        bConsumes: true,
        bGetsReleased: 'e0',
        bConsumes2: true,
        lenAfterTwoConsumed: 2,
        bGets3: 'e2',
        aGets3: 'e3',
        cBlockedBeforeRelease: true,
        bReleases: true,
        cWoke: true,
        cGets: 'e2', // b's release woke c's get()
        aLockGone: true, // a closed its session while holding e3
        cConsumes: true,
        cGetsAbandoned: 'e3',
        cConsumes2: true,
        lockingLeft: 0,
        lockingEmptyGet: null,
      };
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(r[k], v, `LockingQueue ${k}`);
    });

    test('Counter: 4 clients x 20 concurrent increments add up; float and Curator-compatible encodings', async () => {
      const r = await kazooResult(hp(), 'recipe_counter', '/kzr-counter');
      assert.equal(r.initial, 0);
      assert.equal(r.finished, true);
      assert.deepEqual(r.workerErrors, []);
      assert.equal(r.mismatched, 0);
      assert.equal(r.postValuesAreOneToNM, true, 'every increment saw a distinct value: 1..80');
      assert.equal(r.final, 80);
      assert.equal(r.data, '80');
      assert.equal(r.version, 80, 'one successful versioned set per increment');
      assert.deepEqual(r.afterMinus5, [80, 75, 75]);
      assert.deepEqual(r.float, [3, '3.0']);
      assert.deepEqual(r.curator, [5, '00000005', 5], 'support_curator stores a 4-byte big-endian int');
    });

    test('DataWatch and ChildrenWatch: one call per change in order, bursts end at the last value, stopped watches stay quiet', async () => {
      const r = await kazooResult(hp(), 'recipe_watchers', '/kzr-watch');
      assert.deepEqual(r.dataWaited, [true, true, true, true, true, true]);
      assert.deepEqual(r.dataCalls, [
        { data: null, version: null, event: null }, // the node does not exist yet
        { data: 'v0', version: 0, event: 'CREATED' },
        { data: 'v1', version: 1, event: 'CHANGED' },
        { data: 'v2', version: 2, event: 'CHANGED' },
        { data: null, version: null, event: 'DELETED' },
        { data: 'v3', version: 0, event: 'CREATED' },
      ]);
      assert.equal(r.burstReachedLast, true, 'after a burst of 10 sets the last call has the last value');
      assert.equal(r.burstVersionsIncrease, true, 'calls never go back in time');
      assert.ok(r.burstCalls >= 1 && r.burstCalls <= 10, `${r.burstCalls} calls for 10 sets`);
      assert.equal(r.stopSeen, true);
      assert.equal(r.sentinelSawAfter, true);
      assert.deepEqual(r.callsAfterStop, [], 'a DataWatch whose function returned False is not called again');

      assert.deepEqual(r.kidsWaited, [true, true, true, true, true, true, true]);
      const ev = (children: string[], event: string | null): Json => ({ children, event });
      assert.deepEqual(r.kidsCalls, [
        ev([], null),
        ev(['a'], 'CHILD'),
        ev(['a', 'b'], 'CHILD'),
        ev(['b'], 'CHILD'),
        // the set on the parent between these two changed no children: no call
        ev(['b', 'c'], 'CHILD'),
        ev(['c'], 'CHILD'),
        ev([], 'CHILD'),
        // the parent was deleted and re-created: the watch stopped with it
      ]);
      assert.equal(r.kidsSentinel, true);
    });
  });
}
