// Actions <-> JSON, with names where userspace uses names (actors, devices, groups) and uAPI field names for
// the rest. Decoding validates every field and says which one is wrong.
import { ACTION_KINDS, type Action, type ActionKind, FAULT_POINTS, type FaultPoint } from '../model/actions.ts';
import { actorId, deviceIdx, fd, groupIdx } from '../model/ids.ts';
import type { Topology } from '../model/topology.ts';

/** `flags`: an int written only when it is not 0 and read as 0 when absent (fields added after files were
 * saved: those files stay byte for byte). */
type FieldType = 'int' | 'flags' | 'fd' | 'device' | 'group' | 'actor' | 'path' | 'fault' | 'ranges';

/** The fields of each action kind besides `kind` and `actor`, in the order they are written. */
export const FIELDS: Readonly<Record<ActionKind, Readonly<Record<string, FieldType>>>> = {
  open: { path: 'path' },
  open_group: { group: 'group' },
  open_cdev: { device: 'device' },
  close: { fd: 'fd' },
  pass_fd: { fd: 'fd', to: 'actor' },
  IOMMU_IOAS_ALLOC: { fd: 'fd', flags: 'int', fault: 'fault' },
  IOMMU_DESTROY: { fd: 'fd', id: 'int' },
  IOMMU_VFIO_IOAS: { fd: 'fd', op: 'int', ioas_id: 'int', reserved: 'int' },
  IOMMU_HWPT_ALLOC: { fd: 'fd', dev_id: 'int', pt_id: 'int', flags: 'int', fault: 'fault' },
  IOMMU_IOAS_MAP: { fd: 'fd', ioas_id: 'int', flags: 'int', iova: 'int', length: 'int', reserved: 'flags' },
  IOMMU_IOAS_UNMAP: { fd: 'fd', ioas_id: 'int', iova: 'int', length: 'int' },
  VFIO_GET_API_VERSION: { fd: 'fd' },
  VFIO_CHECK_EXTENSION: { fd: 'fd', ext: 'int' },
  VFIO_SET_IOMMU: { fd: 'fd', type: 'int' },
  VFIO_IOMMU_GET_INFO: { fd: 'fd', argsz: 'int' },
  VFIO_IOMMU_MAP_DMA: { fd: 'fd', argsz: 'int', flags: 'int', iova: 'int', size: 'int' },
  VFIO_IOMMU_UNMAP_DMA: { fd: 'fd', argsz: 'int', flags: 'int', iova: 'int', size: 'int' },
  VFIO_GROUP_SET_CONTAINER: { fd: 'fd', container_fd: 'fd', fault: 'fault' },
  VFIO_GROUP_UNSET_CONTAINER: { fd: 'fd' },
  VFIO_GROUP_GET_DEVICE_FD: { fd: 'fd', device: 'device', fault: 'fault' },
  VFIO_DEVICE_BIND_IOMMUFD: { fd: 'fd', iommufd: 'fd', flags: 'flags', fault: 'fault' },
  VFIO_DEVICE_ATTACH_IOMMUFD_PT: { fd: 'fd', pt_id: 'int', flags: 'flags', fault: 'fault' },
  VFIO_DEVICE_DETACH_IOMMUFD_PT: { fd: 'fd', flags: 'flags' },
  IOMMU_OPTION: { fd: 'fd', option_id: 'int', op: 'int', object_id: 'int', val64: 'int', reserved: 'int' },
  IOMMU_TEST_OP_MOCK_DOMAIN: { fd: 'fd', pt_id: 'int' },
  IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE: { fd: 'fd', stdev_id: 'int', pt_id: 'int' },
  IOMMU_TEST_OP_CREATE_ACCESS: { fd: 'fd', ioas_id: 'int', flags: 'int' },
  IOMMU_TEST_OP_ACCESS_REPLACE_IOAS: { fd: 'fd', access_fd: 'fd', ioas_id: 'int' },
  IOMMU_TEST_OP_ACCESS_PAGES: { fd: 'fd', access_fd: 'fd', iova: 'int', length: 'int', flags: 'int' },
  IOMMU_TEST_OP_DESTROY_ACCESS_PAGES: { fd: 'fd', access_fd: 'fd', access_pages_id: 'int' },
  IOMMU_IOAS_IOVA_RANGES: { fd: 'fd', ioas_id: 'int', num_iovas: 'int', reserved: 'flags' },
  IOMMU_IOAS_ALLOW_IOVAS: { fd: 'fd', ioas_id: 'int', allowed_iovas: 'ranges', reserved: 'flags' },
  IOMMU_IOAS_COPY: {
    fd: 'fd',
    flags: 'int',
    src_ioas_id: 'int',
    dst_ioas_id: 'int',
    src_iova: 'int',
    dst_iova: 'int',
    length: 'int',
  },
  IOMMU_TEST_OP_ADD_RESERVED: { fd: 'fd', ioas_id: 'int', start: 'int', length: 'int' },
  IOMMU_IOAS_MAP_USER_VA: {
    fd: 'fd',
    ioas_id: 'int',
    flags: 'int',
    user_va: 'int',
    length: 'int',
    reserved: 'flags',
  },
};

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [k: string]: JsonValue };

/**
 * `{ "actor": "qemu", "op": "IOMMU_VFIO_IOAS", "fd": 3, "args": { "op": 1, "ioas_id": 4, "__reserved": 0 } }`:
 * the ioctl's fd at top level (absent for open), its struct fields under `args` by their uAPI names, and
 * `fault` for kinds that can inject one.
 */
