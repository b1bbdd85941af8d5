// Action templates: state-independent choices that resolve() turns into concrete actions against the current
// world. fast-check generates and shrinks templates; because picks are resolved against the state, a shrunk
// sequence stays meaningful (a removed open does not leave dangling fd numbers behind).
import fc from 'fast-check';
import { type ActionKind, FAULT_POINTS, type FaultPoint, LEGACY_KINDS } from '../model/actions.ts';
import type { Scope } from '../properties/Property.ts';

export interface Template {
  readonly kind: ActionKind;
  /** Picks an actor among those allowed to issue `kind`. */
  readonly actor: number;
  /** Argument picks; each kind reads them its own way (see resolve.ts). */
  readonly p: readonly [number, number, number, number];
  readonly fault: FaultPoint | null;
}

/** Relative frequency of each action kind in generated sequences. Group setup and opens are frequent so that
 * deep states (devices attached, compat IOAS redirected) are reached within a few dozen steps. */
export const WEIGHTS: Readonly<Record<ActionKind, number>> = {
  open: 3,
  open_group: 3,
  open_cdev: 2,
  close: 5,
  pass_fd: 4,
  IOMMU_IOAS_ALLOC: 5,
  IOMMU_DESTROY: 5,
  IOMMU_VFIO_IOAS: 7,
  IOMMU_HWPT_ALLOC: 2,
  IOMMU_IOAS_MAP: 2,
  IOMMU_IOAS_UNMAP: 2,
  VFIO_GET_API_VERSION: 1,
  VFIO_CHECK_EXTENSION: 2,
  VFIO_SET_IOMMU: 3,
  VFIO_IOMMU_GET_INFO: 1,
  VFIO_IOMMU_MAP_DMA: 5,
  VFIO_IOMMU_UNMAP_DMA: 4,
  VFIO_GROUP_SET_CONTAINER: 7,
  VFIO_GROUP_UNSET_CONTAINER: 3,
  VFIO_GROUP_GET_DEVICE_FD: 9,
  VFIO_DEVICE_BIND_IOMMUFD: 3,
  VFIO_DEVICE_ATTACH_IOMMUFD_PT: 3,
  VFIO_DEVICE_DETACH_IOMMUFD_PT: 2,
  // Scenario-only kinds (kernel selftest ops, IOMMU_OPTION): never generated, so searches are unchanged.
  IOMMU_OPTION: 0,
  IOMMU_TEST_OP_MOCK_DOMAIN: 0,
  IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE: 0,
  IOMMU_TEST_OP_CREATE_ACCESS: 0,
  IOMMU_TEST_OP_ACCESS_REPLACE_IOAS: 0,
  IOMMU_TEST_OP_ACCESS_PAGES: 0,
  IOMMU_TEST_OP_DESTROY_ACCESS_PAGES: 0,
  IOMMU_IOAS_IOVA_RANGES: 0,
  IOMMU_IOAS_ALLOW_IOVAS: 0,
  IOMMU_IOAS_COPY: 0,
  IOMMU_TEST_OP_ADD_RESERVED: 0,
  IOMMU_IOAS_MAP_USER_VA: 0,
};

/** The kinds the search generates, in WEIGHTS order: every kind with a positive weight. */
const GENERATED_KINDS: readonly ActionKind[] = (Object.keys(WEIGHTS) as ActionKind[]).filter((k) => WEIGHTS[k] > 0);

/** The failure points an action of this kind can inject (iommufd_fail_nth style); empty: no faults. */
export const FAULTS_OF: Readonly<Partial<Record<ActionKind, readonly FaultPoint[]>>> = {
  IOMMU_IOAS_ALLOC: ['ioas_alloc', 'copy_to_user'],
  IOMMU_HWPT_ALLOC: ['hwpt_alloc', 'copy_to_user'],
  VFIO_GROUP_SET_CONTAINER: ['ioas_alloc'],
  VFIO_GROUP_GET_DEVICE_FD: ['ioas_alloc', 'device_bind', 'hwpt_alloc', 'attach', 'open_device'],
  VFIO_DEVICE_BIND_IOMMUFD: ['device_bind', 'open_device', 'copy_to_user'],
  VFIO_DEVICE_ATTACH_IOMMUFD_PT: ['hwpt_alloc', 'attach', 'copy_to_user'],
};

/** One injected fault in about every FAULT_RARITY actions that can take one. */
const FAULT_RARITY = 12;

const pick = fc.nat({ max: 63 });

function templateOf(kind: ActionKind, faults: boolean): fc.Arbitrary<Template> {
  const points = faults ? (FAULTS_OF[kind] ?? []) : [];
  const fault: fc.Arbitrary<FaultPoint | null> =
    points.length === 0
      ? fc.constant(null)
      : fc.oneof(
          { weight: FAULT_RARITY - 1, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.constantFrom(...points) },
        );
  return fc.record({ kind: fc.constant(kind), actor: fc.nat({ max: 7 }), p: fc.tuple(pick, pick, pick, pick), fault });
}

/** The body of a QEMU-shaped sequence (its prefix is forced by resolveQemu()). */
export const QEMU_KINDS: readonly ActionKind[] = [
  'VFIO_IOMMU_MAP_DMA',
  'VFIO_IOMMU_UNMAP_DMA',
  'VFIO_GROUP_GET_DEVICE_FD',
  'VFIO_IOMMU_GET_INFO',
  'VFIO_CHECK_EXTENSION',
  'close',
];

export const kindsFor = (scope: Scope): readonly ActionKind[] => {
  switch (scope) {
    case 'mixed':
    case 'threaded':
      return GENERATED_KINDS;
    case 'legacy-only':
    case 'legacy-reference':
      return GENERATED_KINDS.filter((k) => LEGACY_KINDS.has(k));
    case 'qemu-shaped':
      return QEMU_KINDS;
    default: {
      const never: never = scope;
      return never;
    }
  }
};

/** Sequences of templates for a scope, at most `maxSteps` long. */
export function templatesArb(scope: Scope, maxSteps: number): fc.Arbitrary<readonly Template[]> {
  // Faults are iommufd-internal: traces that also run on the legacy container model carry none.
  const faults = scope === 'mixed' || scope === 'legacy-only';
  const one = fc.oneof(...kindsFor(scope).map((k) => ({ weight: WEIGHTS[k], arbitrary: templateOf(k, faults) })));
  return fc.array(one, { maxLength: maxSteps, size: 'max' });
}

export { FAULT_POINTS };
