/**
 * The member's own account: two-factor enrolment (confirm the password → scan the QR code or
 * type the secret → confirm a code → the recovery codes, shown once), turning 2FA off, and the
 * sessions (sign out everywhere). Each step is the API's /v1/auth route in process; 2FA
 * enrolment needs a recent password proof in this session, as the API requires.
 */
import type { Context, Hono } from 'hono';
import { api, passCookies, type ApiError } from '../api.js';
import type { AdminEnv } from '../env.js';
import { formData, optional } from '../forms.js';
import { render } from '../layout.js';
import { refreshMe } from '../me.js';
import { signedIn, type AdminDeps } from '../guards.js';
import { formToken, setFlash } from '../security.js';
import { Button, CopyValue, ErrorSummary, Field, PostForm } from '../ui.js';
import { SessionList, sessionsOf } from './sessions.js';

function page(c: Context<AdminEnv>, title: string, body: unknown, status = 200) {
  return render(c, { title, status, narrow: true }, body as never);
}

function AccountPage(props: { email: string; twoFactor: boolean; token: string; sessions: Awaited<ReturnType<typeof sessionsOf>>; error?: ApiError | null }) {
  return (
    <>
      <h1>Your account</h1>
      <ErrorSummary error={props.error} />
      <p>
        Signed in as <strong>{props.email}</strong>.
      </p>
      <section aria-labelledby="tfa-title" class="sub">
        <h2 id="tfa-title">Two-factor authentication</h2>
        {props.twoFactor ? (
          <>
            <p>
              <span class="badge badge-ok">On</span> Signing in asks for a code from your authenticator app.
            </p>
            <p>
              <a href="/admin/account/2fa/disable">Turn off two-factor authentication</a>
            </p>
          </>
        ) : (
          <>
            <p>
              <span class="badge badge-warn">Off</span> Protect your account with an authenticator app (some organizations require it).
            </p>
            <p>
              <a class="btn btn-primary" href="/admin/account/2fa">
                Turn on two-factor authentication
              </a>
            </p>
          </>
        )}
      </section>
      <section aria-labelledby="sessions-title" class="sub">
        <h2 id="sessions-title">Where you are signed in</h2>
        <SessionList sessions={props.sessions} token={props.token} />
        <PostForm action="/admin/account/sign-out-everywhere" token={props.token} aria-label="Sign out everywhere">
          <Button kind="danger">Sign out everywhere</Button>
        </PostForm>
      </section>
    </>
  );
}

function PasswordStep(props: { token: string; action: string; title: string; intro: string; withCode?: boolean; error?: ApiError | null }) {
  return (
    <>
      <h1>{props.title}</h1>
      <ErrorSummary error={props.error} />
      <p>{props.intro}</p>
      <PostForm action={props.action} token={props.token} aria-label={props.title}>
        <Field name="password" type="password" label="Your password" autocomplete="current-password" required autofocus />
        {props.withCode ? (
          <>
            <Field name="otp" label="Code from your authenticator app" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength={6} hint="Or leave empty and give a recovery code below." />
            <Field name="recovery_code" label="Recovery code" autocomplete="off" />
          </>
        ) : null}
        <Button>Continue</Button>
      </PostForm>
      <p>
        <a href="/admin/account">Back to your account</a>
      </p>
    </>
  );
}

