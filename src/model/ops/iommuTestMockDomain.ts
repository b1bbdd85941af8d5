import type { ActionOf } from '../actions.ts';
import { createMockDevice, preV64Selftest } from '../kernel/mock.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/**
 * IOMMU_TEST_OP_MOCK_DOMAIN: selftest.c iommufd_test_mock_domain() (see kernel/mock.ts). Out: stdev_id and
 * hwpt_id, plus idev_id from v6.4 (v6.2/v6.3 report the selftest object as mock_domain.device_id, named
 * stdev_id here, and have no DEVICE).
 */
export function iommuTestMockDomain(tx: Tx, a: ActionOf<'IOMMU_TEST_OP_MOCK_DOMAIN'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  const r = createMockDevice(tx, t.file.ctx, a.pt_id);
  if (!r.ok) return err(r.errno);
  const { stdev, idev, hwpt } = r.value;
  if (preV64Selftest(tx) || idev === null) return ok(0, { stdev_id: stdev, hwpt_id: hwpt });
  return ok(0, { stdev_id: stdev, hwpt_id: hwpt, idev_id: idev });
}
