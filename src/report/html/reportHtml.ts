// report.html: one self-contained page (no network) with the verdict table and, for every counterexample, a
// step-through viewer (ioctl, result, state diff) and a sequence diagram with one lane per actor plus the kernel.
import type { Counterexample } from '../../checker/counterexample.ts';
import type { CheckRow } from '../../cli/check.ts';
import { VIEWER_SCRIPT } from './viewerScript.ts';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JSON that can sit inside a <script> element: no `</` sequence can close it early. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #1b1b1b; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
td.violated { background: #fde8e8; } td.holds { background: #e8f6ea; } td.mismatch { outline: 2px solid #d00; }
section.cx { border-top: 2px solid #888; margin-top: 2em; padding-top: .5em; }
.controls button { margin: 0 .5em; } .ioctl { font-family: monospace; font-weight: 600; margin-top: .5em; }
.result { font-family: monospace; } .result.errno, .violation { color: #b00; } .violation { font-weight: 600; }
ul.diff { font-family: monospace; font-size: 12px; } li.added { color: #070; } li.removed { color: #a00; } li.changed { color: #750; }
.seq-wrap { overflow-x: auto; } svg.seq text { font: 11px monospace; } .lane { stroke: #999; stroke-dasharray: 4 3; }
.lane-name { font-weight: 700; } .call, .reply { stroke: #333; } .reply { stroke-dasharray: 3 2; } .reply.errno { stroke: #b00; }
g.msg.current text { fill: #0645ad; font-weight: 700; } g.msg.violating .call { stroke: #d00; stroke-width: 2; }
`;

export interface HtmlInput {
  readonly rows: readonly CheckRow[];
  readonly counterexamples: readonly Counterexample[];
  readonly title: string;
}

export function reportHtml(input: HtmlInput): string {
  const profiles = [...new Set(input.rows.map((r) => r.semantics))];
  const codes = [...new Set(input.rows.map((r) => r.property))];
  const head = `<tr><th>property</th>${profiles.map((p) => `<th>${esc(p)}</th>`).join('')}</tr>`;
  const body = codes
    .map((code) => {
      const cells = profiles.map((p) => {
        const r = input.rows.find((x) => x.property === code && x.semantics === p);
        if (r === undefined) return '<td></td>';
        const cls = `${r.verdict}${r.match ? '' : ' mismatch'}`;
        const i = input.counterexamples.findIndex((c) => c.property === code && c.semantics === p);
        const text =
          r.verdict === 'holds'
            ? `holds (${r.runs} runs)`
            : i >= 0
              ? `<a href="#cx-${i}">violated, ${r.length} steps</a>`
              : 'violated';
        return `<td class="${esc(cls)}">${text}</td>`;
      });
      return `<tr><td><code>${esc(code)}</code></td>${cells.join('')}</tr>`;
    })
    .join('\n');
  const sections = input.counterexamples
    .map(
      (c, i) => `<section class="cx" id="section-${i}">
<h2><code>${esc(c.property)}</code> on <code>${esc(c.semantics)}</code></h2>
<blockquote>${esc(c.claim.quote)} — ${esc(c.claim.source)}</blockquote>
<p>Violation at step ${c.violation.step}: ${esc(c.violation.message)}</p>
<div class="viewer" id="cx-${i}"></div>
</section>`,
    )
    .join('\n');
  const data = {
    counterexamples: input.counterexamples.map((c) => ({
      property: c.property,
      semantics: c.semantics,
      topology: c.topology,
      violation: c.violation,
      steps: c.steps,
    })),
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${esc(input.title)}</h1>
<table class="verdicts"><thead>${head}</thead><tbody>
${body}
</tbody></table>
${sections}
<script type="application/json" id="ioas-data">${scriptJson(data)}</script>
<script>${VIEWER_SCRIPT}</script>
</body></html>
`;
}
