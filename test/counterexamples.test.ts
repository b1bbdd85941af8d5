// Every saved counterexample replays: same results at every step, same violation at the same step.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCounterexample } from '../src/checker/loadCounterexample.ts';
import { replayCounterexample } from '../src/checker/replay.ts';

const dir = join(import.meta.dirname, '..', 'counterexamples');
const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.itf.json'));

describe('saved counterexamples', () => {
  it('exist', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays', (f) => {
    const loaded = loadCounterexample(readFileSync(join(dir, f), 'utf8'));
    if (!loaded.ok) throw new Error(loaded.error);
    expect(replayCounterexample(loaded.value).kind).toBe('reproduced');
  });

  it('a tampered result is reported as a divergence at that step', () => {
    const f = files.find((x) => x.startsWith('close-all-leaves-nothing--v6.3')) as string;
    const j = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    j.steps[2].result = { errno: 'EINVAL', out: {} };
    const loaded = loadCounterexample(JSON.stringify(j));
    if (!loaded.ok) throw new Error(loaded.error);
    const o = replayCounterexample(loaded.value);
    expect(o).toMatchObject({ kind: 'diverged', step: 2, expected: 'EINVAL', got: '0' });
  });
});
