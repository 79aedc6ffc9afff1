/**
 * Members, invitations and roles of an organization (GET /v1/orgs/:org/members and …/invitations;
 * PATCH / DELETE …/members/:user; POST / DELETE …/invitations). Everyone with members.read sees
 * who is in the organization and who is invited; members.manage adds the invite form, each
 * membership's role change and removal, and each invitation's revocation. The owner role is
 * offered only to owners (the API refuses it to anyone else regardless). The invitation's link
 * (mailed by the API) opens /admin/invitations/accept: the invitee joins — signed in as the
 * invited address, or with a new account's name and password.
 */
import type { Context, Hono } from 'hono';
import { ROLES, type Role } from '../../../../shared/permissions.js';
import { api, must, passCookies, type ApiError } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { formData, optional } from '../../forms.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { render } from '../../layout.js';
import { can, roleIn } from '../../nav.js';
import { formToken, setFlash } from '../../security.js';
import { Button, DataTable, ErrorSummary, Field, PostForm, RowAction, When } from '../../ui.js';
import { seg } from './common.js';

interface MemberView {
  user_id: string;
  email: string;
  name: string;
  role: Role;
  space_id: string | null;
  joined_at: string;
}
interface InvitationView {
  id: string;
  email: string;
  role: Role;
  space_id: string | null;
  created_at: string;
  expires_at: string;
}
interface SpaceView {
  id: string;
  name: string;
}

function RoleSelect(props: { id: string; name?: string; value?: string; roles: readonly Role[]; label: string; visibleLabel?: boolean }) {
  return (
    <>
      <label for={props.id} class={props.visibleLabel ? undefined : 'visually-hidden'}>
        {props.label}
      </label>
      <select id={props.id} name={props.name ?? 'role'}>
        {props.roles.map((r) => (
          <option value={r} selected={props.value === r}>
            {r}
          </option>
        ))}
      </select>
    </>
  );
}

function where(spaceId: string | null, spaces: Map<string, string>) {
  return spaceId ? (spaces.get(spaceId) ?? spaceId) : <span class="muted">Organization</span>;
}

interface PageData {
  org: string;
  members: MemberView[];
  invitations: InvitationView[];
  spaces: SpaceView[];
  mayManage: boolean;
  grantable: readonly Role[];
  token: string;
  myId: string;
}

function MembersTable(p: PageData) {
  const spaces = new Map(p.spaces.map((s) => [s.id, s.name]));
  const q = (m: MemberView) => (m.space_id ? `?space_id=${m.space_id}` : '');
  // Owners' memberships are changed only by owners (the API refuses anyone else): no controls for the rest.
  const manage = (m: MemberView) => p.mayManage && (m.role !== 'owner' || p.grantable.includes('owner'));
  return (
    <DataTable
      id="members"
      caption="Members"
      rows={p.members}
      rowAttrs={(m) => ({ 'data-user-id': m.user_id })}
      columns={[
        {
          header: 'Name',
          cell: (m) => (
            <>
              {m.name}
              {m.user_id === p.myId ? <span class="badge">You</span> : null}
            </>
          ),
        },
        { header: 'Email', cell: (m) => m.email },
        { header: 'Where', cell: (m) => where(m.space_id, spaces) },
        {
          header: 'Role',
          cell: (m, i) =>
            manage(m) ? (
              <PostForm action={`/admin/o/${p.org}/members/${m.user_id}/role${q(m)}`} token={p.token} class="inline" aria-label={`Change the role of ${m.email}`}>
                <RoleSelect id={`role-${i}`} value={m.role} roles={p.grantable} label={`Role of ${m.email}`} />{' '}
                <button type="submit" class="btn btn-secondary">
                  Save<span class="visually-hidden"> role of {m.email}</span>
                </button>
              </PostForm>
            ) : (
              m.role
            ),
        },
        { header: 'Joined', cell: (m) => <When at={m.joined_at} /> },
      ]}
      actions={
        p.mayManage &&
        ((m) =>
          manage(m) ? <RowAction action={`/admin/o/${p.org}/members/${m.user_id}/remove${q(m)}`} token={p.token} label="Remove" target={m.email} confirm={`Remove ${m.email}? Their sessions end at once.`} /> : null)
      }
    />
  );
}

