// A conformance scenario: a kernel test (or a kernel code path) written as uAPI calls with expected results,
// checked against the model on each profile it applies to. Parsed from JSON by parseScenario().
import type { Errno } from '../model/errno.ts';
import type { Topology } from '../model/topology.ts';

/** `#N` as an fd: the step actor's fd number N itself (generated sequences use fds that were never opened). */
export const LITERAL_FD = /^#\d+$/;

export const SCENARIO_PROFILES = ['v6.2', 'v6.3', 'v6.6', 'v6.12', 'latest'] as const;

/** A literal number or a `$variable` (bound the first time it appears, compared after). */
export type Value = { readonly kind: 'num'; readonly value: number } | { readonly kind: 'var'; readonly name: string };

/** An argument as written: a value, a name (path, group, device, fd), or an fd reference. */
export type Arg =
  | Value
  | { readonly kind: 'name'; readonly value: string }
  | { readonly kind: 'ranges'; readonly value: readonly { readonly start: Value; readonly last: Value }[] };

export type Expectation =
  | { readonly kind: 'ret'; readonly ret: number; readonly out: Readonly<Record<string, Value>> }
  | { readonly kind: 'errno'; readonly errno: Errno; readonly out: Readonly<Record<string, Value>> };

export interface ScenarioStep {
  readonly index: number;
  readonly op: string;
  readonly actor: string;
  /** An `as` name or a `$variable` holding an fd; null: the only open iommufd (or none for `open`). */
  readonly fd: string | null;
  readonly args: Readonly<Record<string, Arg>>;
  /** iommufd struct size word and the bytes after the struct (kernel size checks); null: sizeof, no bytes. */
  readonly size: number | null;
  readonly trailing: readonly number[];
  readonly as: string | null;
  /** null: run without comparing. */
  readonly expect: Expectation | null;
  /** Per-profile overrides of `expect`. */
  readonly byVersion: Readonly<Record<string, Expectation>>;
}

export interface Scenario {
  readonly name: string;
  readonly source: string;
  readonly profiles: readonly string[];
  readonly topology: Topology;
  readonly steps: readonly ScenarioStep[];
}
