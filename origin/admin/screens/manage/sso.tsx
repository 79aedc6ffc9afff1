/**
 * Single sign-on (sso.manage; owners and admins, sessions only): the organization's OIDC and SAML
 * connections (GET/POST /v1/orgs/:org/sso/connections, DELETE …/:id) and its email domains
 * (GET/POST …/sso/domains, POST …/:id/verify, DELETE …/:id), and the policy (GET/PUT …/sso/policy:
 * SSO required for the verified domains' members, and the session limit of SSO sign-ins). Adding a domain answers the TXT
 * record to publish in its DNS; "Verify" has ghee look it up. Every change needs a recent password
 * proof (the API's rule), so each form carries the password (common.tsx).
 */
import type { Context, Hono } from 'hono';
import { api, must, type ApiError } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { formData, optional } from '../../forms.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { render } from '../../layout.js';
import { formToken, setFlash } from '../../security.js';
import { Button, CopyValue, DataTable, ErrorSummary, Field, PostForm, RowAction, When } from '../../ui.js';
import { ReauthFields, reauthenticate, seg } from './common.js';

interface ConnectionView {
  id: string;
  protocol: 'oidc' | 'saml';
  name: string;
  enabled: boolean;
  default_role: string;
  settings: Record<string, unknown>;
}
interface DomainView {
  id: string;
  domain: string;
  connection_id: string | null;
  verified: boolean;
  verified_at: string | null;
  txt_record: string;
}

interface PolicyView {
  enforced: boolean;
  exempt_user_ids: string[];
  session_max_minutes: number | null;
}

