import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert } from '../../test/helpers/tls.js';
import { LogTransport, MemoryTransport, SmtpTransport, extractLinks, maskAddress, redactLink } from './mail.js';

// ---------------------------------------------------------------------------------------------
// A minimal SMTP server (RFC 5321 subset: EHLO/HELO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, RSET,
// NOOP, QUIT), enough for nodemailer, recording what it received.

interface Received {
  from: string;
  to: string[];
  data: string;
  secure: boolean;
  auth: string | null;
}

interface SmtpServer {
  port: number;
  received: Received[];
  commands: string[];
  close(): Promise<void>;
}

async function startSmtp(opts: { tls?: { key: Buffer; cert: Buffer } } = {}): Promise<SmtpServer> {
  const received: Received[] = [];
  const commands: string[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((raw) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    let sock: Socket = raw;
    let secure = false;
    let auth: string | null = null;
    let buffer = '';
    let inData = false;
    let dataLines: string[] = [];
    let envelope: { from: string; to: string[] } = { from: '', to: [] };
    const reply = (line: string) => sock.write(`${line}\r\n`);

    const onLine = (line: string) => {
      if (inData) {
        if (line === '.') {
          inData = false;
          received.push({ ...envelope, data: dataLines.join('\r\n'), secure, auth });
          envelope = { from: '', to: [] };
          reply('250 2.0.0 queued');
        } else {
          dataLines.push(line.startsWith('..') ? line.slice(1) : line);
        }
        return;
      }
      commands.push(line.startsWith('AUTH') ? 'AUTH …' : line);
      const verb = line.split(' ')[0]!.toUpperCase();
      switch (verb) {
        case 'EHLO': {
          const ext = ['250-localhost', '250-SIZE 10485760', '250-8BITMIME'];
          if (opts.tls && !secure) ext.push('250-STARTTLS');
          ext.push('250 AUTH PLAIN');
          sock.write(ext.join('\r\n') + '\r\n');
          break;
        }
        case 'HELO':
          reply('250 localhost');
          break;
        case 'STARTTLS': {
          if (!opts.tls || secure) {
            reply('502 5.5.1 not supported');
            break;
          }
          reply('220 2.0.0 ready to start TLS');
          sock.removeAllListeners('data');
          const tlsSock = new TLSSocket(sock, { isServer: true, key: opts.tls.key, cert: opts.tls.cert });
          sock = tlsSock;
          secure = true;
          buffer = '';
          tlsSock.on('data', onData);
          tlsSock.on('error', () => undefined);
          break;
        }
        case 'AUTH': {
          const [, mech, initial] = line.split(' ');
          if (mech?.toUpperCase() !== 'PLAIN' || !initial) {
            reply('504 5.5.4 only AUTH PLAIN with initial response');
            break;
          }
          auth = Buffer.from(initial, 'base64').toString('utf8').split('\0').slice(1).join(':');
          reply('235 2.7.0 authenticated');
          break;
        }
        case 'MAIL':
          envelope.from = line.slice(line.indexOf(':') + 1).trim();
          reply('250 2.1.0 ok');
          break;
        case 'RCPT':
          envelope.to.push(line.slice(line.indexOf(':') + 1).trim());
          reply('250 2.1.5 ok');
          break;
        case 'DATA':
          inData = true;
          dataLines = [];
          reply('354 end data with <CR><LF>.<CR><LF>');
          break;
        case 'RSET':
          envelope = { from: '', to: [] };
          reply('250 2.0.0 ok');
          break;
        case 'NOOP':
          reply('250 2.0.0 ok');
          break;
        case 'QUIT':
          reply('221 2.0.0 bye');
          sock.end();
          break;
        default:
          reply('500 5.5.2 unknown command');
      }
    };

    function onData(chunk: Buffer) {
      buffer += chunk.toString('utf8');
      let i: number;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        onLine(line);
      }
    }

    raw.on('data', onData);
    raw.on('error', () => undefined);
    reply('220 localhost ESMTP ghee-test');
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    commands,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Unfolds headers and decodes a quoted-printable or 7-bit body just enough to assert on. */
function headerOf(data: string, name: string): string | undefined {
  const head = data.split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ');
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}
const decodeQp = (s: string) => s.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));

// ---------------------------------------------------------------------------------------------

