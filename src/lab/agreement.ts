// The agreement report of a fuzz run: per op, the steps the kernel ran and the fraction the model agreed with,
// and the result classes each side gave (the op × result coverage reached on the kernel beside the model's).
import type { FileOutcome } from './replayOnKernel.ts';

export interface OpAgreement {
  readonly op: string;
  readonly steps: number;
  readonly agreeing: number;
  readonly notModelled: number;
  /** Result class (`ok`, `fd`, an errno name) -> steps, on each side. */
  readonly kernel: Readonly<Record<string, number>>;
  readonly model: Readonly<Record<string, number>>;
}

/** `0 {…}` -> ok, `fd 7` -> fd, `EBUSY {…}` -> EBUSY, a WARN mark kept apart. */
export function resultClass(r: string | null): string {
  if (r === null) return 'not run';
  if (r.startsWith('not modelled')) return 'not modelled';
  const warn = r.endsWith(' +WARN') ? '+WARN' : '';
  const head = r.split(' ')[0] ?? '';
  const c =
    head === 'fd' ? 'fd' : /^-?\d+$/.test(head) ? 'ok' : head === 'errno' ? r.split(' ').slice(0, 2).join(' ') : head;
  return c + warn;
}

export function agreementByOp(outcomes: readonly FileOutcome[]): OpAgreement[] {
  const by = new Map<
    string,
    {
      steps: number;
      agreeing: number;
      notModelled: number;
      kernel: Record<string, number>;
      model: Record<string, number>;
    }
  >();
  for (const o of outcomes)
    for (const s of o.steps) {
      if (s.verdict === 'not run') continue;
      const a = by.get(s.op) ?? { steps: 0, agreeing: 0, notModelled: 0, kernel: {}, model: {} };
      a.steps++;
      if (s.verdict === 'agree') a.agreeing++;
      if (s.verdict === 'unmodelled') a.notModelled++;
      const k = resultClass(s.kernel);
      const m = resultClass(s.model);
      a.kernel[k] = (a.kernel[k] ?? 0) + 1;
      a.model[m] = (a.model[m] ?? 0) + 1;
      by.set(s.op, a);
    }
  return [...by].map(([op, a]) => ({ op, ...a })).sort((x, y) => y.steps - x.steps);
}

const classes = (r: Readonly<Record<string, number>>): string =>
  Object.entries(r)
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');

export function agreementMarkdown(rows: readonly OpAgreement[]): string {
  const lines = [
    '| op | steps on the kernel | agreeing | not modelled | kernel results | model results |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.op} | ${r.steps} | ${r.agreeing} (${((100 * r.agreeing) / Math.max(1, r.steps)).toFixed(1)}%) | ${r.notModelled} | ${classes(r.kernel)} | ${classes(r.model)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
