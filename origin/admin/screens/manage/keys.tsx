/**
 * API keys of an organization (GET/POST /v1/orgs/:org/api-keys, POST …/:id/rotate, DELETE …/:id).
 * Everyone with keys.read sees the list (prefix and last four only); keys.manage adds the create
 * form and each live key's Rotate and Revoke. A new secret (create, rotate) is shown once, on the
 * answer to the POST itself (no redirect: it is never stored, flashed or put in a URL), with a
 * copy button. Minting a secret needs a recent password proof (the API's rule), so those forms
 * carry the password (common.tsx) and the screen re-authenticates just before the call.
 */
import type { Context, Hono } from 'hono';
import { api, must, type ApiError } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { formData, optional } from '../../forms.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { render } from '../../layout.js';
import { can } from '../../nav.js';
import { formToken, setFlash } from '../../security.js';
import { Button, CopyValue, DataTable, ErrorSummary, Field, PostForm, RowAction, RowLink, When } from '../../ui.js';
import { ReauthFields, reauthenticate, seg } from './common.js';

interface KeyView {
  id: string;
  name: string;
  kind: 'read' | 'preview' | 'write' | 'admin';
  space_id: string | null;
  prefix: string;
  last_four: string;
  scopes: string[];
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}
interface SpaceView {
  id: string;
  name: string;
}

const KINDS: { value: KeyView['kind']; label: string }[] = [
  { value: 'read', label: 'Read — published content (for sites and apps)' },
  { value: 'preview', label: 'Preview — published content and drafts' },
  { value: 'write', label: 'Write — create, edit and publish content' },
  { value: 'admin', label: 'Admin — organization-wide management' },
];

function status(k: KeyView, nowIso: string): { label: string; live: boolean } {
  if (k.revoked_at) return { label: 'Revoked', live: false };
  if (k.expires_at && k.expires_at <= nowIso) return { label: 'Expired', live: false };
  return { label: 'Active', live: true };
}

function KeyTable(props: { org: string; keys: KeyView[]; spaces: SpaceView[]; mayManage: boolean; token: string }) {
  const spaceName = new Map(props.spaces.map((s) => [s.id, s.name]));
  const nowIso = new Date().toISOString();
  return (
    <DataTable
      id="keys"
      caption="API keys"
      rows={props.keys}
      empty="No API keys yet."
      rowAttrs={(k) => ({ 'data-key-id': k.id })}
      columns={[
        { header: 'Name', cell: (k) => k.name },
        { header: 'Kind', cell: (k) => k.kind },
        { header: 'Space', cell: (k) => (k.space_id ? (spaceName.get(k.space_id) ?? k.space_id) : <span class="muted">Organization</span>) },
        { header: 'Key', class: 'mono', cell: (k) => `${k.prefix}…${k.last_four}` },
        { header: 'Created', cell: (k) => <When at={k.created_at} /> },
        { header: 'Last used', cell: (k) => <When at={k.last_used_at} /> },
        {
          header: 'Status',
          cell: (k) => {
            const s = status(k, nowIso);
            return <span class={`badge ${s.live ? 'badge-ok' : 'badge-warn'}`}>{s.label}</span>;
          },
        },
      ]}
      actions={
        props.mayManage &&
        ((k) =>
          status(k, nowIso).live ? (
            <>
              <RowLink href={`/admin/o/${props.org}/keys/${k.id}/rotate`} label="Rotate" target={`key ${k.name}`} />
              <RowAction action={`/admin/o/${props.org}/keys/${k.id}/revoke`} token={props.token} label="Revoke" target={`key ${k.name}`} danger confirm="Revoke this key? Calls using it are refused at once." />
            </>
          ) : null)
      }
    />
  );
}

