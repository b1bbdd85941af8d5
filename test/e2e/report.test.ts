// ioas-check report: report.md, report.html and, per counterexample, ITF and Mermaid renderings.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

describe('ioas-check report', () => {
  it('writes the report, the page and the renderings of each counterexample', () => {
    let out = '';
    const io: Io = { out: (s) => (out += s), err: () => {}, tty: false, now: () => 0 };
    const dir = mkdtempSync(join(tmpdir(), 'ioas-report-'));
    const args = [
      'report',
      '--semantics',
      'v6.3,latest',
      '--property',
      'close-all-leaves-nothing,vfio-ioas-live',
      '--runs',
      '300',
      '--out',
      dir,
      '--json',
    ];
    expect(main(args, io)).toBe(0);
    const j = JSON.parse(out);
    expect(j.counterexamples).toHaveLength(1);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('### `close-all-leaves-nothing`');
    expect(md).toContain('(counterexamples/close-all-leaves-nothing--v6.3.md)');
    expect(md).toContain('| L1 |');
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('id="ioas-data"');
    for (const ext of ['.json', '.md', '.itf.json', '.mmd']) {
      expect(existsSync(join(dir, 'counterexamples', `close-all-leaves-nothing--v6.3${ext}`))).toBe(true);
    }
  });
});
