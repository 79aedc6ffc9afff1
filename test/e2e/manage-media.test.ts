/**
 * The media library in Chromium: upload with progress (media.js sends the file straight to the
 * API with the session's CSRF token) → listed with its preview → the public URL copied and served
 * → deleted → the URL answers 404; a refused upload (a type the API does not take) shown in the
 * one error shape; each role sees and can do exactly its row (content.preview / assets.write /
 * content.delete), a forged delete by a lower role gets the API's 403 with the file kept.
 */
import { deflateSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { assets } from '../../origin/db/schema/index.js';
import { ROLES, roleAllows } from '../../shared/permissions.js';
import { expectAccessible, expectClean, memberPage, screen, shot, useBrowser } from './browser.js';

const t = useBrowser();

/** A real 64×64 PNG (so the preview renders), ~70 KB of noise so the upload has progress to show. */
function png(): Buffer {
  const crc = (buf: Buffer) => {
    let c = ~0;
    for (const b of buf) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    }
    return ~c >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(64, 0);
  ihdr.writeUInt32BE(64, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const rows = Buffer.alloc(64 * (1 + 64 * 3));
  for (let y = 0; y < 64; y++) for (let x = 0; x < 64 * 3; x++) rows[y * (1 + 64 * 3) + 1 + x] = (x * 4 + y * 3) & 0xff;
  const noise = Buffer.alloc(70_000);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) & 0xff;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('tEXt', noise), chunk('IEND', Buffer.alloc(0))]);
}

const stored = () => t().origin.database.db.select({ id: assets.id, filename: assets.filename }).from(assets).where(eq(assets.spaceId, t().origin.seed.spaceId));

describe('media library screen', () => {
  it('uploads with progress, lists it with a preview, copies its public URL, deletes it; a refused upload is shown', async () => {
    const { page, context } = await memberPage(t(), 'publisher');
    page.setDefaultTimeout(10_000);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t().base });
    await page.goto(screen(t(), 'media'));
    await expectAccessible(page, 'media-empty');

    // A type the API does not take: its refusal, in the one error shape.
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'notes.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ nothing') });
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect.poll(() => page.locator('#upload-error').getAttribute('data-code')).toBe('unsupported_media_type');
    expect(await page.locator('#upload-error').isVisible()).toBe(true);
    expect(await stored()).toEqual([]);

    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'Hero image.png', mimeType: 'image/png', buffer: png() });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.waitForURL(/\?uploaded=/);
    const [a] = await stored();
    expect(a!.filename).toBe('Hero-image.png');
    const row = page.locator(`#assets tr[data-asset-id="${a!.id}"]`);
    expect(await row.count()).toBe(1);
    await expect.poll(() => page.evaluate(`(() => { const img = document.querySelector('#assets tr[data-asset-id="${a!.id}"] img'); return img && img.complete ? img.naturalWidth : 0; })()`)).toBe(64);
    await expectAccessible(page, 'media');
    await shot(page, 'media');

    const url = await row.locator('input[readonly]').inputValue();
    expect(url).toBe(`${t().base}/assets/${t().origin.seed.spaceId}/${a!.id}/Hero-image.png`);
    await row.getByRole('button', { name: 'Copy' }).click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(url);
    expect((await fetch(url)).status).toBe(200);

    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Delete Hero-image.png' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('deleted');
    expect(await stored()).toEqual([]);
    expect((await fetch(url)).status).toBe(404);
    expectClean(page);
    await context.close();
  }, 90_000);

  it('shows the upload progress as it goes (the progress bar reaches the file size)', async () => {
    const { page, context } = await memberPage(t(), 'author');
    await page.goto(screen(t(), 'media'));
    // Keep the page from leaving after the upload (a 204 ends the navigation), to read the bar.
    await page.route('**/admin/o/**/media?uploaded=*', (route) => route.fulfill({ status: 204, body: '' }));
    const file = png();
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'progress.png', mimeType: 'image/png', buffer: file });
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect.poll(async () => (await stored()).some((s) => s.filename === 'progress.png')).toBe(true);
    await expect.poll(() => page.evaluate(`(() => { const p = document.getElementById('upload-progress'); return [p.value, p.max]; })()`)).toEqual([file.length, file.length]);
    expect(await page.locator('[data-upload-status]').textContent()).toBe('Uploaded progress.png.');
    await context.close();
  }, 60_000);

  it.each(ROLES)('%s sees and can do exactly its row; a forged delete by a lower role gets the API 403', async (role) => {
    const up = await fetch(`${t().base}/v2/assets?filename=keep-${role}.png`, { method: 'POST', headers: { authorization: `Token ${t().origin.seed.keys.write}`, 'content-type': 'image/png' }, body: new Uint8Array(png()) });
    expect(up.status).toBe(201);
    const id = ((await up.json()) as { data: { id: string } }).data.id;
    const { page, context } = await memberPage(t(), role);
    const url = screen(t(), 'media');
    const mayRead = roleAllows(role, 'content.preview');
    const answer = await page.goto(url);
    expect(answer!.status()).toBe(mayRead ? 200 : 403);
    expect(await page.getByRole('button', { name: 'Upload' }).count()).toBe(roleAllows(role, 'assets.write') ? 1 : 0);
    expect(await page.getByRole('button', { name: `Delete keep-${role}.png` }).count()).toBe(mayRead && roleAllows(role, 'content.delete') ? 1 : 0);
    if (!roleAllows(role, 'content.delete')) {
      const csrf = await page.locator('input[name=_csrf]').first().inputValue();
      const res = await page.request.post(`${url}/${id}/delete`, { form: { _csrf: csrf } });
      expect(res.status()).toBe(403);
      expect(await res.text()).toContain('data-code="forbidden"');
      expect((await stored()).some((s) => s.id === id)).toBe(true);
    }
    expectClean(page);
    await context.close();
  }, 60_000);
});
