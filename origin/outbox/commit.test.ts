/**
 * The commit step's rules, against a real database: one audit row per successful write in the
 * right chain, nothing kept from a refusal except the failure row it names, a broken rule rolls
 * the whole write back, and the workers are kicked only after a commit.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.js';
import { auditEvents, organizations, purgeOutbox, spaces } from '../db/schema/index.js';
import { openAuditPersonal, verifyAuditChain } from '../audit/audit.js';
import { commitAccountWrite, commitWrite, limitConcurrentWrites, onWritesCommitted, type WriteActor } from './commit.js';

let database: TestDatabase;
let orgId: string;
let spaceId: string;
let kicks = 0;
const actor = (): WriteActor => ({ userId: null, keyId: null, system: 'operator' });

beforeAll(async () => {
  database = await createTestDatabase();
  const [org] = await database.db.insert(organizations).values({ slug: 'commit-step', name: 'Commit step' }).returning({ id: organizations.id });
  orgId = org!.id;
  const [space] = await database.db.insert(spaces).values({ organizationId: orgId, slug: 'main', name: 'Main' }).returning({ id: spaces.id });
  spaceId = space!.id;
  onWritesCommitted(database.db, () => kicks++);
});
afterAll(() => database.dispose());

const rows = (action: string) => database.db.select().from(auditEvents).where(eq(auditEvents.action, action));

describe('commitWrite', () => {
  it('writes the one named row in the space organization chain and kicks the workers after the commit', async () => {
    const before = kicks;
    const r = await commitWrite(database.db, actor(), spaceId, async (w) => {
      await w.changed({ purge: { keys: ['k-success'] } });
      w.audit({ action: 'test.success', target: { type: 'thing', id: 't1' }, version: { before: 1, after: 2 } });
      return { ok: true as const };
    });
    expect(r.ok).toBe(true);
    const [row] = await rows('test.success');
    expect(row).toMatchObject({ organizationId: orgId, chain: orgId, result: 'success', targetId: 't1' });
    expect(row!.metadata).toMatchObject({ actor: 'operator', space_id: spaceId, version_before: 1, version_after: 2 });
    expect(kicks).toBe(before + 1);
    expect((await verifyAuditChain(database.db, { organizationId: orgId })).ok).toBe(true);
  });

  it('keeps nothing of a refusal, except the failure row it names (written after the rollback)', async () => {
    const before = kicks;
    const r = await commitWrite(database.db, { ...actor(), organizationId: orgId }, null, async (w) => {
      await w.t.insert(purgeOutbox).values({ keys: ['k-refused'], soft: false, spaceId: null });
      w.audit({ action: 'test.refused', target: { type: 'thing', id: 't2' } });
      w.refused({ action: 'test.refused', target: { type: 'thing', id: 't2' }, metadata: { reason: 'denied' } });
      return { ok: false as const, error: 'forbidden' };
    });
    expect(r).toEqual({ ok: false, error: 'forbidden' });
    const got = await rows('test.refused');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ result: 'failure', organizationId: orgId });
    expect(got[0]!.metadata).toMatchObject({ reason: 'denied' });
    const purges = await database.db.select().from(purgeOutbox);
    expect(purges.some((p) => (p.keys as string[]).includes('k-refused'))).toBe(false);
    expect(kicks).toBe(before);
  });

  it('a refusal without a failure row writes no row at all', async () => {
    await commitWrite(database.db, actor(), spaceId, async (w) => {
      w.audit({ action: 'test.silent', target: { type: 'thing', id: 't3' } });
      return { ok: false as const };
    });
    expect(await rows('test.silent')).toHaveLength(0);
  });

  it('rolls back a successful write that names no row, or two', async () => {
    for (const n of [0, 2]) {
      await expect(
        commitWrite(database.db, actor(), spaceId, async (w) => {
          await w.changed({ purge: { keys: [`k-broken-${n}`] } });
          for (let i = 0; i < n; i++) w.audit({ action: `test.broken${n}`, target: { type: 'thing', id: 'x' } });
          return { ok: true as const };
        }),
      ).rejects.toThrow(/exactly one audit row/);
      expect(await rows(`test.broken${n}`)).toHaveLength(0);
      const purges = await database.db.select().from(purgeOutbox);
      expect(purges.some((p) => (p.keys as string[]).includes(`k-broken-${n}`))).toBe(false);
    }
  });

  it('refuses an actor of another organization than the space (no row in either chain)', async () => {
    const [other] = await database.db.insert(organizations).values({ slug: 'commit-other', name: 'Other' }).returning({ id: organizations.id });
    await expect(
      commitWrite(database.db, { ...actor(), organizationId: other!.id }, spaceId, async (w) => {
        w.audit({ action: 'test.cross', target: { type: 'thing', id: 'x' } });
        return { ok: true as const };
      }),
    ).rejects.toThrow(/another organization/);
    expect(await rows('test.cross')).toHaveLength(0);
  });

  it('an organization-level write needs the organization; webhook events need a space', async () => {
    await expect(
      commitWrite(database.db, actor(), null, async (w) => {
        w.audit({ action: 'test.orgless', target: { type: 'thing', id: 'x' } });
        return { ok: true as const };
      }),
    ).rejects.toThrow(/no organization/);
    await expect(
      commitWrite(database.db, { ...actor(), organizationId: orgId }, null, async (w) => {
        await w.changed({ webhooks: [{ event: 'page.published', data: {} }] });
        w.audit({ action: 'test.hook', target: { type: 'thing', id: 'x' } });
        return { ok: true as const };
      }),
    ).rejects.toThrow(/need a space/);
    expect(await rows('test.orgless')).toHaveLength(0);
    expect(await rows('test.hook')).toHaveLength(0);
  });
});

describe('commitAccountWrite', () => {
  it("writes a user's account event to the global chain, without an organization", async () => {
    await commitAccountWrite(database.db, { userId: null, keyId: null, ip: '192.0.2.1' }, async (w) => {
      w.audit({ action: 'test.account', target: { type: 'user', id: 'u1' } });
      return { ok: true as const };
    });
    const got = await database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'test.account'), eq(auditEvents.chain, 'global')));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ organizationId: null });
    // The client address is stored sealed and opens to the caller's.
    expect(openAuditPersonal(got[0]!).ip).toBe('192.0.2.1');
    expect(got[0]!.metadata).not.toHaveProperty('space_id');
    expect((await verifyAuditChain(database.db, { organizationId: null })).ok).toBe(true);
  });
});

describe('limitConcurrentWrites', () => {
  it('keeps at most `perChain` writes of one chain and `total` in all open at once; the rest wait in memory and all commit', async () => {
    const other = await database.db.insert(spaces).values({ organizationId: orgId, slug: 'second', name: 'Second' }).returning({ id: spaces.id });
    limitConcurrentWrites(database.db, { total: 3, perChain: 2 });
    let open = 0;
    let most = 0;
    const perSpace = new Map<string, number>();
    const mostPerSpace = new Map<string, number>();
    const write = (space: string, i: number) =>
      commitWrite(database.db, actor(), space, async (w) => {
        open++;
        most = Math.max(most, open);
        perSpace.set(space, (perSpace.get(space) ?? 0) + 1);
        mostPerSpace.set(space, Math.max(mostPerSpace.get(space) ?? 0, perSpace.get(space)!));
        await new Promise((r) => setTimeout(r, 15));
        open--;
        perSpace.set(space, perSpace.get(space)! - 1);
        w.audit({ action: 'test.gated', target: { type: 'thing', id: `${space}-${i}` } });
        return { ok: true as const };
      });
    try {
      await Promise.all([...Array.from({ length: 8 }, (_, i) => write(spaceId, i)), ...Array.from({ length: 8 }, (_, i) => write(other[0]!.id, i))]);
    } finally {
      limitConcurrentWrites(database.db, { total: 1000, perChain: 1000 });
    }
    expect(most).toBe(3);
    expect(Math.max(...mostPerSpace.values())).toBe(2);
    expect(await rows('test.gated')).toHaveLength(16);
    expect((await verifyAuditChain(database.db, { organizationId: orgId })).ok).toBe(true);
  });

  it('does not gate a commit step nested in another (it runs on the transaction handle)', async () => {
    limitConcurrentWrites(database.db, { total: 1, perChain: 1 });
    try {
      const r = await commitWrite(database.db, actor(), spaceId, async (w) => {
        const inner = await commitWrite(w.t, actor(), spaceId, async (w2) => {
          w2.audit({ action: 'test.nested_inner', target: { type: 'thing', id: 'i' } });
          return { ok: true as const };
        });
        w.audit({ action: 'test.nested_outer', target: { type: 'thing', id: 'o' } });
        return inner;
      });
      expect(r.ok).toBe(true);
    } finally {
      limitConcurrentWrites(database.db, { total: 1000, perChain: 1000 });
    }
    expect(await rows('test.nested_inner')).toHaveLength(1);
    expect(await rows('test.nested_outer')).toHaveLength(1);
  });
});
