// JSON encoding of actions and results round-trips for every action the generator can produce.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAction, encodeAction } from '../../src/checker/actionCodec.ts';
import { resolve } from '../../src/checker/resolve.ts';
import { decodeResult, encodeResult } from '../../src/checker/resultCodec.ts';
import { topologyFor } from '../../src/checker/scope.ts';
import { templatesArb } from '../../src/checker/template.ts';
import { semantics } from '../../src/model/semantics.ts';
import { initialWorld } from '../../src/model/state.ts';
import { step } from '../../src/model/step.ts';

describe('action and result codecs', () => {
  it('decode(encode(x)) == x for generated actions and their results', () => {
    const topo = topologyFor('mixed');
    const sem = semantics('v6.6');
    fc.assert(
      fc.property(templatesArb('mixed', 30), (templates) => {
        let w = initialWorld(topo);
        templates.forEach((t, i) => {
          const a = resolve(w, t, topo);
          const json = JSON.parse(JSON.stringify(encodeAction(a, topo)));
          const back = decodeAction(json, topo, `steps[${i}]`);
          expect(back).toEqual({ ok: true, value: a });
          const out = step(w, a, sem, topo);
          const r = decodeResult(JSON.parse(JSON.stringify(encodeResult(out.result))), 'r');
          expect(r).toEqual({ ok: true, value: out.result });
          w = out.world;
        });
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('names the field at fault', () => {
    const topo = topologyFor('mixed');
    expect(decodeAction({ actor: 'qemu', op: 'NOPE', args: {} }, topo, 'steps[0]')).toEqual({
      ok: false,
      error: 'steps[0].op: unknown operation "NOPE"',
    });
    expect(decodeAction({ actor: 'bob', op: 'close', fd: 3, args: {} }, topo, 's').ok).toBe(false);
    const bad = decodeAction({ actor: 'qemu', op: 'IOMMU_DESTROY', fd: 3, args: { id: -1 } }, topo, 'steps[2]');
    expect(bad).toEqual({ ok: false, error: 'steps[2].args.id: expected a non-negative integer, got -1' });
    expect(decodeResult({ errno: 'EWHAT' }, 'r')).toEqual({ ok: false, error: 'r.errno: unknown errno "EWHAT"' });
  });
});