function ScanStep(props: { token: string; secret: string; qr: string; error?: ApiError | null }) {
  return (
    <>
      <h1>Scan the QR code</h1>
      <ErrorSummary error={props.error} />
      <ol class="steps">
        <li>Open your authenticator app (1Password, Google Authenticator, Authy, …) and add an account.</li>
        <li>Scan this code, or type the secret below.</li>
        <li>Enter the 6-digit code the app then shows.</li>
      </ol>
      <img class="qr" src={props.qr} alt="QR code holding your two-factor secret (the same secret is written below)" width={256} height={256} />
      <CopyValue label="Secret (if you cannot scan)" value={props.secret} id="tfa-secret" />
      <PostForm action="/admin/account/2fa/confirm" token={props.token} aria-label="Confirm two-factor authentication">
        <input type="hidden" name="secret" value={props.secret} />
        <input type="hidden" name="qr" value={props.qr} />
        <Field name="code" label="6-digit code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength={6} required autofocus />
        <Button>Turn on</Button>
      </PostForm>
    </>
  );
}

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  app.get('/account', signedIn, async (c) => {
    const me = c.get('me')!;
    return render(c, { title: 'Your account', medium: true }, <AccountPage email={me.email} twoFactor={me.two_factor} token={formToken(c)} sessions={await sessionsOf(c)} />);
  });

  app.post('/account/sign-out-everywhere', signedIn, async (c) => {
    const res = await api(c).send('POST', '/v1/auth/logout-all');
    passCookies(c, res);
    setFlash(c, c.get('adminSecret'), res.ok ? { kind: 'success', text: 'You are signed out everywhere, here too.' } : { kind: 'error', text: res.error!.detail });
    return c.redirect('/admin/sign-in', 303);
  });

  const passwordStep = (c: Context<AdminEnv>, error?: ApiError | null, status = 200) =>
    page(
      c,
      'Turn on two-factor authentication',
      <PasswordStep token={formToken(c)} action="/admin/account/2fa" title="Turn on two-factor authentication" intro="First confirm your password." error={error} />,
      status,
    );

  app.get('/account/2fa', signedIn, (c) => passwordStep(c));

  /** Password → this session counts as recently signed in → a new secret and its QR code. */
  app.post('/account/2fa', signedIn, async (c) => {
    const f = await formData(c);
    const reauth = await api(c).send('POST', '/v1/auth/reauthenticate', { password: f.password ?? '' });
    if (!reauth.ok) return passwordStep(c, reauth.error, reauth.status);
    const setup = await api(c).send<{ data: { secret: string; qr_image: string } }>('POST', '/v1/auth/2fa/setup');
    if (!setup.ok) return passwordStep(c, setup.error, setup.status);
    return page(c, 'Scan the QR code', <ScanStep token={formToken(c)} secret={setup.body.data.secret} qr={setup.body.data.qr_image} />);
  });

  app.post('/account/2fa/confirm', signedIn, async (c) => {
    const f = await formData(c);
    const res = await api(c).send<{ data: { recovery_codes: string[] } }>('POST', '/v1/auth/2fa/confirm', { code: (f.code ?? '').trim() });
    if (!res.ok) {
      const qr = (f.qr ?? '').startsWith('data:image/png;base64,') ? f.qr! : '';
      return page(c, 'Scan the QR code', <ScanStep token={formToken(c)} secret={f.secret ?? ''} qr={qr} error={res.error} />, res.status);
    }
    // The API replaced the session (a new cookie and CSRF token): use it for this page.
    passCookies(c, res);
    await refreshMe(c);
    const codes = res.body.data.recovery_codes;
    return page(
      c,
      'Save your recovery codes',
      <>
        <h1>Save your recovery codes</h1>
        <p role="status" class="flash flash-success">
          Two-factor authentication is on.
        </p>
        <p>If you lose your device, each of these codes signs you in once. They are shown only now: store them somewhere safe.</p>
        <ul class="codes mono" id="recovery-codes">
          {codes.map((code) => (
            <li>{code}</li>
          ))}
        </ul>
        <CopyValue label="All codes" value={codes.join(' ')} id="codes-copy" />
        <p>
          <a class="btn btn-primary" href="/admin/account">
            I have saved them
          </a>
        </p>
      </>,
    );
  });

  const disableStep = (c: Context<AdminEnv>, error?: ApiError | null, status = 200) =>
    page(
      c,
      'Turn off two-factor authentication',
      <PasswordStep token={formToken(c)} action="/admin/account/2fa/disable" title="Turn off two-factor authentication" intro="Confirm with your password and a current code." withCode error={error} />,
      status,
    );

  app.get('/account/2fa/disable', signedIn, (c) => disableStep(c));

  app.post('/account/2fa/disable', signedIn, async (c) => {
    const f = await formData(c);
    const res = await api(c).send('POST', '/v1/auth/2fa/disable', {
      password: f.password ?? '',
      ...(optional(f.otp) ? { otp: f.otp!.trim() } : {}),
      ...(optional(f.recovery_code) ? { recovery_code: f.recovery_code!.trim() } : {}),
    });
    if (!res.ok) return disableStep(c, res.error, res.status);
    passCookies(c, res);
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: 'Two-factor authentication is off.' });
    return c.redirect('/admin/account', 303);
  });
}
