// report.md: the design-review evidence in one page a reviewer can read on a code-hosting site: each claim
// with its quote and source, the formal property, the verdict per profile with the strength of the evidence
// and a link to the counterexample, then the kernel bug table.
import type { CheckRow } from '../cli/check.ts';
import { semantics } from '../model/semantics.ts';
import { KNOWN_BUGS } from '../properties/knownBugs.ts';
import { propertyByCode } from '../properties/registry.ts';
import { table } from './markdownTable.ts';

export interface ReportInput {
  readonly rows: readonly CheckRow[];
  readonly seed: number;
  readonly runs: number;
  readonly maxSteps: number;
  /** The Markdown of a `kernel fuzz` run (its agreement report), or null. */
  readonly kernelFuzz?: string | null;
  /** A `kernel race` run's Markdown (kernel-race.md), appended as a section. */
  readonly kernelRace?: string | null;
}

/** Links go to the counterexample's Markdown twin; `file` is relative to the report. */
const link = (_input: ReportInput, file: string | null, text: string) =>
  file === null ? text : `[${text}](${file.replace(/\.json$/, '.md')})`;

function verdictCell(input: ReportInput, r: CheckRow): string {
  const mark = r.match ? '' : ' ⚠ unexpected';
  const x = r.exhaustive;
  const ex =
    x === undefined
      ? ''
      : x.verdict === 'holds'
        ? `; exhaustive: holds in all ${x.states} states to depth ${x.depth}${x.vacuous ? ' (vacuous)' : ''}`
        : `; exhaustive: shortest counterexample ${x.shortest} steps`;
  if (r.verdict === 'holds') return `holds (${r.runs} random runs, ${r.steps} steps${ex})${mark}`;
  return `**violated** — ${link(input, r.counterexample, `${r.length}-step counterexample`)}${ex}${mark}`;
}

export function reportMarkdown(input: ReportInput): string {
  const profiles = [...new Set(input.rows.map((r) => r.semantics))];
  const codes = [...new Set(input.rows.map((r) => r.property))];
  const out: string[] = [];
  out.push('# ioas-check report: the compat-IOAS claims, checked');
  out.push('');
  out.push(
    `Random search with fast-check, seed ${input.seed}, ${input.runs} runs of at most ${input.maxSteps} steps per property and profile. ` +
      `A verdict "holds" means no violation was found within that budget; "violated" comes with a shrunk, replayable counterexample ` +
      `(\`npx ioas-check replay <file>.json\`).`,
  );
  out.push('');
  const matched = input.rows.filter((r) => r.match).length;
  out.push(`**${matched}/${input.rows.length}** verdicts match their recorded expectation.`);
  out.push('');
  out.push('## Claims');
  for (const code of codes) {
    const p = propertyByCode(code);
    if (p === undefined) continue;
    out.push('');
    out.push(`### \`${code}\` — ${p.title}`);
    out.push('');
    out.push(`> ${p.claim.quote}`);
    out.push('>');
    out.push(`> — ${p.claim.source}`);
    out.push('');
    out.push(`Kind: ${p.kind}; actors: ${p.scope}.`);
    out.push('');
    const rows = profiles.flatMap((s) => {
      const r = input.rows.find((x) => x.property === code && x.semantics === s);
      if (r === undefined) return [];
      const e = p.expected(semantics(s));
      return [[`\`${s}\``, verdictCell(input, r), e.verdict === 'violated' ? `violated: ${e.reason}` : 'holds']];
    });
    out.push(table(['profile', 'verdict and evidence', 'expected'], rows));
  }
  out.push('');
  out.push('## Kernel bugs and findings, found by general properties');
  out.push('');
  const bugRows = KNOWN_BUGS.flatMap((b) =>
    b.profiles.flatMap((s) => {
      const r = input.rows.find((x) => x.property === b.property && x.semantics === s);
      if (r === undefined) return [];
      const found =
        r.verdict === 'violated' ? `found in ${(r.elapsedMs / 1000).toFixed(2)} s, ${r.length} steps` : 'not found';
      return [[b.id, b.title, b.fix, `\`${s}\``, `\`${b.property}\``, link(input, r.counterexample, found)]];
    }),
  );
  out.push(table(['bug', 'what', 'fix', 'profile', 'property', 'search'], bugRows));
  out.push('');
  if (input.kernelFuzz !== undefined && input.kernelFuzz !== null) {
    // The run's own Markdown, its title replaced and its sections one level down.
    out.push('## On a real kernel: differential search (`ioas-check kernel fuzz`)');
    out.push('');
    const body = input.kernelFuzz.split('\n').filter((l) => !l.startsWith('# '));
    out.push(...body.map((l) => (l.startsWith('## ') ? `#${l}` : l)));
  }
  if (input.kernelRace !== undefined && input.kernelRace !== null) {
    out.push('## On a real kernel: interleavings with real threads (`ioas-check kernel race`)');
    out.push('');
    const body = input.kernelRace.split('\n').filter((l) => !l.startsWith('# '));
    out.push(...body.map((l) => (l.startsWith('## ') ? `#${l}` : l)));
  }
  return `${out.join('\n')}\n`;
}
