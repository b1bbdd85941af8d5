// The executor's input: one line a step, `<index> <OP> key=value ...` (kernel/exec/ioas-exec.c). Fds are
// handles named after the model's (actor, fd) so that a stale fd stays stale on both sides; groups and devices
// are the lab's slot names; numbers are u64 in decimal.
import type { Action } from '../model/actions.ts';
import type { ActorId, Fd } from '../model/ids.ts';
import type { OpResult } from '../model/result.ts';
import { OPS } from '../scenario/opTable.ts';
import type { Arg, ScenarioStep } from '../scenario/Scenario.ts';
import type { Slots } from './slots.ts';

export const handle = (actor: number, fd: number): string => `a${actor}f${fd}`;

const U64_MAX = (1n << 64n) - 1n;

/** A model number as the u64 the kernel sees: 2^64 and above (UINT64_MAX as a double) saturate. */
export function u64(n: number): string {
  if (!Number.isFinite(n)) return U64_MAX.toString();
  const b = BigInt(Math.trunc(n));
  if (b < 0n) return BigInt.asUintN(64, b).toString();
  return (b > U64_MAX ? U64_MAX : b).toString();
}

export interface EncodeContext {
  readonly slots: Slots;
  /** The path the lab opens for the model's `/dev/vfio/vfio` in this run. */
  readonly vfioPath: string;
}

/** The handle a returned fd gets: the model's fd when the model succeeded; else a name nothing else uses. */
function newHandle(actor: number, r: OpResult, index: number, fdOut?: string): string {
  if (r.kind !== 'ok') return `x${index}`;
  const fd = fdOut === undefined ? r.ret : r.out[fdOut];
  return fd === undefined ? `x${index}` : handle(actor, fd);
}

/** `__reserved`, written only when a scenario sets it. */
const rsv = (reserved: number): string => (reserved === 0 ? '' : ` __reserved=${u64(reserved)}`);

const kv = (fields: Readonly<Record<string, number>>): string =>
  Object.entries(fields)
    .map(([k, v]) => ` ${k}=${u64(v)}`)
    .join('');

