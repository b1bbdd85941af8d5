// Rebuilds a trace from stored action indices by re-executing the model from its initial state: the explorer
// stores no states, so this is how a counterexample's actions (and final state) come back.
import type { ExplorableModel } from './ExplorableModel.ts';

export interface Replayed<S, A> {
  readonly trace: readonly A[];
  readonly state: S;
}

export function replayPath<S, A>(model: ExplorableModel<S, A>, path: readonly number[]): Replayed<S, A> {
  const trace: A[] = [];
  let s = model.initial();
  for (const index of path) {
    const a = actionList(model.actions(s))[index];
    // The explorer recorded `index` in this very list; a pure, deterministic model lists the same actions again.
    if (a === undefined) throw new Error(`model bug: action #${index} is no longer enabled on replay (impure model?)`);
    trace.push(a);
    s = model.step(s, a);
  }
  return { trace, state: s };
}

/** The actions as an indexable list, without copying when the model already returns an array. */
export function actionList<A>(actions: Iterable<A>): readonly A[] {
  return Array.isArray(actions) ? (actions as readonly A[]) : Array.from(actions);
}
