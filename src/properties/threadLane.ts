// The lane of a step in a threaded run. Monitors of threaded properties also accept atomic runs, where each
// step is an ioctl that starts and finishes at once on lane -1.
import type { LaneInfo, ThreadedWorld } from '../model/threads/ThreadedWorld.ts';
import type { StepInfo } from './Property.ts';

const ATOMIC: LaneInfo = { lane: -1, started: true, finished: true, label: 'atomic', threadEvents: [] };

export function laneOf(s: StepInfo): LaneInfo {
  const t = (s as StepInfo & { readonly thread?: LaneInfo }).thread;
  return t ?? ATOMIC;
}

/** The threaded world after a step of a threaded run; undefined in an atomic run. */
export const threadedOf = (s: StepInfo): ThreadedWorld | undefined =>
  (s as StepInfo & { readonly threaded?: ThreadedWorld }).threaded;
