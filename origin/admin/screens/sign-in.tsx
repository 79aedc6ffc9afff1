/**
 * Sign-in: the password, then — when the account has 2FA — a TOTP code or a recovery code; a
 * proof-of-work captcha when the API demands one (admin.js solves it in the browser); "continue
 * with SSO" through POST /v1/auth/sso/discover. Every step is POST /v1/auth/login in process
 * (api.ts), so throttles, captcha, generic failures and audit rows are the API's own.
 *
 * The second step needs the password again (the API is stateless between steps): it travels in
 * a hidden field sealed with the origin's envelope (AES-256-GCM), bound to this browser's form
 * cookie and valid for 5 minutes — the page never holds it in the clear, and no server state is kept.
 */
import type { Context, Hono } from 'hono';
import { api, passCookies, type ApiError } from '../api.js';
import type { AdminEnv } from '../env.js';
import { formData, optional } from '../forms.js';
import { render } from '../layout.js';
import type { AdminDeps } from '../guards.js';
import { formSeed, formToken, safeNext } from '../security.js';
import { Button, ErrorSummary, Field, PostForm } from '../ui.js';

const PENDING_TTL_MS = 5 * 60_000;

interface Pending {
  e: string;
  p: string;
  x: number;
}

function nextOf(c: Context<AdminEnv>): string {
  return safeNext(c.req.query('next'));
}

function withNext(path: string, next: string): string {
  return next === '/admin' ? path : `${path}?next=${encodeURIComponent(next)}`;
}

async function captchaChallenge(c: Context<AdminEnv>): Promise<string | null> {
  const res = await api(c).get<Record<string, unknown>>('/v1/auth/captcha');
  return res.ok ? JSON.stringify(res.body) : null;
}

function SignInPage(props: { token: string; next: string; email?: string; error?: ApiError | null; captcha?: string | null; ssoEmail?: string; ssoError?: ApiError | null }) {
  return (
    <>
      <h1>Sign in to ghee</h1>
      <ErrorSummary error={props.error} title="Could not sign you in" />
      <PostForm action={withNext('/admin/sign-in', props.next)} token={props.token} id="sign-in-form" aria-label="Sign in with your password">
        <Field name="email" type="email" label="Email address" value={props.email} autocomplete="username" required autofocus={!props.email} />
        <Field name="password" type="password" label="Password" autocomplete="current-password" required autofocus={Boolean(props.email)} />
        {props.captcha ? (
          <div class="captcha" data-captcha={props.captcha}>
            <input type="hidden" name="captcha" value="" />
            <p class="captcha-status" role="status" aria-live="polite">
              Too many attempts: your browser is solving a short puzzle to prove it is not a robot…
            </p>
          </div>
        ) : null}
        <Button>Sign in</Button>
      </PostForm>
      <p>
        <a href="/admin/forgot">Forgot your password?</a>
      </p>
      <section aria-labelledby="sso-title" class="sub">
        <h2 id="sso-title">Single sign-on</h2>
        <ErrorSummary error={props.ssoError} title="Single sign-on" />
        <PostForm action={withNext('/admin/sign-in/sso', props.next)} token={props.token} aria-label="Continue with single sign-on" attrs={{ 'hx-post': withNext('/admin/sign-in/sso', props.next), 'hx-target': 'main', 'hx-swap': 'innerHTML' }}>
          <Field name="email" id="f-sso-email" type="email" label="Work email address" value={props.ssoEmail} autocomplete="email" required />
          <Button kind="secondary">Continue with SSO</Button>
        </PostForm>
      </section>
      <p>
        New to ghee? <a href="/admin/sign-up">Create an account</a>
      </p>
    </>
  );
}

function CodePage(props: { token: string; next: string; pending: string; error?: ApiError | null }) {
  return (
    <>
      <h1>Two-factor authentication</h1>
      <ErrorSummary error={props.error} title="Could not sign you in" />
      <PostForm action={withNext('/admin/sign-in/code', props.next)} token={props.token} aria-label="Sign in with your authenticator code">
        <input type="hidden" name="pending" value={props.pending} />
        <Field
          name="otp"
          label="Code from your authenticator app"
          hint="The 6 digits your app shows now."
          inputmode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9]{6}"
          maxlength={6}
          required
          autofocus
        />
        <Button>Verify</Button>
      </PostForm>
      <section aria-labelledby="recovery-title" class="sub">
        <h2 id="recovery-title">Lost your device?</h2>
        <PostForm action={withNext('/admin/sign-in/code', props.next)} token={props.token} aria-label="Sign in with a recovery code">
          <input type="hidden" name="pending" value={props.pending} />
          <Field name="recovery_code" label="Recovery code" hint="One of the codes you saved when you turned on 2FA; each works once." autocomplete="off" required />
          <Button kind="secondary">Use recovery code</Button>
        </PostForm>
      </section>
      <p>
        <a href="/admin/sign-in">Start again</a>
      </p>
    </>
  );
}

