// `ioas-check kernel ...` without QEMU: every usage error and a lab that is not there are one line and exit 2,
// before anything boots. The real-kernel runs are the kernel tier's (test/kernel/).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.ts';

const run = (args: string[]) => runCli(args);

const empty = mkdtempSync(join(tmpdir(), 'ioas-lab-empty-'));
const bad = join(empty, 'bad.json');
writeFileSync(bad, '{"name": "x", "source": "y", "semantics": ["v6.12"], "steps": [{"op": "nope"}]}');

describe('ioas-check kernel', () => {
  it.each([
    [['kernel'], /kernel expects a subcommand: setup, replay, fuzz or race/],
    [['kernel', 'boot'], /kernel expects a subcommand: .*\(got 'boot'\)/],
    [['kernel', 'setup', '--flavour', 'arch'], /--flavour expects one of debian, test, got 'arch'/],
    [['kernel', 'replay'], /kernel replay needs at least one file or directory/],
    [['kernel', 'replay', '/nonexistent.json'], /cannot read: ENOENT/],
    [['kernel', 'replay', bad, '--cache', empty], /bad\.json: .*steps\[0\]/],
    [['kernel', 'replay', '--semantics', 'v9', 'scenarios/vfio-paths'], /unknown semantics profile 'v9'/],
    [
      ['kernel', 'replay', '--cache', empty, 'scenarios/vfio-paths'],
      /the debian lab is not set up in .* \(run: ioas-check kernel setup --flavour debian\)/,
    ],
    [['kernel', 'fuzz', '--scope', 'threaded'], /--scope expects one of mixed, legacy-only, qemu-shaped/],
    [['kernel', 'fuzz', '--runs', '0'], /--runs expects a positive integer/],
    [['kernel', 'fuzz', '--cache', empty], /the debian lab is not set up/],
    [['report', '--kernel-fuzz', '/nonexistent.md'], /cannot read the kernel fuzz report: ENOENT/],
    [['report', '--kernel-race', '/nonexistent.md'], /cannot read the kernel race report: ENOENT/],
    [['kernel', 'race', '--tries', '0'], /--tries expects a positive integer/],
    [['kernel', 'race', '--widen-us', '500', '--flavour', 'test'], /--widen-us needs the debian flavour/],
    [['kernel', 'race', '--widen-us', '200000'], /--widen-us expects at most 100000/],
    [['kernel', 'race', 'counterexamples/non-interference--v6.12.json'], /not a thread interleaving/],
    [['kernel', 'race', '--cache', empty], /the debian lab is not set up/],
  ])('%j is a usage error: exit 2, one line', (args, msg) => {
    const r = run(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
  });

  it('the usage text lists the kernel commands', () => {
    const u = run(['--help']).out;
    expect(u).toContain('kernel setup [--flavour debian|test] [--cache DIR]');
    expect(u).toContain('kernel replay FILE|DIR...');
    expect(u).toContain('kernel fuzz [--runs N]');
    expect(u).toContain('kernel race [FILE...]');
  });
});
