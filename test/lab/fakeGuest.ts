// A guest that answers each batch line with the model's own answer (optionally perturbed), for testing the
// lab's orchestration without QEMU. Real-kernel runs are the kernel tier's (test/kernel/).
import type { LabInstall } from '../../src/lab/labCache.ts';
import type { LabBoot, LabSequence, LabStep } from '../../src/lab/labTypes.ts';
import type { GuestRun } from '../../src/lab/qemu.ts';
import type { GuestRunner } from '../../src/lab/replayOnKernel.ts';
import { ERRNO } from '../../src/model/errno.ts';

export const FAKE_LAB: LabInstall = {
  flavour: 'debian',
  dir: '/nonexistent',
  kernel: '/nonexistent/vmlinuz',
  initramfs: '/nonexistent/initramfs',
  release: '6.12.0-fake',
  caps: { flavour: 'debian', compatPath: '/dev/iommu', legacyContainer: true, testOps: false },
};

function answer(seq: string, s: LabStep): string {
  const r = s.model;
  if (r.kind === 'unmodelled')
    return JSON.stringify({ t: 'step', seq, i: s.index, op: s.op, ret: 0, errno: 0, out: {} });
  const out = Object.fromEntries(Object.entries(r.out).map(([k, v]) => [k, String(v)]));
  const ret = r.kind === 'ok' ? (s.returnsFd ? r.ret + 3 : r.ret) : -1;
  return JSON.stringify({
    t: 'step',
    seq,
    i: s.index,
    op: s.op,
    ret,
    errno: r.kind === 'ok' ? 0 : ERRNO[r.errno],
    out,
  });
}

export interface FakeOptions {
  /** Replace the answer of (sequence id, step index). */
  readonly perturb?: (seq: string, index: number, line: string) => string;
  /** The guest dies after this many step lines of the whole batch (once). */
  readonly dieAfterSteps?: number;
}

/** Records the boots it was asked for; answers from `planned`. */
export function fakeGuest(planned: readonly LabSequence[], opts: FakeOptions = {}): GuestRunner & { boots: LabBoot[] } {
  const byId = new Map(planned.map((s) => [s.id, s]));
  let died = false;
  const boots: LabBoot[] = [];
  const run = (_lab: LabInstall, boot: LabBoot, batch: string): GuestRun => {
    boots.push(boot);
    const lines: string[] = ['{"t":"hello","release":"6.12.0-fake"}'];
    let steps = 0;
    let seq = '';
    for (const l of batch.split('\n')) {
      if (l.startsWith('S ')) {
        seq = l.slice(2);
        lines.push(JSON.stringify({ t: 'seq', seq }));
      } else if (l === 'E') lines.push(JSON.stringify({ t: 'end', seq }));
      else if (l !== '') {
        if (!died && opts.dieAfterSteps !== undefined && steps === opts.dieAfterSteps) {
          died = true;
          return {
            output: lines.join('\n'),
            console: 'BUG: unable to handle page fault\nKernel panic',
            timedOut: false,
            elapsedMs: 1,
          };
        }
        const index = Number(l.split(' ')[0]);
        const st = byId.get(seq)?.steps.find((s) => s.index === index);
        if (st === undefined) throw new Error(`fake guest: no step ${index} in ${seq}`);
        const a = answer(seq, st);
        lines.push(opts.perturb === undefined ? a : opts.perturb(seq, index, a));
        steps++;
      }
    }
    lines.push('{"t":"done","sequences":0}');
    return { output: lines.join('\n'), console: '', timedOut: false, elapsedMs: 1 };
  };
  return Object.assign(run, { boots });
}
