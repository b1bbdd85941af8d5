// Copy-on-write updates of vfio group and device state.
import type { DeviceIdx, GroupIdx } from '../ids.ts';
import type { DeviceState, GroupState } from '../state.ts';
import type { DeviceSpec, GroupSpec } from '../topology.ts';
import { replaceAt, type Tx } from './tx.ts';

export function deviceState(tx: Tx, d: DeviceIdx): DeviceState {
  const s = tx.world.devices[d];
  if (s === undefined) throw new Error(`model bug: no device ${d}`);
  return s;
}

export function setDevice(tx: Tx, d: DeviceIdx, patch: Partial<DeviceState>): void {
  tx.world = { ...tx.world, devices: replaceAt(tx.world.devices, d, { ...deviceState(tx, d), ...patch }) };
}

export function groupState(tx: Tx, g: GroupIdx): GroupState {
  const s = tx.world.groups[g];
  if (s === undefined) throw new Error(`model bug: no group ${g}`);
  return s;
}

export function setGroup(tx: Tx, g: GroupIdx, patch: Partial<GroupState>): void {
  tx.world = { ...tx.world, groups: replaceAt(tx.world.groups, g, { ...groupState(tx, g), ...patch }) };
}

export function deviceSpec(tx: Tx, d: DeviceIdx): DeviceSpec {
  const s = tx.topo.devices[d];
  if (s === undefined) throw new Error(`model bug: no device spec ${d}`);
  return s;
}

export function groupSpec(tx: Tx, g: GroupIdx): GroupSpec {
  const s = tx.topo.groups[g];
  if (s === undefined) throw new Error(`model bug: no group spec ${g}`);
  return s;
}

export const isNoiommuDevice = (tx: Tx, d: DeviceIdx): boolean =>
  groupSpec(tx, deviceSpec(tx, d).group).kind === 'noiommu';