describe('SmtpTransport against a real local SMTP server', () => {
  let plain: SmtpServer;
  let withTls: SmtpServer;
  let cert: { certFile: string; keyFile: string };

  beforeAll(async () => {
    cert = selfSignedCert();
    plain = await startSmtp();
    withTls = await startSmtp({ tls: { key: readFileSync(cert.keyFile), cert: readFileSync(cert.certFile) } });
  });
  afterAll(async () => {
    await plain?.close();
    await withTls?.close();
  });

  it('delivers a message (text + html) when TLS is explicitly not required', async () => {
    const t = new SmtpTransport({ url: `smtp://127.0.0.1:${plain.port}`, from: 'ghee <no-reply@ghee.test>', requireTLS: false });
    await t.send({
      to: 'jane@example.com',
      subject: 'Verify your email for ghee',
      text: 'Welcome. Verify: https://app.ghee.test/verify-email?token=abc123',
      html: '<p>Welcome. <a href="https://app.ghee.test/verify-email?token=abc123">Verify</a></p>',
    });
    t.close();
    expect(plain.received).toHaveLength(1);
    const msg = plain.received[0]!;
    expect(msg.from).toBe('<no-reply@ghee.test>');
    expect(msg.to).toEqual(['<jane@example.com>']);
    expect(msg.secure).toBe(false);
    expect(headerOf(msg.data, 'Subject')).toBe('Verify your email for ghee');
    expect(headerOf(msg.data, 'To')).toBe('jane@example.com');
    expect(headerOf(msg.data, 'From')).toBe('ghee <no-reply@ghee.test>');
    expect(headerOf(msg.data, 'Content-Type')).toMatch(/^multipart\/alternative/);
    const body = decodeQp(msg.data);
    expect(body).toContain('Verify: https://app.ghee.test/verify-email?token=abc123');
    expect(body).toContain('<a href="https://app.ghee.test/verify-email?token=abc123">Verify</a>');
  });

  it('refuses to send in plaintext when requireTLS is on (the default) and the server has no STARTTLS', async () => {
    const before = plain.received.length;
    const cmdStart = plain.commands.length;
    const t = new SmtpTransport({ url: `smtp://user:secret@127.0.0.1:${plain.port}`, from: 'no-reply@ghee.test' });
    await expect(t.send({ to: 'jane@example.com', subject: 'x', text: 'y' })).rejects.toThrow();
    t.close();
    expect(plain.received.length).toBe(before);
    const session = plain.commands.slice(cmdStart);
    expect(session).toContain('STARTTLS');
    // Neither the credentials nor the envelope went over the plaintext connection.
    expect(session.filter((c) => c === 'AUTH …' || c.startsWith('MAIL') || c.startsWith('RCPT'))).toEqual([]);
  });

  it('upgrades with STARTTLS, verifies the certificate, authenticates inside TLS and delivers', async () => {
    const t = new SmtpTransport({
      url: `smtp://mailer%40ghee:p%40ss%20word@127.0.0.1:${withTls.port}`,
      from: 'no-reply@ghee.test',
      tls: { ca: readFileSync(cert.certFile) },
    });
    await t.send({ to: 'ops@example.com', subject: 'Über TLS ✓', text: 'encrypted hello' });
    t.close();
    expect(withTls.received).toHaveLength(1);
    const msg = withTls.received[0]!;
    expect(msg.secure).toBe(true);
    expect(msg.auth).toBe('mailer@ghee:p@ss word');
    expect(msg.to).toEqual(['<ops@example.com>']);
    expect(decodeQp(msg.data)).toContain('encrypted hello');
    // MIME-encoded UTF-8 subject.
    expect(headerOf(msg.data, 'Subject')).toMatch(/^=\?UTF-8\?/i);
    // STARTTLS came before AUTH and MAIL.
    const order = withTls.commands.map((c) => c.split(' ')[0]);
    expect(order.indexOf('STARTTLS')).toBeLessThan(order.indexOf('AUTH'));
    expect(order.indexOf('STARTTLS')).toBeLessThan(order.indexOf('MAIL'));
  });

  it('refuses a server certificate it cannot verify', async () => {
    const before = withTls.received.length;
    const t = new SmtpTransport({ url: `smtp://127.0.0.1:${withTls.port}`, from: 'no-reply@ghee.test' });
    await expect(t.send({ to: 'ops@example.com', subject: 'x', text: 'y' })).rejects.toThrow(/certificate/i);
    t.close();
    expect(withTls.received.length).toBe(before);
  });

  it('validates its configuration and messages', async () => {
    expect(() => new SmtpTransport({ url: 'http://mail.example.com', from: 'a@b.c' })).toThrow(/smtp/);
    expect(() => new SmtpTransport({ url: 'smtp://mail.example.com?requireTLS=false', from: 'a@b.c' })).toThrow(/query/);
    expect(() => new SmtpTransport({ url: 'smtp://mail.example.com', from: 'a@b.c\r\nBcc: x@y.z' })).toThrow();
    const t = new SmtpTransport({ url: `smtp://127.0.0.1:${plain.port}`, from: 'a@b.c', requireTLS: false });
    await expect(t.send({ to: 'a@b.c\r\nBcc: evil@example.com', subject: 's', text: 't' })).rejects.toThrow(/recipient/);
    await expect(t.send({ to: 'a@b.c, evil@example.com', subject: 's', text: 't' })).rejects.toThrow(/recipient/);
    await expect(t.send({ to: 'a@b.c', subject: 's\r\nBcc: evil@example.com', text: 't' })).rejects.toThrow(/subject/);
    t.close();
  });
});

