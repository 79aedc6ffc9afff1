/// <reference types="@fastly/js-compute" />
/**
 * Fastly Compute entry point. Deliberately not Hono's service-worker `handle()`, which
 * re-fetches the request when the app answers 404 — on Fastly that would loop back to us.
 */
import { createEdgeApp } from './app.js';
import { createFastlyPlatform } from './platform/fastly.js';
import { warmUp } from './warmup.js';

const app = createEdgeApp(createFastlyPlatform());
warmUp(app);

addEventListener('fetch', (event) => {
  const executionCtx = {
    waitUntil: (promise: Promise<unknown>) => event.waitUntil(promise),
    passThroughOnException: () => {},
    props: {},
  };
  event.respondWith(app.fetch(event.request, { clientIp: event.client.address }, executionCtx));
});
