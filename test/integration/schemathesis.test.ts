/**
 * Conformance fuzzing (issue 18): schemathesis 4.32.5 generates requests from the origin's own
 * OpenAPI document (GET /openapi.json) — valid ones and ones that break the schema — sends them to a
 * running origin (and, for the Content API reads, the Node edge in front of it) and checks every
 * answer: no 5xx (`not_a_server_error`), a documented status (`status_code_conformance`) and media
 * type (`content_type_conformance`), a body that validates against the documented schema
 * (`response_schema_conformance`), and a refusal for every schema-violating request
 * (`negative_data_rejection`). One run per credential — each key kind (read, preview, write, admin)
 * and a signed-in owner's session (cookie + CSRF header) — over the operations that credential is
 * for, one run without credentials, and two stateful runs that follow the document's OpenAPI links
 * (create → read → update → delete → restore of pages, collection items and posts with a write key;
 * page types, collections, webhooks and keys with an admin key). Every run must end with exit 0: a
 * failure is a product bug to fix (or a wrong document), never something to silence here. The
 * operations, the cases run per check and the links followed are printed per run and in all.
 *
 * Bounded for CI (two cores): a fixed seed, no example database, small max-examples; the whole file
 * takes a few minutes. SCHEMATHESIS_BIN overrides the binary's path; a missing binary fails.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEdge } from '../../edge/node/server.js';
import { issueApiKey } from '../../origin/identity/index.js';
import { createOrganization, createUser, SessionClient } from '../helpers/identity.js';
import { startTestEdge, startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

const BIN = process.env.SCHEMATHESIS_BIN ?? '/root/.cache/ghee-schemathesis/bin/schemathesis';
const CONFIG = resolve(import.meta.dirname, 'schemathesis/config.toml');
const HOOKS = resolve(import.meta.dirname, 'schemathesis/hooks.py');
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance', 'negative_data_rejection'] as const;
const SEED = '18';
const RUN_LIMIT_MS = 420_000;

let origin: OriginUnderTest;
let edge: RunningEdge;
let dir: string;
let specPath: string;
let session: { orgId: string; spaceId: string; cookie: string; csrf: string };
/** Organizations of their own for the admin-key runs (see adminOrganization). */
let admin: { orgId: string; spaceId: string; key: string };
let statefulAdmin: { orgId: string; spaceId: string; key: string };
const totals = { operations: new Set<string>(), cases: Object.fromEntries(CHECKS.map((c) => [c, 0])) as Record<string, number> };

interface Run {
  name: string;
  base: string;
  args: string[];
  headers?: Record<string, string>;
  org?: string;
  space?: string;
}

/** What a run's NDJSON report says: operations tested and the cases each check ran on, and its failures. */
function summarize(ndjson: string): { operations: string[]; perCheck: Record<string, { passed: number; failed: number }> } {
  const operations = new Set<string>();
  const seen: Record<string, Map<string, string>> = Object.fromEntries(CHECKS.map((c) => [c, new Map<string, string>()]));
  for (const line of ndjson.split('\n')) {
    if (!line.includes('"ScenarioFinished"')) continue;
    const event = JSON.parse(line) as { ScenarioFinished: { recorder: { label: string; checks: Record<string, { name: string; status: string }[]> | null } } };
    const { label, checks } = event.ScenarioFinished.recorder;
    operations.add(label);
    for (const [caseId, results] of Object.entries(checks ?? {})) {
      for (const r of results) {
        const map = seen[r.name];
        if (!map) continue;
        // A case counts once per check; a failure anywhere wins.
        if (map.get(caseId) !== 'failure') map.set(caseId, r.status);
      }
    }
  }
  const perCheck = Object.fromEntries(
    CHECKS.map((c) => {
      const statuses = [...seen[c]!.values()];
      return [c, { passed: statuses.filter((s) => s === 'success').length, failed: statuses.filter((s) => s === 'failure').length }];
    }),
  );
  return { operations: [...operations].sort(), perCheck };
}

