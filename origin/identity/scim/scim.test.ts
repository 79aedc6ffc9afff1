/**
 * The SCIM input rules without a database: filters (scim2-parse-filter) with case-insensitive
 * userName/displayName, pagination bounds, the User body rules (email choice, Entra's string
 * booleans, passwords never kept), PATCH (scim-patch) with Entra's and Okta's shapes, the
 * member-removal rewrite, and the prototype-pollution guards.
 */
import { describe, expect, it } from 'vitest';
import { memberRemovals } from './groups.js';
import { applyPatch } from './patch.js';
import { hashScimToken } from './tokens.js';
import { forbiddenPath, hasForbiddenKey, pagination, parseFilter, ScimError, SCHEMA } from './resources.js';
import { userInput } from './users.js';

const refused = (f: () => unknown): ScimError => {
  try {
    f();
  } catch (err) {
    if (err instanceof ScimError) return err;
    throw err;
  }
  throw new Error('not refused');
};

describe('filters', () => {
  const alice = { userName: 'Alice@Corp.example', externalId: 'AbC', emails: [{ type: 'work', value: 'Alice@Corp.example' }], displayName: 'Ops Team' };
  it('compares userName, displayName and emails without case, externalId with case', () => {
    expect(parseFilter('userName eq "alice@corp.EXAMPLE"')!.test(alice)).toBe(true);
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "ALICE@corp.example"')!.test(alice)).toBe(true);
    expect(parseFilter('displayName eq "ops team"')!.test(alice)).toBe(true);
    expect(parseFilter('emails[type eq "work"].value eq "alice@corp.example"')!.test(alice)).toBe(true);
    expect(parseFilter('externalId eq "AbC"')!.test(alice)).toBe(true);
    expect(parseFilter('externalId eq "abc"')!.test(alice)).toBe(false);
    expect(parseFilter('userName eq "bob@corp.example"')!.test(alice)).toBe(false);
  });
  it('names a single eq for a narrowing query', () => {
    expect(parseFilter('userName eq "X@Y.example"')!.eq).toEqual({ attr: 'username', value: 'x@y.example' });
    expect(parseFilter('externalId eq "AbC"')!.eq).toEqual({ attr: 'externalid', value: 'AbC' });
    expect(parseFilter('userName eq "a" and active eq true')!.eq).toBeNull();
    expect(parseFilter(undefined)).toBeNull();
    expect(parseFilter('  ')).toBeNull();
  });
  it('refuses what does not parse, and long filters, as invalidFilter', () => {
    for (const f of ['userName eqq "x"', 'userName eq', '((', 'x'.repeat(1001), 'userName eq "x" and']) {
      expect(refused(() => parseFilter(f))).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    }
  });
});

describe('pagination', () => {
  it('is 1-based, bounded to 200, and refuses non-integers', () => {
    expect(pagination({})).toEqual({ startIndex: 1, count: 200 });
    expect(pagination({ startIndex: '0', count: '5000' })).toEqual({ startIndex: 1, count: 200 });
    expect(pagination({ startIndex: '3', count: '0' })).toEqual({ startIndex: 3, count: 0 });
    expect(refused(() => pagination({ count: '1e3' }))).toMatchObject({ status: 400 });
  });
});

describe('User bodies', () => {
  it('take the primary email, else the work one, else the first, else an email userName', () => {
    const pick = (body: object) => {
      const r = userInput({ userName: 'u', ...body });
      return r.ok ? r.value.email : r.detail;
    };
    expect(pick({ emails: [{ value: 'b@x.example' }, { value: 'A@X.example', primary: 'True' }] })).toBe('a@x.example');
    expect(pick({ emails: [{ value: 'home@x.example', type: 'home' }, { value: 'work@x.example', type: 'work' }] })).toBe('work@x.example');
    expect(pick({ userName: 'Me@X.example' })).toBe('me@x.example');
    expect(pick({ userName: 'no-address' })).toMatch(/needs an email/);
  });
  it('accept Entra string booleans, keep extensions, never keep a password', () => {
    const r = userInput({ userName: 'a@x.example', active: 'False', password: 'secret', 'urn:x': { a: 1 }, name: { givenName: 'A', familyName: 'B' } });
    expect(r.ok && r.value).toMatchObject({ active: false, displayName: 'A B', attributes: { 'urn:x': { a: 1 } } });
    expect(r.ok && JSON.stringify(r.value)).not.toContain('secret');
    expect(userInput({ userName: 'a@x.example', active: 'maybe' }).ok).toBe(false);
    expect(userInput({ userName: 'a@x.example', padding: 'x'.repeat(20_000) }).ok).toBe(false);
  });
});

