// Profile names: canonical order of suffixes, clear errors for unknown parts.
import { describe, expect, it } from 'vitest';
import { parseSemantics } from '../../src/model/semantics.ts';

describe('parseSemantics', () => {
  it('canonicalises suffix order and duplicates', () => {
    const r = parseSemantics('v6.6+uapi-comment+cached-compat-id+uapi-comment');
    expect(r.kind === 'ok' && r.semantics.name).toBe('v6.6+cached-compat-id+uapi-comment');
    expect(r.kind === 'ok' && r.semantics.cachedCompatId && r.semantics.uapiComment).toBe(true);
  });

  it('names the bad part', () => {
    expect(parseSemantics('v5.0')).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/unknown semantics profile 'v5.0'/),
    });
    expect(parseSemantics('latest+bug-nope')).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/unknown design variant '\+bug-nope'/),
    });
  });

  it('keeps the version flags of its base', () => {
    const a = parseSemantics('v6.2+ioas-set-busy');
    expect(a.kind === 'ok' && a.semantics.compatCreateAtOpen && a.semantics.ioasSetBusy).toBe(true);
  });
});
