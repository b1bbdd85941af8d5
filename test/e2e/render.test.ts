// `ioas-check render` in-process: each format on stdout, one-line usage errors with exit 2, and exit 1 with the
// reason for a trace C cannot express.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itfToTrace } from '../../src/report/render/itfToTrace.ts';
import { runCli } from '../helpers/runCli.ts';
import { expressibleCounterexample } from '../report/render/expressibleTrace.ts';

const run = (args: string[]) => runCli(args);

const repo = join(import.meta.dirname, '..', '..');
const saved = join(repo, 'counterexamples', 'close-all-leaves-nothing--v6.3.json');

/** A counterexample file whose steps a plain process can issue (every saved one opens a vfio group). */
function expressibleFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'ioas-check-')), 'expressible.json');
  writeFileSync(file, JSON.stringify(expressibleCounterexample('v6.6'), null, 2));
  return file;
}

describe('ioas-check render', () => {
  it.each([
    [['render'], /render needs a counterexample file/],
    [['render', saved, saved], /render takes one counterexample file, got 2/],
    [['render', saved, '--format', 'svg'], /--format expects one of md, mermaid, itf, c, got 'svg'/],
    [['render', saved, '--bogus'], /Unknown option '--bogus'/],
    [['render', '/nonexistent.json'], /cannot read: ENOENT/],
  ])('%j is a usage error: exit 2, one line', (args, msg) => {
    const r = run(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
  });

  it('a malformed counterexample file: exit 2 naming the field', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ioas-check-')), 'bad.json');
    const src = JSON.parse(readFileSync(saved, 'utf8'));
    src.steps[0].action.op = 'IOMMU_FROB';
    writeFileSync(file, JSON.stringify(src));
    const r = run(['render', file, '--format', 'mermaid']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/steps\[0\]\.action\.op: unknown operation "IOMMU_FROB"/);
  });

  it('md (the default) is the committed Markdown twin', () => {
    const r = run(['render', saved]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(run(['render', saved, '--format', 'md']).out);
    expect(r.out).toMatch(/^# `close-all-leaves-nothing` violated on `v6\.3`/);
  });

  it('mermaid: a sequence diagram on stdout', () => {
    const r = run(['render', saved, '--format', 'mermaid']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^sequenceDiagram\n/);
    expect(r.out).toMatch(/\n {2}qemu->>kernel: \[0\] \w+\(/);
  });

  it('itf: JSON that parses back to the file steps', () => {
    const r = run(['render', saved, '--format', 'itf']);
    expect(r.code).toBe(0);
    const itf = JSON.parse(r.out);
    expect(itf['#meta'].source).toBe(saved);
    const back = itfToTrace(itf);
    expect(back.ok && back.value.actions.length).toBe(JSON.parse(readFileSync(saved, 'utf8')).steps.length);
  });

  it('c: a trace with an injected failure exits 1 with the reason on stderr and nothing on stdout', () => {
    const faulty = 'counterexamples/refcounts-match-holders--v6.2.json';
    const r = run(['render', faulty, '--format', 'c']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      /^ioas-check: .*: not expressible in C: step \d+ \(\w+\): injects a kernel-internal failure.*\n$/,
    );
    expect(r.err.startsWith(`ioas-check: ${faulty}: `)).toBe(true);
  });

  it('c: a trace on the vfio group path prints a program that takes its devices on the command line', () => {
    const r = run(['render', saved, '--format', 'c']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('group_path(');
    expect(r.out).toContain('int main(int argc, char **argv)');
  });

  it('c: an expressible trace prints the program', () => {
    const r = run(['render', expressibleFile(), '--format', 'c']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^\/\/ SPDX-License-Identifier: GPL-2.0\n/);
    expect(r.out).toContain('int main(int argc, char **argv)');
  });

  it('the usage text lists render', () => {
    expect(run(['--help']).out).toContain('render FILE [--format md|mermaid|itf|c]');
  });
});