function CreateForm(props: { org: string; spaces: SpaceView[]; token: string; twoFactor: boolean; values?: Record<string, string> }) {
  const v = props.values ?? {};
  return (
    <section class="sub" aria-labelledby="create-key-title">
      <h2 id="create-key-title">Create a key</h2>
      <PostForm action={`/admin/o/${props.org}/keys`} token={props.token} aria-label="Create an API key">
        <Field name="name" label="Name" hint="What uses it, e.g. “website build”." required maxlength={200} value={v.name} />
        <div class="field">
          <label for="f-kind">Kind</label>
          <select id="f-kind" name="kind">
            {KINDS.map((k) => (
              <option value={k.value} selected={v.kind === k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-space">Space</label>
          <p class="hint" id="f-space-hint">
            Read, preview and write keys belong to one space; admin keys to the organization.
          </p>
          <select id="f-space" name="space_id" aria-describedby="f-space-hint">
            {props.spaces.map((s) => (
              <option value={s.id} selected={v.space_id === s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <Field name="expires_at" type="date" label="Expires (optional)" value={v.expires_at} />
        <ReauthFields twoFactor={props.twoFactor} />
        <Button>Create key</Button>
      </PostForm>
    </section>
  );
}

/** The secret, once: shown on the POST's answer only. */
function SecretOnce(props: { org: string; title: string; name: string; secret: string }) {
  return (
    <>
      <h1>{props.title}</h1>
      <p role="status" class="flash flash-success">
        Key “{props.name}” is ready.
      </p>
      <p>
        <strong>Copy the key now: it is shown only once.</strong> ghee keeps only its hash; if it is lost, rotate the key.
      </p>
      <CopyValue label="The new key" value={props.secret} id="new-key" />
      <p>
        <a class="btn btn-primary" href={`/admin/o/${props.org}/keys`}>
          Done
        </a>
      </p>
    </>
  );
}

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  const listPage = async (c: Context<AdminEnv>, org: string, refusal?: { error: ApiError | null; status: number; values: Record<string, string> }) => {
    const listed = await api(c).get<{ data: KeyView[] }>(`/v1/orgs/${seg(org)}/api-keys`);
    // A refused write by someone who may not even list keys: the write's refusal is the answer.
    if (!listed.ok && refusal) return render(c, { title: 'API keys', org, active: 'keys', status: refusal.status }, <><h1>API keys</h1><ErrorSummary error={refusal.error} /></>);
    const keys = must(listed).data;
    const spacesRes = await api(c).get<{ data: SpaceView[] }>(`/v1/orgs/${seg(org)}/spaces`);
    const spaces = spacesRes.ok ? spacesRes.body.data : [];
    const me = c.get('me')!;
    const mayManage = can(me, 'keys.manage', org);
    return render(
      c,
      { title: 'API keys', org, active: 'keys', ...(refusal ? { status: refusal.status } : {}) },
      <>
        <h1>API keys</h1>
        {refusal ? <ErrorSummary error={refusal.error} /> : null}
        <p class="muted">Keys are listed by prefix and last four characters; ghee never shows a key again after it was created.</p>
        <KeyTable org={org} keys={keys} spaces={spaces} mayManage={mayManage} token={formToken(c)} />
        {mayManage ? <CreateForm org={org} spaces={spaces} token={formToken(c)} twoFactor={me.two_factor} values={refusal?.values} /> : null}
      </>,
    );
  };

  app.get('/o/:org/keys', signedIn, (c) => listPage(c, c.req.param('org')));

  app.post('/o/:org/keys', signedIn, async (c) => {
    const org = c.req.param('org');
    const f = await formData(c);
    const kept = { name: f.name ?? '', kind: f.kind ?? '', space_id: f.space_id ?? '', expires_at: f.expires_at ?? '' };
    const reauth = await reauthenticate(c, f);
    if (!reauth.ok) return listPage(c, org, { error: reauth.error, status: reauth.status, values: kept });
    const expires = optional(f.expires_at);
    const body = {
      name: f.name ?? '',
      kind: f.kind ?? '',
      ...(f.kind !== 'admin' && optional(f.space_id) ? { space_id: f.space_id } : {}),
      ...(expires ? { expires_at: /^\d{4}-\d{2}-\d{2}$/.test(expires) ? `${expires}T23:59:59Z` : expires } : {}),
    };
    const res = await api(c).send<{ data: KeyView & { token: string } }>('POST', `/v1/orgs/${seg(org)}/api-keys`, body);
    if (!res.ok) return listPage(c, org, { error: res.error, status: res.status, values: kept });
    return render(c, { title: 'Key created', org, active: 'keys' }, <SecretOnce org={org} title="Key created" name={res.body.data.name} secret={res.body.data.token} />);
  });

  const rotatePage = async (c: Context<AdminEnv>, org: string, id: string, error?: ApiError | null, status = 200) => {
    const keys = must(await api(c).get<{ data: KeyView[] }>(`/v1/orgs/${seg(org)}/api-keys`)).data;
    const key = keys.find((k) => k.id === id);
    const me = c.get('me')!;
    return render(
      c,
      { title: 'Rotate key', org, active: 'keys', status },
      <>
        <h1>Rotate {key ? `“${key.name}”` : 'key'}</h1>
        <ErrorSummary error={error} />
        <p>A new secret replaces this key. The old one keeps working for the grace period you choose, then is refused.</p>
        <PostForm action={`/admin/o/${org}/keys/${seg(id)}/rotate`} token={formToken(c)} aria-label="Rotate the key">
          <div class="field">
            <label for="f-grace">Old key keeps working for</label>
            <select id="f-grace" name="grace_seconds">
              <option value="0">No time — refuse it now</option>
              <option value="3600">1 hour</option>
              <option value="86400" selected>
                1 day
              </option>
              <option value="604800">7 days</option>
            </select>
          </div>
          <ReauthFields twoFactor={me.two_factor} />
          <Button>Rotate key</Button>{' '}
          <a class="btn btn-secondary" href={`/admin/o/${org}/keys`}>
            Cancel
          </a>
        </PostForm>
      </>,
    );
  };

  app.get('/o/:org/keys/:id/rotate', signedIn, (c) => rotatePage(c, c.req.param('org'), c.req.param('id')));

  app.post('/o/:org/keys/:id/rotate', signedIn, async (c) => {
    const org = c.req.param('org');
    const id = c.req.param('id');
    const f = await formData(c);
    const reauth = await reauthenticate(c, f);
    if (!reauth.ok) return rotatePage(c, org, id, reauth.error, reauth.status);
    const grace = Number.parseInt(f.grace_seconds ?? '', 10);
    const res = await api(c).send<{ data: KeyView & { token: string } }>('POST', `/v1/orgs/${seg(org)}/api-keys/${seg(id)}/rotate`, Number.isFinite(grace) ? { grace_seconds: grace } : {});
    if (!res.ok) return rotatePage(c, org, id, res.error, res.status);
    return render(c, { title: 'Key rotated', org, active: 'keys' }, <SecretOnce org={org} title="Key rotated" name={res.body.data.name} secret={res.body.data.token} />);
  });

  app.post('/o/:org/keys/:id/revoke', signedIn, async (c) => {
    const org = c.req.param('org');
    const res = await api(c).send<{ data: { name?: string } }>('DELETE', `/v1/orgs/${seg(org)}/api-keys/${seg(c.req.param('id'))}`);
    if (!res.ok) return listPage(c, org, { error: res.error, status: res.status, values: {} });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: 'The key is revoked: calls using it are refused.' });
    return c.redirect(`/admin/o/${org}/keys`, 303);
  });
}