export interface JsonAction {
  readonly actor: string;
  readonly op: ActionKind;
  readonly fd?: number;
  readonly args: Readonly<Record<string, JsonValue>>;
  readonly fault?: FaultPoint | null;
}

/** The uAPI name of a model field in `args` (struct iommu_vfio_ioas calls it __reserved). */
const ARG_NAME: Readonly<Record<string, string>> = { reserved: '__reserved' };
const argName = (field: string) => ARG_NAME[field] ?? field;

export function encodeAction(a: Action, topo: Topology): JsonAction {
  const rec = a as unknown as Record<string, number | string | null>;
  const args: Record<string, JsonValue> = {};
  let fdValue: number | undefined;
  let fault: FaultPoint | null | undefined;
  for (const [field, type] of Object.entries(FIELDS[a.kind])) {
    const v = rec[field];
    if (field === 'fd') fdValue = v as number;
    else if (type === 'fault') fault = (v ?? null) as FaultPoint | null;
    else if (type === 'device') args[field] = topo.devices[v as number]?.name ?? v ?? null;
    else if (type === 'group') args[field] = topo.groups[v as number]?.name ?? v ?? null;
    else if (type === 'actor') args[field] = topo.actors[v as number]?.name ?? v ?? null;
    else if (type === 'flags') {
      if (v !== 0 && v !== undefined && v !== null) args[argName(field)] = v;
    } else args[argName(field)] = v ?? null;
  }
  const actor = topo.actors[a.actor]?.name ?? String(a.actor);
  return {
    actor,
    op: a.kind,
    ...(fdValue === undefined ? {} : { fd: fdValue }),
    args,
    ...(fault === undefined ? {} : { fault }),
  };
}

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const isKind = (s: unknown): s is ActionKind =>
  typeof s === 'string' && (ACTION_KINDS as readonly string[]).includes(s);

/** Decodes one JSON action; `where` prefixes error messages (e.g. `steps[3]`). */
export function decodeAction(j: unknown, topo: Topology, where: string): Decoded<Action> {
  if (typeof j !== 'object' || j === null || Array.isArray(j))
    return { ok: false, error: `${where}: expected an object` };
  const o = j as Record<string, unknown>;
  if (!isKind(o['op'])) return { ok: false, error: `${where}.op: unknown operation ${JSON.stringify(o['op'])}` };
  const kind = o['op'];
  const actor = topo.actors.findIndex((a) => a.name === o['actor']);
  if (actor < 0)
    return {
      ok: false,
      error: `${where}.actor: unknown actor ${JSON.stringify(o['actor'])} (known: ${topo.actors.map((a) => a.name).join(', ')})`,
    };
  const action: Record<string, unknown> = { kind, actor: actorId(actor) };
  const args = o['args'] ?? {};
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    return { ok: false, error: `${where}.args: expected an object` };
  for (const [field, type] of Object.entries(FIELDS[kind])) {
    const key = field === 'fd' || type === 'fault' ? field : argName(field);
    const v = field === 'fd' || type === 'fault' ? o[field] : (args as Record<string, unknown>)[key];
    const path = field === 'fd' || type === 'fault' ? `${where}.${key}` : `${where}.args.${key}`;
    const bad = (what: string): Decoded<Action> => ({
      ok: false,
      error: `${path}: expected ${what}, got ${JSON.stringify(v)}`,
    });
    switch (type) {
      case 'int':
        if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isInteger(v) || v < 0)
          return bad('a non-negative integer');
        action[field] = v;
        break;
      case 'flags':
        if (v === undefined) {
          action[field] = 0;
          break;
        }
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return bad('a non-negative integer');
        action[field] = v;
        break;
      case 'fd':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return bad('an fd number');
        action[field] = fd(v);
        break;
      case 'device': {
        const i = topo.devices.findIndex((d) => d.name === v);
        if (i < 0) return bad(`a device name (${topo.devices.map((d) => d.name).join(', ')})`);
        action[field] = deviceIdx(i);
        break;
      }
      case 'group': {
        const i = topo.groups.findIndex((g) => g.name === v);
        if (i < 0) return bad(`a group name (${topo.groups.map((g) => g.name).join(', ')})`);
        action[field] = groupIdx(i);
        break;
      }
      case 'actor': {
        const i = topo.actors.findIndex((a) => a.name === v);
        if (i < 0) return bad('an actor name');
        action[field] = actorId(i);
        break;
      }
      case 'path':
        if (v !== '/dev/iommu' && v !== '/dev/vfio/vfio') return bad('"/dev/iommu" or "/dev/vfio/vfio"');
        action[field] = v;
        break;
      case 'ranges': {
        const isInt = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0;
        const ok =
          Array.isArray(v) &&
          v.every(
            (r) =>
              typeof r === 'object' &&
              r !== null &&
              isInt((r as Record<string, unknown>)['start']) &&
              isInt((r as Record<string, unknown>)['last']),
          );
        if (!ok) return bad('an array of { start, last }');
        action[field] = v;
        break;
      }
      case 'fault':
        if (v !== null && v !== undefined && !(FAULT_POINTS as readonly unknown[]).includes(v))
          return bad(`null or one of ${FAULT_POINTS.join(', ')}`);
        action[field] = (v ?? null) as FaultPoint | null;
        break;
      default: {
        const never: never = type;
        return never;
      }
    }
  }
  return { ok: true, value: action as unknown as Action };
}
