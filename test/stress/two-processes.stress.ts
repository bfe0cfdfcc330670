/*
 * Several instances on one PostgreSQL database (docs/scaling.md), as real processes: two servers
 * (`node --import tsx src/server.ts`) started at the same moment on one empty database, so both
 * apply the migrations concurrently; each on its own port, both sending to one SMTP peer. A session
 * made on one is valid on the other, a claim made through one is decided through the other, and the
 * two processes' own mail workers deliver every queued email exactly once. Then both stop cleanly on
 * SIGTERM. test/instances.test.ts proves the same in one process, with the mail workers driven by
 * hand; this one leaves everything to the processes. PostgreSQL only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/connection.js';
import { paths } from '../../src/paths.js';
import {
  buildAccount,
  buildCentre,
  makeQualityNominee,
  PASSWORD,
  type BuiltAccount,
  type BuiltCentre,
} from '../support/factories.js';
import { FaultySmtp, freePort } from './support/smtp.js';
import {
  HttpClient,
  killHard,
  ready,
  scratchPostgres,
  startServer,
  type ServerProcess,
} from './support/server.js';
import { sleep, waitFor } from './support/wait.js';

const databaseUrl = process.env.TEST_DATABASE_URL;
const CLAIMANTS = 3;

/** The exit code, or 'timeout' if the process did not end in time. */
function exitWithin(server: ServerProcess, timeoutMs: number): Promise<number | string> {
  return Promise.race([server.exited, sleep(timeoutMs).then(() => 'timeout')]);
}

describe.skipIf(!databaseUrl)('two server processes on one PostgreSQL database', () => {
  let dataDirs: string[] = [];
  let dropDatabase: (() => Promise<void>) | undefined;
  let handle: DatabaseHandle | undefined;
  let smtp: FaultySmtp;
  let servers: ServerProcess[] = [];
  let centre: BuiltCentre;
  let qn: BuiltAccount;
  let claimants: BuiltAccount[];

  beforeAll(async () => {
    const scratch = await scratchPostgres();
    dropDatabase = scratch.drop;
    smtp = await FaultySmtp.create();
    await smtp.start();
    const ports = [await freePort(), await freePort()];
    dataDirs = ports.map(() => mkdtempSync(path.join(tmpdir(), 'mybtec-two-')));
    // Both at once on the empty database: each applies the migrations as it starts.
    servers = ports.map((port, i) =>
      startServer({
        PORT: String(port),
        DATA_DIR: dataDirs[i] as string,
        DATABASE_URL: scratch.url,
        SMTP_URL: smtp.url,
        SESSION_SECRET: 'the-same-secret-on-both-processes-32-characters',
        BASE_URL: 'http://mybtec.test',
      }),
    );
    await Promise.all(servers.map((server) => ready(server)));

    handle = openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 2 });
    centre = await buildCentre(handle.db, { sites: 1 });
    qn = await buildAccount(handle.db, centre, { first: 'Quinn', last: 'Nominee' });
    await makeQualityNominee(handle.db, qn, centre.siteIds[0]);
    claimants = [];
    for (let i = 0; i < CLAIMANTS; i += 1)
      claimants.push(await buildAccount(handle.db, centre, { first: 'Tess', last: `Teacher${i}` }));
  }, 60_000);

  afterAll(async () => {
    for (const server of servers) if (server.child.exitCode === null) await killHard(server);
    servers = [];
    await smtp?.stop();
    await handle?.close();
    await dropDatabase?.();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const db = () => (handle as DatabaseHandle).db;
  const a = () => (servers[0] as ServerProcess).baseUrl;
  const b = () => (servers[1] as ServerProcess).baseUrl;

  it('both applied the migrations on the empty database and are serving', async () => {
    for (const server of servers) {
      const response = await fetch(`${server.baseUrl}/health`);
      expect(response.status, server.output()).toBe(200);
    }
    // Each migration applied once, whichever process applied it.
    const applied = await db()
      .selectFrom('kysely_migration' as never)
      .selectAll()
      .execute();
    const names = applied.map((row) => (row as { name: string }).name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThan(0);
  });

  it('accepts on process B a session made on process A', async () => {
    const onA = new HttpClient(a());
    await onA.signIn(claimants[0]!.username, PASSWORD);
    const onB = onA.via(b());
    const session = await onB.request('GET', paths.api.session);
    expect(session.status).toBe(200);
    const me = await onB.request('GET', paths.api.me);
    expect(me.status).toBe(200);
    expect((me.json as { user: { username: string } }).user.username).toBe(claimants[0]!.username);
  });

  it('decides through B claims made through A, and the claimants see it through A', async () => {
    const approver = new HttpClient(b());
    await approver.signIn(qn.username, PASSWORD);
    const made: { client: HttpClient; claimId: string }[] = [];
    for (const claimant of claimants) {
      const client = new HttpClient(a());
      await client.signIn(claimant.username, PASSWORD);
      const response = await client.request('POST', paths.api.claims, {
        siteId: centre.siteIds[0],
        subjectId: 'business',
        role: 'assessor',
      });
      expect(response.status, JSON.stringify(response.json)).toBe(201);
      made.push({ client, claimId: (response.json as { claim: { id: string } }).claim.id });
    }
    const listed = await approver.request('GET', paths.api.approvals);
    const listedIds = (listed.json as { claims: { id: string }[] }).claims.map((c) => c.id);
    for (const { claimId } of made) expect(listedIds).toContain(claimId);
    const decided = await approver.request('POST', paths.api.approvals, {
      decisions: made.map(({ claimId }, i) => ({ claimId, approve: i % 2 === 0 })),
    });
    expect(decided.status).toBe(200);
    expect((decided.json as { results: unknown[] }).results).toEqual(
      made.map(({ claimId }, i) => ({ claimId, status: i % 2 === 0 ? 'approved' : 'rejected' })),
    );
    for (const [i, { client, claimId }] of made.entries()) {
      const mine = await client.request('GET', paths.api.claims);
      const claim = (mine.json as { claims: { id: string; status: string }[] }).claims.find(
        (c) => c.id === claimId,
      );
      expect(claim?.status).toBe(i % 2 === 0 ? 'approved' : 'rejected');
    }
  });

  it("delivers every queued email exactly once through the processes' own mail workers", async () => {
    const outbox = async () =>
      db().selectFrom('outbox').select(['id', 'sent_at']).orderBy('id').execute();
    // One email to the approver for each claim, one to the claimant for each decision.
    const queued = await outbox();
    expect(queued.length).toBe(CLAIMANTS * 2);
    const drained = await waitFor(async () => {
      const rows = await outbox();
      return rows.every((row) => row.sent_at !== null) && smtp.received.length >= rows.length;
    }, 20_000);
    expect(drained, 'the outbox drained within 20 s').toBe(true);
    const ids = (await outbox()).map((row) => row.id);
    const counts = smtp.counts();
    expect([...counts.keys()].sort()).toEqual([...ids].sort());
    expect(
      [...counts.values()].every((n) => n === 1),
      JSON.stringify([...counts]),
    ).toBe(true);
    expect(smtp.received).toHaveLength(ids.length);
  });

  it('stops both processes cleanly on SIGTERM', async () => {
    for (const server of servers) server.child.kill('SIGTERM');
    const codes = await Promise.all(servers.map((server) => exitWithin(server, 10_000)));
    expect(codes, servers.map((s) => s.output()).join('\n')).toEqual([0, 0]);
  });
});
