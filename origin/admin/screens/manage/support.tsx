/**
 * Support access (support.manage; owners and admins): the grants that let ghee's support staff
 * into chosen spaces for a limited time (GET/POST /v1/orgs/:org/support-grants, DELETE …/:id
 * revokes at once) and the access log of everything done under them (GET …/support-access).
 */
import type { Context, Hono } from 'hono';
import { api, must, type ApiError } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { render } from '../../layout.js';
import { formToken, setFlash } from '../../security.js';
import { Button, DataTable, ErrorSummary, Field, PostForm, RowAction, When } from '../../ui.js';
import { seg } from './common.js';

interface GrantView {
  id: string;
  scope: 'read_only' | 'read_write';
  space_ids: string[];
  reason: string;
  ticket: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  first_used_at: string | null;
  state: string;
}
interface AccessEntry {
  at: string;
  action: string;
  result: string;
  grant_id: string | null;
  method: string | null;
  path: string | null;
  status: number | null;
  ip: string | null;
}
interface SpaceView {
  id: string;
  name: string;
}

/** The posted form with its repeated fields (space_ids) as lists. */
async function grantForm(c: Context<AdminEnv>): Promise<Record<string, string | string[]>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return {};
  const body = await c.req.parseBody({ all: true });
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf') continue;
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
}

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  const page = async (c: Context<AdminEnv>, org: string, refusal?: { error: ApiError | null; status: number; values: Record<string, string | string[]> }) => {
    const grantsRes = await api(c).get<{ data: GrantView[] }>(`/v1/orgs/${seg(org)}/support-grants`);
    if (!grantsRes.ok && refusal) return render(c, { title: 'Support access', org, active: 'support', status: refusal.status }, <><h1>Support access</h1><ErrorSummary error={refusal.error} /></>);
    const grants = must(grantsRes).data;
    const log = must(await api(c).get<{ data: AccessEntry[] }>(`/v1/orgs/${seg(org)}/support-access?limit=100`)).data;
    const spacesRes = await api(c).get<{ data: SpaceView[] }>(`/v1/orgs/${seg(org)}/spaces`);
    const spaces = spacesRes.ok ? spacesRes.body.data : [];
    const names = new Map(spaces.map((s) => [s.id, s.name]));
    const token = formToken(c);
    const here = `/admin/o/${org}/support`;
    const v = refusal?.values ?? {};
    const chosen = new Set(Array.isArray(v.space_ids) ? v.space_ids : typeof v.space_ids === 'string' ? [v.space_ids] : []);
    return render(
      c,
      { title: 'Support access', org, active: 'support', ...(refusal ? { status: refusal.status } : {}) },
      <>
        <h1>Support access</h1>
        {refusal ? <ErrorSummary error={refusal.error} /> : null}
        <p>ghee's support staff can enter your spaces only under a grant you give here, for at most 72 hours; every request they make is logged below.</p>
        <h2>Grants</h2>
        <DataTable
          id="grants"
          caption="Support grants"
          rows={grants}
          empty="No grants."
          rowAttrs={(g) => ({ 'data-grant-id': g.id })}
          columns={[
            {
              header: 'Reason',
              cell: (g) => (
                <>
                  {g.reason}
                  {g.ticket ? <span class="muted"> (ticket {g.ticket})</span> : null}
                </>
              ),
            },
            { header: 'Scope', cell: (g) => (g.scope === 'read_write' ? 'Read and write' : 'Read only') },
            { header: 'Spaces', cell: (g) => g.space_ids.map((id) => names.get(id) ?? id).join(', ') },
            { header: 'State', cell: (g) => <span class={`badge ${g.state === 'active' ? 'badge-ok' : ''}`}>{g.state}</span> },
            { header: 'Expires', cell: (g) => <When at={g.expires_at} /> },
          ]}
          actions={(g) => (g.state === 'active' ? <RowAction action={`${here}/${g.id}/revoke`} token={token} label="Revoke" target={`the grant “${g.reason}”`} confirm="Revoke this support grant now?" /> : null)}
        />
        <section class="sub" aria-labelledby="new-grant">
          <h2 id="new-grant">Grant access</h2>
          <PostForm action={here} token={token} aria-label="Grant support access">
            <Field name="reason" label="Reason" required maxlength={500} value={typeof v.reason === 'string' ? v.reason : undefined} />
            <Field name="ticket" label="Ticket (optional)" maxlength={100} value={typeof v.ticket === 'string' ? v.ticket : undefined} />
            <div class="field">
              <label for="f-scope">Scope</label>
              <select id="f-scope" name="scope">
                <option value="read_only" selected={v.scope !== 'read_write'}>
                  Read only
                </option>
                <option value="read_write" selected={v.scope === 'read_write'}>
                  Read and write (content and the content model)
                </option>
              </select>
            </div>
            <fieldset class="events">
              <legend>Spaces</legend>
              {spaces.map((s, i) => (
                <div class="field check">
                  <input type="checkbox" id={`sp-${i}`} name="space_ids" value={s.id} checked={chosen.has(s.id)} /> <label for={`sp-${i}`}>{s.name}</label>
                </div>
              ))}
            </fieldset>
            <Field name="expires_in_hours" type="number" label="For how many hours" hint="At most 72." required value={typeof v.expires_in_hours === 'string' ? v.expires_in_hours : '24'} />
            <Button>Grant access</Button>
          </PostForm>
        </section>
        <section class="sub" aria-labelledby="log-title">
          <h2 id="log-title">Access log</h2>
          <DataTable
            id="access-log"
            caption="Support access log"
            rows={log}
            empty="Nothing logged."
            columns={[
              { header: 'When', cell: (e) => <When at={e.at} /> },
              { header: 'What', class: 'mono', cell: (e) => e.action },
              { header: 'Request', class: 'mono small', cell: (e) => (e.method && e.path ? `${e.method} ${e.path}` : '—') },
              { header: 'Answer', cell: (e) => e.status ?? e.result },
              { header: 'From', cell: (e) => e.ip ?? '—' },
            ]}
          />
        </section>
      </>,
    );
  };

  app.get('/o/:org/support', signedIn, (c) => page(c, c.req.param('org')));

  app.post('/o/:org/support', signedIn, async (c) => {
    const org = c.req.param('org');
    const f = await grantForm(c);
    const one = (k: string) => (typeof f[k] === 'string' ? (f[k] as string).trim() : '');
    const spaceIds = Array.isArray(f.space_ids) ? f.space_ids : typeof f.space_ids === 'string' ? [f.space_ids] : [];
    const hours = Number(one('expires_in_hours'));
    const body = { scope: one('scope'), space_ids: spaceIds, reason: one('reason'), ...(one('ticket') ? { ticket: one('ticket') } : {}), expires_in_hours: Number.isFinite(hours) ? hours : 0 };
    const res = await api(c).send('POST', `/v1/orgs/${seg(org)}/support-grants`, body);
    if (!res.ok) return page(c, org, { error: res.error, status: res.status, values: f });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: 'Support access granted; the owners were told by mail.' });
    return c.redirect(`/admin/o/${org}/support`, 303);
  });

  app.post('/o/:org/support/:id/revoke', signedIn, async (c) => {
    const org = c.req.param('org');
    const res = await api(c).send('DELETE', `/v1/orgs/${seg(org)}/support-grants/${seg(c.req.param('id'))}`);
    if (!res.ok) return page(c, org, { error: res.error, status: res.status, values: {} });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: 'The grant is revoked.' });
    return c.redirect(`/admin/o/${org}/support`, 303);
  });
}
