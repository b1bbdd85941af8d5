// Where a flavour's lab lives in the cache (layout: kernel/lab/lib.sh) and what it offers.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Flavour, FlavourCaps } from './labTypes.ts';

export const defaultCache = (): string => process.env['IOAS_LAB_CACHE'] ?? join(homedir(), '.cache', 'ioas-check');

export interface LabInstall {
  readonly flavour: Flavour;
  readonly dir: string;
  readonly kernel: string;
  readonly initramfs: string;
  readonly release: string;
  readonly caps: FlavourCaps;
}

/** The lab of `flavour` in `cache`, or what is missing (a one-line reason naming the setup command). */
export function findLab(cache: string, flavour: Flavour): LabInstall | { readonly missing: string } {
  const dir = join(cache, flavour);
  const capsFile = join(dir, 'caps.json');
  const initramfs = join(dir, 'initramfs.cpio.gz');
  const releaseFile = join(dir, 'release');
  for (const f of [capsFile, initramfs, releaseFile])
    if (!existsSync(f))
      return {
        missing: `the ${flavour} lab is not set up in ${cache} (run: ioas-check kernel setup --flavour ${flavour})`,
      };
  const release = readFileSync(releaseFile, 'utf8').trim();
  const kernel = flavour === 'debian' ? join(dir, 'root', 'boot', `vmlinuz-${release}`) : join(dir, 'bzImage');
  if (!existsSync(kernel)) return { missing: `the ${flavour} lab has no kernel image at ${kernel} (run setup again)` };
  const stamp = join(dir, 'guest.stamp');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== guestStamp())
    return {
      missing: `the ${flavour} lab in ${cache} was built from other guest files than this checkout's (run: ioas-check kernel setup --flavour ${flavour})`,
    };
  const caps = JSON.parse(readFileSync(capsFile, 'utf8')) as FlavourCaps;
  return { flavour, dir, kernel, initramfs, release, caps };
}

const KERNEL_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'kernel');

/** The guest files a lab is built from, in kernel/lab/lib.sh's guest_stamp order. */
export const GUEST_FILES = ['exec/ioas-exec.c', 'guest/init', 'lab/delay/ioas_lab_delay.c'].map((f) =>
  join(KERNEL_DIR, f),
);

/** The hash initramfs.sh records (`cat FILES | sha256sum | cut -c1-16`). */
export function guestStamp(): string {
  const h = createHash('sha256');
  for (const f of GUEST_FILES) h.update(readFileSync(f));
  return h.digest('hex').slice(0, 16);
}
