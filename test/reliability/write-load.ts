/**
 * Shared by the fault-injection suites: a write load of N concurrent writers against a real
 * origin over HTTP (each writer PATCHes its own page, so every acknowledged version is
 * unambiguous), and the check that after a fault every acknowledged write is durable and every
 * write is atomic — its revision, its purge-outbox row and its audit row all present, or none.
 */
import { expect } from 'vitest';
import { surrogateKeys } from '../../shared/surrogate.js';
import { createDatabase, type Database } from '../../origin/db/client.js';
import { loadOriginConfig } from '../../origin/config.js';
import { seedDemo, type DemoSeed } from '../../origin/db/seed.js';
import { verifyAuditChain } from '../../origin/audit/index.js';
import { expectErrorShape } from '../helpers/assertions.js';
import type { PgCluster } from '../helpers/pg-cluster.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a process must never print, whatever its dependencies do. */
export const CRASH_SIGNS = /uncaught|unhandled|TypeError|Cannot read properties|"level":"fatal"|"msg":"unhandled error"/i;

export async function openDb(url: string): Promise<Database> {
  return createDatabase({ ...loadOriginConfig({ LOG_LEVEL: 'silent' }), DATABASE_URL: url, DATABASE_SSLMODE: 'disable', DATABASE_POOL_MAX: 2 });
}

/** A migrated, demo-seeded database on the test's own cluster. */
export async function seededDatabase(cluster: PgCluster, name: string): Promise<{ url: string; seed: DemoSeed }> {
  const url = await cluster.createDatabase(name);
  const db = await openDb(url);
  try {
    await db.migrate();
    return { url, seed: (await seedDemo(db.db))! };
  } finally {
    await db.close();
  }
}

export interface Ack {
  writer: number;
  version: number;
  title: string;
}

/** A 503 in the one error shape, with a Retry-After of whole seconds. */
export async function expectUnavailable(res: Response): Promise<void> {
  expect(res.headers.get('retry-after') ?? '').toMatch(/^[1-9]\d*$/);
  await expectErrorShape(res, 503, 'unavailable');
}

export class WriteLoad {
  readonly acks: Ack[] = [];
  readonly statuses = new Map<number, number>();
  /** Requests that got no answer (connection refused or reset: the origin was down). */
  networkErrors = 0;
  attempts = 0;
  readonly bad: string[] = [];
  readonly #ackedAt: number[] = [];
  #stop = false;
  #running: Promise<void>[] = [];

  /** `origin()` is read before every request, so a restarted origin on a new port is followed. */
  constructor(
    private readonly origin: () => string,
    private readonly writeKey: string,
    readonly writers = 50,
  ) {}

  get headers() {
    return { authorization: `Token ${this.writeKey}`, 'content-type': 'application/json' };
  }

