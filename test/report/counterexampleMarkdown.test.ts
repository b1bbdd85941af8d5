// The reviewer-facing rendering is pinned: a counterexample found at a fixed seed renders to fixed text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCounterexample } from '../../src/checker/loadCounterexample.ts';
import { counterexampleMarkdown } from '../../src/report/counterexampleMarkdown.ts';

describe('counterexampleMarkdown', () => {
  it('renders the saved ABA counterexample of the cached-id design exactly as committed', () => {
    const stem = join(
      import.meta.dirname,
      '..',
      '..',
      'counterexamples',
      'attach-target-was-compat--v6.6+cached-compat-id',
    );
    const loaded = loadCounterexample(readFileSync(`${stem}.json`, 'utf8'));
    if (!loaded.ok) throw new Error(loaded.error);
    const md = counterexampleMarkdown(loaded.value.file);
    expect(md).toBe(readFileSync(`${stem}.md`, 'utf8'));
    expect(md).toMatchSnapshot();
  });
});
