import type { ActionOf } from '../actions.ts';
import { preV64Selftest, replaceMockDevice } from '../kernel/mock.ts';
import { ctxOf, getObj } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/**
 * IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE (v6.5+; an unknown op, EOPNOTSUPP, before): selftest.c
 * iommufd_test_mock_domain_replace(): stdev_id not a SELFTEST object -> ENOENT, then iommufd_device_replace()
 * (kernel/mock.ts). Out: pt_id, the HWPT the device is now attached to.
 */
export function iommuTestMockDomainReplace(tx: Tx, a: ActionOf<'IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  if (preV64Selftest(tx)) return err('EOPNOTSUPP');
  const c = t.file.ctx;
  const sobj = getObj(ctxOf(tx, c), a.stdev_id);
  if (sobj?.type !== 'SELFTEST') return err('ENOENT');
  if (sobj.mock.kind !== 'idev') return err('EINVAL');
  const r = replaceMockDevice(tx, c, sobj.mock.id, a.pt_id);
  return r.ok ? ok(0, { pt_id: r.value }) : err(r.errno);
}
