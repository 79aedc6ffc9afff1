/**
 * The origin's metric services on their own, over a real database: the audit hook counts SSO
 * sign-ins, 2FA failures and sign-ins from the rows the real writer writes (reasons outside the
 * code's identifiers become "other", so an email or a token never becomes a label); Drizzle
 * queries are timed (ok and error), so a Drizzle upgrade that moves `execute` fails here; the
 * backup gauge reads its source and has no sample without one; the security-event and alert
 * counters keep their labels bounded.
 */
import { sql } from 'drizzle-orm';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../audit/index.js';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { installAuthMetrics } from './auth.js';
import { setBackupFreshnessSource } from './backup.js';
import { instrumentQueries } from './database.js';
import { countAlertDelivery, countSecurityEvent, originRegistry } from './registry.js';

let database: TestDatabase;

async function values(name: string): Promise<MetricValue<string>[]> {
  const families = (await originRegistry.getMetricsAsJSON()) as MetricObjectWithValues<MetricValue<string>>[];
  const family = families.find((f) => f.name === name);
  if (!family) throw new Error(`no metric family ${name}`);
  return family.values;
}

async function sample(name: string, labels: Record<string, string>, series = name): Promise<number> {
  return (await values(name))
    .filter((v) => ((v as { metricName?: string }).metricName ?? name) === series && Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

beforeAll(async () => {
  database = await createTestDatabase();
  installAuthMetrics();
  instrumentQueries();
}, 60_000);

afterAll(async () => {
  setBackupFreshnessSource(null);
  await database?.dispose();
});

describe('audit hook', () => {
  it('counts SSO sign-ins by protocol, outcome and reason from the rows written', async () => {
    const labels = { protocol: 'saml', outcome: 'failure', reason: 'signature_invalid' };
    const before = await sample('ghee_sso_logins_total', labels);
    const ok = await sample('ghee_sso_logins_total', { protocol: 'oidc', outcome: 'success', reason: 'none' });
    await audit(database.db, {}, { action: 'sso.login', result: 'failure', metadata: { protocol: 'saml', reason: 'signature_invalid' } });
    await audit(database.db, {}, { action: 'sso.login', result: 'success', metadata: { protocol: 'oidc', user_id: 'u-1' } });
    expect(await sample('ghee_sso_logins_total', labels)).toBe(before + 1);
    expect(await sample('ghee_sso_logins_total', { protocol: 'oidc', outcome: 'success', reason: 'none' })).toBe(ok + 1);
  });

  it('counts second-factor failures of sign-in, re-authentication and 2FA removal', async () => {
    const login = await sample('ghee_2fa_failures_total', { action: 'auth.login', reason: 'bad_otp' });
    const reauth = await sample('ghee_2fa_failures_total', { action: 'auth.reauthenticate', reason: 'bad_recovery_code' });
    const disable = await sample('ghee_2fa_failures_total', { action: '2fa.disable', reason: 'invalid_credentials' });
    const failures = await sample('ghee_logins_total', { outcome: 'failure', reason: 'bad_otp' });
    await audit(database.db, {}, { action: 'auth.login', result: 'failure', metadata: { reason: 'bad_otp' } });
    await audit(database.db, {}, { action: 'auth.reauthenticate', result: 'failure', metadata: { reason: 'bad_recovery_code' } });
    await audit(database.db, {}, { action: '2fa.disable', result: 'failure' });
    // Not a second-factor reason: a sign-in failure only.
    await audit(database.db, {}, { action: 'auth.login', result: 'failure', metadata: { reason: 'bad_password' } });
    expect(await sample('ghee_2fa_failures_total', { action: 'auth.login', reason: 'bad_otp' })).toBe(login + 1);
    expect(await sample('ghee_2fa_failures_total', { action: 'auth.reauthenticate', reason: 'bad_recovery_code' })).toBe(reauth + 1);
    expect(await sample('ghee_2fa_failures_total', { action: '2fa.disable', reason: 'invalid_credentials' })).toBe(disable + 1);
    expect(await sample('ghee_logins_total', { outcome: 'failure', reason: 'bad_otp' })).toBe(failures + 1);
  });

  it('a reason that is not a code identifier (an email, a token, free text) is counted as "other", never as itself', async () => {
    const other = await sample('ghee_logins_total', { outcome: 'failure', reason: 'other' });
    const secret = 'ghee_read_AbCdEfGh12345678_Zz9Yy8';
    for (const reason of ['someone@example.com', secret, 'Has Spaces', 'x'.repeat(80)]) {
      await audit(database.db, {}, { action: 'auth.login', result: 'failure', metadata: { reason } });
    }
    expect(await sample('ghee_logins_total', { outcome: 'failure', reason: 'other' })).toBe(other + 4);
    const text = await originRegistry.metrics();
    expect(text).not.toContain('someone@example.com');
    expect(text).not.toContain(secret);
  });
});

describe('query timing', () => {
  it('times every Drizzle query, ok and failed', async () => {
    const ok = await sample('ghee_db_query_duration_seconds', { outcome: 'ok' }, 'ghee_db_query_duration_seconds_count');
    const failed = await sample('ghee_db_query_duration_seconds', { outcome: 'error' }, 'ghee_db_query_duration_seconds_count');
    await database.db.execute(sql`select 1`);
    await expect(database.db.execute(sql`select * from no_such_table`)).rejects.toThrow();
    expect(await sample('ghee_db_query_duration_seconds', { outcome: 'ok' }, 'ghee_db_query_duration_seconds_count')).toBe(ok + 1);
    expect(await sample('ghee_db_query_duration_seconds', { outcome: 'error' }, 'ghee_db_query_duration_seconds_count')).toBe(failed + 1);
  });
});

describe('backup freshness', () => {
  it('publishes the newest good backup’s time, and nothing at all without a source', async () => {
    setBackupFreshnessSource(null);
    expect(await values('ghee_backup_last_success_timestamp_seconds')).toEqual([]);
    const at = new Date('2026-12-01T03:00:00Z');
    setBackupFreshnessSource(async () => ({ lastSuccessAt: at, source: 'pglite' }));
    expect(await sample('ghee_backup_last_success_timestamp_seconds', { source: 'pglite' })).toBe(at.getTime() / 1000);
    setBackupFreshnessSource(async () => ({ lastSuccessAt: null, source: 'pglite' }));
    expect(await values('ghee_backup_last_success_timestamp_seconds')).toEqual([]);
    setBackupFreshnessSource(async () => {
      throw new Error('pgbackrest info failed');
    });
    expect(await values('ghee_backup_last_success_timestamp_seconds')).toEqual([]);
  });
});

describe('counters for later issues', () => {
  it('security events by rule and alert deliveries by channel keep bounded labels', async () => {
    countSecurityEvent('failed_logins_per_ip', 'high');
    countSecurityEvent('203.0.113.9 spraying', 'high');
    countAlertDelivery('pagerduty', 'delivered');
    countAlertDelivery('https://hooks.example/secret', 'delivered');
    expect(await sample('ghee_security_events_total', { rule: 'failed_logins_per_ip', severity: 'high' })).toBe(1);
    expect(await sample('ghee_security_events_total', { rule: 'other' })).toBe(1);
    expect(await sample('ghee_alert_deliveries_total', { channel: 'pagerduty', outcome: 'delivered' })).toBe(1);
    expect(await sample('ghee_alert_deliveries_total', { channel: 'other' })).toBe(1);
    expect(await originRegistry.metrics()).not.toContain('hooks.example');
  });
});
