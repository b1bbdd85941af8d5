import { describe, expect, it } from 'vitest';
import { agreementByOp, agreementMarkdown, resultClass } from '../../src/lab/agreement.ts';
import { expectationOf, foundScenario } from '../../src/lab/foundScenario.ts';
import { fuzzTopology, generate, resolveAll } from '../../src/lab/fuzz.ts';
import type { FileOutcome, StepOutcome } from '../../src/lab/replayOnKernel.ts';
import { parseScenario } from '../../src/scenario/parseScenario.ts';
import { runScenario } from '../../src/scenario/runScenario.ts';

describe('expectationOf', () => {
  it("turns the kernel's answer as the lab prints it into a scenario expectation", () => {
    expect(expectationOf('fd 7')).toEqual({ ret: 0 });
    expect(expectationOf('0')).toEqual({ ret: 0 });
    expect(expectationOf('1')).toEqual({ ret: 1 });
    expect(expectationOf('0 {out_ioas_id: 2}')).toEqual({ ret: 0, out: { out_ioas_id: 2 } });
    expect(expectationOf('ENOENT {size: 0}')).toEqual({ errno: 'ENOENT', out: { size: 0 } });
    expect(expectationOf('EPERM +WARN')).toEqual({ errno: 'EPERM' });
    expect(expectationOf('0 {length: 18446744073709551615}')).toEqual({
      ret: 0,
      out: { length: '18446744073709551615' },
    });
    expect(expectationOf(null)).toBeNull();
  });
});

describe('resultClass and the agreement table', () => {
  it('classes results and counts agreement per op', () => {
    expect(resultClass('fd 6')).toBe('fd');
    expect(resultClass('0 {x: 1}')).toBe('ok');
    expect(resultClass('EBUSY')).toBe('EBUSY');
    expect(resultClass('0 +WARN')).toBe('ok+WARN');
    expect(resultClass('not modelled (x)')).toBe('not modelled');
    const steps: StepOutcome[] = [
      { index: 0, op: 'open', model: 'fd 3', kernel: 'fd 6', verdict: 'agree', match: true },
      { index: 1, op: 'IOMMU_DESTROY', model: 'EBUSY', kernel: 'EPERM', verdict: 'disagree', match: false },
      { index: 2, op: 'IOMMU_DESTROY', model: 'ENOENT', kernel: 'ENOENT', verdict: 'agree', match: true },
    ];
    const rows = agreementByOp([{ steps } as unknown as FileOutcome]);
    expect(rows[0]).toEqual({
      op: 'IOMMU_DESTROY',
      steps: 2,
      agreeing: 1,
      notModelled: 0,
      kernel: { EPERM: 1, ENOENT: 1 },
      model: { EBUSY: 1, ENOENT: 1 },
    });
    expect(agreementMarkdown(rows)).toContain(
      '| IOMMU_DESTROY | 2 | 1 (50.0%) | 0 | EPERM 1, ENOENT 1 | EBUSY 1, ENOENT 1 |',
    );
  });
});

const provenance = (originalLength: number) => ({
  release: 'r',
  flavour: 'debian',
  command: 'c',
  op: 'o',
  model: 'm',
  kernel: 'k',
  originalLength,
});

describe('generated sequences as scenarios', () => {
  const topo = fuzzTopology('mixed', false);
  const gen = generate(
    { runs: 40, seed: 5, scope: 'mixed', maxSteps: 12, noiommu: false, batch: 100, shrinkRounds: 0 },
    topo,
  );

  it('are the same for the same seed and carry no injected faults', () => {
    const again = generate(
      { runs: 40, seed: 5, scope: 'mixed', maxSteps: 12, noiommu: false, batch: 100, shrinkRounds: 0 },
      topo,
    );
    expect(again.map((g) => g.actions)).toEqual(gen.map((g) => g.actions));
    expect(gen.flatMap((g) => g.templates).every((t) => t.fault === null)).toBe(true);
    expect(resolveAll(gen[0]?.templates ?? [], topo)).toEqual(gen[0]?.actions);
  });

  it("replay on the model exactly as generated when the kernel's answers are the model's", () => {
    // A written scenario, its expectations taken from the model itself, must match the model step for step.
    for (const g of gen.filter((x) => x.actions.length > 0).slice(0, 20)) {
      const sc = runScenarioOfModel(g.actions);
      expect(sc.match, JSON.stringify(sc.failure)).toBe(true);
    }
  });

  function runScenarioOfModel(actions: (typeof gen)[number]['actions']) {
    const steps: StepOutcome[] = [];
    const text0 = foundScenario('x', actions, [], topo, provenance(actions.length));
    const parsed = parseScenario(text0);
    if (!parsed.ok) throw new Error(parsed.error);
    const run = runScenario(parsed.value, 'v6.12', {
      bindOnly: true,
      observe: (o) => {
        const r = o.result;
        const kernel =
          r.kind === 'unmodelled'
            ? null
            : `${r.kind === 'ok' ? (['open', 'pass_fd', 'VFIO_GROUP_GET_DEVICE_FD'].includes(o.step.op) ? `fd ${r.ret}` : r.ret) : r.errno}${
                Object.keys(r.out).length === 0
                  ? ''
                  : ` {${Object.entries(r.out)
                      .map(([k, v]) => `${k}: ${v}`)
                      .join(', ')}}`
              }`;
        steps.push({ index: o.step.index, op: o.step.op, model: '', kernel, verdict: 'agree', match: true });
      },
    });
    expect(run.match).toBe(true);
    const text = foundScenario('x', actions, steps, topo, provenance(actions.length));
    const p2 = parseScenario(text);
    if (!p2.ok) throw new Error(p2.error);
    return runScenario(p2.value, 'v6.12');
  }
});
