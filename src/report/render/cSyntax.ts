// C source fragments: literals that fit the member they go into, strings and comments that cannot break out.
import type { CWidth } from './cUapi.ts';

const MAX: Readonly<Record<CWidth, number>> = { u16: 0xffff, u32: 0xffffffff, u64: 2 ** 64 };

/**
 * An unsigned literal for a member of `width`, or null when the model's value does not fit (the kernel would
 * see a truncated value). The model writes U64_MAX as 2^64 (the nearest JS number, kernel/iopt.ts).
 */
export function cUnsigned(n: number, width: CWidth, hex = false): string | null {
  if (!Number.isInteger(n) || n < 0 || n > MAX[width]) return null;
  if (n === 2 ** 64) return 'UINT64_MAX';
  const digits = hex ? `0x${BigInt(n).toString(16)}` : BigInt(n).toString();
  return n > 0xffffffff ? `${digits}ULL` : digits;
}

/**
 * A C string literal: UTF-8 bytes, anything outside printable ASCII as a 3-digit octal escape (which cannot run
 * on into the next character), and `?` escaped so that no `??x` trigraph warning can fire under -Wall.
 */
export function cString(s: string): string {
  let body = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (c === '\\' || c === '"' || c === '?') body += `\\${c}`;
    else if (b >= 0x20 && b < 0x7f) body += c;
    else body += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return `"${body}"`;
}

/** Text for a `/* … *\/` comment: a `*\/` inside it would end the comment early. */
export const cCommentText = (s: string): string => s.replace(/\*\//g, '* /').replace(/\r?\n/g, ' ');

/** A C identifier made from a name: anything else becomes `_`. */
export function cIdent(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(id) ? id : `_${id}`;
}