describe('PATCH', () => {
  const user = { schemas: [SCHEMA.user], id: 'u1', userName: 'a@x.example', active: true, emails: [{ type: 'work', value: 'a@x.example' }], meta: {} };
  it("applies Entra's capitalised ops, filtered paths and string booleans", () => {
    const out = applyPatch(user, {
      schemas: [SCHEMA.patch],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'b@x.example' },
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Add', path: 'name.givenName', value: 'B' },
      ],
    });
    expect(out).toMatchObject({ emails: [{ type: 'work', value: 'b@x.example' }], active: 'False', name: { givenName: 'B' } });
    expect(userInput(out)).toMatchObject({ ok: true, value: { active: false, email: 'b@x.example' } });
    expect(user.active).toBe(true); // not mutated
  });
  it("applies Okta's path-less replace", () => {
    expect(applyPatch(user, { schemas: [SCHEMA.patch], Operations: [{ op: 'replace', value: { active: false } }] })).toMatchObject({ active: false });
  });
  it('refuses bodies without the PatchOp schema, unknown ops and prototype keys', () => {
    expect(refused(() => applyPatch(user, { Operations: [{ op: 'add', path: 'x', value: 1 }] }))).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
    expect(refused(() => applyPatch(user, { schemas: [SCHEMA.patch], Operations: [{ op: 'merge', path: 'x', value: 1 }] }))).toMatchObject({ status: 400 });
    expect(refused(() => applyPatch(user, { schemas: [SCHEMA.patch], Operations: [{ op: 'add', path: 'constructor.prototype.x', value: 1 }] }))).toMatchObject({ scimType: 'invalidPath' });
    expect(refused(() => applyPatch(user, { schemas: [SCHEMA.patch], Operations: [{ op: 'add', value: JSON.parse('{"__proto__":{"x":1}}') }] }))).toMatchObject({ scimType: 'invalidPath' });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
  it('rewrites member removals by value list into filtered removals of current members', () => {
    const a = '11111111-1111-4111-8111-111111111111';
    const b = '22222222-2222-4222-8222-222222222222';
    const body = { schemas: [SCHEMA.patch], Operations: [{ op: 'Remove', path: 'members', value: [{ value: a }, { value: b }] }] };
    expect(memberRemovals(body, new Set([a]))).toEqual({ schemas: [SCHEMA.patch], Operations: [{ op: 'remove', path: `members[value eq "${a}"]` }] });
    const group = { schemas: [SCHEMA.group], displayName: 'g', members: [{ value: a, display: 'x', $ref: 'r' }], meta: {} };
    // scim-patch drops an emptied array; the group rules read a missing members list as none.
    expect(applyPatch(group, memberRemovals(body, new Set([a]))).members ?? []).toEqual([]);
    expect(applyPatch(group, memberRemovals(body, new Set()))).toMatchObject({ members: [{ value: a }] });
  });
});

describe('guards', () => {
  it('find prototype keys at any depth and in paths', () => {
    expect(hasForbiddenKey(JSON.parse('{"a":[{"b":{"__proto__":1}}]}'))).toBe(true);
    expect(hasForbiddenKey({ a: [{ b: { c: 1 } }] })).toBe(false);
    expect(forbiddenPath('emails[type eq "work"].value')).toBe(false);
    expect(forbiddenPath('name.__proto__')).toBe(true);
    expect(forbiddenPath('a.prototype.b')).toBe(true);
  });
  it('hashes tokens as SHA-256 hex', () => {
    expect(hashScimToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