/** The line for a model action (counterexample and diff traces), given the model's result for it. */
export function actionLine(a: Action, index: number, r: OpResult, ctx: EncodeContext): string {
  const h = (fd: Fd) => `@${handle(a.actor, fd)}`;
  const head = (op: string, fd: Fd | null) => `${index} ${op}${fd === null ? '' : ` fd=${h(fd)}`}`;
  const as = ` as=${newHandle(a.actor, r, index)}`;
  switch (a.kind) {
    case 'open':
      return `${head('open', null)} path=${a.path === '/dev/vfio/vfio' ? ctx.vfioPath : a.path}${as}`;
    case 'open_group':
      return `${head('open', null)} group=${ctx.slots.group(a.group)}${as}`;
    case 'open_cdev':
      return `${head('open', null)} device=${ctx.slots.device(a.device)}${as}`;
    case 'close':
      return head('close', a.fd);
    case 'pass_fd':
      return `${head('pass_fd', a.fd)} as=${newHandle(a.to, r, index)}`;
    case 'IOMMU_IOAS_ALLOC':
      return head(a.kind, a.fd) + kv({ flags: a.flags });
    case 'IOMMU_DESTROY':
      return head(a.kind, a.fd) + kv({ id: a.id });
    case 'IOMMU_VFIO_IOAS':
      return head(a.kind, a.fd) + kv({ op: a.op, ioas_id: a.ioas_id, __reserved: a.reserved });
    case 'IOMMU_HWPT_ALLOC':
      return head(a.kind, a.fd) + kv({ flags: a.flags, dev_id: a.dev_id, pt_id: a.pt_id });
    case 'IOMMU_IOAS_MAP':
      return (
        head(a.kind, a.fd) +
        kv({ ioas_id: a.ioas_id, flags: a.flags, iova: a.iova, length: a.length }) +
        rsv(a.reserved)
      );
    case 'IOMMU_IOAS_MAP_USER_VA':
      return (
        head('IOMMU_IOAS_MAP', a.fd) +
        kv({ ioas_id: a.ioas_id, flags: a.flags, user_va: a.user_va, length: a.length }) +
        rsv(a.reserved)
      );
    case 'IOMMU_IOAS_UNMAP':
      return head(a.kind, a.fd) + kv({ ioas_id: a.ioas_id, iova: a.iova, length: a.length });
    case 'VFIO_GET_API_VERSION':
    case 'VFIO_GROUP_UNSET_CONTAINER':
      return head(a.kind, a.fd);
    case 'VFIO_DEVICE_DETACH_IOMMUFD_PT':
      return head(a.kind, a.fd) + (a.flags === 0 ? '' : kv({ flags: a.flags }));
    case 'VFIO_CHECK_EXTENSION':
      return head(a.kind, a.fd) + kv({ ext: a.ext });
    case 'VFIO_SET_IOMMU':
      return head(a.kind, a.fd) + kv({ type: a.type });
    case 'VFIO_IOMMU_GET_INFO':
      return head(a.kind, a.fd) + kv({ argsz: a.argsz });
    case 'VFIO_IOMMU_MAP_DMA':
    case 'VFIO_IOMMU_UNMAP_DMA':
      return head(a.kind, a.fd) + kv({ argsz: a.argsz, flags: a.flags, iova: a.iova, size: a.size });
    case 'VFIO_GROUP_SET_CONTAINER':
      return `${head(a.kind, a.fd)} container_fd=${h(a.container_fd)}`;
    case 'VFIO_GROUP_GET_DEVICE_FD':
      return `${head(a.kind, a.fd)} device=${ctx.slots.device(a.device)}${as}`;
    case 'VFIO_DEVICE_BIND_IOMMUFD':
      return `${head(a.kind, a.fd)} iommufd=${h(a.iommufd)}${a.flags === 0 ? '' : kv({ flags: a.flags })}`;
    case 'VFIO_DEVICE_ATTACH_IOMMUFD_PT':
      return head(a.kind, a.fd) + kv(a.flags === 0 ? { pt_id: a.pt_id } : { pt_id: a.pt_id, flags: a.flags });
    case 'IOMMU_OPTION':
      return (
        head(a.kind, a.fd) +
        kv({ option_id: a.option_id, op: a.op, object_id: a.object_id, val64: a.val64, __reserved: a.reserved })
      );
    case 'IOMMU_IOAS_IOVA_RANGES':
      return head(a.kind, a.fd) + kv({ ioas_id: a.ioas_id, num_iovas: a.num_iovas }) + rsv(a.reserved);
    case 'IOMMU_IOAS_ALLOW_IOVAS':
      return `${head(a.kind, a.fd) + kv({ ioas_id: a.ioas_id }) + rsv(a.reserved)} ranges=${a.allowed_iovas.map((x) => `${u64(x.start)}-${u64(x.last)}`).join(',')}`;
    case 'IOMMU_IOAS_COPY':
      return (
        head(a.kind, a.fd) +
        kv({
          flags: a.flags,
          src_ioas_id: a.src_ioas_id,
          dst_ioas_id: a.dst_ioas_id,
          src_iova: a.src_iova,
          dst_iova: a.dst_iova,
          length: a.length,
        })
      );
    case 'IOMMU_TEST_OP_MOCK_DOMAIN':
      return head(a.kind, a.fd) + kv({ pt_id: a.pt_id });
    case 'IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE':
      return head(a.kind, a.fd) + kv({ stdev_id: a.stdev_id, pt_id: a.pt_id });
    case 'IOMMU_TEST_OP_CREATE_ACCESS':
      return `${head(a.kind, a.fd) + kv({ ioas_id: a.ioas_id, flags: a.flags })} as=${newHandle(a.actor, r, index, 'access_fd')}`;
    case 'IOMMU_TEST_OP_ACCESS_REPLACE_IOAS':
      return `${head(a.kind, a.fd)} access_fd=${h(a.access_fd)}${kv({ ioas_id: a.ioas_id })}`;
    case 'IOMMU_TEST_OP_ACCESS_PAGES':
      return `${head(a.kind, a.fd)} access_fd=${h(a.access_fd)}${kv({ iova: a.iova, length: a.length, flags: a.flags })}`;
    case 'IOMMU_TEST_OP_DESTROY_ACCESS_PAGES':
      return `${head(a.kind, a.fd)} access_fd=${h(a.access_fd)}${kv({ access_pages_id: a.access_pages_id })}`;
    case 'IOMMU_TEST_OP_ADD_RESERVED':
      return head(a.kind, a.fd) + kv({ ioas_id: a.ioas_id, start: a.start, length: a.length });
    default: {
      const never: never = a;
      return never;
    }
  }
}

