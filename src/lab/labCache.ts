// Where a flavour's lab lives in the cache (layout: kernel/lab/lib.sh) and what it offers.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
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
  const caps = JSON.parse(readFileSync(capsFile, 'utf8')) as FlavourCaps;
  return { flavour, dir, kernel, initramfs, release, caps };
}
