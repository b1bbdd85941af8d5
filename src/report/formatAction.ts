// An action in the words of the uAPI: `IOMMU_VFIO_IOAS(fd 3, op=SET, ioas_id=4)`.
import type { JsonAction } from '../checker/actionCodec.ts';
import { VFIO_EXT } from '../model/actions.ts';

const EXT_NAMES = new Map<number, string>(Object.entries(VFIO_EXT).map(([k, v]) => [v, k]));
const VFIO_IOAS_OPS = ['GET', 'SET', 'CLEAR'];

function value(op: string, field: string, v: unknown): string {
  if (typeof v !== 'number') return String(v);
  if ((field === 'ext' || field === 'type') && EXT_NAMES.has(v)) return EXT_NAMES.get(v) as string;
  if (op === 'IOMMU_VFIO_IOAS' && field === 'op') return VFIO_IOAS_OPS[v] ?? `${v} (unknown op)`;
  if (field === 'iova' || field === 'size' || field === 'length') return `0x${v.toString(16)}`;
  return String(v);
}

/** Fields left out when they carry nothing (IOMMU_VFIO_IOAS: ioas_id only matters for SET). */
function skip(a: JsonAction, field: string, v: unknown): boolean {
  if (v === null || (field === '__reserved' && v === 0)) return true;
  return a.op === 'IOMMU_VFIO_IOAS' && field === 'ioas_id' && a.args['op'] !== 1;
}

export function formatAction(a: JsonAction): string {
  const parts: string[] = [];
  if (a.fd !== undefined) parts.push(`fd ${a.fd}`);
  for (const [k, v] of Object.entries(a.args)) if (!skip(a, k, v)) parts.push(`${k}=${value(a.op, k, v)}`);
  if (a.fault !== undefined && a.fault !== null) parts.push(`inject ${a.fault} failure`);
  return `${a.op}(${parts.join(', ')})`;
}
