// The JSON schema shipped with the scenarios describes the same fields the parser accepts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STEP_KEYS, TOP_KEYS } from '../../src/scenario/parseScenario.ts';

const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'scenarios', 'scenario.schema.json'), 'utf8'),
);

describe('scenarios/scenario.schema.json', () => {
  it('lists the top-level and step fields the parser accepts', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...TOP_KEYS].sort());
    expect(Object.keys(schema.$defs.step.properties).sort()).toEqual([...STEP_KEYS].sort());
    expect(schema.required).toEqual(['name', 'source', 'semantics', 'steps']);
  });
});