/** The extra words of a scenario step's struct-size checks: `size=` and `trailing=` bytes after the struct. */
export function sizeWords(st: ScenarioStep): string {
  const size = st.size === null ? '' : ` size=${u64(st.size)}`;
  const trailing = st.trailing.length === 0 ? '' : ` trailing=${st.trailing.join(',')}`;
  return size + trailing;
}

/**
 * The line for a scenario step the model does not express as an action (not modelled): its uAPI fields as
 * written, $variables and fd names resolved through the model's run so far. null when a name cannot be
 * resolved (the step is then reported as not run).
 */
export function rawScenarioLine(
  st: ScenarioStep,
  actor: ActorId,
  fdOfName: (name: string) => number | undefined,
  vars: ReadonlyMap<string, number>,
  ctx: EncodeContext,
): string | null {
  const spec = OPS[st.op];
  if (spec === undefined) return null;
  const words: string[] = [`${st.index} ${st.op}`];
  const fdRef = (name: string): string | null => {
    const fd = name.startsWith('$') ? vars.get(name) : /^#\d+$/.test(name) ? Number(name.slice(1)) : fdOfName(name);
    return fd === undefined ? null : `@${handle(actor, fd)}`;
  };
  if (st.fd !== null) {
    const r = fdRef(st.fd);
    if (r === null) return null;
    words.push(`fd=${r}`);
  } else if (spec.fd === 'iommufd') {
    const r = fdRef('');
    if (r === null) return null;
    words.push(`fd=${r}`);
  }
  for (const [k, v] of Object.entries(st.args) as [string, Arg][]) {
    const type = spec.fields[k]?.type ?? 'num';
    if (v.kind === 'num') words.push(`${k}=${u64(v.value)}`);
    else if (v.kind === 'var') {
      if (type === 'fd') {
        const r = fdRef(v.name);
        if (r === null) return null;
        words.push(`${k}=${r}`);
      } else {
        const n = vars.get(v.name);
        if (n === undefined) return null;
        words.push(`${k}=${u64(n)}`);
      }
    } else if (v.kind === 'ranges') {
      const rs: string[] = [];
      for (const x of v.value) {
        const s = x.start.kind === 'num' ? x.start.value : vars.get(x.start.name);
        const l = x.last.kind === 'num' ? x.last.value : vars.get(x.last.name);
        if (s === undefined || l === undefined) return null;
        rs.push(`${u64(s)}-${u64(l)}`);
      }
      words.push(`ranges=${rs.join(',')}`);
    } else if (type === 'fd') {
      const r = fdRef(v.value);
      if (r === null) return null;
      words.push(`${k}=${r}`);
    } else if (k === 'path') words.push(`path=${v.value === '/dev/vfio/vfio' ? ctx.vfioPath : v.value}`);
    else words.push(`${k}=${v.value}`);
  }
  return words.join(' ') + sizeWords(st);
}
