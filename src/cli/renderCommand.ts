// `ioas-check render FILE [--format md|mermaid|itf|c]`: one saved counterexample as Markdown, a Mermaid sequence
// diagram, an ITF trace or a C reproducer, on stdout. A trace C cannot express exits 1 with the reason.
import { readFileSync } from 'node:fs';
import { type LoadedCounterexample, loadCounterexample } from '../checker/loadCounterexample.ts';
import { counterexampleMarkdown } from '../report/counterexampleMarkdown.ts';
import { renderC } from '../report/render/renderC.ts';
import { renderItf } from '../report/render/renderItf.ts';
import { renderMermaid } from '../report/render/renderMermaid.ts';
import { traceOf } from '../report/render/Trace.ts';
import { parse } from './args.ts';
import { type Io, UsageError } from './io.ts';

const FORMATS = ['md', 'mermaid', 'itf', 'c'] as const;
type Format = (typeof FORMATS)[number];
const isFormat = (s: string): s is Format => (FORMATS as readonly string[]).includes(s);

function load(file: string): LoadedCounterexample {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const r = loadCounterexample(text);
  if (!r.ok) throw new UsageError(`${file}: ${r.error}`);
  return r.value;
}

export function runRender(args: readonly string[], io: Io): number {
  const { values, positionals } = parse(args, { format: { type: 'string' } }, true);
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError('render needs a counterexample file');
  if (extra.length > 0) throw new UsageError(`render takes one counterexample file, got ${positionals.length}`);
  const format = values.format ?? 'md';
  if (!isFormat(format)) throw new UsageError(`--format expects one of ${FORMATS.join(', ')}, got '${format}'`);
  const cx = load(file);
  switch (format) {
    case 'md':
      io.out(counterexampleMarkdown(cx.file));
      return 0;
    case 'mermaid':
      io.out(renderMermaid(traceOf(cx)));
      return 0;
    case 'itf': {
      const itf = renderItf(cx, file);
      if (!itf.ok) throw new UsageError(`${file}: ${itf.error}`);
      io.out(`${JSON.stringify(itf.value, null, 2)}\n`);
      return 0;
    }
    case 'c': {
      const c = renderC(traceOf(cx));
      if (c.kind === 'not-expressible') {
        io.err(`ioas-check: ${file}: not expressible in C: ${c.reason}\n`);
        return 1;
      }
      io.out(c.text);
      return 0;
    }
    default: {
      const never: never = format;
      return never;
    }
  }
}
