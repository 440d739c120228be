import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { drawChart, shortNumber } from '../chart/chart.js';
import { Bitmap, crc32 } from '../chart/png.js';

interface Chunk {
  type: string;
  data: Buffer;
}

function chunks(png: Buffer): Chunk[] {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out: Chunk[] = [];
  let off = 8;
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    assert.equal(png.readUInt32BE(off + 8 + len), crc32(png.subarray(off + 4, off + 8 + len)), `${type} CRC`);
    out.push({ type, data });
    off += 12 + len;
  }
  return out;
}

describe('PNG writer', () => {
  it('computes the standard CRC-32', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  });

  it('writes IHDR, IDAT and IEND whose pixels inflate back to the bitmap', () => {
    const bmp = new Bitmap(7, 5, [255, 255, 255]);
    bmp.fillRect(2, 1, 3, 2, [10, 20, 30]);
    const cs = chunks(bmp.toPng());
    assert.deepEqual(cs.map((c) => c.type), ['IHDR', 'IDAT', 'IEND']);
    const ihdr = cs[0]?.data as Buffer;
    assert.equal(ihdr.readUInt32BE(0), 7);
    assert.equal(ihdr.readUInt32BE(4), 5);
    assert.equal(ihdr[8], 8);
    assert.equal(ihdr[9], 2);
    const raw = inflateSync(cs[1]?.data as Buffer);
    assert.equal(raw.length, 5 * (1 + 7 * 3));
    const px = (x: number, y: number): number[] => [...raw.subarray(y * 22 + 1 + x * 3, y * 22 + 1 + x * 3 + 3)];
    assert.deepEqual(px(2, 1), [10, 20, 30]);
    assert.deepEqual(px(4, 2), [10, 20, 30]);
    assert.deepEqual(px(5, 2), [255, 255, 255]);
    assert.deepEqual(px(2, 3), [255, 255, 255]);
  });

  it('draws text with the bitmap font (ink where a glyph has pixels, none for spaces)', () => {
    const bmp = new Bitmap(40, 10, [255, 255, 255]);
    bmp.text(0, 0, 'I ', [0, 0, 0]);
    let inkI = 0;
    let inkSpace = 0;
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 6; x++) if (bmp.getPixel(x, y)[0] === 0) inkI++;
      for (let x = 6; x < 12; x++) if (bmp.getPixel(x, y)[0] === 0) inkSpace++;
    }
    assert.ok(inkI >= 7, `an I has ink (${inkI})`);
    assert.equal(inkSpace, 0);
  });

  it('draws a chart as a valid PNG, n/a groups included', () => {
    const png = drawChart(
      [
        { label: 'r1.0 8x32', zookeeper: { throughput: 90_000, p99Ms: 12 }, zkts: { throughput: 250_000, p99Ms: 3 } },
        { label: 'restart', zookeeper: { throughput: 5, p99Ms: 1 }, zkts: { throughput: null, p99Ms: null } },
      ],
      'title',
      'subtitle',
    );
    const cs = chunks(png);
    assert.equal(cs[0]?.type, 'IHDR');
    assert.ok((cs[0]?.data as Buffer).readUInt32BE(0) >= 700);
  });

  it('shortens numbers for labels', () => {
    assert.equal(shortNumber(95_400), '95.4k');
    assert.equal(shortNumber(1_200_000), '1.2M');
    assert.equal(shortNumber(0.1), '0.1');
    assert.equal(shortNumber(850), '850');
  });
});
