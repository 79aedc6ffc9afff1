import { describe, expect, it } from 'vitest';
import { checkOutboundTarget, parseAddress, isAllowedAddress, type HostLookup } from './ssrf.js';

/** A fake resolver: names → addresses; anything else fails like NXDOMAIN. */
function dns(table: Record<string, string[]>): HostLookup & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (host: string) => {
    calls.push(host);
    const answer = table[host];
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return answer;
  };
  return Object.assign(fn, { calls });
}

const lookup = dns({
  'hooks.example.com': ['93.184.215.14'],
  'v6.example.com': ['2606:4700:4700::1111'],
  'dual.example.com': ['93.184.215.14', '2606:4700:4700::1111'],
  'mixed.example.com': ['93.184.215.14', '10.0.0.7'],
  'mixed6.example.com': ['2606:4700:4700::1111', 'fd00::1'],
  'internal.example.com': ['192.168.1.10'],
  'metadata.example.com': ['169.254.169.254'],
  'mapped.example.com': ['::ffff:10.1.2.3'],
  'loop.example.com': ['127.0.0.1'],
  'loop6.example.com': ['::1'],
  'looppublic.example.com': ['127.0.0.1', '93.184.215.14'],
  'cgnat.example.com': ['100.64.1.1'],
  'empty.example.com': [],
  'garbage.example.com': ['not-an-ip'],
  'localhost': ['127.0.0.1', '::1'],
});

async function verdict(url: string, allowLoopback = false): Promise<string> {
  const r = await checkOutboundTarget(url, { allowLoopback, lookup });
  return r.ok ? 'ok' : r.reason;
}

describe('checkOutboundTarget: allowed', () => {
  it.each([
    'https://hooks.example.com/buttercms',
    'https://hooks.example.com:8443/path?x=1',
    'https://v6.example.com/',
    'https://dual.example.com/',
    'https://93.184.215.14/hook',
    'https://[2606:4700:4700::1111]/hook',
    'https://HOOKS.example.com/',
  ])('%s', async (url) => {
    expect(await verdict(url)).toBe('ok');
  });

  it('returns the parsed URL and every vetted address', async () => {
    const r = await checkOutboundTarget('https://dual.example.com:8443/x', { allowLoopback: false, lookup });
    expect(r).toMatchObject({ ok: true, addresses: ['93.184.215.14', '2606:4700:4700::1111'] });
    if (r.ok) expect(r.url.port).toBe('8443');
  });
});

describe('checkOutboundTarget: refused', () => {
  it.each([
    // scheme, credentials, shape
    ['http://hooks.example.com/', /https/],
    ['ftp://hooks.example.com/', /https/],
    ['file:///etc/passwd', /https/],
    ['gopher://hooks.example.com/', /https/],
    ['javascript:alert(1)', /https/],
    ['https://user:pass@hooks.example.com/', /credentials/],
    ['https://user@hooks.example.com/', /credentials/],
    ['not a url', /valid/],
    ['/relative/path', /valid/],
    ['', /required/],
    [`https://hooks.example.com/${'a'.repeat(3000)}`, /longer/],
    ['https://hooks.example.com:0/', /port/],
    // private, loopback, link-local, special
    ['https://10.0.0.1/', /private/],
    ['https://10.255.255.255/', /private/],
    ['https://172.16.0.1/', /private/],
    ['https://172.31.255.254/', /private/],
    ['https://192.168.0.1/', /private/],
    ['https://127.0.0.1/', /loopback/],
    ['https://127.8.9.10/', /loopback/],
    ['https://169.254.169.254/latest/meta-data/', /link-local/],
    ['https://169.254.1.1/', /link-local/],
    ['https://0.0.0.0/', /unspecified/],
    ['https://255.255.255.255/', /broadcast/],
    ['https://224.0.0.1/', /multicast/],
    ['https://100.64.0.1/', /carrier-grade/],
    ['https://100.127.255.255/', /carrier-grade/],
    ['https://192.0.2.1/', /reserved/],
    ['https://240.0.0.1/', /reserved/],
    // IPv6 literals in brackets
    ['https://[::1]/', /loopback/],
    ['https://[::]/', /unspecified/],
    ['https://[fe80::1]/', /link-local/],
    ['https://[febf::1]/', /link-local/],
    ['https://[fc00::1]/', /private/],
    ['https://[fd12:3456::1]/', /private/],
    ['https://[ff02::1]/', /multicast/],
    ['https://[::ffff:127.0.0.1]/', /loopback/],
    ['https://[::ffff:10.0.0.1]/', /private/],
    ['https://[::ffff:169.254.169.254]/', /link-local/],
    ['https://[::ffff:a9fe:a9fe]/', /link-local/],
    ['https://[::7f00:1]/', /IPv4-compatible/],
    ['https://[64:ff9b::a00:1]/', /NAT64/],
    ['https://[2002:7f00:1::]/', /6to4/],
    ['https://[2001:db8::1]/', /reserved/],
    // numeric IPv4 tricks: decimal, hex, octal, short forms
    ['https://2130706433/', /loopback/],
    ['https://0x7f000001/', /loopback/],
    ['https://0x7f.1/', /loopback/],
    ['https://017700000001/', /loopback/],
    ['https://0177.0.0.1/', /loopback/],
    ['https://127.1/', /loopback/],
    ['https://0/', /unspecified/],
    ['https://167772161/', /private/], // 10.0.0.1
    ['https://0xa9fea9fe/', /link-local/], // 169.254.169.254
    ['https://2852039166/', /link-local/], // 169.254.169.254
    // names whose DNS answers are not public
    ['https://internal.example.com/', /private/],
    ['https://metadata.example.com/', /link-local/],
    ['https://mapped.example.com/', /private/],
    ['https://loop.example.com/', /loopback/],
    ['https://loop6.example.com/', /loopback/],
    ['https://localhost/', /loopback/],
    ['https://cgnat.example.com/', /carrier-grade/],
    // a mix of public and private answers is refused
    ['https://mixed.example.com/', /private/],
    ['https://mixed6.example.com/', /private/],
    // resolution failures
    ['https://nxdomain.example.com/', /did not resolve/],
    ['https://empty.example.com/', /did not resolve/],
    ['https://garbage.example.com/', /unparseable/],
  ])('%s', async (url, reason) => {
    expect(await verdict(url)).toMatch(reason);
  });

  it('does not reveal the resolved private address in the reason', async () => {
    expect(await verdict('https://internal.example.com/')).not.toContain('192.168');
  });

  it('never throws, even for hostile input', async () => {
    for (const url of ['https://[::1', 'https://%00/', 'https://a b/', 'http://[fe80::1%25eth0]/', 'https://exa\u0000mple.com/']) {
      const r = await checkOutboundTarget(url, { allowLoopback: false, lookup });
      expect(r.ok).toBe(false);
    }
  });
});

