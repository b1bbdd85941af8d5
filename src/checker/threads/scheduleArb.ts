// Schedules for the threaded search: a mix of "start this ioctl" (a template, as in the atomic search) and
// "advance the pick-th enabled thread". Shrinking removes either kind of command.
import fc from 'fast-check';
import type { ActionKind, FaultPoint } from '../../model/actions.ts';
import { FAULTS_OF, kindsFor, type Template } from '../template.ts';
import type { RunLength, ScheduleItem } from './runThreaded.ts';

/** Starts far outnumber advances: a preempted thread's window then stays open across about ten other
 * commands (measured: the ABA of open-atomicity is hit in about 0.2% of schedules, 2-4 times less often
 * with shorter windows). */
const START_WEIGHT = 10;
const ADVANCE_WEIGHT = 1;

/**
 * The threaded search's alphabet and weights: the ioctls with windows and those that race them are frequent;
 * the rest of the uAPI stays in, rarely, so that the atomic paths still interleave with them.
 */
const THREADED_WEIGHTS: Readonly<Partial<Record<ActionKind, number>>> = {
  open: 3,
  open_group: 3,
  close: 3,
  pass_fd: 4,
  IOMMU_IOAS_ALLOC: 10,
  IOMMU_DESTROY: 10,
  IOMMU_VFIO_IOAS: 8,
  VFIO_GROUP_SET_CONTAINER: 7,
  VFIO_GROUP_UNSET_CONTAINER: 2,
  VFIO_GROUP_GET_DEVICE_FD: 10,
  IOMMU_HWPT_ALLOC: 1,
  IOMMU_IOAS_MAP: 1,
  VFIO_IOMMU_MAP_DMA: 1,
  open_cdev: 1,
  VFIO_DEVICE_BIND_IOMMUFD: 1,
  VFIO_DEVICE_ATTACH_IOMMUFD_PT: 1,
  VFIO_DEVICE_DETACH_IOMMUFD_PT: 1,
};

/** One injected fault in about every FAULT_RARITY actions that can take one (as template.ts). */
const FAULT_RARITY = 12;

const pick = fc.nat({ max: 63 });

function templateOf(kind: ActionKind): fc.Arbitrary<Template> {
  const points = FAULTS_OF[kind] ?? [];
  const fault: fc.Arbitrary<FaultPoint | null> =
    points.length === 0
      ? fc.constant(null)
      : fc.oneof(
          { weight: FAULT_RARITY - 1, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.constantFrom(...points) },
        );
  return fc.record({ kind: fc.constant(kind), actor: fc.nat({ max: 7 }), p: fc.tuple(pick, pick, pick, pick), fault });
}

/** A command runs its thread to completion one time in four (fc.option's freq is the chance of null); otherwise
 * it stops after 1-3 steps, a preemption point that stays open until some later advance picks the thread. */
const runLength: fc.Arbitrary<RunLength> = fc.option(fc.integer({ min: 1, max: 3 }), { freq: 4 });

function itemArb(kinds: readonly ActionKind[]): fc.Arbitrary<ScheduleItem> {
  const template = fc.oneof(...kinds.map((k) => ({ weight: THREADED_WEIGHTS[k] ?? 1, arbitrary: templateOf(k) })));
  return fc.oneof(
    {
      weight: START_WEIGHT,
      arbitrary: fc.tuple(template, runLength).map(([t, run]): ScheduleItem => ({ kind: 'start', template: t, run })),
    },
    {
      weight: ADVANCE_WEIGHT,
      arbitrary: fc
        .tuple(fc.nat({ max: 7 }), runLength)
        .map(([p, run]): ScheduleItem => ({ kind: 'advance', pick: p, run })),
    },
  );
}

export function scheduleArb(maxSteps: number): fc.Arbitrary<readonly ScheduleItem[]> {
  const kinds = kindsFor('threaded').filter((k) => THREADED_WEIGHTS[k] !== undefined);
  return fc.array(itemArb(kinds), { maxLength: maxSteps, size: 'max' });
}
