// The saved counterexample: a documented JSON file (format "ioas-check/counterexample@1") with everything
// needed to read it and to replay it. Building one is pure; files are written by the CLI.
import fc from 'fast-check';
import type { Action } from '../model/actions.ts';
import type { OpResult } from '../model/result.ts';
import type { Topology } from '../model/topology.ts';
import type { Property } from '../properties/Property.ts';
import { describeEvent } from '../report/describeEvents.ts';
import { snapshot } from '../report/snapshot.ts';
import { encodeAction, type JsonAction, type JsonValue } from './actionCodec.ts';
import { encodeResult } from './resultCodec.ts';
import type { StepRecord, Violation } from './runTrace.ts';
import type { SearchOptions } from './search.ts';

export const COUNTEREXAMPLE_FORMAT = 'ioas-check/counterexample@1';

export interface TopologyJson {
  readonly groups: readonly {
    readonly name: string;
    readonly noiommu: boolean;
    readonly devices: readonly { readonly name: string; readonly kind: 'physical' | 'emulated' }[];
  }[];
  readonly actors: readonly { readonly name: string; readonly kind: 'legacy' | 'native' }[];
}

export interface CounterexampleStep {
  readonly index: number;
  readonly action: JsonAction;
  readonly result: JsonValue;
  readonly changes: readonly string[];
  readonly state: JsonValue;
}

export interface Counterexample {
  readonly format: typeof COUNTEREXAMPLE_FORMAT;
  readonly property: string;
  readonly title: string;
  readonly claim: { readonly quote: string; readonly source: string };
  readonly semantics: string;
  readonly expected: 'holds' | 'violated';
  readonly expectedReason: string | null;
  readonly search: {
    readonly seed: number;
    readonly derivedSeed: number;
    readonly path: string;
    readonly runs: number;
    readonly maxSteps: number;
    readonly shrinks: number;
    readonly fastCheckVersion: string;
  };
  readonly topology: TopologyJson;
  readonly violation: Violation;
  readonly steps: readonly CounterexampleStep[];
  readonly reproduce: { readonly replay: string; readonly search: string };
}

export function topologyJson(t: Topology): TopologyJson {
  return {
    groups: t.groups.map((g) => ({
      name: g.name,
      noiommu: g.kind === 'noiommu',
      devices: g.devices.map((d) => ({
        name: t.devices[d]?.name ?? String(d),
        kind: t.devices[d]?.kind ?? 'physical',
      })),
    })),
    actors: t.actors.map((a) => ({ name: a.name, kind: a.kind })),
  };
}

export const counterexampleFileName = (property: string, semantics: string): string => `${property}--${semantics}`;

export function stepJson(r: StepRecord, topo: Topology): CounterexampleStep {
  return {
    index: r.index,
    action: encodeAction(r.action, topo),
    result: encodeResult(r.result),
    changes: r.events.map((e) => describeEvent(e, topo)),
    state: snapshot(r.after, topo),
  };
}

export interface BuildInput {
  readonly property: Property;
  readonly semanticsName: string;
  readonly expectation: ReturnType<Property['expected']>;
  readonly options: SearchOptions;
  readonly derivedSeed: number;
  readonly path: string;
  readonly shrinks: number;
  readonly topology: Topology;
  readonly records: readonly StepRecord[];
  readonly violation: Violation;
  readonly fileStem: string;
}

export function buildCounterexample(b: BuildInput): Counterexample {
  const p = b.property;
  return {
    format: COUNTEREXAMPLE_FORMAT,
    property: p.code,
    title: p.title,
    claim: p.claim,
    semantics: b.semanticsName,
    expected: b.expectation.verdict,
    expectedReason: b.expectation.verdict === 'violated' ? b.expectation.reason : null,
    search: {
      seed: b.options.seed,
      derivedSeed: b.derivedSeed,
      path: b.path,
      runs: b.options.runs,
      maxSteps: b.options.maxSteps,
      shrinks: b.shrinks,
      fastCheckVersion: fc.__version,
    },
    topology: topologyJson(b.topology),
    violation: b.violation,
    steps: b.records.map((r) => stepJson(r, b.topology)),
    reproduce: {
      replay: `npx ioas-check replay counterexamples/${b.fileStem}.json`,
      search: `npx ioas-check check --semantics ${b.semanticsName} --property ${p.code} --seed ${b.options.seed} --runs ${b.options.runs} --max-steps ${b.options.maxSteps}`,
    },
  };
}

/** The actions of a decoded counterexample, for replay. */
export interface LoadedCounterexample {
  readonly file: Counterexample;
  readonly actions: readonly Action[];
  readonly results: readonly OpResult[];
  readonly topology: Topology;
}
