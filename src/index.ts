// The library entry point: state a property in your own test file and check it across profiles.
//
//   import { checkAcrossProfiles, stepMonitor } from 'ioas-check';
//   const r = checkAcrossProfiles(myProperty, { profiles: ['v6.6', 'latest'] });
//   expect(r.every((x) => x.verdict === x.expected)).toBe(true);
import { search } from './checker/search.ts';
import { DEFAULT_SEED } from './checker/seed.ts';
import { DEFAULT_PROFILES, parseSemantics } from './model/semantics.ts';
import type { Property } from './properties/Property.ts';

export type { Action, ActionKind } from './model/actions.ts';
export type { ModelEvent } from './model/events.ts';
export { deviceIoas, liveCtxs, objectsOf } from './model/inspect.ts';
export type { OpResult } from './model/result.ts';
export type { Semantics } from './model/semantics.ts';
export type { World } from './model/state.ts';
export { initialWorld } from './model/state.ts';
export { step } from './model/step.ts';
export type { Expectation, Monitor, Property, RunContext, StepInfo } from './properties/Property.ts';
export { HOLDS, invariantMonitor, stepMonitor } from './properties/Property.ts';
export { PROPERTIES, propertyByCode } from './properties/registry.ts';

export interface CheckOptions {
  /** Profile names, e.g. `v6.6` or `latest+cached-compat-id`; the check's default set otherwise. */
  readonly profiles?: readonly string[];
  readonly runs?: number;
  readonly maxSteps?: number;
  readonly seed?: number;
}

export interface ProfileVerdict {
  readonly semantics: string;
  readonly verdict: 'holds' | 'violated';
  readonly expected: 'holds' | 'violated';
  /** The violation message and the shrunk actions, when violated. */
  readonly message: string | null;
  readonly trace: readonly unknown[];
  readonly runs: number;
}

/** Runs the random search for one property on each profile; throws on an unknown profile name. */
export function checkAcrossProfiles(property: Property, opts: CheckOptions = {}): readonly ProfileVerdict[] {
  return (opts.profiles ?? DEFAULT_PROFILES).map((name) => {
    const parsed = parseSemantics(name);
    if (parsed.kind === 'error') throw new Error(parsed.message);
    const sem = parsed.semantics;
    const o = search(property, sem, {
      runs: opts.runs ?? 1000,
      maxSteps: opts.maxSteps ?? 60,
      seed: opts.seed ?? DEFAULT_SEED,
    });
    return {
      semantics: sem.name,
      verdict: o.verdict,
      expected: property.expected(sem).verdict,
      message: o.verdict === 'violated' ? (o.found.run.violation?.message ?? null) : null,
      trace: o.verdict === 'violated' ? o.found.run.actions : [],
      runs: o.runs,
    };
  });
}
