import { describe, it, expect } from 'vitest';
import { redactUrl } from './redact.js';

const u = (s: string) => new URL(s, 'https://edge.example');
const TOKEN = 'ghee_read_0123456789ABCDEFGHIJabcdefghij_abc123';

describe('redactUrl', () => {
  it('hides auth_token values', () => {
    const out = redactUrl(u(`/v2/pages/?auth_token=${TOKEN}&locale=en`));
    expect(out).not.toContain(TOKEN);
    expect(out).toContain('auth_token=%5BREDACTED%5D');
    expect(out).toContain('locale=en');
    expect(out.startsWith('/v2/pages/?')).toBe(true);
  });

  it('hides password, token, key, secret and code values', () => {
    const out = redactUrl(u('/login?password=hunter2&token=t0k3n&key=k3y&secret=s3cr3t&code=c0d3&user=alice'));
    for (const v of ['hunter2', 't0k3n', 'k3y', 's3cr3t', 'c0d3']) expect(out).not.toContain(v);
    expect(out).toContain('user=alice');
  });

  it('hides secret values whatever the case of the parameter name', () => {
    const out = redactUrl(u('/x?Auth_Token=abc123secret&PASSWORD=hunter2'));
    expect(out).not.toContain('abc123secret');
    expect(out).not.toContain('hunter2');
  });

  it('hides every repeated secret value', () => {
    const out = redactUrl(u('/x?auth_token=first-secret&auth_token=second-secret'));
    expect(out).not.toContain('first-secret');
    expect(out).not.toContain('second-secret');
  });

  it('hides percent-encoded parameter names', () => {
    const out = redactUrl(u('/x?auth%5Ftoken=encoded-secret'));
    expect(out).not.toContain('encoded-secret');
  });

  it('returns just the path when there is no query', () => {
    expect(redactUrl(u('/v2/pages/'))).toBe('/v2/pages/');
    expect(redactUrl(u('/v2/pages/?'))).toBe('/v2/pages/');
  });

  it('never includes the origin or fragment', () => {
    const out = redactUrl(new URL('https://user:pw@edge.example/v2/?a=1#frag'));
    expect(out).toBe('/v2/?a=1');
  });
});
