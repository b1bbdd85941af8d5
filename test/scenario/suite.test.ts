// Replays every scenario under scenarios/ on each profile it lists: the model must give every expected result.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parseScenario.ts';
import { runScenario } from '../../src/scenario/runScenario.ts';

const root = join(import.meta.dirname, '..', '..', 'scenarios');

function scenarioFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return scenarioFiles(p);
    return e.name.endsWith('.json') && !e.name.endsWith('.schema.json') ? [p] : [];
  });
}

const files = scenarioFiles(root).sort();

describe('scenario suite', () => {
  it('has at least 50 kernel-selftest scenarios and the group/cdev path scenarios', () => {
    expect(files.filter((f) => f.includes('kernel-selftests')).length).toBeGreaterThanOrEqual(50);
    expect(files.filter((f) => f.includes('vfio-paths')).length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [relative(root, f), f]))('%s matches on every profile it lists', (_name, file) => {
    const parsed = parseScenario(readFileSync(file, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error);
    for (const profile of parsed.value.profiles) {
      const run = runScenario(parsed.value, profile);
      const f = run.failure;
      expect(f === null ? 'match' : `${profile} step ${f.step} (${f.op}): expected ${f.expected}, got ${f.got}`).toBe(
        'match',
      );
    }
  });

  it('every scenario names its source and the kernel version its expectations come from', () => {
    for (const file of files) {
      const j = JSON.parse(readFileSync(file, 'utf8')) as { source?: string; version?: string };
      expect(j.source, file).toMatch(/\S/);
      if (file.includes('kernel-selftests')) expect(j.version, file).toMatch(/v6\.\d+/);
    }
  });
});
