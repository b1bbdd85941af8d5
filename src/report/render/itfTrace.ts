// The shape of the ITF document the renderer writes and the parser reads (Apalache ADR-015 with Quint's
// model-based-testing fields), and the names both sides use.
import type { TopologyJson } from '../../checker/counterexample.ts';
import type { Violation } from '../../checker/runTrace.ts';
import type { ItfValue } from './itfValue.ts';

export const ITF_FORMAT_DESCRIPTION = 'https://apalache-mc.org/docs/adr/015adr-trace.html';
/** Quint's names for the action a state was reached by and the nondeterministic choices it made. */
export const ACTION_TAKEN = 'mbt::actionTaken';
export const NONDET_PICKS = 'mbt::nondetPicks';
/** `mbt::actionTaken` of state 0, as Quint writes it. */
export const INIT_ACTION = 'init';
/** Our own block in `#meta` (ADR-015 leaves its content open): what the parser needs to decode the steps. */
export const META_KEY = 'ioas-check';

export interface ItfMeta {
  readonly format: 'ITF';
  readonly 'format-description': string;
  readonly source: string;
  readonly description: string;
  readonly [META_KEY]: {
    readonly property: string;
    readonly semantics: string;
    readonly violation: Violation;
    readonly topology: TopologyJson;
  };
}

export interface ItfState {
  readonly '#meta': { readonly index: number };
  readonly [variable: string]: ItfValue | { readonly index: number };
}

export interface ItfTrace {
  readonly '#meta': ItfMeta;
  readonly vars: readonly string[];
  readonly states: readonly ItfState[];
}
