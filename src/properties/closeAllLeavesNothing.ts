import { closeAll } from '../model/closeAll.ts';
import { liveCtxs, objectsOf } from '../model/inspect.ts';
import { expecting, injected } from './expecting.ts';
import type { Property } from './Property.ts';

const L1 = {
  verdict: 'violated' as const,
  reason:
    'finding (kernel-history.md L1, confirmed in the source): UNSET_CONTAINER or closing the group fd while a device is open, then closing the device, skips the unbind; the DEVICE object, its DMA ownership and the ictx reference leak',
  citation:
    'v6.2/v6.3 group.c vfio_device_group_close() passes group->iommufd (NULL after UNSET) and vfio_device_group_unuse_iommu() WARNs on !group->container; closed by df->iommufd in "vfio: Pass struct vfio_device_file * to vfio_device_open/close()" (v6.4)',
};

export const closeAllLeavesNothing: Property = {
  code: 'close-all-leaves-nothing',
  title: 'Closing every fd leaves no iommufd context, object, binding or open device',
  claim: {
    quote: 'The compat IOAS is an ordinary object; everything is freed at iommufd release.',
    source: 'Jason Gunthorpe, https://lore.kernel.org/r/Y2k7fkxSzxTPTXkN@nvidia.com; main.c iommufd_fops_release()',
  },
  kind: 'trace property',
  scope: 'mixed',
  expected: expecting(
    (sem) => {
      if (!sem.closeUsesDfIommufd) return L1;
      if (sem.bugNoiommuOpenSkipsDfOpen) {
        return {
          verdict: 'violated',
          reason:
            'known kernel bug B11: the no-IOMMU device fd returned without vfio_df_open() decrements open_count below zero when closed',
          citation: 'introduced by 6086efe73498 (v6.6); fixed by b25e271b3779 + 982ddd59ed97 (v6.17)',
        };
      }
      return { verdict: 'holds' };
    },
    {
      'bug-emulated-unbind-skipped': injected(
        'emulated devices skip the unbind, so the ACCESS and its ictx reference leak',
        'Kevin Tian on v1 of "Connect VFIO to IOMMUFD" (kernel-history.md section 3)',
      ),
      'bug-attached-at-bind': injected(
        'iommufd_attached is set at bind, so a device whose attach failed is torn down as if attached',
        'Yi Liu, https://lore.kernel.org/r/Y3JVHh8RY4XGb+Ss@nvidia.com',
      ),
      'bug-compat-not-stored': injected(
        'create_compat_ioas() never stores vfio_ioas, so SET_CONTAINER leaves no compat IOAS',
        'early RFC vfio_compat.c, nicolinc/iommufd @00d74b2f',
      ),
    },
  ),
  check: {
    kind: 'monitor',
    create: (ctx) => ({
      step: () => null,
      end(world) {
        const w = closeAll(world, ctx.sem, ctx.topo).world;
        for (const [c, ictx] of liveCtxs(w)) {
          const objs = [...objectsOf(ictx)].map(([id, o]) => `${o.type} ${id}`);
          return `after closing every fd, ctx ${c} is still alive (${ictx.kernelRefs} kernel refs; ${objs.join(', ') || 'no objects'})`;
        }
        for (let d = 0; d < w.devices.length; d++) {
          const st = w.devices[d];
          if (st !== undefined && (st.openCount !== 0 || st.binding !== null)) {
            return `after closing every fd, ${ctx.topo.devices[d]?.name} has open_count ${st.openCount}, bound=${st.binding !== null}`;
          }
        }
        return null;
      },
    }),
  },
};
