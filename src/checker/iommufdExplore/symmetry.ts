// Symmetry reduction for exploration (behind --symmetry): groups of the same shape are interchangeable, and so
// are devices of the same kind within one group; nothing a process can observe names them except the
// arguments of open_group / GET_DEVICE_FD, and the action space offers every one. Object ids and fd numbers
// are never permuted: lowest-free allocation makes them observable.
import { deviceIdx, groupIdx } from '../../model/ids.ts';
import type { IommufdObject, OpenFile, World } from '../../model/state.ts';
import type { Topology } from '../../model/topology.ts';

/** A permutation of group indices and of device indices that maps the topology onto itself. */
export interface Permutation {
  readonly group: readonly number[];
  readonly device: readonly number[];
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

const shapeOf = (t: Topology, g: number) =>
  `${t.groups[g]?.kind}:${(t.groups[g]?.devices ?? []).map((d) => t.devices[d]?.kind).join(',')}`;

/** Every permutation of the topology's symmetry group (identity first). */
export function symmetries(t: Topology): readonly Permutation[] {
  // Group permutations that only swap groups of equal shape, with their devices in order.
  let groupPerms: number[][] = [t.groups.map((_, i) => i)];
  const classes = new Map<string, number[]>();
  for (let g = 0; g < t.groups.length; g++) classes.set(shapeOf(t, g), [...(classes.get(shapeOf(t, g)) ?? []), g]);
  for (const members of classes.values()) {
    if (members.length < 2) continue;
    groupPerms = groupPerms.flatMap((base) =>
      permutations(members).map((perm) => {
        const p = [...base];
        members.forEach((m, i) => {
          p[m] = perm[i] as number;
        });
        return p;
      }),
    );
  }
  // Within each group, permutations of same-kind devices.
  const out: Permutation[] = [];
  for (const gp of groupPerms) {
    let devPerms: number[][] = [t.devices.map((_, i) => i)];
    t.groups.forEach((g, gi) => {
      const target = t.groups[gp[gi] as number];
      if (target === undefined) return;
      devPerms = devPerms.flatMap((base) =>
        permutations(target.devices.map((d) => d as number)).flatMap((perm) => {
          if (perm.some((d, i) => t.devices[d]?.kind !== t.devices[g.devices[i] as number]?.kind)) return [];
          const p = [...base];
          g.devices.forEach((d, i) => {
            p[d] = perm[i] as number;
          });
          return [p];
        }),
      );
    });
    for (const dp of devPerms) out.push({ group: gp, device: dp });
  }
  return out;
}

function permuteObject(o: IommufdObject, p: Permutation): IommufdObject {
  return o.type === 'DEVICE' || o.type === 'ACCESS' ? { ...o, device: deviceIdx(p.device[o.device] as number) } : o;
}

function permuteFile(f: OpenFile, p: Permutation): OpenFile {
  switch (f.kind) {
    case 'group':
      return { ...f, group: groupIdx(p.group[f.group] as number) };
    case 'device':
    case 'cdev':
      return { ...f, device: deviceIdx(p.device[f.device] as number) };
    case 'iommufd':
    case 'access':
      return f;
    default: {
      const never: never = f;
      return never;
    }
  }
}

/** The world with groups and devices renamed by `p`. */
export function permuteWorld(w: World, p: Permutation): World {
  const groups = [...w.groups];
  w.groups.forEach((g, i) => {
    groups[p.group[i] as number] = g;
  });
  const devices = [...w.devices];
  w.devices.forEach((d, i) => {
    devices[p.device[i] as number] = d;
  });
  return {
    ...w,
    groups,
    devices,
    files: w.files.map((f) => (f === undefined ? f : permuteFile(f, p))),
    ctxs: w.ctxs.map((c) =>
      c === undefined ? c : { ...c, objects: c.objects.map((o) => (o === undefined ? o : permuteObject(o, p))) },
    ),
  };
}
