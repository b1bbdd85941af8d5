// The Markdown twin of a counterexample file: what a reviewer reads on the list.
import type { Counterexample } from '../checker/counterexample.ts';
import { laneTable } from '../checker/threads/laneTable.ts';
import { formatAction } from './formatAction.ts';
import { table } from './markdownTable.ts';

function formatResultJson(r: unknown): string {
  const o = r as { ret?: number; errno?: string; unmodelled?: string; out?: Record<string, number> };
  const out =
    o.out !== undefined && Object.keys(o.out).length > 0
      ? ` {${Object.entries(o.out)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')}}`
      : '';
  if (o.errno !== undefined) return `${o.errno}${out}`;
  // A step of a threaded ioctl that has not returned yet is stored as "in flight on thread N: ..." (no result).
  if (o.unmodelled?.startsWith('in flight') === true) return `(${o.unmodelled})`;
  if (o.unmodelled !== undefined) return `not modelled: ${o.unmodelled}`;
  return `${o.ret}${out}`;
}

/** For a threaded counterexample: the same steps as one column per thread, read top to bottom. */
function lanes(cx: Counterexample): string[] {
  const t = laneTable(cx);
  return t === null ? [] : ['Thread lanes (the interleaving):', '', t, ''];
}

export function counterexampleMarkdown(cx: Counterexample): string {
  const verdictLine =
    cx.expected === 'violated'
      ? `Expected on \`${cx.semantics}\`: **violated** — ${cx.expectedReason ?? ''}`
      : `Expected on \`${cx.semantics}\`: **holds** — this counterexample is a surprise; read it against the kernel source.`;
  const rows = cx.steps.map((s) => [
    String(s.index),
    s.action.actor,
    formatAction(s.action),
    formatResultJson(s.result),
    s.changes.join('; '),
  ]);
  const atEnd = cx.violation.step >= cx.steps.length;
  const last = cx.steps[cx.steps.length - 1];
  return [
    `# \`${cx.property}\` violated on \`${cx.semantics}\``,
    '',
    `**${cx.title}**`,
    '',
    `> ${cx.claim.quote}`,
    `>`,
    `> — ${cx.claim.source}`,
    '',
    verdictLine,
    '',
    `**Violation** ${atEnd ? 'after the last step' : `at step ${cx.violation.step}`}: ${cx.violation.message}`,
    '',
    table(['step', 'actor', 'ioctl', 'result', 'what changed'], rows),
    '',
    ...lanes(cx),
    '<details><summary>State after the last step</summary>',
    '',
    '```json',
    JSON.stringify(last?.state ?? null, null, 2),
    '```',
    '',
    '</details>',
    '',
    `Found with seed ${cx.search.seed} (derived ${cx.search.derivedSeed}), ${cx.search.runs} runs of at most ${cx.search.maxSteps} steps, shrunk ${cx.search.shrinks} time(s); fast-check ${cx.search.fastCheckVersion}, path \`${cx.search.path}\`.`,
    '',
    'To reproduce:',
    '',
    '```sh',
    cx.reproduce.replay,
    cx.reproduce.search,
    '```',
    '',
  ].join('\n');
}