export function register(app: Hono<AdminEnv>, deps: AdminDeps): void {
  const envelope = deps.ctx.envelope;
  const seal = (c: Context<AdminEnv>, p: Pending) => envelope.encrypt(JSON.stringify(p), `admin-sign-in:${formSeed(c) ?? ''}`);
  const open = (c: Context<AdminEnv>, token: string | undefined): Pending | null => {
    if (!token || token.length > 4096) return null;
    try {
      const p = JSON.parse(envelope.decrypt(token, `admin-sign-in:${formSeed(c) ?? ''}`)) as Pending;
      return typeof p.e === 'string' && typeof p.p === 'string' && p.x > Date.now() ? p : null;
    } catch {
      return null;
    }
  };

  const page = (c: Context<AdminEnv>, body: Parameters<typeof SignInPage>[0], status = 200) => render(c, { title: 'Sign in', narrow: true, status }, <SignInPage {...body} />);

  app.get('/sign-in', async (c) => {
    if (c.get('me')) return c.redirect(nextOf(c), 303);
    return page(c, { token: formToken(c), next: nextOf(c) });
  });

  app.post('/sign-in', async (c) => {
    const f = await formData(c);
    const next = nextOf(c);
    const email = f.email ?? '';
    const res = await api(c).send<{ csrf_token: string }>('POST', '/v1/auth/login', { email, password: f.password ?? '', ...(optional(f.captcha) ? { captcha: f.captcha } : {}) });
    if (res.ok) {
      passCookies(c, res);
      return c.redirect(next, 303);
    }
    if (res.error?.code === 'otp_required') {
      const pending = seal(c, { e: email, p: f.password ?? '', x: Date.now() + PENDING_TTL_MS });
      return render(c, { title: 'Two-factor authentication', narrow: true }, <CodePage token={formToken(c)} next={next} pending={pending} />);
    }
    const captcha = res.error?.code === 'captcha_required' ? await captchaChallenge(c) : null;
    return page(c, { token: formToken(c), next, email, error: res.error, captcha }, res.status);
  });

  app.post('/sign-in/code', async (c) => {
    const f = await formData(c);
    const next = nextOf(c);
    const pending = open(c, f.pending);
    if (!pending) {
      return page(c, { token: formToken(c), next, error: { code: 'expired', detail: 'This sign-in took too long or was started elsewhere: enter your password again.', request_id: c.get('requestId') } }, 400);
    }
    const second = optional(f.recovery_code) ? { recovery_code: f.recovery_code!.trim() } : { otp: (f.otp ?? '').trim() };
    const res = await api(c).send('POST', '/v1/auth/login', { email: pending.e, password: pending.p, ...second });
    if (res.ok) {
      passCookies(c, res);
      return c.redirect(next, 303);
    }
    if (res.error?.code === 'captcha_required') {
      return page(c, { token: formToken(c), next, email: pending.e, error: res.error, captcha: await captchaChallenge(c) }, res.status);
    }
    const again = seal(c, { ...pending, x: Date.now() + PENDING_TTL_MS });
    return render(c, { title: 'Two-factor authentication', narrow: true, status: res.status }, <CodePage token={formToken(c)} next={next} pending={again} error={res.error} />);
  });

  /** Discovery answers the same shape whether or not the domain uses SSO (no enumeration beyond the API's). */
  app.post('/sign-in/sso', async (c) => {
    const f = await formData(c);
    const next = nextOf(c);
    const res = await api(c).send<{ data: { sso: boolean; login_url: string | null } }>('POST', '/v1/auth/sso/discover', { email: f.email ?? '' });
    if (res.ok && res.body.data.sso && res.body.data.login_url) {
      const to = new URL(res.body.data.login_url);
      to.searchParams.set('return_to', next);
      const target = `${to.pathname}${to.search}`;
      // A redirect straight from a form post would meet CSP form-action when the IdP is elsewhere:
      // htmx follows HX-Redirect as a navigation; without JS the page links to it.
      if (c.req.header('hx-request') === 'true') {
        c.header('hx-redirect', target);
        return c.body(null, 204);
      }
      return render(
        c,
        { title: 'Single sign-on', narrow: true },
        <>
          <h1>Single sign-on</h1>
          <p>Your organization signs you in through its identity provider.</p>
          <p>
            <a class="btn btn-primary" href={target} id="sso-continue">
              Continue to your identity provider
            </a>
          </p>
        </>,
      );
    }
    const error: ApiError = res.ok
      ? { code: 'sso_not_configured', detail: 'Single sign-on is not set up for this email address: sign in with your password.', request_id: c.get('requestId') }
      : res.error!;
    return page(c, { token: formToken(c), next, ssoEmail: f.email, ssoError: error }, res.ok ? 200 : res.status);
  });

  app.post('/sign-out', async (c) => {
    if (c.get('me')) {
      const res = await api(c).send('POST', '/v1/auth/logout');
      passCookies(c, res);
    }
    return c.redirect('/admin/sign-in', 303);
  });
}
