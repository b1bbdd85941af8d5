// Every property, in the order the verdict table lists them.
import { attachmentsLive } from './attachmentsLive.ts';
import { attachTargetWasCompat } from './attachTargetWasCompat.ts';
import { autoHwptLifetime } from './autoHwptLifetime.ts';
import { cdevIgnoresVfioIoas } from './cdevIgnoresVfioIoas.ts';
import { checkExtensionConsistent } from './checkExtensionConsistent.ts';
import { closeAllLeavesNothing } from './closeAllLeavesNothing.ts';
import { compatMatchesType1 } from './compatMatchesType1.ts';
import { failedIoctlLeavesNoTrace } from './failedIoctlLeavesNoTrace.ts';
import { failedOpenLeavesNoTrace } from './failedOpenLeavesNoTrace.ts';
import { groupOneDomain } from './groupOneDomain.ts';
import { kernelDestroySucceeds } from './kernelDestroySucceeds.ts';
import { legacyCompatIoasStable } from './legacyCompatIoasStable.ts';
import { noDeadlock } from './noDeadlock.ts';
import { noKernelWarn } from './noKernelWarn.ts';
import { nonInterference } from './nonInterference.ts';
import { noUnfinalizedRef } from './noUnfinalizedRef.ts';
import { noUseAfterFree } from './noUseAfterFree.ts';
import { openAtomicity } from './openAtomicity.ts';
import { openCountBalance } from './openCountBalance.ts';
import type { Property } from './Property.ts';
import { qemuShapedCompatMatchesType1 } from './qemuShapedCompatMatchesType1.ts';
import { refcountsMatchHolders } from './refcountsMatchHolders.ts';
import { setAffectsNextOpen } from './setAffectsNextOpen.ts';
import { uapiCommentCompatIoasFixed } from './uapiCommentCompatIoasFixed.ts';
import { vfioIoasIsLiveIoas } from './vfioIoasIsLiveIoas.ts';

export const PROPERTIES: readonly Property[] = [
  legacyCompatIoasStable,
  nonInterference,
  setAffectsNextOpen,
  failedOpenLeavesNoTrace,
  failedIoctlLeavesNoTrace,
  cdevIgnoresVfioIoas,
  attachTargetWasCompat,
  uapiCommentCompatIoasFixed,
  refcountsMatchHolders,
  vfioIoasIsLiveIoas,
  attachmentsLive,
  groupOneDomain,
  autoHwptLifetime,
  closeAllLeavesNothing,
  noKernelWarn,
  openCountBalance,
  checkExtensionConsistent,
  compatMatchesType1,
  qemuShapedCompatMatchesType1,
  openAtomicity,
  noUseAfterFree,
  noUnfinalizedRef,
  kernelDestroySucceeds,
  noDeadlock,
];

export const propertyByCode = (code: string): Property | undefined => PROPERTIES.find((p) => p.code === code);
