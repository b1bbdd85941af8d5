// The claims x designs table: for each claim (property), which designs satisfy it, with the counterexample
// where one does not. Rendered as Markdown from the rows of a check run.
import { propertyByCode } from '../properties/registry.ts';
import { table } from './markdownTable.ts';

export interface ClaimCell {
  readonly property: string;
  readonly semantics: string;
  readonly verdict: 'holds' | 'violated';
  readonly counterexample: string | null;
  readonly length: number | null;
}

export function claimsTable(rows: readonly ClaimCell[]): string {
  const designs = [...new Set(rows.map((r) => r.semantics))];
  const claims = [...new Set(rows.map((r) => r.property))];
  const body = claims.map((code) => {
    const p = propertyByCode(code);
    const quote = p === undefined ? code : `\`${code}\`: ${p.claim.quote}`;
    return [
      quote,
      ...designs.map((d) => {
        const r = rows.find((x) => x.property === code && x.semantics === d);
        if (r === undefined) return '';
        if (r.verdict === 'holds') return 'holds';
        const link =
          r.counterexample === null ? '' : ` [${r.length} steps](${r.counterexample.replace(/\.json$/, '.md')})`;
        return `**violated**${link}`;
      }),
    ];
  });
  return table(['claim', ...designs.map((d) => `\`${d}\``)], body);
}
