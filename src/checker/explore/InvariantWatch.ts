// Invariant bookkeeping for the explorer: checks each newly stored state against the invariants not violated yet
// and keeps, per invariant, its first violation with a confirmed trace. BFS order makes that first one shortest.
import type { ExplorableModel, Invariant } from './ExplorableModel.ts';
import type { ParentLog } from './ParentLog.ts';
import { replayPath } from './replayPath.ts';

/** The first violation BFS met for one invariant, so `trace` is a shortest path to a violating state. */
export interface Violation<A> {
  readonly invariant: string;
  readonly message: string;
  readonly trace: readonly A[];
}

export class InvariantWatch<S, A> {
  /** Invariants still holding everywhere so far; a violated one is not checked again. */
  private readonly pending: Invariant<S>[];
  private readonly found = new Map<Invariant<S>, Violation<A>>();

  constructor(
    private readonly model: ExplorableModel<S, A>,
    private readonly log: ParentLog,
    private readonly invariants: readonly Invariant<S>[],
  ) {
    this.pending = [...invariants];
  }

  get active(): boolean {
    return this.pending.length > 0;
  }

  /** Checks state number `index` (already in the log), which is `s`. */
  check(s: S, index: number): void {
    for (let k = 0; k < this.pending.length; k++) {
      const inv = this.pending[k] as Invariant<S>;
      const message = inv.check(s);
      if (message === null) continue;
      this.found.set(inv, { invariant: inv.name, message, trace: this.confirmedTrace(index, inv) });
      this.pending.splice(k--, 1);
    }
  }

  /** One violation per violated invariant, in the order the invariants were given. */
  violations(): readonly Violation<A>[] {
    return this.invariants.flatMap((inv) => this.found.get(inv) ?? []);
  }

  /** Replays the stored path and re-checks the invariant at its end, so no trace is reported unconfirmed. */
  private confirmedTrace(index: number, inv: Invariant<S>): readonly A[] {
    const { trace, state } = replayPath(this.model, this.log.path(index));
    // BFS checked exactly the state this path reaches; only an impure or nondeterministic model can differ.
    if (inv.check(state) === null) throw new Error(`model bug: replayed trace no longer violates ${inv.name}`);
    return trace;
  }
}
