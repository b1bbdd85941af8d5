// The lab's vocabulary: which boot a sequence needs, what a flavour offers, a planned step and its kernel result.
import type { JsonValue } from '../checker/actionCodec.ts';
import type { OpResult } from '../model/result.ts';

export const FLAVOURS = ['debian', 'test'] as const;
export type Flavour = (typeof FLAVOURS)[number];

/** `iommu`: the emulated Intel IOMMU with g0 (one edu), g1 (two edus behind a PCI bridge), g2 (an mtty mdev);
 * `noiommu`: no IOMMU, g3 (one edu); `mixed`: both, g3's edu behind a PCI expander bridge the IOMMU bypasses
 * (slow: about a minute to boot); `mock`: no emulated IOMMU, for the selftest mock driver (the test flavour
 * only: its mock devices are refused by the Intel driver). vfio runs with enable_unsafe_noiommu_mode=1 in every
 * boot, as the model assumes. */
export type LabBoot = 'iommu' | 'noiommu' | 'mixed' | 'mock';

/** Which container a run stands for: the model's `/dev/vfio/vfio` as iommufd compat, or the legacy type1
 * container (compared with the legacy model). */
export type ContainerRun = 'compat' | 'legacy';

export interface FlavourCaps {
  readonly flavour: Flavour;
  /** The path that gives iommufd's compat container: `/dev/vfio/vfio` with CONFIG_IOMMUFD_VFIO_CONTAINER=y,
   * else `/dev/iommu` (iommufd serves the VFIO container ioctls on its own fd: the documented symlink). */
  readonly compatPath: string;
  /** `/dev/vfio/vfio` is the legacy container (CONFIG_VFIO_CONTAINER=y). */
  readonly legacyContainer: boolean;
  /** CONFIG_IOMMUFD_TEST: the selftest ops and the mock boot. */
  readonly testOps: boolean;
}

/** One step as planned on the host: the executor's line and the model's answer. */
export interface LabStep {
  /** The file's own step index. */
  readonly index: number;
  readonly op: string;
  readonly line: string;
  readonly model: OpResult;
  readonly returnsFd: boolean;
  /** Out fields that hold fds (numbers that differ between model and kernel by nature). */
  readonly fdOut: readonly string[];
  /** The WARN_ON / oops the model says the kernel hits in this step (kernel_warn, kernel_oops events). */
  readonly warns: readonly string[];
  /** The model's state before and after the step (shown for the first disagreement of a file). */
  readonly state: () => { readonly before: JsonValue; readonly after: JsonValue };
}

export interface LabSequence {
  /** Unique in a batch: the file and, for a two-container file, the run. */
  readonly id: string;
  readonly file: string;
  readonly run: ContainerRun;
  /** The model the kernel is compared with: a profile name, or `legacy (v6.12)`. */
  readonly semantics: string;
  readonly boot: LabBoot;
  readonly steps: readonly LabStep[];
  /** Why the file's later steps are not in the sequence (a name the model's run never bound), or null. */
  readonly truncated: string | null;
  /** A counterexample's recorded results (the answers that make its violation), by step; null for scenarios,
   * diff traces and legacy-container runs. */
  readonly recorded: readonly OpResult[] | null;
}

/** A file (or one run of it) the lab cannot run, and why; never counted as agreement. */
export interface LabSkip {
  readonly file: string;
  readonly run: ContainerRun;
  readonly reason: string;
}

export type Planned = { readonly kind: 'run'; readonly seq: LabSequence } | ({ readonly kind: 'skip' } & LabSkip);

/** What the executor printed for one step. */
export interface KernelResult {
  readonly ret: number;
  /** 0 on success. */
  readonly errno: number;
  /** Out fields as decimal strings (u64). */
  readonly out: Readonly<Record<string, string>>;
}
