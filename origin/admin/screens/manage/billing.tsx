/**
 * Billing of an organization (GET /v1/orgs/:org/billing, billing.read): the plan, its status and
 * period, and the usage against each limit; for billing.manage a Checkout button per paid plan
 * (POST …/billing/checkout) and the Customer Portal (POST …/billing/portal). The API answers the
 * Stripe session's URL; the page then offers it as a link ("Continue to Stripe"): a form POST
 * answered by a redirect to another origin would be blocked by the web app's CSP (form-action
 * 'self'), and the link is the same one click. Only an https URL is ever linked.
 */
import type { Context, Hono } from 'hono';
import { PAID_PLANS, PLANS } from '../../../billing/index.js';
import { api, must, type ApiError } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { formData } from '../../forms.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { render } from '../../layout.js';
import { can } from '../../nav.js';
import { formToken } from '../../security.js';
import { DataTable, ErrorSummary, PostForm, When } from '../../ui.js';
import { seg } from './common.js';

interface BillingView {
  billing: 'stripe' | 'off';
  plan: string | null;
  subscribed_plan: string | null;
  status: string;
  current_period_end: string | null;
  grace_ends_at: string | null;
  read_only: boolean | null;
  usage: Record<string, { used: number; limit: number | null }>;
}

function label(limit: string): string {
  return limit.replaceAll('_', ' ').replace(/^./, (ch) => ch.toUpperCase()).replace(/^Api /, 'API ');
}

function amount(limit: string, n: number): string {
  if (limit === 'asset_storage_bytes') return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return n.toLocaleString('en');
}

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  const page = async (c: Context<AdminEnv>, org: string, refusal?: { error: ApiError | null; status: number }) => {
    const res = await api(c).get<{ data: BillingView }>(`/v1/orgs/${seg(org)}/billing`);
    if (!res.ok && refusal) return render(c, { title: 'Billing', org, active: 'billing', status: refusal.status }, <><h1>Billing</h1><ErrorSummary error={refusal.error} /></>);
    const b = must(res).data;
    const mayManage = can(c.get('me'), 'billing.manage', org);
    const token = formToken(c);
    const here = `/admin/o/${org}/billing`;
    return render(
      c,
      { title: 'Billing', org, active: 'billing', ...(refusal ? { status: refusal.status } : {}) },
      <>
        <h1>Billing</h1>
        {refusal ? <ErrorSummary error={refusal.error} /> : null}
        {b.billing === 'off' ? <p class="muted">Billing is off on this server: no plan limits apply.</p> : null}
        <dl class="facts" id="plan">
          <dt>Plan</dt>
          <dd>{b.plan ? (PLANS[b.plan as keyof typeof PLANS]?.name ?? b.plan) : '—'}</dd>
          <dt>Status</dt>
          <dd>
            <span class={`badge ${b.status === 'active' ? 'badge-ok' : ''}`}>{b.status}</span>
            {b.read_only ? <span class="badge badge-warn">read-only</span> : null}
          </dd>
          <dt>Current period ends</dt>
          <dd>
            <When at={b.current_period_end} />
          </dd>
          {b.grace_ends_at ? (
            <>
              <dt>Grace period ends</dt>
              <dd>
                <When at={b.grace_ends_at} />
              </dd>
            </>
          ) : null}
        </dl>
        <h2>Usage</h2>
        <DataTable
          id="usage"
          caption="Usage against the plan's limits"
          rows={Object.entries(b.usage)}
          rowAttrs={([name]) => ({ 'data-limit': name })}
          columns={[
            { header: 'What', cell: ([name]) => label(name) },
            { header: 'Used', cell: ([name, u]) => amount(name, u.used) },
            { header: 'Limit', cell: ([name, u]) => (u.limit === null ? 'No limit' : amount(name, u.limit)) },
            {
              header: 'Share used',
              hideHeader: true,
              cell: ([name, u]) =>
                u.limit ? (
                  <meter min={0} max={u.limit} value={Math.min(u.used, u.limit)} high={u.limit * 0.8} optimum={0} aria-label={`${label(name)}: ${Math.round((u.used / u.limit) * 100)}% used`}>
                    {Math.round((u.used / u.limit) * 100)}%
                  </meter>
                ) : null,
            },
          ]}
        />
        {mayManage ? (
          <section class="sub" aria-labelledby="change-plan">
            <h2 id="change-plan">Change the plan</h2>
            <div class="cards">
              {PAID_PLANS.map((p) => (
                <PostForm action={`${here}/checkout`} token={token} aria-label={`Choose the ${PLANS[p].name} plan`}>
                  <input type="hidden" name="plan" value={p} />
                  <p>
                    <strong>{PLANS[p].name}</strong> — ${(PLANS[p].monthlyCents / 100).toFixed(0)} a month
                  </p>
                  <button type="submit" class="btn btn-primary" disabled={b.subscribed_plan === p}>
                    {b.subscribed_plan === p ? 'Current plan' : `Choose ${PLANS[p].name}`}
                  </button>
                </PostForm>
              ))}
            </div>
            <PostForm action={`${here}/portal`} token={token} aria-label="Manage billing">
              <button type="submit" class="btn btn-secondary">
                Invoices and payment method
              </button>
            </PostForm>
          </section>
        ) : null}
      </>,
    );
  };

  const toStripe = (c: Context<AdminEnv>, org: string, title: string, url: string | null) => {
    const safe = url && url.startsWith('https://') ? url : null;
    return render(
      c,
      { title, org, active: 'billing' },
      <>
        <h1>{title}</h1>
        {safe ? (
          <>
            <p>Stripe handles the payment; you come back here afterwards.</p>
            <p>
              <a class="btn btn-primary" id="to-stripe" href={safe} rel="noreferrer">
                Continue to Stripe
              </a>
            </p>
          </>
        ) : (
          <p>Stripe did not answer a page to go to; try again.</p>
        )}
      </>,
    );
  };

  app.get('/o/:org/billing', signedIn, (c) => page(c, c.req.param('org')));

  app.post('/o/:org/billing/checkout', signedIn, async (c) => {
    const org = c.req.param('org');
    const f = await formData(c);
    const res = await api(c).send<{ data: { url: string | null } }>('POST', `/v1/orgs/${seg(org)}/billing/checkout`, { plan: f.plan ?? '' });
    if (!res.ok) return page(c, org, { error: res.error, status: res.status });
    return toStripe(c, org, 'Checkout is ready', res.body.data.url);
  });

  app.post('/o/:org/billing/portal', signedIn, async (c) => {
    const org = c.req.param('org');
    const res = await api(c).send<{ data: { url: string | null } }>('POST', `/v1/orgs/${seg(org)}/billing/portal`);
    if (!res.ok) return page(c, org, { error: res.error, status: res.status });
    return toStripe(c, org, 'Billing portal is ready', res.body.data.url);
  });
}
