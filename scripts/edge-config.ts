/**
 * `npm run edge -- config validate|push`: the edge settings document (edge/settings.ts), checked
 * when it is written so the edge never validates it on a hit.
 *
 *   npm run edge -- config validate <file | ->
 *       Validates the document; prints its canonical form's size. A bad document: one line
 *       naming the exact field (`settings: waf.max_url_length must be …`), exit 1.
 *   npm run edge -- config push <file | -> --store-file <store.json>
 *       Validates, then writes the canonical document as the `settings` entry of a JSON config
 *       store file (Viceroy's `[local_server.config_stores.ghee_config]` with format "json"),
 *       keeping the file's other entries.
 *   npm run edge -- config push <file | -> --fastly-store <config store id>
 *       Validates, then sets the `settings` item of that Fastly Config Store through the Fastly
 *       API (FASTLY_API_TOKEN; FASTLY_API_URL, default https://api.fastly.com).
 *
 * Exit codes: 0 done, 1 a bad document or a failed write, 2 bad usage. Nothing is written when
 * the document is refused. The secret is never part of the document (the Secret Store holds it).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { SETTINGS_KEY, validateSettings } from '../edge/settings.js';

export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
  /** The document when the file is `-`. */
  stdin?: () => string;
  fetch?: typeof fetch;
}

const USAGE = 'usage: npm run edge -- config validate <file|-> | config push <file|-> (--store-file <store.json> | --fastly-store <config store id>)';
const STORE_ID = /^[A-Za-z0-9]{1,64}$/;

/** The canonical text of the document in `file`, or the one-line refusal. */
export function readSettingsDocument(file: string, io: Pick<CommandIo, 'stdin'>): { ok: true; canonical: string } | { ok: false; error: string } {
  let text: string;
  try {
    text = file === '-' ? (io.stdin ?? (() => readFileSync(0, 'utf8')))() : readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, error: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  const verdict = validateSettings(text);
  return verdict.ok ? { ok: true, canonical: verdict.canonical } : verdict;
}

/** Sets `settings` in a JSON config store file (created when missing), other entries kept; written whole or not at all. */
export function pushToStoreFile(storeFile: string, canonical: string): void {
  let entries: Record<string, string> = {};
  if (existsSync(storeFile)) {
    const parsed = JSON.parse(readFileSync(storeFile, 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${storeFile} is not a JSON config store (an object of strings)`);
    entries = parsed as Record<string, string>;
  }
  entries[SETTINGS_KEY] = canonical;
  const temporary = `${storeFile}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(entries, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, storeFile);
}

/** Sets the `settings` item of a Fastly Config Store (PUT /resources/stores/config/{id}/item/settings). */
export async function pushToFastly(opts: { apiUrl: string; token: string; storeId: string; canonical: string; fetch?: typeof fetch }): Promise<void> {
  const url = `${opts.apiUrl.replace(/\/+$/, '')}/resources/stores/config/${opts.storeId}/item/${SETTINGS_KEY}`;
  const res = await (opts.fetch ?? fetch)(url, {
    method: 'PUT',
    headers: { 'fastly-key': opts.token, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ item_value: opts.canonical }).toString(),
  });
  if (!res.ok) throw new Error(`the Fastly API answered ${res.status} for config store ${opts.storeId}`);
  await res.arrayBuffer();
}

export async function runEdgeCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const [group, action, file, ...rest] = argv;
  if (group !== 'config' || (action !== 'validate' && action !== 'push') || !file) {
    io.err(USAGE);
    return 2;
  }
  const options = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const name = rest[i]!;
    const value = rest[i + 1];
    if ((name !== '--store-file' && name !== '--fastly-store') || value === undefined || options.has(name)) {
      io.err(USAGE);
      return 2;
    }
    options.set(name, value);
  }
  if (action === 'validate' ? options.size !== 0 : options.size !== 1) {
    io.err(USAGE);
    return 2;
  }
  const document = readSettingsDocument(file, io);
  if (!document.ok) {
    io.err(document.error);
    return 1;
  }
  if (action === 'validate') {
    io.out(`settings OK (${Buffer.byteLength(document.canonical)} bytes as stored)`);
    return 0;
  }
  const storeFile = options.get('--store-file');
  try {
    if (storeFile !== undefined) {
      pushToStoreFile(storeFile, document.canonical);
      io.out(`settings written to ${storeFile}`);
      return 0;
    }
    const storeId = options.get('--fastly-store')!;
    if (!STORE_ID.test(storeId)) {
      io.err('--fastly-store must be a config store id (letters and digits)');
      return 2;
    }
    const token = io.env.FASTLY_API_TOKEN;
    if (!token) {
      io.err('FASTLY_API_TOKEN is required to push to Fastly');
      return 2;
    }
    await pushToFastly({ apiUrl: io.env.FASTLY_API_URL ?? 'https://api.fastly.com', token, storeId, canonical: document.canonical, ...(io.fetch ? { fetch: io.fetch } : {}) });
    io.out(`settings pushed to Fastly config store ${storeId}`);
    return 0;
  } catch (err) {
    io.err(`push failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runEdgeCommand(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
  });
}
