import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { FixedClock } from '../src/clock.js';
import { openDatabase, type DatabaseHandle } from '../src/db/connection.js';
import { createMailWorker, type MailWorker } from '../src/features/notifications/mail-worker.js';
import { smtpMailer, type Mailer } from '../src/features/notifications/mailer.js';
import { queueEmail } from '../src/features/notifications/outbox.repository.js';
import { paths } from '../src/paths.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';
import {
  PASSWORD,
  buildAccount,
  buildCentre,
  buildClaim,
  makeQualityNominee,
  type BuiltAccount,
  type BuiltCentre,
} from './support/factories.js';

/*
 * Several instances on one PostgreSQL database (docs/scaling.md): two apps, each with its own
 * connection pool to the same schema and listening on its own socket, behave as one service.
 * Sessions, decisions and the email outbox live in the database, so it does not matter which
 * instance a request reaches, and the two mail workers share the outbox without sending twice.
 */

const databaseUrl = process.env.TEST_DATABASE_URL;
const BUSINESS = 'business';
const silent = pino({ level: 'silent' });

/** A client of one instance over HTTP: keeps the session cookie and the CSRF token it was given. */
class Client {
  cookie = '';
  csrfToken = '';

  constructor(public baseUrl: string) {}

  /** The same person, their requests now sent to another instance. */
  via(baseUrl: string): Client {
    const other = new Client(baseUrl);
    other.cookie = this.cookie;
    other.csrfToken = this.csrfToken;
    return other;
  }

  async request(method: string, url: string, body?: unknown) {
    const response = await fetch(`${this.baseUrl}${url}`, {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrfToken && method !== 'GET' ? { 'x-csrf-token': this.csrfToken } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0] ?? '')
      .find((c) => c.startsWith('mybtec_session='));
    if (cookie) this.cookie = cookie;
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : null };
  }

  async signIn(username: string): Promise<this> {
    const login = await this.request('POST', paths.api.session, { username, password: PASSWORD });
    if (login.status !== 200) throw new Error(`sign-in failed: ${login.status}`);
    const session = await this.request('GET', paths.api.session);
    this.csrfToken = (session.json as { csrfToken: string }).csrfToken;
    return this;
  }
}

