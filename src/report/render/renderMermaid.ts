// A trace as a Mermaid sequenceDiagram (a complete .mmd file): the actors and the kernel as participants, one
// request and one reply per step, the violating step boxed and annotated with the violation.
import { encodeAction } from '../../checker/actionCodec.ts';
import type { OpResult } from '../../model/result.ts';
import { formatAction } from '../formatAction.ts';
import { mermaidText, participantId } from './mermaidText.ts';
import type { Trace } from './Trace.ts';

const KERNEL = 'kernel';
/** A light red box around the violating step. */
const VIOLATION_BOX = 'rect rgb(255, 228, 225)';

/** `3`, `0 (out_ioas_id=1)`, `ENOENT (size=0)`: like formatResult, but without braces and colons. */
function reply(r: OpResult): string {
  const out = (o: Readonly<Record<string, number>>) => {
    const fields = Object.entries(o).map(([k, v]) => `${k}=${v}`);
    return fields.length === 0 ? '' : ` (${fields.join(', ')})`;
  };
  switch (r.kind) {
    case 'ok':
      return `${r.ret}${out(r.out)}`;
    case 'errno':
      return `${r.errno}${out(r.out)}`;
    case 'unmodelled':
      return `not modelled (${r.reason})`;
    default: {
      const never: never = r;
      return never;
    }
  }
}

export function renderMermaid(t: Trace): string {
  const ids = t.topology.actors.map((a, i) => participantId(a.name, i));
  const lines = ['sequenceDiagram', `  %% ${t.title.replace(/\r?\n/g, ' ')}`];
  t.topology.actors.forEach((a, i) => {
    const id = ids[i] ?? `p${i}`;
    lines.push(id === a.name ? `  participant ${id}` : `  participant ${id} as ${mermaidText(a.name)}`);
  });
  lines.push(`  participant ${KERNEL}`);
  const note = (over: string, text: string) => `Note over ${over},${KERNEL}: ${mermaidText(text)}`;

  t.actions.forEach((a, i) => {
    const actor = ids[a.actor] ?? `p${a.actor}`;
    const result = t.results[i];
    const request = `${actor}->>${KERNEL}: ${mermaidText(`[${i}] ${formatAction(encodeAction(a, t.topology))}`)}`;
    const answer = `${KERNEL}-->>${actor}: ${mermaidText(result === undefined ? 'no result recorded' : reply(result))}`;
    if (t.violation?.step === i) {
      lines.push(`  ${VIOLATION_BOX}`, `    ${request}`, `    ${answer}`);
      lines.push(`    ${note(actor, `violation: ${t.violation.message}`)}`, '  end');
    } else {
      lines.push(`  ${request}`, `  ${answer}`);
    }
  });
  // A property that fails at the end of the trace (e.g. after closing every fd) points at no single step.
  if (t.violation !== null && t.violation.step >= t.actions.length)
    lines.push(`  ${note(ids[0] ?? KERNEL, `violation after the last step: ${t.violation.message}`)}`);
  return `${lines.join('\n')}\n`;
}
