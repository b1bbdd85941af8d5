// The whole CLI in-process: exit codes, one-line errors, nothing written on bad input, --json shape.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.ts';

const run = (args: string[]) => runCli(args);

const repo = join(import.meta.dirname, '..', '..');

describe('ioas-check CLI', () => {
  it.each([
    [['check', '--semantics', 'v9.9'], /unknown semantics profile 'v9.9'/],
    [['check', '--semantics', 'v6.6+nope'], /unknown design variant '\+nope'/],
    [['check', '--property', 'nope'], /unknown property 'nope'/],
    [['check', '--bogus'], /Unknown option '--bogus'/],
    [['check', '--runs', 'x'], /--runs expects a positive integer/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['replay'], /at least one counterexample file/],
    [['replay', '/nonexistent.json'], /cannot read: ENOENT/],
  ])('%j is a usage error: exit 2, one line', (args, msg) => {
    const r = run(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('a malformed counterexample file: exit 2 naming the field, and the file is left as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ioas-check-'));
    const file = join(dir, 'bad.json');
    const src = JSON.parse(readFileSync(join(repo, 'counterexamples', 'no-kernel-warn--v6.3.json'), 'utf8'));
    const i = src.steps.findIndex((st: { action: { op: string } }) => st.action.op === 'open_group');
    src.steps[i].action.args.group = 'g9';
    const text = JSON.stringify(src);
    writeFileSync(file, text);
    const r = run(['replay', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`steps[${i}].action.args.group: expected a group name`);
    expect(readFileSync(file, 'utf8')).toBe(text);
    writeFileSync(file, '{ not json');
    expect(run(['replay', file]).err).toMatch(/not JSON/);
  });

  it('an --out that cannot be written is exit 2 with one line, not a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ioas-check-'));
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const r = run(['check', '--semantics', 'v6.3', '--property', 'no-kernel-warn', '--runs', '50', '--out', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^ioas-check: cannot write .*not-a-folder.*: (EEXIST|ENOTDIR)\n$/);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('replay of a saved counterexample exits 0 and says it reproduced', () => {
    const r = run(['replay', join(repo, 'counterexamples', 'no-kernel-warn--v6.3.json')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/reproduced: no-kernel-warn violated on v6.3/);
  });

  it('check --json: one object with a results array of the documented shape; counterexamples written to --out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ioas-check-'));
    const r = run([
      'check',
      '--semantics',
      'v6.3,latest',
      '--property',
      'close-all-leaves-nothing',
      '--runs',
      '300',
      '--json',
      '--out',
      dir,
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.results).toHaveLength(2);
    for (const row of j.results) {
      expect(Object.keys(row)).toEqual(
        expect.arrayContaining(['property', 'semantics', 'verdict', 'expected', 'runs', 'steps', 'counterexample']),
      );
    }
    expect(j.results[0]).toMatchObject({ semantics: 'v6.3', verdict: 'violated', expected: 'violated' });
    expect(j.results[1]).toMatchObject({ semantics: 'latest', verdict: 'holds', counterexample: null });
    expect(readdirSync(dir).sort()).toEqual([
      'close-all-leaves-nothing--v6.3.json',
      'close-all-leaves-nothing--v6.3.md',
    ]);
  });

  it('check exits 1 when a verdict does not match its expectation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ioas-check-'));
    const r = run([
      'check',
      '--semantics',
      'v6.6+cached-compat-id',
      '--property',
      'attach-target-was-compat',
      '--runs',
      '1',
      '--out',
      dir,
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/MISMATCH attach-target-was-compat on v6.6\+cached-compat-id: expected a violation/);
    expect(existsSync(join(dir, 'attach-target-was-compat--v6.6+cached-compat-id.json'))).toBe(false);
  });

  it('properties and semantics list what exists', () => {
    expect(run(['properties']).out).toMatch(/legacy-compat-ioas-stable/);
    expect(JSON.parse(run(['semantics', '--json']).out).default).toContain('v6.6+cached-compat-id');
  });
});
