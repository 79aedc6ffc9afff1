/**
 * What the management screens share: the "confirm it is you" fields (password, and a current
 * code when the member has 2FA) that actions handing out a new secret need
 * (POST /v1/auth/reauthenticate before the call), and the short table helpers.
 */
import type { Context } from 'hono';
import { api, type ApiAnswer } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { optional } from '../../forms.js';
import { Field } from '../../ui.js';

/** Password (and a 2FA code for members with 2FA): the fields a re-authenticated action asks for. */
export function ReauthFields(props: { twoFactor: boolean; idPrefix?: string }) {
  const p = props.idPrefix ?? 'reauth';
  return (
    <fieldset class="reauth">
      <legend>Confirm it is you</legend>
      <Field id={`${p}-password`} name="password" type="password" label="Your password" autocomplete="current-password" required />
      {props.twoFactor ? <Field id={`${p}-otp`} name="otp" label="Two-factor code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength={6} /> : null}
    </fieldset>
  );
}

/** POST /v1/auth/reauthenticate with the form's password (and code): the session counts as recently signed in. */
export function reauthenticate(c: Context<AdminEnv>, f: Record<string, string>): Promise<ApiAnswer<unknown>> {
  const otp = optional(f.otp);
  return api(c).send('POST', '/v1/auth/reauthenticate', { password: f.password ?? '', ...(otp ? { otp: otp.trim() } : {}) });
}

/** A path segment from a URL parameter, encoded (ids are passed to the API as they came; it answers 404 for junk). */
export function seg(v: string): string {
  return encodeURIComponent(v);
}
