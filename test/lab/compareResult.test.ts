import { describe, expect, it } from 'vitest';
import { compareResult, formatKernelResult } from '../../src/lab/compareResult.ts';
import { err, ok, unmodelled } from '../../src/model/result.ts';

const k = (ret: number, errno: number, out: Record<string, string> = {}) => ({ ret, errno, out });

describe('compareResult', () => {
  it('agrees on the same value, errno and out fields', () => {
    expect(compareResult(ok(0, { out_ioas_id: 1 }), k(0, 0, { out_ioas_id: '1' }), false, [])).toBe('agree');
    expect(compareResult(err('EBUSY'), k(-1, 16), false, [])).toBe('agree');
    expect(compareResult(err('ENOENT', { size: 0 }), k(-1, 2, { size: '0' }), false, [])).toBe('agree');
  });
  it('disagrees on a different errno, success vs failure, a value or an out field', () => {
    expect(compareResult(err('EBUSY'), k(-1, 22), false, [])).toBe('disagree');
    expect(compareResult(ok(0), k(-1, 2), false, [])).toBe('disagree');
    expect(compareResult(err('ENOENT'), k(0, 0), false, [])).toBe('disagree');
    expect(compareResult(ok(1), k(0, 0), false, [])).toBe('disagree');
    expect(compareResult(ok(0, { out_ioas_id: 2 }), k(0, 0, { out_ioas_id: '3' }), false, [])).toBe('disagree');
    expect(compareResult(ok(0, { out_ioas_id: 2 }), k(0, 0, {}), false, [])).toBe('disagree');
  });
  it('takes any fd for an fd-returning op and ignores fd-valued out fields', () => {
    expect(compareResult(ok(3), k(6, 0), true, [])).toBe('agree');
    expect(compareResult(ok(0, { access_fd: 4 }), k(0, 0, { access_fd: '9' }), false, ['access_fd'])).toBe('agree');
  });
  it('compares u64 out fields as the model holds them', () => {
    expect(compareResult(ok(0, { length: 2 ** 64 }), k(0, 0, { length: '18446744073709551615' }), false, [])).toBe(
      'agree',
    );
  });
  it('never calls a step the model does not cover an agreement', () => {
    expect(compareResult(unmodelled('x'), k(0, 0), false, [])).toBe('unmodelled');
  });
  it("writes the kernel's side like the model's", () => {
    expect(formatKernelResult(k(-1, 16), err('EBUSY'), false)).toBe('EBUSY');
    expect(formatKernelResult(k(0, 0, { out_ioas_id: '1', x: '2' }), ok(0, { out_ioas_id: 1 }), false)).toBe(
      '0 {out_ioas_id: 1}',
    );
    expect(formatKernelResult(k(7, 0), ok(3), true)).toBe('fd 7');
    expect(formatKernelResult(k(-1, 4242), null, false)).toBe('errno 4242');
  });
});