function InvitationsTable(p: PageData) {
  const spaces = new Map(p.spaces.map((s) => [s.id, s.name]));
  return (
    <DataTable
      id="invitations"
      caption="Open invitations"
      rows={p.invitations}
      empty="No open invitations."
      rowAttrs={(inv) => ({ 'data-invitation-id': inv.id })}
      columns={[
        { header: 'Email', cell: (inv) => inv.email },
        { header: 'Where', cell: (inv) => where(inv.space_id, spaces) },
        { header: 'Role', cell: (inv) => inv.role },
        { header: 'Expires', cell: (inv) => <When at={inv.expires_at} /> },
      ]}
      actions={
        p.mayManage &&
        ((inv) => <RowAction action={`/admin/o/${p.org}/invitations/${inv.id}/revoke`} token={p.token} label="Revoke" target={`the invitation of ${inv.email}`} confirm={`Revoke the invitation of ${inv.email}?`} />)
      }
    />
  );
}

function InviteForm(p: PageData & { values: Record<string, string> }) {
  return (
    <section class="sub" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite someone</h2>
      <PostForm action={`/admin/o/${p.org}/invitations`} token={p.token} aria-label="Invite a member">
        <Field name="email" type="email" label="Email address" required autocomplete="off" value={p.values.email} />
        <div class="field">
          <RoleSelect id="f-role" value={p.values.role ?? 'author'} roles={p.grantable} label="Role" visibleLabel />
        </div>
        <div class="field">
          <label for="f-space">Where</label>
          <select id="f-space" name="space_id">
            <option value="">The whole organization</option>
            {p.spaces.map((s) => (
              <option value={s.id} selected={p.values.space_id === s.id}>
                Only the space {s.name}
              </option>
            ))}
          </select>
        </div>
        <Button>Send invitation</Button>
      </PostForm>
    </section>
  );
}

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  const membersPage = async (c: Context<AdminEnv>, org: string, refusal?: { error: ApiError | null; status: number; values?: Record<string, string> }) => {
    const listed = await api(c).get<{ data: MemberView[] }>(`/v1/orgs/${seg(org)}/members`);
    if (!listed.ok && refusal) return render(c, { title: 'Members', org, active: 'members', status: refusal.status }, <><h1>Members</h1><ErrorSummary error={refusal.error} /></>);
    const members = must(listed).data;
    const invRes = await api(c).get<{ data: InvitationView[] }>(`/v1/orgs/${seg(org)}/invitations`);
    const spacesRes = await api(c).get<{ data: SpaceView[] }>(`/v1/orgs/${seg(org)}/spaces`);
    const me = c.get('me')!;
    const mine = roleIn(me, org);
    const data: PageData = {
      org,
      members,
      invitations: invRes.ok ? invRes.body.data : [],
      spaces: spacesRes.ok ? spacesRes.body.data : [],
      mayManage: can(me, 'members.manage', org),
      grantable: mine === 'owner' ? ROLES : ROLES.filter((r) => r !== 'owner'),
      token: formToken(c),
      myId: me.user_id,
    };
    return render(
      c,
      { title: 'Members', org, active: 'members', ...(refusal ? { status: refusal.status } : {}) },
      <>
        <h1>Members</h1>
        {refusal ? <ErrorSummary error={refusal.error} /> : null}
        <MembersTable {...data} />
        <section class="sub" aria-labelledby="inv-title">
          <h2 id="inv-title">Invitations</h2>
          <InvitationsTable {...data} />
        </section>
        {data.mayManage ? <InviteForm {...data} values={refusal?.values ?? {}} /> : null}
      </>,
    );
  };

  app.get('/o/:org/members', signedIn, (c) => membersPage(c, c.req.param('org')));

  app.post('/o/:org/invitations', signedIn, async (c) => {
    const org = c.req.param('org');
    const f = await formData(c);
    const space = optional(f.space_id);
    const res = await api(c).send('POST', `/v1/orgs/${seg(org)}/invitations`, { email: (f.email ?? '').trim(), role: f.role ?? '', ...(space ? { space_id: space } : {}) });
    if (!res.ok) return membersPage(c, org, { error: res.error, status: res.status, values: { email: f.email ?? '', role: f.role ?? '', space_id: f.space_id ?? '' } });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: `Invitation sent to ${(f.email ?? '').trim()}.` });
    return c.redirect(`/admin/o/${org}/members`, 303);
  });

  app.post('/o/:org/invitations/:id/revoke', signedIn, async (c) => {
    const org = c.req.param('org');
    const res = await api(c).send('DELETE', `/v1/orgs/${seg(org)}/invitations/${seg(c.req.param('id'))}`);
    if (!res.ok) return membersPage(c, org, { error: res.error, status: res.status });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: 'The invitation is revoked.' });
    return c.redirect(`/admin/o/${org}/members`, 303);
  });

  app.post('/o/:org/members/:user/role', signedIn, async (c) => {
    const org = c.req.param('org');
    const f = await formData(c);
    const space = optional(c.req.query('space_id'));
    const res = await api(c).send('PATCH', `/v1/orgs/${seg(org)}/members/${seg(c.req.param('user'))}`, { role: f.role ?? '', ...(space ? { space_id: space } : {}) });
    if (!res.ok) return membersPage(c, org, { error: res.error, status: res.status });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: `Role changed to ${f.role ?? ''}. Their sessions ended; the next one carries the new role.` });
    return c.redirect(`/admin/o/${org}/members`, 303);
  });

  app.post('/o/:org/members/:user/remove', signedIn, async (c) => {
    const org = c.req.param('org');
    const space = optional(c.req.query('space_id'));
    const res = await api(c).send('DELETE', `/v1/orgs/${seg(org)}/members/${seg(c.req.param('user'))}${space ? `?space_id=${encodeURIComponent(space)}` : ''}`);
    if (!res.ok) return membersPage(c, org, { error: res.error, status: res.status });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: 'The member is removed.' });
    return c.redirect(`/admin/o/${org}/members`, 303);
  });

  // The invitation's link: join signed in as the invited address, or create the account here.
  const acceptPage = (c: Context<AdminEnv>, token: string, error?: ApiError | null, status = 200) => {
    const me = c.get('me');
    return render(
      c,
      { title: 'Join an organization', narrow: true, status },
      <>
        <h1>Join an organization</h1>
        <ErrorSummary error={error} />
        <PostForm action="/admin/invitations/accept" token={formToken(c)} aria-label="Accept the invitation">
          <input type="hidden" name="token" value={token} />
          {me ? (
            <p>
              You are signed in as <strong>{me.email}</strong>; the invitation must be for this address.
            </p>
          ) : (
            <>
              <p>
                New to ghee? Choose your name and a password. Already have an account? <a href={`/admin/sign-in?next=${encodeURIComponent(`/admin/invitations/accept?token=${token}`)}`}>Sign in first</a>.
              </p>
              <Field name="name" label="Your name" autocomplete="name" />
              <Field name="password" type="password" label="Password" autocomplete="new-password" hint="At least 12 characters; not a known leaked password." />
            </>
          )}
          <Button>Accept the invitation</Button>
        </PostForm>
      </>,
    );
  };

  app.get('/invitations/accept', (c) => acceptPage(c, c.req.query('token') ?? ''));

  app.post('/invitations/accept', async (c) => {
    const f = await formData(c);
    const token = f.token ?? '';
    const res = await api(c).send<{ organization_id: string }>('POST', '/v1/invitations/accept', { token, ...(optional(f.name) ? { name: f.name } : {}), ...(f.password ? { password: f.password } : {}) });
    if (!res.ok) return acceptPage(c, token, res.error, res.status);
    passCookies(c, res);
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: c.get('me') ? 'You joined the organization.' : 'You joined the organization: sign in with your new password.' });
    return c.redirect(c.get('me') ? `/admin/o/${res.body.organization_id}` : '/admin/sign-in', 303);
  });
}