/** At most two runs at a time (two cores: the origin and the edge answer in this process). */
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(f: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((r) => waiting.push(r));
  running += 1;
  try {
    return await f();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

/** Runs schemathesis; resolves with its exit code, its output and the report's summary. */
async function schemathesis(run: Run): Promise<{ code: number | null; output: string; summary: ReturnType<typeof summarize> }> {
  const report = join(dir, `${run.name.replace(/[^a-z0-9]+/gi, '-')}.ndjson`);
  const headers = Object.entries(run.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const args = [
    '--config-file',
    CONFIG,
    'run',
    specPath,
    '--url',
    run.base,
    '--checks',
    CHECKS.join(','),
    '--seed',
    SEED,
    // One worker per run (schemathesis' threads can trip a CPython 3.11 parser race), two runs at a time.
    '--workers',
    '1',
    '--no-color',
    '--suppress-health-check',
    'all',
    '--request-timeout',
    '20',
    '--output-truncate',
    'true',
    '--report',
    'ndjson',
    '--report-ndjson-path',
    report,
    ...headers,
    ...run.args,
  ];
  // The routes the edge answers itself are in the document too; the origin does not serve them.
  if (run.base !== edge.url) args.push('--exclude-by', '/x-ghee-answered-by == "edge"');
  const child = spawn(BIN, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SCHEMATHESIS_HOOKS: HOOKS, GHEE_FUZZ_ORG: run.org ?? origin.seed.organizationId, GHEE_FUZZ_SPACE: run.space ?? origin.seed.spaceId },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: RUN_LIMIT_MS,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  if (process.env.SCHEMATHESIS_OUT) writeFileSync(join(dir, `${run.name.replace(/[^a-z0-9]+/gi, '-')}.txt`), output);
  const summary = summarize(existsSync(report) ? readFileSync(report, 'utf8') : '');
  // A stateful run reports its scenarios under one label, not an operation.
  for (const op of summary.operations) if (op !== 'Stateful tests') totals.operations.add(op);
  for (const c of CHECKS) totals.cases[c]! += summary.perCheck[c]!.passed + summary.perCheck[c]!.failed;
  const counts = CHECKS.map((c) => `${c} ${summary.perCheck[c]!.passed + summary.perCheck[c]!.failed}${summary.perCheck[c]!.failed ? ` (${summary.perCheck[c]!.failed} failed)` : ''}`).join(', ');
  const links = /API Links:\s+(\d+) covered \/ (\d+) selected/.exec(output);
  const linked = links ? `; links followed: ${links[1]} of ${links[2]}` : '';
  console.log(`schemathesis [${run.name}]: ${summary.operations.length} operations; cases per check: ${counts}${linked}; exit ${code}`);
  return { code, output, summary };
}

/** Set when the binary is missing: every test fails with it. */
let missing: string | null = null;

/** Asserts a run passed; on failure the assertion shows schemathesis' own report of what failed. */
async function passes(run: Run): Promise<void> {
  if (missing) throw new Error(missing);
  const { code, output, summary } = await slot(() => schemathesis(run));
  expect(summary.operations.length, output).toBeGreaterThan(0);
  // Only the failures section: the full output also lists every warning.
  const failures = output.includes('FAILURES') || output.includes('ERRORS') ? output.slice(Math.min(...['ERRORS', 'FAILURES'].map((s) => output.indexOf(s)).filter((i) => i >= 0))) : output.slice(-4000);
  expect(code, failures).toBe(0);
}

const tags = (...names: string[]) => names.flatMap((t) => ['--include-tag', t]);
/**
 * Stateful runs send valid requests only (the fuzzing runs send the invalid ones): a sequence needs
 * its create to succeed before the links lead anywhere.
 */
const STATEFUL = ['--phases', 'stateful', '--mode', 'positive', '--max-examples', '25'];
/** An admin-key run does not list the keys: it would learn its own key's id and revoke it (the session run lists them). */
const NOT_OWN_KEY = ['--exclude-operation-id', 'listApiKeys'];
const key = (k: string) => ({ authorization: `Token ${k}` });

/**
 * An organization with one space and an admin key, for an admin-key run alone: schemathesis reuses
 * the ids it reads in answers, so an admin run revokes and rotates the keys it lists — in the demo
 * organization that would be the keys the other runs use.
 */
async function adminOrganization(slug: string): Promise<{ orgId: string; spaceId: string; key: string }> {
  const org = await createOrganization(origin, slug);
  const owner = await createUser(origin, org.organizationId, 'owner');
  const issued = await issueApiKey(origin.database.db, { organizationId: org.organizationId, spaceId: null, kind: 'admin', name: `${slug} admin key`, createdBy: owner.id });
  return { orgId: org.organizationId, spaceId: org.spaceId, key: issued.token };
}

beforeAll(async () => {
  // A missing binary fails every test with this message (never a skip).
  if (!existsSync(BIN)) {
    missing = `schemathesis is not installed at ${BIN} (set SCHEMATHESIS_BIN, or install schemathesis==4.32.5 in a venv there; .ci/run does)`;
    return;
  }
  origin = await startTestOrigin();
  edge = await startTestEdge(origin);
  // SCHEMATHESIS_OUT keeps each run's output and NDJSON report there (to read a failure in full).
  dir = process.env.SCHEMATHESIS_OUT ?? mkdtempSync(join(tmpdir(), 'ghee-schemathesis-'));
  specPath = join(dir, 'openapi.json');
  const res = await fetch(`${origin.server.url}/openapi.json`);
  expect(res.status).toBe(200);
  writeFileSync(specPath, await res.text());
  // The session run works in an organization of its own: its owner may change anything there
  // (SSO, allowlists, members) without touching what the key runs use.
  const org = await createOrganization(origin, 'fuzz-session');
  const owner = await createUser(origin, org.organizationId, 'owner');
  const client = new SessionClient(origin.server.url);
  await client.login(owner.email, owner.password);
  session = { orgId: org.organizationId, spaceId: org.spaceId, cookie: client.cookie!, csrf: client.csrf! };
  admin = await adminOrganization('fuzz-admin');
  statefulAdmin = await adminOrganization('fuzz-stateful-admin');
}, 120_000);

afterAll(async () => {
  const line = CHECKS.map((c) => `${c} ${totals.cases[c]}`).join(', ');
  if (!missing) console.log(`schemathesis in all: ${totals.operations.size} operations fuzzed; cases per check: ${line}`);
  await edge?.close();
  await origin?.stop();
  if (dir && !process.env.SCHEMATHESIS_OUT) rmSync(dir, { recursive: true, force: true });
});

// Concurrent, two runs at a time (slot()): each test's time includes its wait for a slot, so the
// timeout is generous; each run is killed after RUN_LIMIT_MS of its own (a hang fails, it never waits forever).
describe.concurrent('schemathesis conformance fuzzing', { timeout: 900_000 }, () => {
  it('an owner\'s session (cookie + CSRF header): accounts, organizations, SSO, billing, governance, security settings, keys', async () => {
    await passes({
      name: 'session',
      base: origin.server.url,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
      org: session.orgId,
      space: session.spaceId,
      args: [
        ...tags('Accounts', 'Organizations', 'SSO', 'Billing', 'Governance', 'Security operations', 'API keys'),
        // Signing out (or erasing the account) would end the session the rest of the run uses.
        '--exclude-path-regex',
        '^/v1/auth/(logout|logout-all|me/erase)$',
        '--phases',
        'examples,coverage,fuzzing',
        '--max-examples',
        '5',
      ],
    });
  });

  it('a write key: the Write API and media', async () => {
    await passes({ name: 'write key', base: origin.server.url, headers: key(origin.seed.keys.write), args: [...tags('Write API', 'Media'), '--phases', 'examples,coverage,fuzzing', '--max-examples', '5'] });
  });

  it('an admin key: the content model, webhooks, keys, organizations and security operations', async () => {
    await passes({
      name: 'admin key',
      base: origin.server.url,
      headers: key(admin.key),
      org: admin.orgId,
      space: admin.spaceId,
      args: [...tags('Content model', 'Webhooks', 'API keys', 'Organizations', 'Security operations'), ...NOT_OWN_KEY, '--phases', 'examples,coverage,fuzzing', '--max-examples', '5'],
    });
  });

  it('a read key: the Content API on the origin', async () => {
    await passes({ name: 'read key, origin', base: origin.server.url, headers: key(origin.seed.keys.read), args: [...tags('Content API'), '--phases', 'examples,coverage,fuzzing', '--max-examples', '8'] });
  });

  it('a read key: the Content API and the edge\'s own routes, through the edge', async () => {
    await passes({ name: 'read key, edge', base: edge.url, headers: key(origin.seed.keys.read), args: [...tags('Content API', 'Edge'), '--phases', 'examples,fuzzing', '--max-examples', '8'] });
  });

  it('a preview key: the Content API with drafts', async () => {
    await passes({ name: 'preview key', base: origin.server.url, headers: key(origin.seed.keys.preview), args: [...tags('Content API'), '--phases', 'fuzzing', '--max-examples', '5'] });
  });

  it('no credentials: SCIM, operations, the internal call, the document, and accounts (sign-out and erasure among them)', async () => {
    await passes({ name: 'no credentials', base: origin.server.url, args: [...tags('SCIM', 'Operations', 'Internal', 'Meta', 'Accounts'), '--phases', 'examples,fuzzing', '--max-examples', '5'] });
  });

  it('stateful, a write key: pages, collection items and posts created, read, updated, deleted and restored through the document\'s links', async () => {
    await passes({ name: 'stateful, write key', base: origin.server.url, headers: key(origin.seed.keys.write), args: [...tags('Write API'), ...STATEFUL] });
  });

  it('stateful, an admin key: page types, collections, webhooks and keys created, read, updated and deleted through the links', async () => {
    await passes({
      name: 'stateful, admin key',
      base: origin.server.url,
      headers: key(statefulAdmin.key),
      org: statefulAdmin.orgId,
      space: statefulAdmin.spaceId,
      args: [...tags('Content model', 'Webhooks', 'API keys'), ...NOT_OWN_KEY, ...STATEFUL],
    });
  });
});
