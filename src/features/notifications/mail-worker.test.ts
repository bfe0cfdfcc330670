import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FixedClock } from '../../clock.js';
import {
  createTestDatabase,
  forEachDatabase,
  type TestDatabase,
} from '../../../test/support/databases.js';
import { backoffMs, createMailWorker } from './mail-worker.js';
import { fileMailer, smtpMailer, type Mailer } from './mailer.js';
import { leaseDueEmails, queueEmail, renewLease } from './outbox.repository.js';

const silent = pino({ level: 'silent' });
const FROM = 'myBTEC <no-reply@mybtec.test>';

interface Received {
  messageId: string;
  to: string[];
  raw: string;
}

/**
 * A real SMTP peer on 127.0.0.1. It can be told to refuse recipients or refuse the message data,
 * and it can be stopped and started again on the same port.
 */
class TestSmtp {
  readonly received: Received[] = [];
  refuseRecipients = false;
  refuseData = false;
  private server: SMTPServer | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (this.refuseRecipients) {
          const error = new Error(`Mailbox ${address.address} is unavailable`) as Error & {
            responseCode: number;
          };
          error.responseCode = 450;
          callback(error);
          return;
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.refuseData) {
            const error = new Error('Try again later: the mail store is full') as Error & {
              responseCode: number;
            };
            error.responseCode = 452;
            callback(error);
            return;
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const messageId = /^Message-ID:\s*<([^@>]+)@mybtec>/im.exec(raw)?.[1] ?? '';
          this.received.push({ messageId, to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** How many times each email (by outbox id) arrived. */
  counts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const message of this.received)
      counts.set(message.messageId, (counts.get(message.messageId) ?? 0) + 1);
    return counts;
  }
}

/** A port nothing listens on (taken from the system, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

forEachDatabase('the mail worker', (kind) => {
  let database: TestDatabase;
  let clock: FixedClock;
  let smtp: TestSmtp;
  const mailers: Mailer[] = [];

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    clock = new FixedClock();
    smtp = new TestSmtp(await freePort());
  });
  afterEach(async () => {
    for (const mailer of mailers.splice(0)) mailer.close();
    await smtp.stop();
    await database.dispose();
  });

  function worker(mailer: Mailer = smtpMailer(smtp.url)) {
    mailers.push(mailer);
    return createMailWorker({ db: database.db, kind, mailer, clock, from: FROM, log: silent });
  }

  const queue = (n = 1) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        queueEmail(
          database.db,
          { to: `person${i}@test.example`, subject: `Message ${i}`, text: `Hello ${i}` },
          clock.now(),
        ),
      ),
    );

  const outboxRow = (id: string) =>
    database.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('delivers queued emails and marks them sent', async () => {
    await smtp.start();
    const [id] = await queue(1);
    const result = await worker().runOnce();
    expect(result).toEqual({ sent: 1, failed: 0 });
    expect(smtp.received).toHaveLength(1);
    const message = smtp.received[0];
    expect(message?.messageId).toBe(id);
    expect(message?.to).toEqual(['person0@test.example']);
    expect(message?.raw).toContain('Subject: Message 0');
    expect(message?.raw).toContain('Hello 0');
    expect(message?.raw).toContain('no-reply@mybtec.test');

    const row = await outboxRow(id as string);
    expect(row.sent_at).toBe(clock.now().toISOString());
    expect(row.attempts).toBe(1);
    expect(row.last_error).toBeNull();
    expect(row.lease_until).toBeNull();

    // Nothing is sent again on the next run.
    expect(await worker().runOnce()).toEqual({ sent: 0, failed: 0 });
    expect(smtp.received).toHaveLength(1);
  });

  it('never sends an email twice when two workers run at the same time', async () => {
    await smtp.start();
    const ids = await queue(45);
    const [a, b] = await Promise.all([worker().runOnce(), worker().runOnce()]);
    expect(a.failed + b.failed).toBe(0);
    // Both really worked: each took a share, and no share overlapped.
    expect(a.sent).toBeGreaterThan(0);
    expect(b.sent).toBeGreaterThan(0);
    expect(a.sent + b.sent).toBe(45);
    expect(smtp.received).toHaveLength(45);
    const counts = smtp.counts();
    expect(counts.size).toBe(45);
    for (const id of ids) expect(counts.get(id)).toBe(1);
    const unsent = await database.db
      .selectFrom('outbox')
      .select('id')
      .where('sent_at', 'is', null)
      .execute();
    expect(unsent).toHaveLength(0);
  });

  it('renews the lease of each email of a batch before sending it, so a slow batch is never sent twice', async () => {
    const ids = await queue(2);
    const sentBy: Record<string, string[]> = { first: [], second: [] };
    // The first worker's server takes 90 s (on the clock) for each message, so the batch it
    // leased at once would outlive a 2-minute lease taken only at the start.
    const slow: Mailer = {
      send: (email) => {
        clock.advance(90_000);
        sentBy.first?.push(email.id);
        return Promise.resolve();
      },
      close: () => {},
    };
    const quick: Mailer = {
      send: (email) => {
        sentBy.second?.push(email.id);
        return Promise.resolve();
      },
      close: () => {},
    };
    const second = worker(quick);
    const seenBySecond: { sent: number; failed: number }[] = [];
    const first = worker({
      send: async (email) => {
        await slow.send(email);
        // While the first worker is between and inside its sends, the second one looks.
        seenBySecond.push(await second.runOnce());
      },
      close: () => {},
    });

    expect(await first.runOnce()).toEqual({ sent: 2, failed: 0 });
    expect(sentBy.first?.sort()).toEqual([...ids].sort());
    expect(sentBy.second).toEqual([]);
    expect(seenBySecond).toEqual([
      { sent: 0, failed: 0 },
      { sent: 0, failed: 0 },
    ]);
  });

  it('does not send an email whose lease another worker took over', async () => {
    const [id] = await queue(1);
    const sent: string[] = [];
    const recording: Mailer = {
      send: (email) => {
        sent.push(email.id);
        return Promise.resolve();
      },
      close: () => {},
    };
    // A worker leases it and then stalls (as if its process froze) past the lease.
    const leased = await leaseDueEmails(
      database.db,
      kind,
      clock.now(),
      new Date(clock.now().getTime() + 1000),
      10,
    );
    expect(leased.map((row) => row.id)).toEqual([id]);
    clock.advance(2000);
    expect(await worker(recording).runOnce()).toEqual({ sent: 1, failed: 0 });
    // The stalled worker wakes up: its lease is gone, so it must not send.
    expect(
      await renewLease(database.db, id as string, leased[0]?.lease_until as string, clock.now()),
    ).toBe(false);
    expect(sent).toEqual([id]);
  });

  it('keeps an email when the SMTP server is down, backs off, and delivers it once the server is back', async () => {
    const [id] = await queue(1);
    const w = worker();
    const queuedAt = clock.now().getTime();

    expect(await w.runOnce()).toEqual({ sent: 0, failed: 1 });
    let row = await outboxRow(id as string);
    expect(row.attempts).toBe(1);
    expect(row.sent_at).toBeNull();
    expect(row.lease_until).toBeNull();
    expect(row.last_error).toMatch(/ECONNREFUSED|connect/i);
    expect(row.next_attempt_at).toBe(new Date(queuedAt + backoffMs(1)).toISOString());
    expect(backoffMs(1)).toBe(30_000);

    // Not due yet: the worker leaves it alone.
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 0 });

    // Still down at the second try: the wait doubles.
    clock.advance(30_000);
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 1 });
    row = await outboxRow(id as string);
    expect(row.attempts).toBe(2);
    expect(row.next_attempt_at).toBe(new Date(clock.now().getTime() + 60_000).toISOString());

    await smtp.start();
    clock.advance(59_000);
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 0 });
    expect(smtp.received).toHaveLength(0);

    clock.advance(1_000);
    expect(await w.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 0 });
    expect([...smtp.counts()]).toEqual([[id, 1]]);
    row = await outboxRow(id as string);
    expect(row.sent_at).toBe(clock.now().toISOString());
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBeNull();
  });

  it('keeps an email when the server refuses the recipient, and delivers it once it accepts', async () => {
    await smtp.start();
    smtp.refuseRecipients = true;
    const [id] = await queue(1);
    const w = worker();

    expect(await w.runOnce()).toEqual({ sent: 0, failed: 1 });
    const row = await outboxRow(id as string);
    expect(row.attempts).toBe(1);
    expect(row.sent_at).toBeNull();
    expect(row.last_error).toMatch(/recipients were rejected|unavailable|450/i);
    expect(row.next_attempt_at).toBe(new Date(clock.now().getTime() + 30_000).toISOString());

    smtp.refuseRecipients = false;
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 0 });
    clock.advance(30_001);
    expect(await w.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 0 });
    expect([...smtp.counts()]).toEqual([[id, 1]]);
  });

  it('keeps an email when the server refuses the message data, and delivers it once it accepts', async () => {
    await smtp.start();
    smtp.refuseData = true;
    const [id] = await queue(1);
    const w = worker();

    expect(await w.runOnce()).toEqual({ sent: 0, failed: 1 });
    const row = await outboxRow(id as string);
    expect(row.attempts).toBe(1);
    expect(row.sent_at).toBeNull();
    expect(row.last_error).toMatch(/mail store is full|452/i);
    expect(smtp.received).toHaveLength(0);

    smtp.refuseData = false;
    clock.advance(backoffMs(1));
    expect(await w.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(await w.runOnce()).toEqual({ sent: 0, failed: 0 });
    expect([...smtp.counts()]).toEqual([[id, 1]]);
  });

  it('never sends an email queued in a transaction that rolled back', async () => {
    await smtp.start();
    await expect(
      database.db.transaction().execute(async (trx) => {
        await queueEmail(
          trx,
          { to: 'ghost@test.example', subject: 'Never', text: 'Never sent' },
          clock.now(),
        );
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await database.db.selectFrom('outbox').select('id').execute()).toHaveLength(0);
    expect(await worker().runOnce()).toEqual({ sent: 0, failed: 0 });
    expect(smtp.received).toHaveLength(0);
  });

  it('writes .eml files under the given folder without SMTP_URL', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'mybtec-mail-'));
    try {
      const mailDir = path.join(folder, 'mail');
      const [id] = await queue(1);
      expect(await worker(fileMailer(mailDir)).runOnce()).toEqual({ sent: 1, failed: 0 });
      expect(readdirSync(mailDir)).toEqual([`${id}.eml`]);
      const eml = readFileSync(path.join(mailDir, `${id}.eml`), 'utf8');
      expect(eml).toContain('To: person0@test.example');
      expect(eml).toContain('Subject: Message 0');
      expect(eml).toContain(`Message-ID: <${id}@mybtec>`);
      expect(eml).toContain('Hello 0');
      expect((await outboxRow(id as string)).sent_at).not.toBeNull();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('delivers a one-time link whole, keeps it while unsent, and removes its token from the stored text once sent', async () => {
    const token = 'q7Xk2_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-';
    const text = `Dear Mary,\n\nhttp://localhost:3000/password/reset?token=${token}\n\nThe link works once.`;
    const id = await queueEmail(
      database.db,
      { to: 'mary@test.example', subject: 'Reset your myBTEC password', text },
      clock.now(),
    );
    const delivered: string[] = [];
    let down = true;
    const mailer: Mailer = {
      send: (email) => {
        if (down) return Promise.reject(new Error('connection refused'));
        delivered.push(email.text);
        return Promise.resolve();
      },
      close: () => undefined,
    };
    expect(await worker(mailer).runOnce()).toEqual({ sent: 0, failed: 1 });
    // Not sent yet: the stored text still holds the link, so that the next try can send it.
    expect((await outboxRow(id)).body_text).toBe(text);

    down = false;
    clock.advance(backoffMs(1));
    expect(await worker(mailer).runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(delivered).toEqual([text]);
    const row = await outboxRow(id);
    expect(row.sent_at).not.toBeNull();
    expect(row.body_text).not.toContain(token);
    expect(row.body_text).toBe(
      'Dear Mary,\n\nhttp://localhost:3000/password/reset?token=[removed once sent]\n\nThe link works once.',
    );
  });

  it('keeps the text of an email without a one-time link as it was once sent', async () => {
    const [id] = await queue(1);
    const folder = mkdtempSync(path.join(tmpdir(), 'mybtec-mail-'));
    try {
      expect(await worker(fileMailer(path.join(folder, 'mail'))).runOnce()).toEqual({
        sent: 1,
        failed: 0,
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    expect((await outboxRow(id as string)).body_text).toBe('Hello 0');
  });
});

it('backs off 30 s, 1 min, 2 min … and never waits more than an hour', () => {
  expect([1, 2, 3, 4].map(backoffMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
  expect(backoffMs(20)).toBe(60 * 60_000);
});
