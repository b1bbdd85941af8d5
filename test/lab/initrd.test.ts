import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cpioGz } from '../../src/lab/initrd.ts';

/** A minimal newc reader: [name, mode, data] per entry, checking the 4-byte alignment the kernel requires. */
function readNewc(buf: Buffer): [string, number, string][] {
  const out: [string, number, string][] = [];
  let off = 0;
  for (;;) {
    expect(buf.subarray(off, off + 6).toString('ascii')).toBe('070701');
    const field = (i: number) => Number.parseInt(buf.subarray(off + 6 + i * 8, off + 14 + i * 8).toString('ascii'), 16);
    const mode = field(1);
    const size = field(6);
    const nameLen = field(11);
    const name = buf.subarray(off + 110, off + 110 + nameLen - 1).toString('utf8');
    let p = off + 110 + nameLen;
    p += (4 - (p % 4)) % 4;
    const data = buf.subarray(p, p + size).toString('utf8');
    p += size;
    p += (4 - (p % 4)) % 4;
    if (name === 'TRAILER!!!') return out;
    out.push([name, mode, data]);
    off = p;
  }
}

describe('cpioGz', () => {
  it('holds the lab folder and each file with its bytes, in newc with 4-byte alignment', () => {
    const entries = readNewc(
      gunzipSync(cpioGz({ 'lab/batch': 'S x\n0 open path=/dev/iommu as=a0f3\nE\n', 'lab/y': 'ab' })),
    );
    expect(entries).toEqual([
      ['lab', 0o40755, ''],
      ['lab/batch', 0o100644, 'S x\n0 open path=/dev/iommu as=a0f3\nE\n'],
      ['lab/y', 0o100644, 'ab'],
    ]);
  });
  it('adds the folders of nested files and makes *.bin executable', () => {
    const entries = readNewc(gunzipSync(cpioGz({ 'lab/c/c0.bin': Buffer.from([0x7f, 0x45]), 'lab/c/c0.args': 'x' })));
    expect(entries.map(([n, m]) => [n, m])).toEqual([
      ['lab', 0o40755],
      ['lab/c', 0o40755],
      ['lab/c/c0.bin', 0o100755],
      ['lab/c/c0.args', 0o100644],
    ]);
  });
});
