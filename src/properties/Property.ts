// What a property is: a claim from the review (quote + source), the formal check, and the verdict we expect
// per semantics profile. Checks are monitors fed one step at a time (state invariants, step and trace
// properties) or a comparison of two runs.
import type { Action } from '../model/actions.ts';
import type { ModelEvent } from '../model/events.ts';
import type { OpResult } from '../model/result.ts';
import type { Semantics } from '../model/semantics.ts';
import type { World } from '../model/state.ts';
import type { Topology } from '../model/topology.ts';

export type PropertyKind = 'state invariant' | 'step property' | 'trace property' | 'two-run property';

/** Which actors the search generates for this property. */
export type Scope =
  /** One legacy VFIO application: /dev/vfio/vfio, group and container ioctls only. */
  | 'legacy-only'
  /** A legacy application and a native one (/dev/iommu, IOMMU_*, cdev) that may share its iommufd. */
  | 'mixed'
  /** One legacy application and no injected faults: traces both models (compat and the legacy container) run. */
  | 'legacy-reference'
  /** A QEMU-shaped legacy application: open, SET_CONTAINER, SET_IOMMU(TYPE1v2) once, then maps of fresh
   * ranges, unmaps of ranges it mapped (or UNMAP_ALL), device opens and closes, GET_INFO. */
  | 'qemu-shaped'
  /** The mixed actors, each ioctl on a thread: ioctls with windows run as programs of atomic steps. */
  | 'threaded';

export interface StepInfo {
  readonly index: number;
  readonly before: World;
  readonly action: Action;
  readonly result: OpResult;
  readonly after: World;
  readonly events: readonly ModelEvent[];
}

export interface RunContext {
  readonly sem: Semantics;
  readonly topo: Topology;
}

/** A stateful check over one run; returns a message when the property is violated at this step. */
export interface Monitor {
  step(s: StepInfo): string | null;
  /** Called once after the last step (trace properties that look at the end state). */
  end(world: World): string | null;
}

export type Check =
  | { readonly kind: 'monitor'; readonly create: (ctx: RunContext) => Monitor }
  /** Two runs: `trace` is the run's actions; returns the index of the step that differs and why. */
  | {
      readonly kind: 'two-run';
      readonly check: (
        trace: readonly Action[],
        ctx: RunContext,
      ) => { readonly step: number; readonly message: string } | null;
    };

export type Expectation =
  | { readonly verdict: 'holds' }
  | {
      readonly verdict: 'violated';
      /** Why: intended behaviour, a known kernel bug (with its fix), a design variant's flaw, a finding. */
      readonly reason: string;
      readonly citation: string;
    };

export interface Property {
  /** Stable code, used on the command line and in file names. */
  readonly code: string;
  readonly title: string;
  readonly claim: { readonly quote: string; readonly source: string };
  readonly kind: PropertyKind;
  readonly scope: Scope;
  readonly expected: (sem: Semantics) => Expectation;
  readonly check: Check;
  /** Multiplies the run budget of `check` for this property (default 1): for violations that need a rare
   * interleaving, so that the default search still finds them. */
  readonly runsScale?: number;
}

export const HOLDS: Expectation = { verdict: 'holds' };

/** A monitor from a per-step function with no end check. */
export const stepMonitor = (f: (s: StepInfo) => string | null): Monitor => ({ step: f, end: () => null });

/** A monitor that checks a state invariant after every step. */
export const invariantMonitor = (f: (w: World) => string | null): Monitor => ({
  step: (s) => f(s.after),
  end: () => null,
});
