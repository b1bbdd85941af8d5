// The C for one step of a reproducer: the same call the model ran, then a check of the model's answer (return
// value or errno, and the fields the kernel writes back). Ops a plain process cannot issue give a reason instead.
import { encodeAction, type JsonValue } from '../../checker/actionCodec.ts';
import { type Action, VFIO_IOAS_OP } from '../../model/actions.ts';
import type { ActorId } from '../../model/ids.ts';
import { formatResult, type OpResult } from '../../model/result.ts';
import type { Topology } from '../../model/topology.ts';
import { formatAction } from '../formatAction.ts';
import { cCommentText, cString, cUnsigned } from './cSyntax.ts';
import { C_STRUCTS, type CStruct } from './cUapi.ts';

export interface CContext {
  readonly topology: Topology;
  /** The C variable that holds an actor's model fd; it is -1 while the fd is not open. */
  readonly fdVar: (actor: ActorId, fd: number) => string;
}

export type CStepCode =
  | { readonly ok: true; readonly lines: readonly string[] }
  | { readonly ok: false; readonly reason: string };

type Answer = Exclude<OpResult, { readonly kind: 'unmodelled' }>;

const refuse = (reason: string): CStepCode => ({ ok: false, reason });
const FAULT = 'injects a kernel-internal failure, which needs fail-nth fault injection';
/** Fields shown in hex, as formatAction shows them. */
const HEX = new Set(['iova', 'length', 'size']);
/** The largest GET_INFO buffer put on the stack; the model generates 8 and 104. */
const MAX_ARGSZ = 65536;

/** The check of the return value; `returnsFd`: open() and dup(), whose number differs in one process. */
function checkRet(r: Answer, ret: string, returnsFd: boolean): string {
  switch (r.kind) {
    case 'ok':
      return returnsFd ? `expect_fd(${ret}, err);` : `expect_ret(${ret}, err, ${r.ret});`;
    case 'errno':
      return `expect_errno(${ret}, err, ${r.errno}, "${r.errno}");`;
    default: {
      const never: never = r;
      return never;
    }
  }
}

/**
 * A call that takes no struct and writes nothing back. `fdVar` receives the fd a successful open() or dup()
 * returns; `then` runs right after the call, before the checks.
 */
function plainCall(call: string, fdVar: string | null, r: Answer, then: readonly string[] = []): CStepCode {
  if (Object.keys(r.out).length > 0) return refuse(`the model writes back ${Object.keys(r.out).join(', ')}`);
  const into = fdVar !== null && r.kind === 'ok' ? fdVar : null;
  return {
    ok: true,
    lines: [`${into ?? 'ret'} = ${call};`, 'err = errno;', ...then, checkRet(r, into ?? 'ret', into !== null)],
  };
}

function memberValue(field: string, v: JsonValue, s: CStruct): string | CStepCode {
  const width = s.members[field];
  if (width === undefined) return refuse(`struct ${s.name} has no member ${field}`);
  if (typeof v !== 'number') return refuse(`${field}=${JSON.stringify(v)} is not a number`);
  if (field === 'op' && s.name === 'iommu_vfio_ioas') {
    const name = Object.entries(VFIO_IOAS_OP).find(([, n]) => n === v)?.[0];
    if (name !== undefined) return `IOMMU_VFIO_IOAS_${name}`;
  }
  return cUnsigned(v, width, HEX.has(field)) ?? refuse(`${field}=${v} does not fit a __${width}`);
}

/** An ioctl on a struct: fill it from the action's uAPI fields, call, check the answer and the written fields. */
function structCall(
  kind: keyof typeof C_STRUCTS,
  target: string,
  args: Readonly<Record<string, JsonValue>>,
  r: Answer,
): CStepCode {
  const s: CStruct = C_STRUCTS[kind];
  const init: string[] = [];
  if (s.header === 'size') init.push(`.size = sizeof(struct ${s.name}),`);
  for (const [field, v] of Object.entries(args)) {
    const lit = memberValue(field, v, s);
    if (typeof lit !== 'string') return lit;
    init.push(`.${field} = ${lit},`);
  }
  if (s.userVa !== undefined) init.push(`.${s.userVa} = (__u64)(uintptr_t)buf,`);

  const inUnion = s.writesUpToArgsz === true;
  const argsz = typeof args['argsz'] === 'number' ? args['argsz'] : 0;
  if (inUnion && argsz > MAX_ARGSZ) return refuse(`argsz=${argsz} is too large for a stack buffer`);
  const decl = inUnion
    ? [
        '/* The kernel writes capabilities up to argsz bytes. */',
        'union {',
        `\tstruct ${s.name} cmd;`,
        `\t__u8 raw[${Math.max(argsz, 1)}];`,
        '} u = {',
        '\t.cmd = {',
        ...init.map((l) => `\t\t${l}`),
        '\t},',
        '};',
      ]
    : [`struct ${s.name} cmd = {`, ...init.map((l) => `\t${l}`), '};'];
  const cmd = inUnion ? 'u.cmd' : 'cmd';

  const checks = [checkRet(r, 'ret', false)];
  for (const [field, v] of Object.entries(r.out)) {
    const lit = memberValue(field, v, s);
    if (typeof lit !== 'string') return lit;
    checks.push(`expect_field("${field}", ${cmd}.${field}, ${lit});`);
  }
  const call = `ret = ioctl(${target}, ${kind}, ${inUnion ? '&u' : '&cmd'});`;
  const body = [...decl, '', call, 'err = errno;', ...checks];
  return { ok: true, lines: ['{', ...body.map((l) => (l === '' ? '' : `\t${l}`)), '}'] };
}

