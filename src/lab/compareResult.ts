// Compares the model's answer for a step with the kernel's: the return value (any fd for fd-returning ops),
// the errno, and every out field the model reports. The kernel's side is shown in the model's notation.
import { formatResult, type OpResult } from '../model/result.ts';
import { errnoName } from './errnoNames.ts';
import type { KernelResult } from './labTypes.ts';

export type StepVerdict = 'agree' | 'disagree' | 'unmodelled';

/** A u64 from the executor next to a model number (a double): equal when the double is that u64's nearest. */
const sameNumber = (kernel: string, model: number): boolean => Number(kernel) === model;

export function compareResult(
  model: OpResult,
  k: KernelResult,
  returnsFd: boolean,
  fdOut: readonly string[],
): StepVerdict {
  if (model.kind === 'unmodelled') return 'unmodelled';
  if (model.kind === 'ok') {
    if (k.errno !== 0 || k.ret < 0) return 'disagree';
    if (!returnsFd && k.ret !== model.ret) return 'disagree';
  } else if (k.errno === 0 || errnoName(k.errno) !== model.errno) {
    return 'disagree';
  }
  for (const [key, v] of Object.entries(model.out)) {
    if (fdOut.includes(key)) continue;
    const got = k.out[key];
    if (got === undefined || !sameNumber(got, v)) return 'disagree';
  }
  return 'agree';
}

/** The kernel's result written like the model's (`0 {out_ioas_id: 1}`, `EBUSY`): the out fields the model
 * reports, or every field when the model has no answer. */
export function formatKernelResult(k: KernelResult, model: OpResult | null, returnsFd: boolean): string {
  const keys = model !== null && model.kind !== 'unmodelled' ? Object.keys(model.out) : Object.keys(k.out);
  const shown = keys.filter((x) => k.out[x] !== undefined);
  const out = shown.length === 0 ? '' : ` {${shown.map((x) => `${x}: ${k.out[x]}`).join(', ')}}`;
  const head = k.errno !== 0 ? errnoName(k.errno) : returnsFd ? `fd ${k.ret}` : String(k.ret);
  return head + out;
}

export const formatModelResult = (r: OpResult, returnsFd: boolean): string =>
  returnsFd && r.kind === 'ok' ? `fd ${r.ret}${formatResult(r).slice(String(r.ret).length)}` : formatResult(r);
