/**
 * Account screens before sign-in: sign-up, email verification (the mail's link), forgot and
 * reset password. Each is one call of the API's /v1/auth routes in process (api.ts); their
 * answers (and refusals, in the one error shape) are shown as the API gave them. The
 * verification and reset links open a page with a button (a POST): a mail scanner that fetches
 * the link does not spend the single-use token.
 */
import type { Context, Hono } from 'hono';
import { api, type ApiError } from '../api.js';
import type { AdminEnv } from '../env.js';
import { formData } from '../forms.js';
import { render } from '../layout.js';
import type { AdminDeps } from '../guards.js';
import { formToken, setFlash } from '../security.js';
import { Button, ErrorSummary, Field, PostForm } from '../ui.js';
import * as signIn from './sign-in.js';

function SignUpPage(props: { token: string; values?: Record<string, string>; error?: ApiError | null }) {
  const v = props.values ?? {};
  return (
    <>
      <h1>Create your ghee account</h1>
      <ErrorSummary error={props.error} title="Could not create the account" />
      <PostForm action="/admin/sign-up" token={props.token} aria-label="Create an account">
        <Field name="name" label="Your name" value={v.name} autocomplete="name" required maxlength={200} />
        <Field name="email" type="email" label="Email address" value={v.email} autocomplete="email" required />
        <Field name="password" type="password" label="Password" hint="At least 12 characters; a phrase of unrelated words is strong and easy to remember." autocomplete="new-password" required />
        <Field name="organization_name" label="Organization name" hint="Your company or team; you can invite others later." value={v.organization_name} autocomplete="organization" required maxlength={200} />
        <Button>Create account</Button>
      </PostForm>
      <p>
        Already have an account? <a href="/admin/sign-in">Sign in</a>
      </p>
    </>
  );
}

function TokenPage(props: { title: string; intro: string; action: string; token: string; mailToken: string; button: string; password?: boolean; error?: ApiError | null }) {
  return (
    <>
      <h1>{props.title}</h1>
      <ErrorSummary error={props.error} />
      <p>{props.intro}</p>
      <PostForm action={props.action} token={props.token} aria-label={props.title}>
        <input type="hidden" name="token" value={props.mailToken} />
        {props.password ? <Field name="password" type="password" label="New password" hint="At least 12 characters." autocomplete="new-password" required /> : null}
        <Button>{props.button}</Button>
      </PostForm>
    </>
  );
}

function missingToken(c: Context<AdminEnv>): ApiError {
  return { code: 'bad_request', detail: 'This link is incomplete: open the link from the email again.', request_id: c.get('requestId') };
}

export function register(app: Hono<AdminEnv>, deps: AdminDeps): void {
  signIn.register(app, deps);
  const narrow = (title: string, status = 200) => ({ title, narrow: true, status });

  app.get('/sign-up', (c) => render(c, narrow('Create an account'), <SignUpPage token={formToken(c)} />));

  app.post('/sign-up', async (c) => {
    const f = await formData(c);
    const body = { name: f.name ?? '', email: f.email ?? '', password: f.password ?? '', organization_name: f.organization_name ?? '' };
    const res = await api(c).send('POST', '/v1/auth/signup', body);
    if (!res.ok) {
      const { password: _p, ...values } = body;
      return render(c, narrow('Create an account', res.status), <SignUpPage token={formToken(c)} values={values} error={res.error} />);
    }
    return render(
      c,
      narrow('Check your email'),
      <>
        <h1>Check your email</h1>
        <p role="status">
          We sent a link to <strong>{body.email}</strong>. Open it within 24 hours to verify your address, then sign in.
        </p>
        <p>
          <a href="/admin/sign-in">Go to sign-in</a>
        </p>
      </>,
    );
  });

  const verifyPage = (c: Context<AdminEnv>, mailToken: string, error?: ApiError | null, status = 200) =>
    render(
      c,
      narrow('Verify your email', status),
      <TokenPage title="Verify your email" intro="Confirm this is your address to finish creating your account." action="/admin/verify-email" token={formToken(c)} mailToken={mailToken} button="Verify my email" error={error} />,
    );

  app.get('/verify-email', (c) => {
    const t = c.req.query('token') ?? '';
    return verifyPage(c, t, t ? null : missingToken(c), t ? 200 : 400);
  });

  app.post('/verify-email', async (c) => {
    const f = await formData(c);
    const res = await api(c).send('POST', '/v1/auth/verify-email', { token: f.token ?? '' });
    if (!res.ok) return verifyPage(c, f.token ?? '', res.error, res.status);
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: 'Your email address is verified: sign in.' });
    return c.redirect('/admin/sign-in', 303);
  });

  const forgotPage = (c: Context<AdminEnv>, error?: ApiError | null, status = 200) =>
    render(
      c,
      narrow('Reset your password', status),
      <>
        <h1>Reset your password</h1>
        <ErrorSummary error={error} />
        <p>Enter your account's email address; if it has an account, we will send a link to choose a new password.</p>
        <PostForm action="/admin/forgot" token={formToken(c)} aria-label="Ask for a password reset link">
          <Field name="email" type="email" label="Email address" autocomplete="username" required autofocus />
          <Button>Send the link</Button>
        </PostForm>
        <p>
          <a href="/admin/sign-in">Back to sign-in</a>
        </p>
      </>,
    );

  app.get('/forgot', (c) => forgotPage(c));

  app.post('/forgot', async (c) => {
    const f = await formData(c);
    const res = await api(c).send('POST', '/v1/auth/password/forgot', { email: f.email ?? '' });
    if (!res.ok) return forgotPage(c, res.error, res.status);
    return render(
      c,
      narrow('Check your email'),
      <>
        <h1>Check your email</h1>
        <p role="status">If an account uses that address, we sent it a link to reset the password. The link works for one hour.</p>
        <p>
          <a href="/admin/sign-in">Back to sign-in</a>
        </p>
      </>,
    );
  });

  const resetPage = (c: Context<AdminEnv>, mailToken: string, error?: ApiError | null, status = 200) =>
    render(
      c,
      narrow('Choose a new password', status),
      <TokenPage title="Choose a new password" intro="Every session of your account ends when you set it." action="/admin/reset" token={formToken(c)} mailToken={mailToken} button="Set password" password error={error} />,
    );

  app.get('/reset', (c) => {
    const t = c.req.query('token') ?? '';
    return resetPage(c, t, t ? null : missingToken(c), t ? 200 : 400);
  });

  app.post('/reset', async (c) => {
    const f = await formData(c);
    const res = await api(c).send('POST', '/v1/auth/password/reset', { token: f.token ?? '', password: f.password ?? '' });
    if (!res.ok) return resetPage(c, f.token ?? '', res.error, res.status);
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: 'Your password is changed: sign in with it.' });
    return c.redirect('/admin/sign-in', 303);
  });
}
