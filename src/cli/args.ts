// Flag parsing with node:util parseArgs in strict mode; every problem becomes a one-line UsageError.
import { parseArgs } from 'node:util';
import { parseSemantics, type Semantics } from '../model/semantics.ts';
import type { Property } from '../properties/Property.ts';
import { PROPERTIES, propertyByCode } from '../properties/registry.ts';
import { UsageError } from './io.ts';

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

export function parse<O extends Options>(args: readonly string[], options: O, allowPositionals: boolean) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

export function positiveInt(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v)))
    throw new UsageError(`--${flag} expects a positive integer, got '${v}'`);
  return Number(v);
}

export function nonNegativeInt(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)))
    throw new UsageError(`--${flag} expects a non-negative integer, got '${v}'`);
  return Number(v);
}

/** Values of a repeatable flag, each possibly a comma-separated list. */
const listOf = (vs: readonly string[] | undefined): string[] =>
  (vs ?? []).flatMap((v) => v.split(',')).filter((v) => v.length > 0);

export function semanticsList(vs: readonly string[] | undefined, fallback: readonly string[]): Semantics[] {
  const names = listOf(vs);
  return (names.length === 0 ? fallback : names).map((n) => {
    const r = parseSemantics(n);
    if (r.kind === 'error') throw new UsageError(r.message);
    return r.semantics;
  });
}

export function propertyList(vs: readonly string[] | undefined): Property[] {
  const codes = listOf(vs);
  if (codes.length === 0) return [...PROPERTIES];
  return codes.map((c) => {
    const p = propertyByCode(c);
    if (p === undefined) throw new UsageError(`unknown property '${c}' (see 'ioas-check properties')`);
    return p;
  });
}

/** The flags every command that runs the random search takes (check, report). */
export const SEARCH_FLAGS = {
  semantics: { type: 'string', multiple: true },
  property: { type: 'string', multiple: true },
  runs: { type: 'string' },
  'max-steps': { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  exhaustive: { type: 'boolean' },
} as const;
