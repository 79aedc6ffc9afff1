/**
 * Webhooks of a space (GET/POST /v2/manage/spaces/:space/webhooks, DELETE …/:id), each one's
 * delivery log (GET …/:id/deliveries) and the retry of a delivery that gave up (POST
 * …/:id/deliveries/:delivery/retry). All of it needs webhooks.manage (the API's rule; the menu
 * shows the screen to those roles only). The signing secret is shown once, on the answer to the
 * create POST itself, with a copy button — never stored, flashed or put in a URL.
 */
import type { Context, Hono } from 'hono';
import { WEBHOOK_SUBSCRIPTIONS } from '../../../outbox/index.js';
import { api, must, type ApiError } from '../../api.js';
import type { AdminEnv } from '../../env.js';
import { signedIn, type AdminDeps } from '../../guards.js';
import { render } from '../../layout.js';
import { formToken, setFlash } from '../../security.js';
import { Button, CopyValue, DataTable, ErrorSummary, Field, PostForm, RowAction, When } from '../../ui.js';
import { seg } from './common.js';

interface HookView {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  created: string;
}
interface DeliveryView {
  id: string;
  event: string;
  status: string;
  attempts: number;
  nextAttemptAt: string;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** The events a form sent (checkboxes named `events`). */
async function eventsOf(c: Context<AdminEnv>): Promise<{ url: string; events: string[] }> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return { url: '', events: [] };
  const body = await c.req.parseBody({ all: true });
  const ev = body.events;
  const events = (Array.isArray(ev) ? ev : ev === undefined ? [] : [ev]).filter((v): v is string => typeof v === 'string');
  return { url: typeof body.url === 'string' ? body.url.trim() : '', events };
}

