/**
 * The results chart: one panel of throughput and one of p99 latency, a group of
 * two bars per workload (ZooKeeper, zkts), log-scale axes so 1×1 and saturated
 * points share a panel.
 */
import { Bitmap, type Rgb } from './png.js';

export interface ChartGroup {
  label: string;
  /** null: not measured (drawn as "n/a"). */
  zookeeper: { throughput: number | null; p99Ms: number | null };
  zkts: { throughput: number | null; p99Ms: number | null };
}

const ZK_COLOR: Rgb = [222, 128, 40];
const ZKTS_COLOR: Rgb = [40, 100, 200];
const INK: Rgb = [30, 30, 30];
const GRID: Rgb = [215, 215, 215];
const MUTED: Rgb = [120, 120, 120];

const BAR = 18;
const GROUP = 2 * BAR + 22;
const LEFT = 80;
const RIGHT = 20;
const PANEL_H = 260;
const LABEL_H = 78;

/** "95k", "1.2M", "850", "0.31". */
export function shortNumber(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e6) return `${trim(v / 1e6)}M`;
  if (abs >= 1e3) return `${trim(v / 1e3)}k`;
  return trim(v);
}

function trim(v: number): string {
  if (v >= 100) return String(Math.round(v));
  if (v >= 10) return v.toFixed(1).replace(/\.0$/, '');
  if (v >= 1) return v.toFixed(2).replace(/\.?0+$/, '');
  return String(Number(v.toPrecision(2)));
}

interface Panel {
  title: string;
  unit: string;
  values: (g: ChartGroup) => [number | null, number | null];
}

export function drawChart(groups: readonly ChartGroup[], title: string, subtitle: string): Buffer {
  const panels: Panel[] = [
    { title: 'Throughput (ops/s, log scale; higher is better)', unit: 'ops/s', values: (g) => [g.zookeeper.throughput, g.zkts.throughput] },
    { title: 'p99 latency (ms, log scale; lower is better)', unit: 'ms', values: (g) => [g.zookeeper.p99Ms, g.zkts.p99Ms] },
  ];
  const width = Math.max(700, LEFT + RIGHT + groups.length * GROUP);
  const top = 56;
  const height = top + panels.length * (PANEL_H + 24 + LABEL_H) + 10;
  const bmp = new Bitmap(width, height);
  bmp.text(LEFT, 10, title, INK, 2);
  bmp.text(LEFT, 32, subtitle, MUTED, 1);
  // Legend, top right.
  const legendX = width - RIGHT - 200;
  bmp.fillRect(legendX, 12, 12, 12, ZK_COLOR);
  bmp.text(legendX + 18, 14, 'ZooKeeper 3.8', INK, 1);
  bmp.fillRect(legendX + 110, 12, 12, 12, ZKTS_COLOR);
  bmp.text(legendX + 128, 14, 'zkts', INK, 1);

  let y = top;
  for (const panel of panels) {
    bmp.text(LEFT, y, panel.title, INK, 1);
    const plotTop = y + 14;
    const plotBottom = plotTop + PANEL_H;
    const all = groups.flatMap((g) => panel.values(g)).filter((v): v is number => v !== null && v > 0);
    const lo = Math.floor(Math.log10(all.length ? Math.min(...all) : 1));
    const hi = Math.max(lo + 1, Math.ceil(Math.log10(all.length ? Math.max(...all) : 10)));
    const yOf = (v: number): number => plotBottom - ((Math.log10(v) - lo) / (hi - lo)) * (PANEL_H - 10);
    for (let e = lo; e <= hi; e++) {
      const gy = Math.round(yOf(10 ** e));
      bmp.hline(LEFT, width - RIGHT, gy, GRID);
      const label = shortNumber(10 ** e);
      bmp.text(LEFT - 8 - Bitmap.textWidth(label), gy - 4, label, MUTED, 1);
    }
    bmp.vline(LEFT, plotTop, plotBottom, INK);
    bmp.hline(LEFT, width - RIGHT, plotBottom, INK);
    groups.forEach((g, i) => {
      const gx = LEFT + 12 + i * GROUP;
      const [zk, zkts] = panel.values(g);
      drawBar(bmp, gx, zk, ZK_COLOR, yOf, plotBottom, 10 ** lo);
      drawBar(bmp, gx + BAR + 2, zkts, ZKTS_COLOR, yOf, plotBottom, 10 ** lo);
      // Group label, vertical, under the axis.
      bmp.text(gx + BAR - 4, plotBottom + 6 + Bitmap.textWidth(g.label.slice(0, 12)), g.label.slice(0, 12), INK, 1, true);
    });
    y = plotBottom + LABEL_H + 24;
  }
  return bmp.toPng();
}

function drawBar(bmp: Bitmap, x: number, v: number | null, color: Rgb, yOf: (v: number) => number, bottom: number, floor: number): void {
  if (v === null || !(v > 0)) {
    bmp.text(x + 1, bottom - 10, 'n/a', MUTED, 1);
    return;
  }
  const top = Math.round(yOf(Math.max(v, floor)));
  bmp.fillRect(x, top, BAR, bottom - top, color);
  const label = shortNumber(v);
  // Value labels sit vertically above each bar so neighbours never overlap.
  bmp.text(x + 5, top - 3, label, INK, 1, true);
}