function call(a: Action, r: Answer, ctx: CContext): CStepCode {
  switch (a.kind) {
    case 'open':
      return plainCall(
        `open(${a.path === '/dev/vfio/vfio' ? 'compat_container()' : cString(a.path)}, O_RDWR | O_CLOEXEC)`,
        r.kind === 'ok' ? ctx.fdVar(a.actor, r.ret) : null,
        r,
      );
    case 'open_group': {
      // A group is opened by the path of its IOMMU group, found from one of its devices.
      const dev = ctx.topology.devices[ctx.topology.groups[a.group]?.devices[0] ?? -1];
      if (dev === undefined) return refuse(`group ${a.group} has no device to find its IOMMU group by`);
      return plainCall(
        `open(group_path(${cString(dev.name)}), O_RDWR | O_CLOEXEC)`,
        r.kind === 'ok' ? ctx.fdVar(a.actor, r.ret) : null,
        r,
      );
    }
    case 'open_cdev': {
      const dev = ctx.topology.devices[a.device];
      if (dev === undefined) return refuse(`no device ${a.device}`);
      return plainCall(
        `open(cdev_path(${cString(dev.name)}), O_RDWR | O_CLOEXEC)`,
        r.kind === 'ok' ? ctx.fdVar(a.actor, r.ret) : null,
        r,
      );
    }
    case 'VFIO_GROUP_SET_CONTAINER':
      if (a.fault !== null) return refuse(`${FAULT} (${a.fault})`);
      return plainCall(
        `ioctl(${ctx.fdVar(a.actor, a.fd)}, VFIO_GROUP_SET_CONTAINER, &${ctx.fdVar(a.actor, a.container_fd)})`,
        null,
        r,
      );
    case 'VFIO_GROUP_UNSET_CONTAINER':
      return plainCall(`ioctl(${ctx.fdVar(a.actor, a.fd)}, VFIO_GROUP_UNSET_CONTAINER)`, null, r);
    case 'VFIO_GROUP_GET_DEVICE_FD': {
      if (a.fault !== null) return refuse(`${FAULT} (${a.fault})`);
      const dev = ctx.topology.devices[a.device];
      if (dev === undefined) return refuse(`no device ${a.device}`);
      return plainCall(
        `ioctl(${ctx.fdVar(a.actor, a.fd)}, VFIO_GROUP_GET_DEVICE_FD, device_arg(${cString(dev.name)}))`,
        r.kind === 'ok' ? ctx.fdVar(a.actor, r.ret) : null,
        r,
      );
    }
    case 'VFIO_DEVICE_BIND_IOMMUFD': {
      if (a.fault !== null) return refuse(`${FAULT} (${a.fault})`);
      const out = r.out['out_devid'];
      const lines = [
        '{',
        '\tstruct vfio_device_bind_iommufd cmd = {',
        '\t\t.argsz = sizeof(cmd),',
        `\t\t.iommufd = ${ctx.fdVar(a.actor, a.iommufd)},`,
        ...(a.flags === 0 ? [] : [`\t\t.flags = ${a.flags},`]),
        '\t};',
        '',
        `\tret = ioctl(${ctx.fdVar(a.actor, a.fd)}, VFIO_DEVICE_BIND_IOMMUFD, &cmd);`,
        '\terr = errno;',
        `\t${checkRet(r, 'ret', false)}`,
        ...(out === undefined ? [] : [`\texpect_field("out_devid", cmd.out_devid, ${out});`]),
        '}',
      ];
      return { ok: true, lines };
    }
    case 'VFIO_DEVICE_ATTACH_IOMMUFD_PT':
      if (a.fault !== null) return refuse(`${FAULT} (${a.fault})`);
      return structCall(
        a.kind,
        ctx.fdVar(a.actor, a.fd),
        a.flags === 0 ? { argsz: 12, pt_id: a.pt_id } : { argsz: 12, flags: a.flags, pt_id: a.pt_id },
        r,
      );
    case 'VFIO_DEVICE_DETACH_IOMMUFD_PT':
      return {
        ok: true,
        lines: [
          '{',
          `\tstruct vfio_device_detach_iommufd_pt cmd = { .argsz = sizeof(cmd)${a.flags === 0 ? '' : `, .flags = ${a.flags}`} };`,
          '',
          `\tret = ioctl(${ctx.fdVar(a.actor, a.fd)}, VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd);`,
          '\terr = errno;',
          `\t${checkRet(r, 'ret', false)}`,
          '}',
        ],
      };
    case 'close': {
      // Linux frees the fd even when close() reports an error, so the variable is closed either way; a later
      // use then fails with EBADF, as in the model.
      const v = ctx.fdVar(a.actor, a.fd);
      return plainCall(`close(${v})`, null, r, [`${v} = -1;`]);
    }
    case 'pass_fd':
      // SCM_RIGHTS installs the same open file in the receiver; in one process that is dup().
      return plainCall(`dup(${ctx.fdVar(a.actor, a.fd)})`, r.kind === 'ok' ? ctx.fdVar(a.to, r.ret) : null, r);
    case 'VFIO_GET_API_VERSION':
      return plainCall(`ioctl(${ctx.fdVar(a.actor, a.fd)}, VFIO_GET_API_VERSION)`, null, r);
    case 'VFIO_CHECK_EXTENSION':
    case 'VFIO_SET_IOMMU': {
      const arg = a.kind === 'VFIO_CHECK_EXTENSION' ? a.ext : a.type;
      const lit = cUnsigned(arg, 'u64');
      if (lit === null) return refuse(`argument ${arg} does not fit an unsigned long`);
      return plainCall(`ioctl(${ctx.fdVar(a.actor, a.fd)}, ${a.kind}, (unsigned long)${lit})`, null, r);
    }
    case 'IOMMU_IOAS_ALLOC':
    case 'IOMMU_HWPT_ALLOC':
      if (a.fault !== null) return refuse(`${FAULT} (${a.fault})`);
      return structCall(a.kind, ctx.fdVar(a.actor, a.fd), encodeAction(a, ctx.topology).args, r);
    case 'IOMMU_DESTROY':
    case 'IOMMU_VFIO_IOAS':
    case 'IOMMU_IOAS_MAP':
    case 'IOMMU_IOAS_UNMAP':
    case 'VFIO_IOMMU_GET_INFO':
    case 'VFIO_IOMMU_MAP_DMA':
    case 'VFIO_IOMMU_UNMAP_DMA':
      return structCall(a.kind, ctx.fdVar(a.actor, a.fd), encodeAction(a, ctx.topology).args, r);
    case 'IOMMU_OPTION':
    case 'IOMMU_IOAS_IOVA_RANGES':
    case 'IOMMU_IOAS_ALLOW_IOVAS':
    case 'IOMMU_IOAS_COPY':
    case 'IOMMU_IOAS_MAP_USER_VA':
      return refuse(`${a.kind} is not rendered to C yet (scenario-only op)`);
    case 'IOMMU_TEST_OP_MOCK_DOMAIN':
    case 'IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE':
    case 'IOMMU_TEST_OP_CREATE_ACCESS':
    case 'IOMMU_TEST_OP_ACCESS_REPLACE_IOAS':
    case 'IOMMU_TEST_OP_ACCESS_PAGES':
    case 'IOMMU_TEST_OP_DESTROY_ACCESS_PAGES':
    case 'IOMMU_TEST_OP_ADD_RESERVED':
      return refuse(`${a.kind}: the selftest ops are not rendered to C yet`);
    default: {
      const never: never = a;
      return never;
    }
  }
}

/** Step `i`: a comment, the call and its checks, then the TAP line. */
export function cStep(i: number, a: Action, r: OpResult, ctx: CContext): CStepCode {
  const actor = ctx.topology.actors[a.actor]?.name ?? String(a.actor);
  const what = `${actor}: ${formatAction(encodeAction(a, ctx.topology))} -> ${formatResult(r)}`;
  if (r.kind === 'unmodelled') return refuse(`step ${i} (${a.kind}): the model gives no answer (${r.reason})`);
  const c = call(a, r, ctx);
  if (!c.ok) return refuse(`step ${i} (${a.kind}): ${c.reason}`);
  return {
    ok: true,
    lines: [`/* step ${i}: ${cCommentText(what)} */`, ...c.lines, `end_step(${i}, ${cString(`step ${i}: ${what}`)});`],
  };
}