describe('checkOutboundTarget: allowLoopback (tests and local development only)', () => {
  it.each([
    'http://127.0.0.1:8080/hook',
    'https://127.0.0.1/hook',
    'http://[::1]:9000/',
    'http://localhost:3000/',
    'http://loop.example.com/',
    'http://2130706433/',
    'http://0x7f.1/',
    'https://[::ffff:127.0.0.1]/',
  ])('allows loopback %s', async (url) => {
    expect(await verdict(url, true)).toBe('ok');
  });

  it.each([
    ['https://10.0.0.1/', /private/],
    ['http://10.0.0.1/', /private/],
    ['https://169.254.169.254/', /link-local/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['https://[fd00::1]/', /private/],
    ['https://192.168.1.1/', /private/],
    ['https://0.0.0.0/', /unspecified/],
    ['https://100.64.0.1/', /carrier-grade/],
    // http only when every address is loopback
    ['http://hooks.example.com/', /https/],
    ['http://93.184.215.14/', /https/],
    ['http://looppublic.example.com/', /https/],
  ])('still refuses %s', async (url, reason) => {
    expect(await verdict(url, true)).toMatch(reason);
  });

  it('allows https to a public host too', async () => {
    expect(await verdict('https://hooks.example.com/', true)).toBe('ok');
  });
});

describe('checkOutboundTarget: resolution', () => {
  it('resolves names with the injected lookup, and IP literals without it', async () => {
    const spy = dns({ 'hooks.example.com': ['93.184.215.14'] });
    await checkOutboundTarget('https://hooks.example.com/', { allowLoopback: false, lookup: spy });
    await checkOutboundTarget('https://93.184.215.14/', { allowLoopback: false, lookup: spy });
    await checkOutboundTarget('https://[2606:4700::1]/', { allowLoopback: false, lookup: spy });
    expect(spy.calls).toEqual(['hooks.example.com']);
  });

  it('uses the system resolver by default (localhost is loopback)', async () => {
    const r = await checkOutboundTarget('https://localhost/', { allowLoopback: false });
    expect(r.ok).toBe(false);
    const allowed = await checkOutboundTarget('http://localhost:1/', { allowLoopback: true });
    expect(allowed.ok).toBe(true);
    for (const a of allowed.ok ? allowed.addresses : []) expect(['127.0.0.1', '::1']).toContain(a);
  });
});

describe('address helpers', () => {
  it('parses dotted quads and IPv6, folding IPv4-mapped to IPv4, refusing other forms', () => {
    expect(parseAddress('10.0.0.1')?.toString()).toBe('10.0.0.1');
    expect(parseAddress('::ffff:10.0.0.1')?.toString()).toBe('10.0.0.1');
    expect(parseAddress('2606:4700::1')?.kind()).toBe('ipv6');
    expect(parseAddress('0x7f.1')).toBeNull();
    expect(parseAddress('2130706433')).toBeNull();
    expect(parseAddress('fe80::1%eth0')).toBeNull();
    expect(parseAddress('example.com')).toBeNull();
  });

  it('allows public unicast, and loopback only when asked', () => {
    expect(isAllowedAddress(parseAddress('8.8.8.8')!, false)).toBe(true);
    expect(isAllowedAddress(parseAddress('127.0.0.1')!, false)).toBe(false);
    expect(isAllowedAddress(parseAddress('127.0.0.1')!, true)).toBe(true);
    expect(isAllowedAddress(parseAddress('::1')!, true)).toBe(true);
    expect(isAllowedAddress(parseAddress('10.0.0.1')!, true)).toBe(false);
    expect(isAllowedAddress(parseAddress('169.254.169.254')!, true)).toBe(false);
  });
});
