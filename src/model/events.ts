// Effects of a step, as data. Properties read these instead of diffing whole worlds.
import type { CtxId, DeviceIdx, FileId, GroupIdx, ObjectId } from './ids.ts';
import type { ObjectType } from './state.ts';

export type ModelEvent =
  | { readonly kind: 'ctx_created'; readonly ctx: CtxId }
  | { readonly kind: 'ctx_released'; readonly ctx: CtxId }
  | {
      readonly kind: 'object_created';
      readonly ctx: CtxId;
      readonly id: ObjectId;
      readonly type: ObjectType;
      readonly serial: number;
    }
  | {
      readonly kind: 'object_destroyed';
      readonly ctx: CtxId;
      readonly id: ObjectId;
      readonly type: ObjectType;
      readonly serial: number;
      readonly by: 'user' | 'kernel' | 'release';
    }
  /** ictx->vfio_ioas changed; `serial` identifies the IOAS object (null when cleared). */
  | {
      readonly kind: 'compat_ioas_changed';
      readonly ctx: CtxId;
      readonly id: ObjectId | null;
      readonly serial: number | null;
      readonly cause: 'SET' | 'CLEAR' | 'destroy' | 'auto_create';
    }
  | { readonly kind: 'group_iommufd_set'; readonly group: GroupIdx; readonly ctx: CtxId }
  | { readonly kind: 'group_iommufd_cleared'; readonly group: GroupIdx; readonly ctx: CtxId }
  | { readonly kind: 'device_bound'; readonly device: DeviceIdx; readonly ctx: CtxId; readonly id: ObjectId | null }
  | { readonly kind: 'device_unbound'; readonly device: DeviceIdx; readonly ctx: CtxId; readonly id: ObjectId | null }
  /** The device now translates through `ioas` (via HWPT `hwpt` for a physical device, directly for an access). */
  | {
      readonly kind: 'device_attached';
      readonly device: DeviceIdx;
      readonly ctx: CtxId;
      readonly pt: ObjectId;
      readonly ioas: ObjectId;
      readonly ioasSerial: number;
      readonly replace: boolean;
    }
  | { readonly kind: 'device_detached'; readonly device: DeviceIdx; readonly ctx: CtxId }
  | { readonly kind: 'device_opened'; readonly device: DeviceIdx; readonly openCount: number; readonly file: FileId }
  | { readonly kind: 'device_closed'; readonly device: DeviceIdx; readonly openCount: number }
  | {
      readonly kind: 'dma_mapped';
      readonly ctx: CtxId;
      readonly ioas: ObjectId;
      readonly ioasSerial: number;
      readonly iova: number;
      readonly length: number;
    }
  | { readonly kind: 'dma_unmapped'; readonly ctx: CtxId; readonly ioas: ObjectId; readonly bytes: number }
  /** A WARN_ON the real kernel would print: the model continues as the kernel does. */
  | { readonly kind: 'kernel_warn'; readonly where: string; readonly message: string }
  /** A NULL dereference or similar oops the real kernel would hit; the model records it and continues. */
  | { readonly kind: 'kernel_oops'; readonly where: string; readonly message: string };

export type EventKind = ModelEvent['kind'];
