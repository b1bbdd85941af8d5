// A step's working copy of a LegacyWorld: arrays are copied once on entry and replaced slot by slot, so the
// input world is never touched and the output is a fresh world (the legacy model is small; clarity first).
import type { ActorId, Fd, FileId } from '../ids.ts';
import { fileId, fd as mkFd } from '../ids.ts';
import { FIRST_FD } from '../state.ts';
import type { LegacyContainer, LegacyFile, LegacyGroup, LegacyWorld } from './state.ts';

export class Draft {
  containers: (LegacyContainer | undefined)[];
  files: (LegacyFile | undefined)[];
  fdTables: (FileId | undefined)[][];
  groups: LegacyGroup[];
  openCounts: number[];

  constructor(w: LegacyWorld) {
    this.containers = [...w.containers];
    this.files = [...w.files];
    this.fdTables = w.fdTables.map((t) => [...t]);
    this.groups = [...w.groups];
    this.openCounts = [...w.openCounts];
  }

  done(): LegacyWorld {
    const trim = <T>(a: (T | undefined)[]) => {
      let n = a.length;
      while (n > 0 && a[n - 1] === undefined) n--;
      return a.slice(0, n);
    };
    return {
      containers: trim(this.containers),
      files: trim(this.files),
      fdTables: this.fdTables.map(trim),
      groups: this.groups,
      openCounts: this.openCounts,
    };
  }

  lookup(actor: ActorId, f: Fd): { readonly id: FileId; readonly file: LegacyFile } | undefined {
    const id = this.fdTables[actor]?.[f];
    const file = id === undefined ? undefined : this.files[id];
    return id === undefined || file === undefined ? undefined : { id, file };
  }

  newFile(f: LegacyFile): FileId {
    let i = 0;
    while (i < this.files.length && this.files[i] !== undefined) i++;
    this.files[i] = f;
    return fileId(i);
  }

  install(actor: ActorId, id: FileId): Fd {
    const table = this.fdTables[actor];
    if (table === undefined) throw new Error(`model bug: no actor ${actor}`);
    let n = FIRST_FD;
    while (n < table.length && table[n] !== undefined) n++;
    table[n] = id;
    const f = this.files[id];
    if (f === undefined) throw new Error('model bug: installing a closed file');
    this.files[id] = { ...f, fds: f.fds + 1 };
    return mkFd(n);
  }

  container(i: number): LegacyContainer {
    const c = this.containers[i];
    if (c === undefined) throw new Error(`model bug: container ${i} is gone`);
    return c;
  }

  group(g: number): LegacyGroup {
    const s = this.groups[g];
    if (s === undefined) throw new Error(`model bug: no group ${g}`);
    return s;
  }
}
