// A tiny driver for hand-written traces in tests: actions by actor name, device and group names; every step
// runs on a deep-frozen world so a mutating op fails the test.
import type { Action, FaultPoint, IommufdPath } from '../../src/model/actions.ts';
import type { ModelEvent } from '../../src/model/events.ts';
import { actorId, deviceIdx, fd, groupIdx } from '../../src/model/ids.ts';
import { formatResult, type OpResult } from '../../src/model/result.ts';
import { semantics } from '../../src/model/semantics.ts';
import { initialWorld, type World } from '../../src/model/state.ts';
import { step } from '../../src/model/step.ts';
import { DEFAULT_TOPOLOGY, type Topology, withActors } from '../../src/model/topology.ts';
import { deepFreeze } from './deepFreeze.ts';

export const MIXED: Topology = withActors(DEFAULT_TOPOLOGY, [
  { name: 'qemu', kind: 'legacy' },
  { name: 'tool', kind: 'native' },
]);

export class Script {
  world: World;
  readonly actions: Action[] = [];
  readonly results: OpResult[] = [];
  readonly events: (readonly ModelEvent[])[] = [];
  readonly sem;

  constructor(
    profile: string,
    readonly topo: Topology = MIXED,
  ) {
    this.sem = semantics(profile);
    this.world = deepFreeze(initialWorld(topo));
  }

  private actor(name: string) {
    const i = this.topo.actors.findIndex((a) => a.name === name);
    if (i < 0) throw new Error(`no actor ${name}`);
    return actorId(i);
  }
  dev(name: string) {
    const i = this.topo.devices.findIndex((d) => d.name === name);
    if (i < 0) throw new Error(`no device ${name}`);
    return deviceIdx(i);
  }
  group(name: string) {
    const i = this.topo.groups.findIndex((g) => g.name === name);
    if (i < 0) throw new Error(`no group ${name}`);
    return groupIdx(i);
  }

  /** Runs an action given with an actor name; returns the result as text (`3`, `ENODEV`, `0 {size: 0}`). */
  do(actor: string, a: Record<string, unknown> & { kind: Action['kind'] }): string {
    const action = { ...a, actor: this.actor(actor) } as unknown as Action;
    const out = step(this.world, action, this.sem, this.topo);
    this.world = deepFreeze(out.world);
    this.actions.push(action);
    this.results.push(out.result);
    this.events.push(out.events);
    return formatResult(out.result);
  }

  open(actor: string, path: IommufdPath = '/dev/vfio/vfio') {
    return this.do(actor, { kind: 'open', path });
  }
  openGroup(actor: string, group: string) {
    return this.do(actor, { kind: 'open_group', group: this.group(group) });
  }
  openCdev(actor: string, device: string) {
    return this.do(actor, { kind: 'open_cdev', device: this.dev(device) });
  }
  close(actor: string, n: number) {
    return this.do(actor, { kind: 'close', fd: fd(n) });
  }
  pass(actor: string, n: number, to: string) {
    return this.do(actor, { kind: 'pass_fd', fd: fd(n), to: this.actor(to) });
  }
  setContainer(actor: string, groupFd: number, containerFd: number, fault: FaultPoint | null = null) {
    return this.do(actor, { kind: 'VFIO_GROUP_SET_CONTAINER', fd: fd(groupFd), container_fd: fd(containerFd), fault });
  }
  unsetContainer(actor: string, groupFd: number) {
    return this.do(actor, { kind: 'VFIO_GROUP_UNSET_CONTAINER', fd: fd(groupFd) });
  }
  getDeviceFd(actor: string, groupFd: number, device: string, fault: FaultPoint | null = null) {
    return this.do(actor, { kind: 'VFIO_GROUP_GET_DEVICE_FD', fd: fd(groupFd), device: this.dev(device), fault });
  }
  ioasAlloc(actor: string, n: number, fault: FaultPoint | null = null) {
    return this.do(actor, { kind: 'IOMMU_IOAS_ALLOC', fd: fd(n), flags: 0, fault });
  }
  destroy(actor: string, n: number, id: number) {
    return this.do(actor, { kind: 'IOMMU_DESTROY', fd: fd(n), id });
  }
  vfioIoas(actor: string, n: number, op: number, ioasId = 0, reserved = 0) {
    return this.do(actor, { kind: 'IOMMU_VFIO_IOAS', fd: fd(n), op, ioas_id: ioasId, reserved });
  }
  mapDma(actor: string, n: number, iova: number, size: number, flags = 3, argsz = 32) {
    return this.do(actor, { kind: 'VFIO_IOMMU_MAP_DMA', fd: fd(n), argsz, flags, iova, size });
  }
  unmapDma(actor: string, n: number, iova: number, size: number, flags = 0) {
    return this.do(actor, { kind: 'VFIO_IOMMU_UNMAP_DMA', fd: fd(n), argsz: 24, flags, iova, size });
  }
  setIommu(actor: string, n: number, type: number) {
    return this.do(actor, { kind: 'VFIO_SET_IOMMU', fd: fd(n), type });
  }
  checkExtension(actor: string, n: number, ext: number) {
    return this.do(actor, { kind: 'VFIO_CHECK_EXTENSION', fd: fd(n), ext });
  }
  bind(actor: string, cdevFd: number, iommufd: number, fault: FaultPoint | null = null) {
    return this.do(actor, { kind: 'VFIO_DEVICE_BIND_IOMMUFD', fd: fd(cdevFd), iommufd: fd(iommufd), flags: 0, fault });
  }
  attachPt(actor: string, cdevFd: number, ptId: number, fault: FaultPoint | null = null) {
    return this.do(actor, { kind: 'VFIO_DEVICE_ATTACH_IOMMUFD_PT', fd: fd(cdevFd), pt_id: ptId, flags: 0, fault });
  }
  detachPt(actor: string, cdevFd: number) {
    return this.do(actor, { kind: 'VFIO_DEVICE_DETACH_IOMMUFD_PT', fd: fd(cdevFd), flags: 0 });
  }
  hwptAlloc(actor: string, n: number, devId: number, ptId: number, flags = 0) {
    return this.do(actor, { kind: 'IOMMU_HWPT_ALLOC', fd: fd(n), dev_id: devId, pt_id: ptId, flags, fault: null });
  }
  ioasMap(actor: string, n: number, ioasId: number, iova: number, length: number, flags = 7) {
    return this.do(actor, { kind: 'IOMMU_IOAS_MAP', fd: fd(n), ioas_id: ioasId, flags, iova, length, reserved: 0 });
  }
  ioasUnmap(actor: string, n: number, ioasId: number, iova: number, length: number) {
    return this.do(actor, { kind: 'IOMMU_IOAS_UNMAP', fd: fd(n), ioas_id: ioasId, iova, length });
  }

  /** vfio_ioas of the first live ctx. */
  compat(ctx = 0) {
    return this.world.ctxs[ctx]?.vfioIoas ?? null;
  }
  objects(ctx = 0): string[] {
    return (this.world.ctxs[ctx]?.objects ?? []).flatMap((o, id) => (o === undefined ? [] : [`${o.type}:${id}`]));
  }
}

export const SET = 1;
export const GET = 0;
export const CLEAR = 2;
export const P = 4096;
