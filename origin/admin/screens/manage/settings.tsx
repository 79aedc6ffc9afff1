/**
 * Organization settings: name and "every member must use 2FA" (GET / PATCH /v1/orgs/:org,
 * org.manage) and the management IP allowlists (GET / PUT /v1/orgs/:org/ip-allowlist,
 * allowlist.manage; a session changing them proves its password first, the API's rule, and the
 * API refuses a list that would lock out the address making the change). One address range per
 * line. The session limit of SSO sign-ins is part of the SSO policy (sso.tsx); the API has no
 * organization-wide limit for password sessions.
 */
import type { Context, Hono } from 'hono';
import { api, ApiRefusal, must, type ApiError } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { formData } from '../../forms.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { render } from '../../layout.js';
import { can } from '../../nav.js';
import { formToken, setFlash } from '../../security.js';
import { Button, ErrorSummary, Field, PostForm, When } from '../../ui.js';
import { ReauthFields, reauthenticate, seg } from './common.js';

interface OrgView {
  id: string;
  name: string;
  require_2fa: boolean;
}
interface AllowlistView {
  api_key_cidrs: string[];
  session_cidrs: string[];
  enforce_reads: boolean;
  updated_at: string | null;
}

const lines = (v: string | undefined) =>
  (v ?? '')
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  const page = async (c: Context<AdminEnv>, org: string, refusal?: { form: 'org' | 'allowlist'; error: ApiError | null; status: number; values: Record<string, string> }) => {
    const orgRes = await api(c).get<{ data: OrgView }>(`/v1/orgs/${seg(org)}`);
    const me = c.get('me')!;
    if (refusal && (!orgRes.ok || !can(me, 'org.manage', org))) return render(c, { title: 'Settings', org, active: 'settings', status: refusal.status }, <><h1>Settings</h1><ErrorSummary error={refusal.error} /></>);
    // Every member may read the organization; only org.manage has anything to do here (the API refuses the writes regardless).
    if (!can(me, 'org.manage', org)) throw new ApiRefusal({ code: 'forbidden', detail: 'Your role does not allow org.manage.', request_id: c.get('requestId') }, 403);
    const o = must(orgRes).data;
    const allow = can(me, 'allowlist.manage', org) ? await api(c).get<AllowlistView>(`/v1/orgs/${seg(org)}/ip-allowlist`) : null;
    const token = formToken(c);
    const v = refusal?.values ?? {};
    const here = `/admin/o/${org}/settings`;
    return render(
      c,
      { title: 'Settings', org, active: 'settings', ...(refusal ? { status: refusal.status } : {}) },
      <>
        <h1>Organization settings</h1>
        {refusal ? <ErrorSummary error={refusal.error} /> : null}
        <section aria-labelledby="org-title">
          <h2 id="org-title">Organization</h2>
          <PostForm action={here} token={token} aria-label="Organization settings">
            <Field name="name" label="Name" required maxlength={200} value={refusal?.form === 'org' ? v.name : o.name} />
            <div class="field check">
              <input type="checkbox" id="f-2fa" name="require_2fa" value="1" checked={refusal?.form === 'org' ? v.require_2fa === '1' : o.require_2fa} /> <label for="f-2fa">Every member must use two-factor authentication</label>
            </div>
            <Button>Save settings</Button>
          </PostForm>
        </section>
        {allow?.ok ? (
          <section class="sub" aria-labelledby="allow-title">
            <h2 id="allow-title">IP allowlists</h2>
            <p>
              Management calls are accepted only from these address ranges (empty: from anywhere).{' '}
              {allow.body.updated_at ? (
                <>
                  Changed <When at={allow.body.updated_at} />.
                </>
              ) : (
                'Never set.'
              )}
            </p>
            <PostForm action={`${here}/ip-allowlist`} token={token} aria-label="IP allowlists">
              <div class="field">
                <label for="f-session">Signed-in members (one CIDR per line)</label>
                <textarea id="f-session" name="session_cidrs" class="mono" rows={4}>
                  {refusal?.form === 'allowlist' ? v.session_cidrs : allow.body.session_cidrs.join('\n')}
                </textarea>
              </div>
              <div class="field">
                <label for="f-keys">API keys (one CIDR per line)</label>
                <textarea id="f-keys" name="api_key_cidrs" class="mono" rows={4}>
                  {refusal?.form === 'allowlist' ? v.api_key_cidrs : allow.body.api_key_cidrs.join('\n')}
                </textarea>
              </div>
              <div class="field check">
                <input type="checkbox" id="f-reads" name="enforce_reads" value="1" checked={refusal?.form === 'allowlist' ? v.enforce_reads === '1' : allow.body.enforce_reads} />{' '}
                <label for="f-reads">Apply to content reads as well</label>
              </div>
              <ReauthFields twoFactor={me.two_factor} idPrefix="allow" />
              <Button>Save allowlists</Button>
            </PostForm>
          </section>
        ) : null}
      </>,
    );
  };

  app.get('/o/:org/settings', signedIn, (c) => page(c, c.req.param('org')));

  app.post('/o/:org/settings', signedIn, async (c) => {
    const org = c.req.param('org');
    const f = await formData(c);
    const values = { name: f.name ?? '', require_2fa: f.require_2fa === '1' ? '1' : '' };
    const res = await api(c).send('PATCH', `/v1/orgs/${seg(org)}`, { name: (f.name ?? '').trim(), require_2fa: f.require_2fa === '1' });
    if (!res.ok) return page(c, org, { form: 'org', error: res.error, status: res.status, values });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: 'Settings saved.' });
    return c.redirect(`/admin/o/${org}/settings`, 303);
  });

  app.post('/o/:org/settings/ip-allowlist', signedIn, async (c) => {
    const org = c.req.param('org');
    const f = await formData(c);
    const values = { session_cidrs: f.session_cidrs ?? '', api_key_cidrs: f.api_key_cidrs ?? '', enforce_reads: f.enforce_reads === '1' ? '1' : '' };
    const reauth = await reauthenticate(c, f);
    if (!reauth.ok) return page(c, org, { form: 'allowlist', error: reauth.error, status: reauth.status, values });
    const res = await api(c).send('PUT', `/v1/orgs/${seg(org)}/ip-allowlist`, { session_cidrs: lines(f.session_cidrs), api_key_cidrs: lines(f.api_key_cidrs), enforce_reads: f.enforce_reads === '1' });
    if (!res.ok) return page(c, org, { form: 'allowlist', error: res.error, status: res.status, values });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: 'IP allowlists saved.' });
    return c.redirect(`/admin/o/${org}/settings`, 303);
  });
}
