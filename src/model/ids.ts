// Branded ids: the only module that turns a plain number into one, so an object id can never be
// passed where an fd or a device index is expected.

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** An iommufd object id as userspace sees it (`ioas_id`, `pt_id`, `dev_id`, `id`). 0 is never allocated. */
export type ObjectId = Brand<number, 'ObjectId'>;
/** Index of an iommufd context (`struct iommufd_ctx`) in the world; one per open of /dev/iommu or /dev/vfio/vfio. */
export type CtxId = Brand<number, 'CtxId'>;
/** Index of an open file description (`struct file`) in the world. */
export type FileId = Brand<number, 'FileId'>;
/** A file descriptor number in one actor's fd table. */
export type Fd = Brand<number, 'Fd'>;
/** Index of an actor (a process) in the run's actor list. */
export type ActorId = Brand<number, 'ActorId'>;
/** Index of an iommu group in the topology. */
export type GroupIdx = Brand<number, 'GroupIdx'>;
/** Index of a vfio device in the topology. */
export type DeviceIdx = Brand<number, 'DeviceIdx'>;

export const objectId = (n: number): ObjectId => n as ObjectId;
export const ctxId = (n: number): CtxId => n as CtxId;
export const fileId = (n: number): FileId => n as FileId;
export const fd = (n: number): Fd => n as Fd;
export const actorId = (n: number): ActorId => n as ActorId;
export const groupIdx = (n: number): GroupIdx => n as GroupIdx;
export const deviceIdx = (n: number): DeviceIdx => n as DeviceIdx;