// ---------------------------------------------------------------------------------------------

function recorder() {
  const entries: Array<{ level: 'info' | 'warn'; obj: object; msg: string }> = [];
  return {
    entries,
    logger: {
      info: (obj: object, msg: string) => entries.push({ level: 'info', obj, msg }),
      warn: (obj: object, msg: string) => entries.push({ level: 'warn', obj, msg }),
    },
  };
}

const TOKEN = 'Zk3v9QpL2mX8rT4wY7bN1cD6fH0jS5aE';
const resetMail = {
  to: 'jane.doe@example.com',
  subject: 'Reset your ghee password',
  text: `Reset it here: https://app.ghee.test/password/reset?token=${TOKEN} (or https://app.ghee.test/t/${TOKEN}#x). Code 123456.`,
};

describe('LogTransport', () => {
  it('logs a redacted summary: masked recipient, subject, links without tokens, no body', async () => {
    const { entries, logger } = recorder();
    await new LogTransport({ logger }).send(resetMail);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.level).toBe('info');
    expect(entries[0]!.obj).toEqual({
      mail: {
        to: 'j***@example.com',
        subject: 'Reset your ghee password',
        links: ['https://app.ghee.test/password/reset?token=[redacted]', 'https://app.ghee.test/t/[redacted]#[redacted]'],
        textLength: resetMail.text.length,
      },
    });
    const all = JSON.stringify(entries);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(TOKEN.slice(0, 8));
    expect(all).not.toContain('jane.doe');
    expect(all).not.toContain('123456');
  });

  it('logs the full links only with logLinks: true (development)', async () => {
    const { entries, logger } = recorder();
    await new LogTransport({ logger, logLinks: true }).send(resetMail);
    expect(entries).toHaveLength(2);
    expect(entries[1]!.obj).toEqual({
      mail: { to: 'jane.doe@example.com', subject: resetMail.subject, devLinks: [`https://app.ghee.test/password/reset?token=${TOKEN}`, `https://app.ghee.test/t/${TOKEN}#x`] },
    });
    const quiet = recorder();
    await new LogTransport({ logger: quiet.logger, logLinks: false }).send(resetMail);
    expect(JSON.stringify(quiet.entries)).not.toContain(TOKEN);
  });

  it('refuses header injection like the real transport', async () => {
    const { logger } = recorder();
    await expect(new LogTransport({ logger }).send({ ...resetMail, subject: 'a\nb' })).rejects.toThrow(/subject/);
  });
});

describe('MemoryTransport and helpers', () => {
  it('keeps messages for tests', async () => {
    const t = new MemoryTransport();
    await t.send(resetMail);
    await t.send({ to: 'other@example.com', subject: 'Hi', text: 'no links' });
    expect(t.messages).toHaveLength(2);
    expect(t.last()?.to).toBe('other@example.com');
    expect(t.last('JANE.DOE@example.com')?.subject).toBe(resetMail.subject);
    expect(extractLinks(t.last('jane.doe@example.com')!.text)[0]).toBe(`https://app.ghee.test/password/reset?token=${TOKEN}`);
    t.clear();
    expect(t.last()).toBeUndefined();
  });

  it('redacts links and masks addresses', () => {
    expect(redactLink('https://a.test/verify?token=x&next=%2F')).toBe('https://a.test/verify?token=[redacted]&next=[redacted]');
    expect(redactLink('https://a.test/short/path')).toBe('https://a.test/short/path');
    expect(redactLink('not a url')).toBe('[unparseable link]');
    expect(maskAddress('bob@example.org')).toBe('b***@example.org');
    expect(maskAddress('nope')).toBe('[invalid address]');
  });
});
