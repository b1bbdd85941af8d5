// What the explorer keeps per state to rebuild a trace: the index of the state it was first reached from and the
// index of the action in that state's action list (6 bytes). States themselves are not kept.

/** Growth factor 1.5 rather than 2: at most a third of the log is ever unused capacity. */
const GROWTH = 1.5;

export const MAX_ACTIONS = 0xffff;

export class ParentLog {
  private parent = new Int32Array(1024);
  private action = new Uint16Array(1024);
  size = 0;

  /** Records state number `size`; the initial state is recorded with parent -1. */
  push(parent: number, action: number): void {
    if (this.size === this.parent.length) this.grow();
    this.parent[this.size] = parent;
    this.action[this.size] = action;
    this.size++;
  }

  /** The action indices leading from the initial state to state `index`, in order. */
  path(index: number): number[] {
    const out: number[] = [];
    for (let i = index; (this.parent[i] as number) >= 0; i = this.parent[i] as number)
      out.push(this.action[i] as number);
    return out.reverse();
  }

  bytes(): number {
    return this.parent.byteLength + this.action.byteLength;
  }

  private grow(): void {
    const n = Math.ceil(this.parent.length * GROWTH);
    const parent = new Int32Array(n);
    parent.set(this.parent);
    const action = new Uint16Array(n);
    action.set(this.action);
    this.parent = parent;
    this.action = action;
  }
}
