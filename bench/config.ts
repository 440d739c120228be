/** The standard set (`npm run bench`, < 15 min) and the quick set (`-- --quick`, < 2 min). */
import type { LoadPoint } from './workloads/mix.js';

export interface BenchPlan {
  name: 'standard' | 'quick';
  keys: number;
  warmUpMs: number;
  mix: { ratios: number[]; points: (ratio: number) => LoadPoint[]; reps: number; warmupMs: number; measureMs: number };
  createDelete: { count: number; dataSize: number; point: LoadPoint; reps: number; capMs: number };
  fanout: { watchers: number[]; cycles: number; reps: number; capMs: number };
  scale: {
    parents: number;
    perParent: number;
    restartAt: number[];
    sessions: number;
    watchSessions: number;
    watchNodes: number;
    fillPoint: LoadPoint;
    snapshot: { maxWrites: number; capMs: number };
  };
}

const lp = (sessions: number, outstanding: number): LoadPoint => ({ sessions, outstanding });

/** The four load points of the issue, plus a ramp at read ratio 1.0 that shows where ZooKeeper saturates. */
const STANDARD_POINTS = [lp(1, 1), lp(4, 1), lp(8, 32), lp(32, 32)];
const SATURATION_RAMP = [lp(1, 1), lp(4, 1), lp(8, 8), lp(8, 32), lp(16, 32), lp(32, 32), lp(64, 32)];

export const STANDARD: BenchPlan = {
  name: 'standard',
  keys: 1000,
  warmUpMs: 4000,
  mix: { ratios: [1, 0.9, 0.5, 0], points: (r) => (r === 1 ? SATURATION_RAMP : STANDARD_POINTS), reps: 3, warmupMs: 500, measureMs: 2000 },
  createDelete: { count: 100_000, dataSize: 1024, point: lp(8, 32), reps: 2, capMs: 180_000 },
  fanout: { watchers: [8, 100], cycles: 200, reps: 2, capMs: 30_000 },
  scale: {
    parents: 10,
    perParent: 100_000,
    restartAt: [2, 10],
    sessions: 10_000,
    watchSessions: 100,
    watchNodes: 1000,
    fillPoint: lp(32, 32),
    snapshot: { maxWrites: 150_000, capMs: 120_000 },
  },
};

export const QUICK: BenchPlan = {
  name: 'quick',
  keys: 1000,
  warmUpMs: 2000,
  mix: { ratios: [1, 0], points: () => [lp(1, 1), lp(8, 32), lp(32, 32)], reps: 1, warmupMs: 300, measureMs: 1000 },
  createDelete: { count: 10_000, dataSize: 1024, point: lp(8, 32), reps: 1, capMs: 60_000 },
  fanout: { watchers: [8, 100], cycles: 30, reps: 1, capMs: 15_000 },
  scale: {
    parents: 1,
    perParent: 100_000,
    restartAt: [1],
    sessions: 1000,
    watchSessions: 20,
    watchNodes: 500,
    fillPoint: lp(32, 32),
    snapshot: { maxWrites: 150_000, capMs: 60_000 },
  },
};
