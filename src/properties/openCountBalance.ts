import type { World } from '../model/state.ts';
import { HOLDS, invariantMonitor, type Property, type RunContext } from './Property.ts';

/** open_count of each device equals the open files that opened it: group-path device files and bound cdevs. */
function check(w: World, ctx: RunContext): string | null {
  const opened = new Array<number>(w.devices.length).fill(0);
  for (const f of w.files) {
    if (f?.kind === 'device' || (f?.kind === 'cdev' && f.bound !== null))
      opened[f.device] = (opened[f.device] ?? 0) + 1;
  }
  for (let d = 0; d < w.devices.length; d++) {
    const n = w.devices[d]?.openCount ?? 0;
    if (n !== opened[d]) return `${ctx.topo.devices[d]?.name}: open_count ${n}, but ${opened[d]} open device file(s)`;
  }
  return null;
}

export const openCountBalance: Property = {
  code: 'open-count-balance',
  title: 'open_count equals the device files that opened the device; a returned device fd means an open device',
  claim: {
    quote: 'Open/close are balanced; open_count >= 0; a returned device fd implies the device was opened.',
    source: 'vfio_main.c vfio_df_open()/vfio_df_close(), vfio_assert_device_open(); kernel-history.md B11',
  },
  kind: 'state invariant',
  scope: 'mixed',
  expected: (sem) =>
    sem.bugNoiommuOpenSkipsDfOpen
      ? {
          verdict: 'violated',
          reason:
            'known kernel bug B11: a no-IOMMU device opened through an iommufd group returns an fd without vfio_df_open(); closing it WARNs and underflows open_count',
          citation: 'introduced by 6086efe73498 (v6.6); fixed by b25e271b3779 + 982ddd59ed97 (v6.17, stable Aug 2025)',
        }
      : HOLDS,
  check: { kind: 'monitor', create: (ctx) => invariantMonitor((w) => check(w, ctx)) },
};
