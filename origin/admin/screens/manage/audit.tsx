/**
 * The audit trail (GET /v1/orgs/:org/audit-events, newest first, older pages by `before`) with
 * the hash chain's verification (GET …/audit-events/verify), and the security events
 * (GET /v1/orgs/:org/security-events, filtered by severity and status, paged by cursor). Both
 * need audit.read (the API's rule). Read-only screens: nothing here writes.
 */
import type { Hono } from 'hono';
import { api, must } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { render } from '../../layout.js';
import { DataTable, When } from '../../ui.js';
import { seg } from './common.js';

interface AuditRow {
  id: string;
  action: string;
  result: string;
  actor_user_id: string | null;
  actor_key_id: string | null;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  metadata: unknown;
  created_at: string;
}
interface Verification {
  valid: boolean;
  checked: number;
  legacy: number;
  broken: { chain: string; seq: number; id: string; reason: string } | null;
}
interface SecurityEvent {
  id: string;
  rule: string;
  severity: string;
  status: string;
  subject: unknown;
  actor: { user_id: string | null; key_id: string | null; ip: string | null };
  count: number;
  first_seen_at: string;
  last_seen_at: string;
  resolved_at: string | null;
}

const PAGE = 50;

function short(v: string | null): string {
  return v ? v.slice(0, 8) : '—';
}

function summary(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
}

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  app.get('/o/:org/audit', signedIn, async (c) => {
    const org = c.req.param('org');
    const before = c.req.query('before');
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (before) q.set('before', before);
    const rows = must(await api(c).get<{ data: AuditRow[] }>(`/v1/orgs/${seg(org)}/audit-events?${q}`)).data;
    const verify = c.req.query('verify') === '1' ? must(await api(c).get<{ data: Verification }>(`/v1/orgs/${seg(org)}/audit-events/verify`)).data : null;
    const here = `/admin/o/${org}/audit`;
    return render(
      c,
      { title: 'Audit trail', org, active: 'audit' },
      <>
        <h1>Audit trail</h1>
        <p>Every change in this organization, newest first. Each row is chained to the one before it by a hash, so a row changed or removed later breaks the chain.</p>
        <form method="get" action={here} class="inline" aria-label="Verify the chain">
          <input type="hidden" name="verify" value="1" />
          <button type="submit" class="btn btn-secondary">
            Verify the chain
          </button>
        </form>
        {verify ? (
          verify.valid ? (
            <p role="status" class="flash flash-success" id="chain-result" data-valid="true">
              The chain is intact: {verify.checked} rows checked{verify.legacy ? `, ${verify.legacy} older rows without a chain` : ''}.
            </p>
          ) : (
            <div role="alert" class="error-summary" id="chain-result" data-valid="false">
              <h2>The chain is broken</h2>
              <p>
                At row {verify.broken?.id ?? '?'} (chain {verify.broken?.chain ?? '?'}, position {verify.broken?.seq ?? '?'}): {verify.broken?.reason ?? 'unknown'}. {verify.checked} rows checked before it.
              </p>
            </div>
          )
        ) : null}
        <DataTable
          id="audit"
          caption="Audit events"
          rows={rows}
          columns={[
            { header: 'When', cell: (r) => <When at={r.created_at} /> },
            { header: 'Action', class: 'mono', cell: (r) => r.action },
            { header: 'Result', cell: (r) => <span class={`badge ${r.result === 'success' ? 'badge-ok' : 'badge-warn'}`}>{r.result}</span> },
            {
              header: 'Who',
              class: 'mono',
              title: (r) => r.actor_user_id ?? r.actor_key_id ?? undefined,
              cell: (r) => (r.actor_user_id ? `user ${short(r.actor_user_id)}` : r.actor_key_id ? `key ${short(r.actor_key_id)}` : 'system'),
            },
            { header: 'Target', class: 'mono', title: (r) => r.target_id ?? undefined, cell: (r) => (r.target_type ? `${r.target_type} ${short(r.target_id)}` : '—') },
            { header: 'From', cell: (r) => r.ip ?? '—' },
            { header: 'Details', class: 'mono small', cell: (r) => summary(r.metadata) },
          ]}
        />
        {rows.length === PAGE ? (
          <p>
            <a href={`${here}?before=${encodeURIComponent(rows.at(-1)!.created_at)}`}>Older events</a>
          </p>
        ) : null}
      </>,
    );
  });

  app.get('/o/:org/security', signedIn, async (c) => {
    const org = c.req.param('org');
    const severity = c.req.query('severity') ?? '';
    const status = c.req.query('status') ?? '';
    const cursor = c.req.query('cursor');
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (severity) q.set('severity', severity);
    if (status) q.set('status', status);
    if (cursor) q.set('cursor', cursor);
    const res = must(await api(c).get<{ data: SecurityEvent[]; next_cursor: string | null }>(`/v1/orgs/${seg(org)}/security-events?${q}`));
    const here = `/admin/o/${org}/security`;
    const next = new URLSearchParams({ ...(severity ? { severity } : {}), ...(status ? { status } : {}), ...(res.next_cursor ? { cursor: res.next_cursor } : {}) });
    return render(
      c,
      { title: 'Security events', org, active: 'security' },
      <>
        <h1>Security events</h1>
        <p>What ghee's detection rules noticed in this organization (failed sign-in bursts, key misuse, allowlist refusals …).</p>
        <form method="get" action={here} class="filters" aria-label="Filter security events">
          <div class="field">
            <label for="f-severity">Severity</label>
            <select id="f-severity" name="severity">
              {['', 'info', 'low', 'medium', 'high', 'critical'].map((s) => (
                <option value={s} selected={s === severity}>
                  {s || 'Any'}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="f-status">Status</label>
            <select id="f-status" name="status">
              {['', 'open', 'resolved'].map((s) => (
                <option value={s} selected={s === status}>
                  {s || 'Any'}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="btn btn-secondary">
            Filter
          </button>
        </form>
        <DataTable
          id="security-events"
          caption="Security events"
          rows={res.data}
          empty="No security events match."
          columns={[
            { header: 'First seen', cell: (e) => <When at={e.first_seen_at} /> },
            { header: 'Rule', class: 'mono', cell: (e) => e.rule },
            { header: 'Severity', cell: (e) => <span class={`badge ${e.severity === 'high' || e.severity === 'critical' ? 'badge-warn' : ''}`}>{e.severity}</span> },
            { header: 'Status', cell: (e) => e.status },
            { header: 'Count', cell: (e) => e.count },
            { header: 'Subject', class: 'mono small', cell: (e) => summary(e.subject) },
            { header: 'From', cell: (e) => e.actor.ip ?? '—' },
            { header: 'Last seen', cell: (e) => <When at={e.last_seen_at} /> },
          ]}
        />
        {res.next_cursor ? (
          <p>
            <a href={`${here}?${next}`}>Older events</a>
          </p>
        ) : null}
      </>,
    );
  });
}
