// Parses what the guest printed (JSON lines from ioas-exec and the guest's init) into per-sequence results.
// Lines that are not JSON (a torn last line when the guest died) are kept as noise, never thrown on.
import type { KernelResult } from './labTypes.ts';

export interface KernelStep extends KernelResult {
  readonly index: number;
  readonly op: string;
}

export interface KmsgLine {
  readonly seq: string;
  /** The step it followed; -1: between sequences (the closes at the end of a sequence). */
  readonly index: number;
  readonly level: number;
  readonly line: string;
}

export interface KernelSequence {
  readonly id: string;
  readonly steps: ReadonlyMap<number, KernelStep>;
  /** Steps the executor could not express (an op or name this lab lacks). */
  readonly errors: ReadonlyMap<number, string>;
  readonly kmsg: readonly KmsgLine[];
  /** The executor reached the sequence's end (false: the guest died or hung inside it). */
  readonly ended: boolean;
}

export interface GuestOutput {
  readonly release: string | null;
  readonly topology: ReadonlyMap<string, { readonly target: string; readonly cdev: string }>;
  readonly sequences: ReadonlyMap<string, KernelSequence>;
  /** The executor printed its final line. */
  readonly done: boolean;
  readonly initMessages: readonly string[];
}

interface MutableSeq {
  id: string;
  steps: Map<number, KernelStep>;
  errors: Map<number, string>;
  kmsg: KmsgLine[];
  ended: boolean;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''));
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

export function parseGuestOutput(text: string): GuestOutput {
  let release: string | null = null;
  let done = false;
  const topology = new Map<string, { target: string; cdev: string }>();
  const sequences = new Map<string, MutableSeq>();
  const initMessages: string[] = [];
  const seqOf = (id: string): MutableSeq => {
    let s = sequences.get(id);
    if (s === undefined) {
      s = { id, steps: new Map(), errors: new Map(), kmsg: [], ended: false };
      sequences.set(id, s);
    }
    return s;
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (!line.startsWith('{')) continue;
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    switch (j['t']) {
      case 'hello':
        release = str(j['release']);
        break;
      case 'topo':
        topology.set(str(j['name']), { target: str(j['target']), cdev: str(j['cdev']) });
        break;
      case 'seq':
        seqOf(str(j['seq']));
        break;
      case 'step': {
        const out: Record<string, string> = {};
        const o = j['out'];
        if (typeof o === 'object' && o !== null)
          for (const [k, v] of Object.entries(o as Record<string, unknown>)) out[k] = str(v);
        const index = num(j['i']);
        seqOf(str(j['seq'])).steps.set(index, {
          index,
          op: str(j['op']),
          ret: num(j['ret']),
          errno: num(j['errno']),
          out,
        });
        break;
      }
      case 'error':
        seqOf(str(j['seq'])).errors.set(num(j['i']), str(j['message']));
        break;
      case 'kmsg':
        seqOf(str(j['seq'])).kmsg.push({
          seq: str(j['seq']),
          index: num(j['i']),
          level: num(j['level']),
          line: str(j['line']),
        });
        break;
      case 'end':
        seqOf(str(j['seq'])).ended = true;
        break;
      case 'done':
        done = true;
        break;
      case 'init':
        initMessages.push(str(j['message']));
        break;
      default:
        break;
    }
  }
  return { release, topology, sequences, done, initMessages };
}

/** The kernel's own sanity checks in a log line: WARN, BUG, oops, KASAN, lockdep, refcount and list debugging. */
const SPLAT =
  /WARNING:|BUG:|Oops|general protection fault|KASAN|UBSAN|possible circular locking|lockdep|refcount_t:|list_(add|del) corruption|Kernel panic|kernel BUG/;

export const isSplat = (line: string): boolean => SPLAT.test(line);
