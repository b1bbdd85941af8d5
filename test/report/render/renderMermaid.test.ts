// The Mermaid renderer: one request and one reply per step, the violation annotated where it happens, and no
// character Mermaid would misread left unescaped. The text of a fixed trace is pinned by a snapshot.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCounterexample } from '../../../src/checker/loadCounterexample.ts';
import { actorId, fd } from '../../../src/model/ids.ts';
import { err, ok } from '../../../src/model/result.ts';
import { makeTopology } from '../../../src/model/topology.ts';
import { mermaidText } from '../../../src/report/render/mermaidText.ts';
import { renderMermaid } from '../../../src/report/render/renderMermaid.ts';
import { type Trace, traceOf } from '../../../src/report/render/Trace.ts';

const dir = join(import.meta.dirname, '..', '..', '..', 'counterexamples');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

/** Mermaid-safe text: no raw `;`, `#`, `:`, markup or quote, only entity codes and `<br>`. */
const SAFE_TEXT = /^(?:[^;#:<>"%{}\\`]|#\d+;|<br>)*$/;
const decode = (s: string) => s.replace(/#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

/** A fixed trace, independent of the model, so that the snapshot moves only when the renderer does. */
const topo = makeTopology({
  groups: [],
  actors: [
    { name: 'qemu', kind: 'legacy' },
    { name: 'my tool', kind: 'native' },
  ],
});
const FIXED: Trace = {
  topology: topo,
  actions: [
    { kind: 'open', actor: actorId(0), path: '/dev/vfio/vfio' },
    { kind: 'pass_fd', actor: actorId(0), fd: fd(3), to: actorId(1) },
    { kind: 'IOMMU_VFIO_IOAS', actor: actorId(1), fd: fd(3), op: 2, ioas_id: 0, reserved: 0 },
    { kind: 'VFIO_IOMMU_UNMAP_DMA', actor: actorId(0), fd: fd(3), argsz: 24, flags: 0, iova: 0, size: 4096 },
  ],
  results: [ok(3), ok(3), ok(0), err('ENODEV')],
  violation: { step: 3, message: 'observed "ENODEV; no devices" with the other app; "ENOENT {size: 0}" without' },
  semantics: 'v6.6',
  title: 'non-interference violated on v6.6: #1',
};

function messageTexts(mmd: string): string[] {
  return mmd
    .split('\n')
    .filter((l) => /->>|-->>|Note over/.test(l))
    .map((l) => l.slice(l.indexOf(': ') + 2));
}

describe('renderMermaid', () => {
  it('renders a fixed trace as pinned', () => {
    expect(renderMermaid(FIXED)).toMatchSnapshot();
  });

  it('boxes the violating step and notes the violation message over its actor', () => {
    const lines = renderMermaid(FIXED).split('\n');
    const box = lines.indexOf('  rect rgb(255, 228, 225)');
    expect(box).toBeGreaterThan(0);
    expect(lines[box + 1]).toMatch(/^ {4}qemu->>kernel: \[3\] VFIO_IOMMU_UNMAP_DMA/);
    expect(lines[box + 2]).toBe('    kernel-->>qemu: ENODEV');
    expect(lines[box + 3]).toMatch(/^ {4}Note over qemu,kernel: /);
    expect(decode(lines[box + 3] ?? '')).toContain(`violation: ${FIXED.violation?.message}`);
    expect(lines[box + 4]).toBe('  end');
  });

  it('gives an actor whose name is not a plain identifier an alias, and keeps `kernel` for the kernel', () => {
    const mmd = renderMermaid(FIXED);
    expect(mmd).toContain('  participant p1 as my tool\n');
    expect(mmd).toContain('  p1->>kernel: [2] IOMMU_VFIO_IOAS(fd 3, op=CLEAR)');
    const named = renderMermaid({ ...FIXED, topology: { ...topo, actors: [{ name: 'kernel', kind: 'legacy' }] } });
    expect(named).toContain('  participant p0 as kernel\n  participant kernel\n');
  });

  it('escapes what Mermaid would misread, reversibly', () => {
    expect(mermaidText('a;b#c:d')).toBe('a#59;b#35;c#58;d');
    const nasty = 'x: "y"; #z <b>{1}% `q` \\';
    expect(decode(mermaidText(nasty))).toBe(nasty);
    expect(mermaidText('one\ntwo')).toBe('one<br>two');
  });

  it.each(files)('%s: two messages per step, safe text, the violation noted', (f) => {
    const loaded = loadCounterexample(readFileSync(join(dir, f), 'utf8'));
    if (!loaded.ok) throw new Error(loaded.error);
    const t = traceOf(loaded.value);
    const mmd = renderMermaid(t);
    expect(mmd.startsWith('sequenceDiagram\n')).toBe(true);
    expect(mmd.endsWith('\n')).toBe(true);
    for (const a of t.topology.actors) expect(mmd).toMatch(new RegExp(`participant \\S+( as ${a.name})?\\n`));
    expect(mmd.match(/->>kernel: /g)).toHaveLength(t.actions.length);
    expect(mmd.match(/kernel-->>/g)).toHaveLength(t.actions.length);
    for (const text of messageTexts(mmd)) expect(text).toMatch(SAFE_TEXT);
    const notes = mmd.split('\n').filter((l) => l.includes('Note over'));
    expect(notes).toHaveLength(1);
    expect(decode(notes[0] ?? '')).toContain(loaded.value.file.violation.message);
  });
});