export function register(app: Hono<AdminEnv>, _deps: AdminDeps): void {
  const api_ = (space: string) => `/v2/manage/spaces/${seg(space)}/webhooks`;

  const listPage = async (c: Context<AdminEnv>, org: string, space: string, refusal?: { error: ApiError | null; status: number; values: { url: string; events: string[] } }) => {
    const listed = await api(c).get<{ data: HookView[] }>(api_(space));
    if (!listed.ok && refusal) return render(c, { title: 'Webhooks', org, space, active: 'webhooks', status: refusal.status }, <><h1>Webhooks</h1><ErrorSummary error={refusal.error} /></>);
    const hooks = must(listed).data;
    const token = formToken(c);
    const here = `/admin/o/${org}/s/${space}/webhooks`;
    const chosen = new Set(refusal?.values.events ?? ['page.all']);
    return render(
      c,
      { title: 'Webhooks', org, space, active: 'webhooks', ...(refusal ? { status: refusal.status } : {}) },
      <>
        <h1>Webhooks</h1>
        {refusal ? <ErrorSummary error={refusal.error} /> : null}
        <DataTable
          id="webhooks"
          caption="Webhooks"
          rows={hooks}
          empty="No webhooks yet."
          rowAttrs={(h) => ({ 'data-webhook-id': h.id })}
          columns={[
            { header: 'URL', class: 'mono', cell: (h) => <a href={`${here}/${h.id}`}>{h.url}</a> },
            { header: 'Events', cell: (h) => h.events.join(', ') },
            { header: 'Created', cell: (h) => <When at={h.created} /> },
          ]}
          actions={(h) => <RowAction action={`${here}/${h.id}/delete`} token={token} label="Delete" target={`the webhook to ${h.url}`} confirm={`Delete the webhook to ${h.url}? Its delivery log goes with it.`} />}
        />
        <section class="sub" aria-labelledby="new-hook">
          <h2 id="new-hook">Add a webhook</h2>
          <PostForm action={here} token={token} aria-label="Add a webhook">
            <Field name="url" type="url" label="URL" hint="A public http(s) address; ghee signs every delivery with the secret shown after you add it." required value={refusal?.values.url} />
            <fieldset class="events">
              <legend>Events</legend>
              {WEBHOOK_SUBSCRIPTIONS.map((e, i) => (
                <div class="field check">
                  <input type="checkbox" id={`ev-${i}`} name="events" value={e} checked={chosen.has(e)} /> <label for={`ev-${i}`}>{e === '*' ? '* (every event)' : e}</label>
                </div>
              ))}
            </fieldset>
            <Button>Add webhook</Button>
          </PostForm>
        </section>
      </>,
    );
  };

  app.get('/o/:org/s/:space/webhooks', signedIn, (c) => listPage(c, c.req.param('org'), c.req.param('space')));

  app.post('/o/:org/s/:space/webhooks', signedIn, async (c) => {
    const { org, space } = c.req.param();
    const values = await eventsOf(c);
    const res = await api(c).send<{ data: { id: string; url: string; secret: string } }>('POST', api_(space), values);
    if (!res.ok) return listPage(c, org, space, { error: res.error, status: res.status, values });
    return render(
      c,
      { title: 'Webhook added', org, space, active: 'webhooks' },
      <>
        <h1>Webhook added</h1>
        <p role="status" class="flash flash-success">
          Deliveries to {res.body.data.url} start with the next event.
        </p>
        <p>
          <strong>Copy the signing secret now: it is shown only once.</strong> Check each delivery's <code>X-Ghee-Signature</code> with it.
        </p>
        <CopyValue label="Signing secret" value={res.body.data.secret} id="hook-secret" />
        <p>
          <a class="btn btn-primary" href={`/admin/o/${org}/s/${space}/webhooks`}>
            Done
          </a>
        </p>
      </>,
    );
  });

  app.post('/o/:org/s/:space/webhooks/:id/delete', signedIn, async (c) => {
    const { org, space, id } = c.req.param();
    const res = await api(c).send('DELETE', `${api_(space)}/${seg(id)}`);
    if (!res.ok) return listPage(c, org, space, { error: res.error, status: res.status, values: { url: '', events: [] } });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: 'The webhook is deleted.' });
    return c.redirect(`/admin/o/${org}/s/${space}/webhooks`, 303);
  });

  const logPage = async (c: Context<AdminEnv>, org: string, space: string, id: string, refusal?: { error: ApiError | null; status: number }) => {
    const hooksRes = await api(c).get<{ data: HookView[] }>(api_(space));
    if (!hooksRes.ok && refusal) return render(c, { title: 'Webhook deliveries', org, space, active: 'webhooks', status: refusal.status }, <><h1>Webhook deliveries</h1><ErrorSummary error={refusal.error} /></>);
    const hook = must(hooksRes).data.find((h) => h.id === id);
    const log = must(await api(c).get<{ data: DeliveryView[] }>(`${api_(space)}/${seg(id)}/deliveries`)).data;
    const token = formToken(c);
    return render(
      c,
      { title: 'Webhook deliveries', org, space, active: 'webhooks', ...(refusal ? { status: refusal.status } : {}) },
      <>
        <h1>Deliveries to {hook ? <span class="mono">{hook.url}</span> : 'a webhook'}</h1>
        <ErrorSummary error={refusal?.error} />
        <p>
          <a href={`/admin/o/${org}/s/${space}/webhooks`}>All webhooks</a>
        </p>
        <DataTable
          id="deliveries"
          caption="The latest deliveries, newest first"
          rows={log}
          empty="No deliveries yet."
          rowAttrs={(d) => ({ 'data-delivery-id': d.id })}
          columns={[
            { header: 'Event', cell: (d) => d.event },
            { header: 'Status', cell: (d) => <span class={`badge ${d.status === 'delivered' ? 'badge-ok' : d.status === 'failed' ? 'badge-warn' : ''}`}>{d.status}</span> },
            { header: 'Attempts', cell: (d) => d.attempts },
            {
              header: 'Last answer',
              cell: (d) => (
                <>
                  {d.lastStatusCode !== null ? <code>{d.lastStatusCode}</code> : null} {d.lastError ? <span class="muted">{d.lastError}</span> : null}
                </>
              ),
            },
            { header: 'Created', cell: (d) => <When at={d.createdAt} /> },
            { header: 'Delivered', cell: (d) => <When at={d.deliveredAt} /> },
          ]}
          actions={(d) =>
            d.status === 'failed' ? <RowAction action={`/admin/o/${org}/s/${space}/webhooks/${id}/deliveries/${d.id}/retry`} token={token} kind="secondary" label="Retry" target={`the ${d.event} delivery`} /> : null
          }
        />
      </>,
    );
  };

  app.get('/o/:org/s/:space/webhooks/:id', signedIn, (c) => logPage(c, c.req.param('org'), c.req.param('space'), c.req.param('id')));

  app.post('/o/:org/s/:space/webhooks/:id/deliveries/:delivery/retry', signedIn, async (c) => {
    const { org, space, id, delivery } = c.req.param();
    const res = await api(c).send('POST', `${api_(space)}/${seg(id)}/deliveries/${seg(delivery)}/retry`);
    if (!res.ok) return logPage(c, org, space, id, { error: res.error, status: res.status });
    setFlash(c, c.get('adminSecret'), { kind: 'success', text: 'The delivery is queued again.' });
    return c.redirect(`/admin/o/${org}/s/${space}/webhooks/${id}`, 303);
  });
}
