import { describe, expect, it } from 'vitest';
import type { KeyIntrospection } from '../../../shared/internal-auth.js';
import { admit } from './index.js';

const record = (extra: Partial<KeyIntrospection> = {}): KeyIntrospection => ({ valid: true, id: 'k1', kind: 'read', space_id: 's1', scopes: [], ...extra });

describe('admit: an organization that holds key reads to its IP allowlist (read_cidrs)', () => {
  const held = record({ read_cidrs: ['198.51.100.0/24', '2001:db8::/32'] });

  it('admits reads from inside the list, IPv4 and IPv6 (an IPv4-mapped IPv6 address as its IPv4)', () => {
    for (const ip of ['198.51.100.7', '2001:db8::1', '::ffff:198.51.100.9']) expect(admit(held, 'read', false, ip)).toMatchObject({ id: 'k1' });
  });

  it('refuses reads from outside it, and when the address is not known', () => {
    for (const ip of ['192.0.2.1', '2001:db9::1', 'garbage', undefined]) expect(admit(held, 'read', false, ip)).toBe('network_forbidden');
  });

  it('changes nothing for organizations without a read list, and still refuses bad keys first', () => {
    expect(admit(record(), 'read', false, undefined)).toMatchObject({ id: 'k1' });
    expect(admit(record({ read_cidrs: [] }), 'read', false, '192.0.2.1')).toMatchObject({ id: 'k1' });
    expect(admit(record({ valid: false, read_cidrs: ['198.51.100.0/24'] }), 'read', false, '198.51.100.7')).toBe('invalid_token');
    expect(admit(held, 'read', true, '198.51.100.7')).toBe('preview_forbidden');
  });
});
