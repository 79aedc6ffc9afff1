/**
 * The member's sessions (GET /v1/auth/sessions): where they are signed in, this one marked, each
 * other one with its own sign-out (DELETE /v1/auth/sessions/:id).
 */
import type { Context, Hono } from 'hono';
import { api } from '../api.js';
import type { AdminEnv } from '../env.js';
import { signedIn, type AdminDeps } from '../guards.js';
import { setFlash } from '../security.js';
import { DataTable, RowAction, When } from '../ui.js';

export interface SessionView {
  id: string;
  current: boolean;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  auth_method: string;
}

/** The member's live sessions, or null when the API cannot list them. */
export async function sessionsOf(c: Context<AdminEnv>): Promise<SessionView[] | null> {
  const res = await api(c).get<{ data: SessionView[] }>('/v1/auth/sessions');
  return res.ok ? res.body.data : null;
}

/** A short name for a browser from its User-Agent (the full string is in the title). */
function browserName(ua: string | null): string {
  if (!ua) return 'Unknown client';
  const m = /(Firefox|Edg|Chrome|Chromium|Safari|curl|node)[/ ]?([\d.]*)/i.exec(ua);
  return m ? `${m[1] === 'Edg' ? 'Edge' : m[1]}${m[2] ? ` ${m[2].split('.')[0]}` : ''}` : ua.slice(0, 40);
}

export function SessionList(props: { sessions: SessionView[] | null; token: string }) {
  if (props.sessions === null) return <p class="muted">The session list is unavailable right now.</p>;
  return (
    <DataTable
      id="sessions"
      caption="Your sessions"
      rows={props.sessions}
      columns={[
        {
          header: 'Client',
          title: (s) => s.user_agent ?? undefined,
          cell: (s) => (
            <>
              {browserName(s.user_agent)} {s.auth_method === 'sso' ? <span class="badge">SSO</span> : null}
              {s.current ? <span class="badge badge-ok">This session</span> : null}
            </>
          ),
        },
        { header: 'Address', cell: (s) => s.ip ?? '—' },
        { header: 'Signed in', cell: (s) => <When at={s.created_at} /> },
        { header: 'Last active', cell: (s) => <When at={s.last_seen_at} /> },
      ]}
      actions={(s) =>
        s.current ? null : <RowAction action={`/admin/account/sessions/${s.id}/sign-out`} token={props.token} label="Sign out" target={`the session from ${browserName(s.user_agent)}`} formLabel="Sign out this session" />
      }
    />
  );
}

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  app.post('/account/sessions/:id/sign-out', signedIn, async (c) => {
    const res = await api(c).send('DELETE', `/v1/auth/sessions/${encodeURIComponent(c.req.param('id'))}`);
    setFlash(c, c.get('adminSecret'), res.ok ? { kind: 'success', text: 'That session is signed out.' } : { kind: 'error', text: res.error!.detail });
    return c.redirect('/admin/account', 303);
  });
}
