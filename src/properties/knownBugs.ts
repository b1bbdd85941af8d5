// The kernel bugs (and findings) the model reproduces in the profiles where they existed, with the general
// property that finds each. The report's bug table is built from this list and a check run's results.

export interface KnownBug {
  readonly id: string;
  readonly title: string;
  readonly fix: string;
  /** Profiles whose default search must find it. */
  readonly profiles: readonly string[];
  /** The general property that catches it. */
  readonly property: string;
}

export const KNOWN_BUGS: readonly KnownBug[] = [
  {
    id: 'B1',
    title: 'VFIO_GROUP_SET_CONTAINER error path puts the NULL group->iommufd and leaks the new ictx reference',
    fix: 'd649c34cb916 (v6.3, stable 6.2.3)',
    profiles: ['v6.2'],
    property: 'refcounts-match-holders',
  },
  {
    id: 'B11',
    title: 'no-IOMMU device fd returned without vfio_df_open(); close WARNs and underflows open_count',
    fix: 'b25e271b3779 + 982ddd59ed97 (v6.17; stable Aug 2025)',
    profiles: ['v6.6'],
    property: 'open-count-balance',
  },
  {
    id: 'B12',
    title: 'compat VFIO_IOMMU_UNMAP_DMA of an empty range returns ENOENT where type1 returns 0, size 0',
    fix: 'afb47765f923 (Nov 2025; stable 6.12/6.17)',
    profiles: ['v6.2', 'v6.3', 'v6.6'],
    property: 'qemu-shaped-compat-matches-type1',
  },
  {
    id: 'B13',
    title: 'VFIO_CHECK_EXTENSION(TYPE1*) returns 1 in no-IOMMU mode while VFIO_SET_IOMMU of that type fails',
    fix: '7147ec874ea0 (Feb 2026; stable back to 6.6)',
    profiles: ['v6.3', 'v6.6'],
    property: 'check-extension-consistent',
  },
  {
    id: 'B4',
    title:
      'a new auto HWPT is put on ioas->hwpt_list and the mutex dropped before iommufd_object_finalize(); a concurrent open attaches to it',
    fix: '31422dff187b (v6.6-rc1)',
    profiles: ['v6.2', 'v6.3'],
    property: 'no-unfinalized-ref',
  },
  {
    id: 'B6',
    title:
      'iommufd_put_object() touches destroy_rwsem after dropping users; a racing IOMMU_DESTROY frees the object in between (UAF)',
    fix: '6f9c4d8c468c + bd7a282650b8 (v6.7-rc4); syzbot d31adfb277377ef8fcba',
    profiles: ['v6.6'],
    property: 'no-use-after-free',
  },
  {
    id: 'L1',
    title:
      'UNSET_CONTAINER (or closing the group fd) with a device open, then closing the device, skips the unbind (leak)',
    fix: 'none named; closed in effect by recording df->iommufd at open (v6.4)',
    profiles: ['v6.2', 'v6.3'],
    property: 'close-all-leaves-nothing',
  },
  {
    id: 'F1',
    title: 'a failed first open on v6.2 leaves behind the compat IOAS it re-created (finding)',
    fix: 'none needed after v6.3: the first open no longer creates (c9a397cee9f5)',
    profiles: ['v6.2'],
    property: 'failed-open-leaves-no-trace',
  },
];
