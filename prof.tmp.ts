import { search } from './src/checker/search.ts';
import { propertyByCode } from './src/properties/registry.ts';
import { semantics } from './src/model/semantics.ts';
const t0 = Date.now(); let steps = 0;
for (const code of ['vfio-ioas-live', 'refcounts-match-holders', 'cdev-ignores-vfio-ioas', 'non-interference']) {
  const o = search(propertyByCode(code)!, semantics('latest'), { runs: 4000, maxSteps: 60, seed: 42 });
  console.log(code, o.steps, o.elapsedMs, Math.round(o.steps / o.elapsedMs * 1000));
  steps += o.steps;
}
console.log(Date.now() - t0);