/** A real SMTP peer on 127.0.0.1 that counts what arrives, by outbox id. */
class SmtpSink {
  readonly received: string[] = [];
  private server: SMTPServer | undefined;
  port = 0;

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          this.received.push(/^Message-ID:\s*<([^@>]+)@mybtec>/im.exec(raw)?.[1] ?? '');
          callback();
        });
      },
    });
    this.port = await freePort();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe.skipIf(!databaseUrl)('two instances on one PostgreSQL database', () => {
  let database: TestDatabase;
  let second: DatabaseHandle;
  const clock = new FixedClock();
  const apps: FastifyInstance[] = [];
  const urls: string[] = [];
  let centre: BuiltCentre;
  let qn: BuiltAccount;
  let liv: BuiltAccount;
  let teachers: BuiltAccount[];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(
      database.db,
    );
    const schema = rows[0]?.schema as string;
    second = openDatabase({ kind: 'postgres', url: databaseUrl as string, schema, poolSize: 5 });
    for (const handle of [database, second]) {
      const app = await buildApp({
        config: {
          baseUrl: 'http://localhost:3000',
          sessionSecret: 'the-same-secret-on-every-instance-32-characters',
          secureCookies: false,
          production: true,
          rateLimitPerMinute: 0,
          smtpUrl: 'smtp://127.0.0.1:1',
        },
        db: handle.db,
        dbKind: 'postgres',
        clock,
      });
      urls.push(await app.listen({ port: 0, host: '127.0.0.1' }));
      apps.push(app);
    }
    centre = await buildCentre(database.db, { sites: 1 });
    qn = await buildAccount(database.db, centre, { first: 'Quinn', last: 'Nominee' });
    liv = await buildAccount(database.db, centre, { first: 'Liv', last: 'Lead' });
    teachers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        buildAccount(database.db, centre, { first: 'Tess', last: `Teacher${i}` }),
      ),
    );
    await makeQualityNominee(database.db, qn, centre.siteIds[0]);
    await buildClaim(database.db, {
      account: liv,
      subjectId: BUSINESS,
      role: 'lead_internal_verifier',
    });
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await second?.close();
    await database?.dispose();
  });

  const a = () => urls[0] as string;
  const b = () => urls[1] as string;
  const pending = (teacher: BuiltAccount, role = 'assessor') =>
    buildClaim(database.db, { account: teacher, subjectId: BUSINESS, role, status: 'pending' });

  it('accepts on one instance a session made on the other, CSRF token included', async () => {
    const onA = await new Client(a()).signIn(teachers[0]!.username);
    const onB = onA.via(b());
    const me = await onB.request('GET', paths.api.me);
    expect(me.status).toBe(200);
    expect(me.json.user.username).toBe(teachers[0]!.username);
    // A state-changing call on B with the token A gave: the CSRF secret is in the shared session.
    const claim = await onB.request('POST', paths.api.claims, {
      siteId: centre.siteIds[0],
      subjectId: 'sport',
      role: 'teacher',
    });
    expect(claim.status).toBe(201);
    // Signing out on B ends the session on A too.
    expect((await onB.request('DELETE', paths.api.session)).status).toBe(204);
    expect((await onA.request('GET', paths.api.me)).status).toBe(401);
  });

  it('shows on one instance a decision made through the other', async () => {
    const teacher = await new Client(a()).signIn(teachers[1]!.username);
    const made = await teacher.request('POST', paths.api.claims, {
      siteId: centre.siteIds[0],
      subjectId: BUSINESS,
      role: 'assessor',
    });
    expect(made.status).toBe(201);
    const claimId = made.json.claim.id as string;

    const approver = await new Client(b()).signIn(liv.username);
    const listed = await approver.request('GET', paths.api.approvals);
    expect(listed.json.claims.map((c: { id: string }) => c.id)).toContain(claimId);
    const decided = await approver.request('POST', paths.api.approvals, {
      decisions: [{ claimId, approve: true }],
    });
    expect(decided.json.results).toEqual([{ claimId, status: 'approved' }]);

    const mine = await teacher.request('GET', paths.api.claims);
    expect(mine.json.claims.find((c: { id: string }) => c.id === claimId)?.status).toBe('approved');
    const me = await teacher.request('GET', paths.api.me);
    expect(me.json.roles).toContainEqual({
      siteId: centre.siteIds[0],
      subjectId: BUSINESS,
      role: 'assessor',
      status: 'approved',
    });
    // And the approver's list on the other instance no longer holds it.
    const again = await approver.via(a()).request('GET', paths.api.approvals);
    expect(again.json.claims.map((c: { id: string }) => c.id)).not.toContain(claimId);
  });

  it('lets exactly one of two concurrent decisions of a claim win, through different instances', async () => {
    const livOnA = await new Client(a()).signIn(liv.username);
    const qnOnB = await new Client(b()).signIn(qn.username);
    for (const teacher of teachers.slice(2)) {
      const claimId = await pending(teacher);
      const [first, other] = await Promise.all([
        livOnA.request('POST', paths.api.approvals, { decisions: [{ claimId, approve: true }] }),
        qnOnB.request('POST', paths.api.approvals, { decisions: [{ claimId, approve: false }] }),
      ]);
      const results = [first.json.results[0], other.json.results[0]];
      const winners = results.filter((r) => 'status' in r);
      const losers = results.filter((r) => 'error' in r);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect(losers[0].error.code).toBe('conflict');
      const row = await database.db
        .selectFrom('claims')
        .select(['status', 'decided_by_id'])
        .where('id', '=', claimId)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe(winners[0].status);
      expect(row.decided_by_id).toBe(winners[0].status === 'approved' ? liv.id : qn.id);
      const audits = await database.db
        .selectFrom('audit_events')
        .select('action')
        .where('target_id', '=', claimId)
        .where('action', 'in', ['claim.approved', 'claim.rejected'])
        .execute();
      expect(audits).toHaveLength(1);
    }
  });

  it('sends every email exactly once with both instances’ mail workers running', async () => {
    const smtp = new SmtpSink();
    await smtp.start();
    const mailers: Mailer[] = [];
    const workers: MailWorker[] = [database, second].map((handle) => {
      const mailer = smtpMailer(`smtp://127.0.0.1:${smtp.port}`);
      mailers.push(mailer);
      return createMailWorker({
        db: handle.db,
        kind: 'postgres',
        mailer,
        clock,
        from: 'myBTEC <no-reply@mybtec.test>',
        log: silent,
      });
    });
    try {
      // What the tests above queued (claims and decisions), and a batch more.
      for (let i = 0; i < 60; i += 1) {
        await queueEmail(
          database.db,
          { to: `person${i}@test.example`, subject: `Message ${i}`, text: `Hello ${i}` },
          clock.now(),
        );
      }
      const queued = await database.db.selectFrom('outbox').select('id').execute();
      expect(queued.length).toBeGreaterThan(60);
      const runs = await Promise.all([...workers, ...workers].map((w) => w.runOnce()));
      const sent = runs.reduce((sum, r) => sum + r.sent, 0);
      expect(runs.reduce((sum, r) => sum + r.failed, 0)).toBe(0);
      expect(sent).toBe(queued.length);
      expect(smtp.received).toHaveLength(queued.length);
      expect(new Set(smtp.received)).toEqual(new Set(queued.map((q) => q.id)));
      // Both instances took a share.
      expect(runs[0]!.sent + runs[2]!.sent).toBeGreaterThan(0);
      expect(runs[1]!.sent + runs[3]!.sent).toBeGreaterThan(0);
      const unsent = await second.db
        .selectFrom('outbox')
        .select('id')
        .where('sent_at', 'is', null)
        .execute();
      expect(unsent).toHaveLength(0);
      // Nothing left for either worker.
      expect(await workers[0]!.runOnce()).toEqual({ sent: 0, failed: 0 });
      expect(await workers[1]!.runOnce()).toEqual({ sent: 0, failed: 0 });
      expect(smtp.received).toHaveLength(queued.length);
    } finally {
      for (const mailer of mailers) mailer.close();
      await smtp.stop();
    }
  });
});
