// ioas-check diff: the v6.2 -> v6.3 change of the first open (re-create vs ENODEV) as a shortest sequence.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

describe('ioas-check diff', () => {
  it('finds the compat-IOAS re-creation change between v6.2 and v6.3 in five steps', () => {
    let out = '';
    const io: Io = { out: (s) => (out += s), err: () => {}, tty: false, now: () => 0 };
    const dir = mkdtempSync(join(tmpdir(), 'ioas-diff-'));
    expect(main(['diff', '--semantics', 'v6.2', '--vs', 'v6.3', '--max-steps', '5', '--json', '--out', dir], io)).toBe(
      0,
    );
    const j = JSON.parse(out);
    expect(j.divergences).toEqual([
      expect.objectContaining({ divergence: 'VFIO_GROUP_GET_DEVICE_FD: ok vs ENODEV', length: 5 }),
    ]);
    const pair = JSON.parse(readFileSync(j.divergences[0].counterexample, 'utf8'));
    expect(pair.steps.at(-1)).toMatchObject({ 'v6.2': '5', 'v6.3': 'ENODEV' });
  });

  it('needs both sides', () => {
    let err = '';
    const io: Io = { out: () => {}, err: (s) => (err += s), tty: false, now: () => 0 };
    expect(main(['diff', '--semantics', 'v6.2'], io)).toBe(2);
    expect(err).toMatch(/diff needs --semantics A and --vs B/);
  });
});
