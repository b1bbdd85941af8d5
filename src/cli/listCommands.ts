// `ioas-check properties` and `ioas-check semantics`: what can be checked, and on which profiles.
import { DEFAULT_PROFILES, KERNEL_VERSIONS, semantics, VARIANTS } from '../model/semantics.ts';
import { PROPERTIES } from '../properties/registry.ts';
import { parse } from './args.ts';
import type { Io } from './io.ts';

export function runProperties(args: readonly string[], io: Io): number {
  const { values } = parse(args, { json: { type: 'boolean' } }, false);
  const list = PROPERTIES.map((p) => ({
    code: p.code,
    title: p.title,
    kind: p.kind,
    scope: p.scope,
    claim: p.claim,
    expected: Object.fromEntries(DEFAULT_PROFILES.map((n) => [n, p.expected(semantics(n))])),
  }));
  if (values.json === true) {
    io.out(`${JSON.stringify({ properties: list }, null, 2)}\n`);
    return 0;
  }
  for (const p of list) {
    io.out(`${p.code}  [${p.kind}, ${p.scope}]\n  ${p.title}\n  claim: "${p.claim.quote}" (${p.claim.source})\n`);
    for (const [n, e] of Object.entries(p.expected))
      io.out(`  expected on ${n}: ${e.verdict}${e.verdict === 'violated' ? ` (${e.reason})` : ''}\n`);
    io.out('\n');
  }
  return 0;
}

export function runSemantics(args: readonly string[], io: Io): number {
  const { values } = parse(args, { json: { type: 'boolean' } }, false);
  const profiles = KERNEL_VERSIONS.map((v) => semantics(v));
  if (values.json === true) {
    io.out(`${JSON.stringify({ versions: profiles, variants: VARIANTS, default: DEFAULT_PROFILES }, null, 2)}\n`);
    return 0;
  }
  for (const p of profiles) {
    const flags = Object.entries(p)
      .filter(([k, v]) => typeof v === 'boolean' && v && k !== 'cachedCompatId')
      .map(([k]) => k);
    io.out(`${p.name.padEnd(8)} ${flags.join(', ')}; IOMMU_HWPT_ALLOC bad pt_id -> ${p.hwptAllocBadPtErrno}\n`);
  }
  io.out(`\ndesign variants (append to a version): ${VARIANTS.map((v) => `+${v}`).join(', ')}\n`);
  io.out(`checked by default: ${DEFAULT_PROFILES.join(', ')}\n`);
  return 0;
}