  /** Creates each writer's page (w0 … w<n-1>), ten at a time. */
  async createPages(): Promise<void> {
    for (let i = 0; i < this.writers; i += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, this.writers - i) }, async (_, j) => {
          const res = await fetch(`${this.origin()}/v2/pages/`, { method: 'POST', headers: this.headers, body: JSON.stringify({ title: `w${i + j}-n0`, slug: `w${i + j}`, page_type: '*', fields: { n: 0 } }) });
          expect(res.status, await res.text()).toBe(202);
        }),
      );
    }
  }

  start(opts: { allowed?: number[]; timeoutMs?: number } = {}): void {
    const allowed = opts.allowed ?? [202, 503];
    const writer = async (i: number) => {
      for (let n = 1; !this.#stop; n++) {
        const title = `w${i}-n${n}`;
        this.attempts++;
        let res: Response;
        try {
          res = await fetch(`${this.origin()}/v2/pages/*/w${i}/`, { method: 'PATCH', headers: this.headers, body: JSON.stringify({ title, fields: { n } }), signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000) });
        } catch (err) {
          const e = err as Error;
          if (e.name === 'TimeoutError') this.bad.push(`writer ${i}: no answer within ${opts.timeoutMs ?? 20_000} ms`);
          this.networkErrors++;
          await sleep(50);
          continue;
        }
        this.statuses.set(res.status, (this.statuses.get(res.status) ?? 0) + 1);
        if (res.status === 202) {
          const version = Number(/^"v(\d+)"$/.exec(res.headers.get('etag') ?? '')?.[1]);
          this.acks.push({ writer: i, version, title });
          this.#ackedAt[i] = Date.now();
          await res.arrayBuffer();
        } else if (res.status === 503 && allowed.includes(503)) {
          try {
            await expectUnavailable(res);
          } catch (err) {
            this.bad.push(`writer ${i}: 503 not in the error shape: ${(err as Error).message}`);
          }
          await sleep(50);
        } else {
          this.bad.push(`writer ${i}: ${res.status} ${(await res.text()).slice(0, 300)}`);
          await sleep(50);
        }
      }
    };
    this.#running = Array.from({ length: this.writers }, (_, i) => writer(i));
  }

  /** Writers with an acknowledged write at or after `since` (ms epoch). */
  ackedSince(since: number): number {
    return this.#ackedAt.filter((t) => t !== undefined && t >= since).length;
  }

  /** Waits until every writer had a write acknowledged at or after `since`, up to `ms`. */
  async allAckedSince(since: number, ms: number): Promise<number> {
    const deadline = Date.now() + ms;
    while (this.ackedSince(since) < this.writers && Date.now() < deadline) await sleep(100);
    return this.ackedSince(since);
  }

  async stop(): Promise<void> {
    this.#stop = true;
    await Promise.all(this.#running);
  }
}

export interface DurabilityReport {
  acknowledged: number;
  found: number;
  /** Committed versions no client heard about (the answer was lost with the connection): present whole. */
  unacknowledgedCommitted: number;
  revisions: number;
  outboxRows: number;
  auditRows: number;
}

/**
 * Reads the database directly and checks, for every writer's page:
 * - every acknowledged version is there as the revision the ETag named, with its audit row;
 * - every revision (acknowledged or not) has exactly one success audit row naming its version and
 *   one purge-outbox row for the page: a write is wholly present or wholly absent;
 * - the organization's audit chain verifies (a crash mid-append left no gap or fork).
 */
