// The per-run part of the guest's initramfs: a gzip'd newc cpio holding /lab/batch, appended to the flavour's
// base initramfs (the kernel unpacks concatenated archives in order).
import { gzipSync } from 'node:zlib';

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
const pad4 = (n: number): number => (4 - (n % 4)) % 4;

function entry(name: string, mode: number, data: Buffer, ino: number): Buffer {
  const nameBuf = Buffer.from(`${name}\0`, 'utf8');
  const fields = [ino, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBuf.length, 0];
  const header = Buffer.from(`070701${fields.map(hex8).join('')}`, 'ascii');
  const headLen = header.length + nameBuf.length;
  return Buffer.concat([header, nameBuf, Buffer.alloc(pad4(headLen)), data, Buffer.alloc(pad4(data.length))]);
}

/** A gzip'd newc archive with the given files (directories: `lab/` and each file's own; `*.bin` are
 * executable). */
export function cpioGz(files: Readonly<Record<string, string | Buffer>>): Buffer {
  const parts: Buffer[] = [entry('lab', 0o40755, Buffer.alloc(0), 1)];
  let ino = 2;
  const dirs = new Set(['lab']);
  for (const [name, content] of Object.entries(files)) {
    const dir = name.slice(0, name.lastIndexOf('/'));
    if (dir !== '' && !dirs.has(dir)) {
      dirs.add(dir);
      parts.push(entry(dir, 0o40755, Buffer.alloc(0), ino++));
    }
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    parts.push(entry(name, name.endsWith('.bin') ? 0o100755 : 0o100644, data, ino++));
  }
  parts.push(entry('TRAILER!!!', 0, Buffer.alloc(0), 0));
  return gzipSync(Buffer.concat(parts), { level: 1 });
}