type Form = 'oidc' | 'saml' | 'domain' | 'row' | 'policy';

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  const page = async (c: Context<AdminEnv>, org: string, refusal?: { form: Form; error: ApiError | null; status: number; values: Record<string, string> }) => {
    const connsRes = await api(c).get<{ data: ConnectionView[] }>(`/v1/orgs/${seg(org)}/sso/connections`);
    if (!connsRes.ok && refusal) return render(c, { title: 'Single sign-on', org, active: 'sso', status: refusal.status }, <><h1>Single sign-on</h1><ErrorSummary error={refusal.error} /></>);
    const conns = must(connsRes).data;
    const domains = must(await api(c).get<{ data: DomainView[] }>(`/v1/orgs/${seg(org)}/sso/domains`)).data;
    const policy = must(await api(c).get<{ data: PolicyView }>(`/v1/orgs/${seg(org)}/sso/policy`)).data;
    const me = c.get('me')!;
    const token = formToken(c);
    const here = `/admin/o/${org}/sso`;
    const v = refusal?.values ?? {};
    const names = new Map(conns.map((k) => [k.id, k.name]));
    const keep = (form: Form, k: string) => (refusal?.form === form ? v[k] : undefined);
    return render(
      c,
      { title: 'Single sign-on', org, active: 'sso', ...(refusal ? { status: refusal.status } : {}) },
      <>
        <h1>Single sign-on</h1>
        {refusal ? <ErrorSummary error={refusal.error} /> : null}
        <h2>Connections</h2>
        <DataTable
          id="connections"
          caption="Identity provider connections"
          rows={conns}
          empty="No connections yet."
          rowAttrs={(k) => ({ 'data-connection-id': k.id })}
          columns={[
            { header: 'Name', cell: (k) => k.name },
            { header: 'Protocol', cell: (k) => k.protocol.toUpperCase() },
            { header: 'Identity provider', class: 'mono small', cell: (k) => String(k.settings.issuer ?? k.settings.idp_entity_id ?? '—') },
            { header: 'New members join as', cell: (k) => k.default_role },
            { header: 'Enabled', cell: (k) => (k.enabled ? 'Yes' : 'No') },
          ]}
        />

        <h2>Domains</h2>
        <DataTable
          id="domains"
          caption="Email domains"
          rows={domains}
          empty="No domains yet: add the email domain your members sign in with."
          rowAttrs={(d) => ({ 'data-domain': d.domain })}
          columns={[
            { header: 'Domain', class: 'mono', cell: (d) => d.domain },
            { header: 'Connection', class: 'small', cell: (d) => (d.connection_id ? (names.get(d.connection_id) ?? d.connection_id) : '—') },
            { header: 'TXT record to publish', cell: (d, i) => (d.verified ? <span class="muted">—</span> : <CopyValue label={`TXT record of ${d.domain}`} value={d.txt_record} id={`txt-${i}`} />) },
            {
              header: 'Status',
              cell: (d) =>
                d.verified ? (
                  <span class="badge badge-ok">
                    verified <When at={d.verified_at} />
                  </span>
                ) : (
                  <span class="badge badge-warn">not verified</span>
                ),
            },
          ]}
          actions={(d, i) =>
            d.verified ? null : (
              <RowAction action={`${here}/domains/${d.id}/verify`} token={token} kind="secondary" label="Verify" target={d.domain} formLabel={`Verify ${d.domain}`}>
                <label for={`vp-${i}`} class="visually-hidden">
                  Your password (to verify {d.domain})
                </label>
                <input id={`vp-${i}`} name="password" type="password" autocomplete="current-password" placeholder="Your password" required />{' '}
              </RowAction>
            )
          }
        />

        <section class="sub" aria-labelledby="policy-title">
          <h2 id="policy-title">Policy</h2>
          <PostForm action={`${here}/policy`} token={token} aria-label="Single sign-on policy">
            <div class="field check">
              <input type="checkbox" id="p-enforced" name="enforced" value="1" checked={refusal?.form === 'policy' ? v.enforced === '1' : policy.enforced} />{' '}
              <label for="p-enforced">Members of the verified domains must sign in with SSO (no password)</label>
            </div>
            <Field
              id="p-max"
              name="session_max_minutes"
              type="number"
              label="Session limit for SSO sign-ins (minutes)"
              hint="Empty: the usual session lifetime. From 5 minutes to 30 days."
              value={refusal?.form === 'policy' ? v.session_max_minutes : (policy.session_max_minutes ?? undefined)}
            />
            <ReauthFields twoFactor={me.two_factor} idPrefix="p" />
            <Button>Save policy</Button>
          </PostForm>
        </section>

        <section class="sub" aria-labelledby="add-domain">
          <h2 id="add-domain">Add a domain</h2>
          <PostForm action={`${here}/domains`} token={token} aria-label="Add a domain">
            <Field id="d-domain" name="domain" label="Email domain" hint="e.g. example.org — then publish the TXT record ghee shows and verify." required value={keep('domain', 'domain')} />
            <div class="field">
              <label for="d-conn">Signs in through</label>
              <select id="d-conn" name="connection_id">
                <option value="">No connection yet</option>
                {conns.map((k) => (
                  <option value={k.id} selected={keep('domain', 'connection_id') === k.id}>
                    {k.name}
                  </option>
                ))}
              </select>
            </div>
            <ReauthFields twoFactor={me.two_factor} idPrefix="d" />
            <Button>Add domain</Button>
          </PostForm>
        </section>

        <section class="sub" aria-labelledby="add-oidc">
          <h2 id="add-oidc">Add an OpenID Connect provider</h2>
          <PostForm action={`${here}/connections`} token={token} aria-label="Add an OpenID Connect provider">
            <input type="hidden" name="protocol" value="oidc" />
            <Field id="o-name" name="name" label="Name" required value={keep('oidc', 'name')} />
            <Field id="o-issuer" name="issuer" type="url" label="Issuer URL" hint="e.g. https://login.example.org" required value={keep('oidc', 'issuer')} />
            <Field id="o-client" name="client_id" label="Client ID" required value={keep('oidc', 'client_id')} />
            <Field id="o-secret" name="client_secret" type="password" label="Client secret" autocomplete="off" required />
            <ReauthFields twoFactor={me.two_factor} idPrefix="o" />
            <Button>Add OIDC provider</Button>
          </PostForm>
        </section>

        <section class="sub" aria-labelledby="add-saml">
          <h2 id="add-saml">Add a SAML provider</h2>
          <PostForm action={`${here}/connections`} token={token} aria-label="Add a SAML provider">
            <input type="hidden" name="protocol" value="saml" />
            <Field id="s-name" name="name" label="Name" required value={keep('saml', 'name')} />
            <Field id="s-url" name="idp_metadata_url" type="url" label="IdP metadata URL" hint="ghee fetches it once; or paste the metadata below." value={keep('saml', 'idp_metadata_url')} />
            <div class="field">
              <label for="s-xml">IdP metadata (XML)</label>
              <textarea id="s-xml" name="idp_metadata_xml" class="mono" rows={5}>
                {keep('saml', 'idp_metadata_xml') ?? ''}
              </textarea>
            </div>
            <ReauthFields twoFactor={me.two_factor} idPrefix="s" />
            <Button>Add SAML provider</Button>
          </PostForm>
        </section>
      </>,
    );
  };

  app.get('/o/:org/sso', signedIn, (c) => page(c, c.req.param('org')));

  app.post('/o/:org/sso/connections', signedIn, async (c) => {
    const org = c.req.param('org');
    const f = await formData(c);
    const form: Form = f.protocol === 'saml' ? 'saml' : 'oidc';
    const { password: _p, otp: _o, client_secret: _s, ...values } = f;
    const reauth = await reauthenticate(c, f);
    if (!reauth.ok) return page(c, org, { form, error: reauth.error, status: reauth.status, values });
    const body =
      form === 'oidc'
        ? { protocol: 'oidc', name: f.name ?? '', issuer: (f.issuer ?? '').trim(), client_id: (f.client_id ?? '').trim(), client_secret: f.client_secret ?? '' }
        : { protocol: 'saml', name: f.name ?? '', ...(optional(f.idp_metadata_url) ? { idp_metadata_url: f.idp_metadata_url!.trim() } : {}), ...(optional(f.idp_metadata_xml) ? { idp_metadata_xml: f.idp_metadata_xml } : {}) };
    const res = await api(c).send('POST', `/v1/orgs/${seg(org)}/sso/connections`, body);
    if (!res.ok) return page(c, org, { form, error: res.error, status: res.status, values });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: `The connection “${f.name ?? ''}” is added.` });
    return c.redirect(`/admin/o/${org}/sso`, 303);
  });

  app.post('/o/:org/sso/domains', signedIn, async (c) => {
    const org = c.req.param('org');
    const f = await formData(c);
    const values = { domain: f.domain ?? '', connection_id: f.connection_id ?? '' };
    const reauth = await reauthenticate(c, f);
    if (!reauth.ok) return page(c, org, { form: 'domain', error: reauth.error, status: reauth.status, values });
    const res = await api(c).send<{ data: DomainView }>('POST', `/v1/orgs/${seg(org)}/sso/domains`, { domain: (f.domain ?? '').trim(), ...(optional(f.connection_id) ? { connection_id: f.connection_id } : {}) });
    if (!res.ok) return page(c, org, { form: 'domain', error: res.error, status: res.status, values });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: `Publish the TXT record ${res.body.data.txt_record} at ${res.body.data.domain}, then verify.` });
    return c.redirect(`/admin/o/${org}/sso`, 303);
  });

  app.post('/o/:org/sso/policy', signedIn, async (c) => {
    const org = c.req.param('org');
    const f = await formData(c);
    const values = { enforced: f.enforced === '1' ? '1' : '', session_max_minutes: f.session_max_minutes ?? '' };
    const reauth = await reauthenticate(c, f);
    if (!reauth.ok) return page(c, org, { form: 'policy', error: reauth.error, status: reauth.status, values });
    const max = optional(f.session_max_minutes);
    const res = await api(c).send('PUT', `/v1/orgs/${seg(org)}/sso/policy`, { enforced: f.enforced === '1', session_max_minutes: max === undefined ? null : Number(max) });
    if (!res.ok) return page(c, org, { form: 'policy', error: res.error, status: res.status, values });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: 'The single sign-on policy is saved.' });
    return c.redirect(`/admin/o/${org}/sso`, 303);
  });

  app.post('/o/:org/sso/domains/:id/verify', signedIn, async (c) => {
    const org = c.req.param('org');
    const f = await formData(c);
    const reauth = await reauthenticate(c, f);
    if (!reauth.ok) return page(c, org, { form: 'row', error: reauth.error, status: reauth.status, values: {} });
    const res = await api(c).send<{ data: DomainView }>('POST', `/v1/orgs/${seg(org)}/sso/domains/${seg(c.req.param('id'))}/verify`);
    if (!res.ok) return page(c, org, { form: 'row', error: res.error, status: res.status, values: {} });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: `${res.body.data.domain} is verified.` });
    return c.redirect(`/admin/o/${org}/sso`, 303);
  });
}