export async function expectWritesDurable(url: string, seed: DemoSeed, load: WriteLoad): Promise<DurabilityReport> {
  const db = await openDb(url);
  try {
    const { sql } = await import('drizzle-orm');
    const run = async <T>(q: ReturnType<typeof sql>) => (await db.db.execute(q)) as unknown as T[];
    const pages = await run<{ id: string; slug: string }>(sql`select id, slug from pages where space_id = ${seed.spaceId} and slug ~ '^w[0-9]+$'`);
    expect(pages).toHaveLength(load.writers);
    const revisions = await run<{ page_id: string; version: number; name: string }>(
      sql`select r.page_id, r.version, r.name from page_revisions r join pages p on p.id = r.page_id where p.space_id = ${seed.spaceId} and p.slug ~ '^w[0-9]+$'`,
    );
    const audits = await run<{ target_id: string; version: string | null }>(
      sql`select target_id, metadata->>'version_after' as version from audit_events where target_type = 'page' and result = 'success' and target_id in (select id::text from pages where space_id = ${seed.spaceId} and slug ~ '^w[0-9]+$')`,
    );
    const outbox = await run<{ keys: string[] }>(sql`select keys from purge_outbox`);
    const outboxByPage = new Map<string, number>();
    for (const row of outbox) for (const k of row.keys) outboxByPage.set(k, (outboxByPage.get(k) ?? 0) + 1);
    const auditKey = (page: string, version: number | string) => `${page}@${version}`;
    const auditCount = new Map<string, number>();
    for (const a of audits) auditCount.set(auditKey(a.target_id, a.version ?? ''), (auditCount.get(auditKey(a.target_id, a.version ?? '')) ?? 0) + 1);
    const pageOf = new Map(pages.map((p) => [Number(p.slug.slice(1)), p.id]));
    const revisionAt = new Map(revisions.map((r) => [`${r.page_id}@${r.version}`, r.name]));

    let found = 0;
    const missing: string[] = [];
    for (const a of load.acks) {
      const page = pageOf.get(a.writer)!;
      if (revisionAt.get(`${page}@${a.version}`) === a.title && auditCount.get(auditKey(page, a.version)) === 1) found++;
      else missing.push(`${a.title} (v${a.version})`);
    }
    expect(missing, `acknowledged writes missing: ${missing.slice(0, 10).join(', ')}`).toEqual([]);

    const partial: string[] = [];
    for (const r of revisions) if (auditCount.get(auditKey(r.page_id, r.version)) !== 1) partial.push(`${r.name}: ${auditCount.get(auditKey(r.page_id, r.version)) ?? 0} audit rows`);
    const revisionsByPage = new Map<string, number>();
    for (const r of revisions) revisionsByPage.set(r.page_id, (revisionsByPage.get(r.page_id) ?? 0) + 1);
    for (const [page, n] of revisionsByPage) {
      const rows = outboxByPage.get(surrogateKeys.page(page)) ?? 0;
      if (rows !== n) partial.push(`page ${page}: ${n} revisions, ${rows} purge-outbox rows`);
    }
    expect(audits.length, 'no audit row without its revision').toBe(revisions.length);
    expect(partial, `partial writes: ${partial.slice(0, 10).join('; ')}`).toEqual([]);

    const chain = await verifyAuditChain(db.db, { organizationId: seed.organizationId });
    expect(chain.broken).toBeNull();
    expect(chain.ok).toBe(true);

    const acked = new Set(load.acks.map((a) => `${pageOf.get(a.writer)}@${a.version}`));
    const creates = load.writers;
    return {
      acknowledged: load.acks.length,
      found,
      unacknowledgedCommitted: revisions.filter((r) => !acked.has(`${r.page_id}@${r.version}`)).length - creates,
      revisions: revisions.length,
      outboxRows: [...revisionsByPage.keys()].reduce((n, p) => n + (outboxByPage.get(surrogateKeys.page(p)) ?? 0), 0),
      auditRows: audits.length,
    };
  } finally {
    await db.close();
  }
}

export interface PurgeTarget {
  url: string;
  /** Every key acknowledged (answered 200). */
  readonly keys: Set<string>;
  /** Calls answered 200 / refused while down. */
  readonly counts: { ok: number; refused: number };
  /** While true, every call is answered 503 (the target is down). */
  down: boolean;
  /** Milliseconds each acknowledged call takes (a purge in flight when the origin dies). */
  delayMs: number;
  /** When the last key was acknowledged. */
  lastOkAt: number;
  close(): Promise<void>;
}

/** A local HTTP server standing in for the edge's signed purge endpoint (PURGE_TARGET=edge). */
export async function startPurgeTarget(): Promise<PurgeTarget> {
  const { createServer } = await import('node:http');
  const target: Omit<PurgeTarget, 'url' | 'close'> = { keys: new Set(), counts: { ok: 0, refused: 0 }, down: false, delayMs: 0, lastOkAt: 0 };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/.edge/purge') {
        res.writeHead(400).end();
        return;
      }
      if (target.down) {
        target.counts.refused++;
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"down"}');
        return;
      }
      const { keys } = JSON.parse(body) as { keys: string[] };
      setTimeout(() => {
        if (target.down) {
          target.counts.refused++;
          res.writeHead(503).end();
          return;
        }
        for (const k of keys) target.keys.add(k);
        target.counts.ok++;
        target.lastOkAt = Date.now();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      }, target.delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return Object.assign(target, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  });
}

/** Rows of the purge outbox not yet acknowledged, and the keys of all rows. */
export async function purgeOutboxState(url: string): Promise<{ pending: number; total: number; keys: Set<string> }> {
  const db = await openDb(url);
  try {
    const { sql } = await import('drizzle-orm');
    const rows = (await db.db.execute(sql`select keys, delivered_at is null as pending from purge_outbox`)) as unknown as { keys: string[]; pending: boolean }[];
    return { pending: rows.filter((r) => r.pending).length, total: rows.length, keys: new Set(rows.flatMap((r) => r.keys)) };
  } finally {
    await db.close();
  }
}
