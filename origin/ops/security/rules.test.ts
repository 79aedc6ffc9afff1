/**
 * The rules' pure parts: networks (/24, /48), threshold overrides (validated, merged by scope),
 * and which audit rows feed which rule — with no email address, password or token in evidence.
 */
import { describe, expect, it } from 'vitest';
import { effectiveRule, networkOf, observationsOfAudit, parseThresholds, RULES } from './rules.js';
import { redactCommandLine } from './command.js';

describe('networkOf', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    ['::ffff:203.0.113.77', '203.0.113.0/24'],
    ['2001:db8:abcd:1234::1', '2001:db8:abcd::/48'],
    ['not-an-ip', null],
    [null, null],
  ])('%s → %s', (ip, want) => expect(networkOf(ip)).toBe(want));
});

describe('thresholds', () => {
  it('validates overrides with a message naming the rule and the field', () => {
    expect(parseThresholds({ login_failures_ip: { threshold: 50, windowMinutes: 0.5 } })).toEqual({ ok: true, value: { login_failures_ip: { threshold: 50, windowMinutes: 0.5 } } });
    expect(parseThresholds({ nope: {} })).toMatchObject({ ok: false, reason: expect.stringContaining('unknown rule "nope"') });
    expect(parseThresholds({ mass_delete: { threshold: 0 } })).toMatchObject({ ok: false, reason: expect.stringContaining('mass_delete.threshold') });
    expect(parseThresholds({ mass_delete: { threshold: 2.5 } })).toMatchObject({ ok: false });
    expect(parseThresholds({ mass_delete: { windowMinutes: -1 } })).toMatchObject({ ok: false, reason: expect.stringContaining('windowMinutes') });
    expect(parseThresholds({ mass_delete: { threshold: 3, extra: 1 } })).toMatchObject({ ok: false, reason: expect.stringContaining('unknown field extra') });
    expect(parseThresholds([])).toMatchObject({ ok: false });
  });
  it('an organization tightens (never loosens) only the rules whose facts name it; the deployment overrides the defaults', () => {
    expect(effectiveRule('key_created', {}, { key_created: { threshold: 50, windowMinutes: 1 } })).toEqual({ severity: 'medium', threshold: 1, windowMs: 3_600_000 });
    expect(effectiveRule('mass_delete', {}, { mass_delete: { windowMinutes: 60 } }).windowMs).toBe(3_600_000);
    expect(effectiveRule('mass_delete', {}, null)).toEqual({ severity: 'high', threshold: 20, windowMs: 600_000 });
    expect(effectiveRule('mass_delete', { mass_delete: { threshold: 30 } }, { mass_delete: { threshold: 5 } }).threshold).toBe(5);
    expect(effectiveRule('login_failures_ip', { login_failures_ip: { threshold: 30 } }, { login_failures_ip: { threshold: 1 } }).threshold).toBe(30);
    expect(RULES.login_failures_ip.perOrganization).toBe(false);
  });
});

describe('observationsOfAudit', () => {
  const who = { userId: 'u1', keyId: null, ip: '203.0.113.9' };
  it('a wrong password feeds the account, address and spraying rules; a wrong 2FA code also the 2FA rule', () => {
    expect(observationsOfAudit({ action: 'auth.login', result: 'failure', targetId: 'acct', metadata: { reason: 'bad_password' } }, who).map((o) => o.rule)).toEqual(['login_failures_account', 'login_failures_ip', 'password_spray']);
    expect(observationsOfAudit({ action: 'auth.login', result: 'failure', targetId: 'acct', metadata: { reason: 'bad_otp' } }, who).map((o) => o.rule)).toEqual(['two_factor_failures', 'login_failures_account', 'login_failures_ip', 'password_spray']);
    expect(observationsOfAudit({ action: 'auth.login', result: 'failure', targetId: null, metadata: { reason: 'unknown_account' } }, who).map((o) => o.rule)).toEqual(['login_failures_ip']);
    // The right password refused by enforced SSO is not a failed guess.
    expect(observationsOfAudit({ action: 'auth.login', result: 'failure', targetId: 'acct', metadata: { reason: 'sso_required' } }, who)).toEqual([]);
  });
  it('deletes and unpublishes count per actor; an escalation only when the role rises to admin or owner', () => {
    expect(observationsOfAudit({ action: 'page.delete', result: 'success', organizationId: 'o', targetId: 'p' }, who)[0]).toMatchObject({ rule: 'mass_delete', windowKey: 'o:user:u1' });
    expect(observationsOfAudit({ action: 'item.unpublish', result: 'success', organizationId: 'o', targetId: 'p' }, { keyId: 'k1' })[0]).toMatchObject({ rule: 'mass_delete', subject: { type: 'api_key', id: 'k1' } });
    expect(observationsOfAudit({ action: 'member.role_change', result: 'success', organizationId: 'o', targetId: 'm', metadata: { from: 'viewer', to: 'owner' } }, who)[0]!.rule).toBe('role_escalation');
    expect(observationsOfAudit({ action: 'member.role_change', result: 'success', organizationId: 'o', targetId: 'm', metadata: { from: 'owner', to: 'admin' } }, who)).toEqual([]);
    expect(observationsOfAudit({ action: 'member.join', result: 'success', organizationId: 'o', targetId: 'inv', metadata: { role: 'admin' } }, who)[0]).toMatchObject({ rule: 'role_escalation', subject: { type: 'user', id: 'u1' } });
    expect(observationsOfAudit({ action: 'scim.token_rotate', result: 'success', organizationId: 'o', targetId: 't' }, who)[0]!.rule).toBe('sso_config_changed');
  });
  it('evidence holds ids, reasons and networks only', () => {
    const all = observationsOfAudit({ action: 'auth.login', result: 'failure', targetId: 'acct', metadata: { reason: 'bad_password', email: 'a@b.c', password: 'hunter2' } }, who);
    expect(JSON.stringify(all.map((o) => o.evidence))).not.toMatch(/a@b\.c|hunter2/);
  });
});

describe('redactCommandLine', () => {
  it('replaces the values of secret-named flags and masks secret-shaped text', () => {
    expect(redactCommandLine(['notify', 'x', '--token', 'abc', '--api-key=def', '--message', 'hello world'])).toBe('npm run incident -- notify x --token [REDACTED] --api-key=[REDACTED] --message "hello world"');
    expect(redactCommandLine(['open', '--title', `key ghee_read_${'A'.repeat(32)}_ABCDEF`])).not.toContain('A'.repeat(32));
  });
});
