// A resident lab guest: booted once, then batch after batch over the guest's second serial port (a QEMU pipe
// chardev: two FIFOs), so that a batch costs its steps and not a boot (a shrink round, a race, a fuzz batch).
// Synchronous on purpose, like the rest of the lab's host side: the FIFOs are non-blocking and polled, every
// wait is bounded, and a guest that dies or hangs is data for the caller (a GuestRun with the console's tail),
// never an exception.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabInstall } from './labCache.ts';
import type { LabBoot } from './labTypes.ts';
import { type GuestRun, qemuArgs, runGuest } from './qemu.ts';
import type { GuestRunner } from './replayOnKernel.ts';

/** Bytes of batch in flight to the guest: under its tty's 4 KiB line buffer plus the 64 KiB flip buffers. */
const WINDOW = 16 * 1024;

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleepMs = (ms: number): void => {
  Atomics.wait(sleeper, 0, 0, ms);
};

/** The guest is alive while QEMU's process is neither gone nor a zombie (nothing reaps it while we poll). */
function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** What the executor printed before the first batch (its hello and topology lines, the init's messages):
 * prefixed to every batch's output, so that each parses on its own. */
const preamble = (text: string): string =>
  text
    .split('\n')
    .filter((l) => /"t":"(hello|topo|init)"/.test(l))
    .map((l) => `${l}\n`)
    .join('');

export class ResidentGuest {
  private readonly dir: string;
  private readonly proc: ChildProcess;
  private readonly inFd: number;
  private readonly outFd: number;
  private readonly console: string;
  private consoleSeen = 0;
  private pending = '';
  private head = '';
  dead = false;
  readonly bootMs: number;

  private constructor(
    readonly lab: LabInstall,
    readonly boot: LabBoot,
    readonly smp: number,
    bootTimeoutMs: number,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'ioas-lab-resident-'));
    const chan = join(this.dir, 'chan');
    for (const f of [`${chan}.in`, `${chan}.out`]) {
      if (!mkfifo(f)) throw new Error(`cannot create the FIFO ${f} (mkfifo)`);
    }
    this.console = join(this.dir, 'console.log');
    writeFileSync(this.console, '');
    // O_RDWR: neither open waits for QEMU; O_NONBLOCK: every read and write is polled against a deadline.
    this.inFd = openSync(`${chan}.in`, constants.O_RDWR | constants.O_NONBLOCK);
    this.outFd = openSync(`${chan}.out`, constants.O_RDWR | constants.O_NONBLOCK);
    const args = qemuArgs(lab, boot, smp, lab.initramfs, `file:${this.console}`, `pipe:${chan}`, 'ioas_lab_resident=1');
    const err = openSync(join(this.dir, 'qemu.err'), 'w');
    this.proc = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', err] });
    closeSync(err);
    const t0 = Date.now();
    const first = this.exchange(null, bootTimeoutMs);
    this.bootMs = Date.now() - t0;
    if (first.timedOut || this.dead || !first.output.includes('"t":"ready"')) {
      const qerr = existsSync(join(this.dir, 'qemu.err')) ? readFileSync(join(this.dir, 'qemu.err'), 'utf8') : '';
      this.stop();
      const tail = `${qerr}\n${first.console}`
        .split('\n')
        .filter((l) => l.trim() !== '')
        .slice(-5)
        .join(' | ');
      throw new Error(
        `the ${lab.flavour} guest (${boot} boot, resident) ${first.timedOut ? 'did not come up within its bound' : 'stopped before serving batches'}: ${tail}`,
      );
    }
    this.head = preamble(first.output);
  }

  static start(lab: LabInstall, boot: LabBoot, smp = 1, bootTimeoutMs = 120_000): ResidentGuest {
    return new ResidentGuest(lab, boot, smp, bootTimeoutMs);
  }

  /** Runs one batch (the executor's input lines) and returns what the guest printed for it. */
  run(batch: string, timeoutMs: number): GuestRun {
    if (this.dead) throw new Error('the resident guest is gone');
    const r = this.exchange(batch, timeoutMs);
    return { ...r, output: this.head + r.output };
  }

  /** Sends `batch` + `D` and reads until the executor's `done` line (null: sends nothing and reads until its
   * `ready` line, at boot), the guest's death, or the deadline. */
  private exchange(batch: string | null, timeoutMs: number): GuestRun {
    const t0 = Date.now();
    const deadline = t0 + timeoutMs;
    // Flow control (the serial line has none, and the guest kernel drops what its tty buffers cannot hold): the
    // batch goes in units (a sequence or a race block, each ended by E; then D), at most WINDOW bytes in flight,
    // the next unit sent when the executor acks one.
    const units =
      batch === null ? [] : [...(batch.match(/[\s\S]*?^E\n/gm) ?? []), 'D\n'].map((u) => Buffer.from(u, 'utf8'));
    const sentLen: number[] = [];
    let next = 0;
    let inFlight = 0;
    let toSend: Buffer = Buffer.alloc(0);
    const end = batch === null ? /\{"t":"ready"\}\n/ : /\{"t":"done"[^\n]*\n/;
    const chunks: string[] = [];
    const buf = Buffer.alloc(1 << 16);
    let timedOut = false;
    let idle = 0;
    for (;;) {
      let progressed = false;
      while (
        toSend.length === 0 &&
        next < units.length &&
        (inFlight === 0 || inFlight + (units[next] as Buffer).length <= WINDOW)
      ) {
        const u = units[next++] as Buffer;
        toSend = u;
        inFlight += u.length;
        sentLen.push(u.length);
      }
      if (toSend.length > 0) {
        try {
          const n = writeSync(this.inFd, toSend);
          toSend = toSend.subarray(n);
          progressed = n > 0;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        }
      }
      let n = 0;
      try {
        n = readSync(this.outFd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      }
      if (n > 0) {
        progressed = true;
        this.pending += buf.toString('utf8', 0, n);
        const cut = this.pending.lastIndexOf('\n');
        if (cut >= 0) {
          const lines = this.pending.slice(0, cut + 1);
          this.pending = this.pending.slice(cut + 1);
          chunks.push(lines);
          for (const _ of lines.matchAll(/\{"t":"ack"\}\n/g)) inFlight -= sentLen.shift() ?? 0;
          if (end.test(lines)) break;
        }
      }
      if (progressed) {
        idle = 0;
        continue;
      }
      if (!alive(this.proc.pid)) {
        this.dead = true;
        break;
      }
      if (Date.now() > deadline) {
        timedOut = true;
        this.stop();
        break;
      }
      // Poll: 0.2 ms while output flows, backing off to 5 ms while the guest computes.
      sleepMs(idle < 20 ? 0.2 : 5);
      idle++;
    }
    const output = chunks.join('') + (this.dead ? this.pending : '');
    return { output, console: this.consoleSince(), timedOut, elapsedMs: Date.now() - t0 };
  }

  private consoleSince(): string {
    try {
      const all = readFileSync(this.console, 'utf8');
      const s = all.slice(this.consoleSeen);
      this.consoleSeen = all.length;
      return s;
    } catch {
      return '';
    }
  }

  stop(): void {
    if (!this.dead) {
      try {
        writeSync(this.inFd, 'Q\n');
      } catch {
        // the guest may already be gone
      }
    }
    this.dead = true;
    this.proc.kill('SIGKILL');
    for (const fd of [this.inFd, this.outFd])
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Node has no mkfifo(3); coreutils' mkfifo is on every machine the lab runs on. */
const mkfifo = (path: string): boolean => spawnSync('mkfifo', ['-m', '600', path]).status === 0;

/** Above this, a batch goes in an initramfs with a boot of its own: the serial line carries about 40 KB/s of
 * input under TCG, so a 3 MB fuzz batch is faster booted (4 s) than sent; shrink rounds and race blocks are far
 * smaller. */
const RESIDENT_MAX_BATCH = 256 * 1024;

/** A GuestRunner that keeps one resident guest per (boot, smp) alive across calls, starting another when one
 * died (a crash is the caller's finding; the next batch gets a fresh guest). Batches with extra files (the C
 * reproducers) or too big for the serial line boot a guest of their own. `close()` stops every guest. */
export function residentRunner(): GuestRunner & { close(): void; bootCount(): number } {
  const guests = new Map<string, ResidentGuest>();
  let started = 0;
  const stopAll = (): void => {
    for (const g of guests.values()) g.stop();
    guests.clear();
  };
  process.once('exit', stopAll);
  const runner = (
    lab: LabInstall,
    boot: LabBoot,
    batch: string,
    timeoutMs: number,
    smp = 1,
    extra: Readonly<Record<string, string | Buffer>> = {},
  ): GuestRun => {
    if (Object.keys(extra).length > 0 || batch.length > RESIDENT_MAX_BATCH) {
      started++;
      return runGuest(lab, boot, batch, timeoutMs, smp, extra);
    }
    const key = `${lab.dir}/${boot}/${smp}`;
    let g = guests.get(key);
    let bootMs = 0;
    if (g === undefined || g.dead) {
      g = ResidentGuest.start(lab, boot, smp);
      guests.set(key, g);
      started++;
      bootMs = g.bootMs;
    }
    const r = g.run(batch, timeoutMs);
    if (g.dead) guests.delete(key);
    return { ...r, elapsedMs: r.elapsedMs + bootMs };
  };
  return Object.assign(runner, {
    close: () => {
      stopAll();
      process.removeListener('exit', stopAll);
    },
    bootCount: () => started,
  });
}
