// A threaded counterexample as lanes: one Markdown column per thread, each step in the column of the thread
// that ran it, so that an interleaving reads top to bottom like a timeline.
import type { Counterexample } from '../counterexample.ts';

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The lane table of a counterexample that carries lanes (see withLanes); null when it has none. */
export function laneTable(cx: Counterexample): string | null {
  const lanes = cx.steps.map((s) => (s.action as { readonly thread?: unknown }).thread);
  if (!lanes.every((l) => typeof l === 'number')) return null;
  const width = Math.max(...(lanes as number[])) + 1;
  const head = `| step | ${Array.from({ length: width }, (_, i) => `thread ${i}`).join(' | ')} |`;
  const rule = `|---|${'---|'.repeat(width)}`;
  const rows = cx.steps.map((s, i) => {
    const lane = lanes[i] as number;
    const what = (s.action as { readonly step?: unknown }).step;
    const text = cell(
      `${s.action.actor}: ${s.action.op}${typeof what === 'string' && what !== 'atomic' ? ` — ${what}` : ''}`,
    );
    return `| ${s.index} | ${Array.from({ length: width }, (_, l) => (l === lane ? text : '')).join(' | ')} |`;
  });
  return [head, rule, ...rows].join('\n');
}
