/*
 * Crash safety (SPEC §3 "No email may be lost", §9; OWASP ASVS 4 V11.1.x): the real server as a
 * child process on SQLite (and PostgreSQL when TEST_DATABASE_URL is set) gets a stream of changes
 * from several people at once, is killed with SIGKILL in the middle, and is started again on the
 * same data, three times over. Every change it answered 2xx is there afterwards, with its audit row
 * and its email; sessions survive; and the outbox carries on: every queued email reaches the SMTP
 * server after the restart (an email a dead process was sending waits for its lease, and only such
 * an email may arrive twice — the one case docs/architecture.md allows).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/connection.js';
import { roleName, type Role } from '../../src/domain/roles.js';
import { databaseKinds, type DatabaseKind } from '../support/databases.js';
import {
  buildAccount,
  buildCentre,
  makeQualityNominee,
  PASSWORD,
  type BuiltAccount,
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

const CYCLES = 3;
const STAFF = 3;
const SUBJECTS = [
  'business',
  'sport',
  'engineering',
  'computing',
  'music',
  'construction',
  'hospitality',
  'public-services',
  'art-and-design',
  'performing-arts',
];
// No Lead Internal Verifier claims: every claim then goes to the Quality Nominee, whose emails
// are counted.
const ROLES = ['teacher', 'assessor', 'internal_verifier', 'course_leader'];
const TIMEOUT = 240_000;

interface Ledger {
  /** Claims answered 201: id → claimant id. */
  claims: Map<string, string>;
  /** Decisions answered with a status: claim id → approved | rejected. */
  decisions: Map<string, string>;
}

describe.each(databaseKinds)('crash safety [%s]', (kind: DatabaseKind) => {
  let dataDir: string;
  let handle: DatabaseHandle;
  let dropDatabase: (() => Promise<void>) | undefined;
  let databaseUrl = '';
  let smtp: FaultySmtp;
  let server: ServerProcess | undefined;

  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'mybtec-crash-'));
    if (kind === 'postgres') {
      const scratch = await scratchPostgres();
      databaseUrl = scratch.url;
      dropDatabase = scratch.drop;
      handle = openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 3 });
    } else {
      handle = openDatabase({ kind: 'sqlite', file: path.join(dataDir, 'mybtec.sqlite') });
    }
    await migrateToLatest(handle.db);
    smtp = await FaultySmtp.create();
    await smtp.start();
  }, 60_000);

  afterEach(async () => {
    if (server) await killHard(server);
    server = undefined;
    await smtp.stop();
    await handle.close();
    await dropDatabase?.();
    dropDatabase = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  async function start(port: number): Promise<ServerProcess> {
    const child = startServer({
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      SMTP_URL: smtp.url,
      SESSION_SECRET: 'crash-test-secret-that-is-at-least-32-characters',
    });
    await ready(child);
    return child;
  }

  /** Claims and decisions, as fast as people click, until told to stop or the server is gone. */
  function stream(
    staff: HttpClient[],
    staffAccounts: BuiltAccount[],
    qn: HttpClient,
    ledger: Ledger,
    cycle: number,
  ): { stop(): void; done: Promise<void> } {
    let running = true;
    const claimLoop = async (client: HttpClient, account: BuiltAccount, n: number) => {
      for (let i = 0; running; i += 1) {
        const subjectId = SUBJECTS[(i + n * 3 + cycle * 5) % SUBJECTS.length];
        const role = ROLES[(i + cycle) % ROLES.length];
        try {
          const response = await client.request('POST', '/api/v1/claims', {
            siteId: siteId(),
            subjectId,
            role,
          });
          if (response.status === 201)
            ledger.claims.set((response.json as { claim: { id: string } }).claim.id, account.id);
        } catch {
          return; // the server is gone: what it did not answer is unknown
        }
        await sleep(80);
      }
    };
    const decideLoop = async () => {
      for (let i = 0; running; i += 1) {
        try {
          const waiting = await qn.request('GET', '/api/v1/approvals');
          const claims = (waiting.json as { claims?: { id: string }[] }).claims ?? [];
          if (claims.length > 0) {
            const response = await qn.request('POST', '/api/v1/approvals', {
              decisions: claims
                .slice(0, 5)
                .map((c, k) => ({ claimId: c.id, approve: (i + k) % 3 !== 0 })),
            });
            if (response.status === 200)
              for (const result of (
                response.json as { results: { claimId: string; status?: string }[] }
              ).results)
                if (result.status) ledger.decisions.set(result.claimId, result.status);
          }
        } catch {
          return;
        }
        await sleep(120);
      }
    };
    const done = Promise.all([
      ...staff.map((client, n) => claimLoop(client, staffAccounts[n] as BuiltAccount, n)),
      decideLoop(),
    ]).then(() => undefined);
    return { stop: () => (running = false), done };
  }

  let siteOfCentre = '';
  const siteId = () => siteOfCentre;

  /** How many times each key comes up. */
  function tally(keys: string[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    return counts;
  }

  /**
   * Everything answered 2xx is in the database, with its audit row and its emails: each claim
   * answered 201 with its `claim.created` row and its email to the approver, each decision answered
   * with a status with its `claim.approved`/`claim.rejected` row and its email to the claimant.
   * Emails carry no claim id, so they are matched by what they say (who, which role, which
   * subject), one email for each claim or decision stored — a change the server made but could not
   * answer before it died is stored too, and has its email like any other.
   */
  async function expectLedgerKept(
    ledger: Ledger,
    qnAccount: BuiltAccount,
    staffAccounts: BuiltAccount[],
  ): Promise<void> {
    const db = handle.db;
    const ids = [...ledger.claims.keys()];
    expect(ids.length).toBeGreaterThan(0);
    const claims = await db
      .selectFrom('claims')
      .select(['id', 'status', 'claimant_id', 'role', 'subject_id'])
      .execute();
    const byId = new Map(claims.map((row) => [row.id, row]));
    for (const id of ids)
      expect(byId.get(id)?.claimant_id, `claim ${id} answered 201 is there`).toBe(
        ledger.claims.get(id),
      );
    const audit = await db
      .selectFrom('audit_events')
      .select(['action', 'target_id'])
      .where('target_type', '=', 'claim')
      .execute();
    const actionsOf = new Map<string, string[]>();
    for (const row of audit)
      actionsOf.set(row.target_id ?? '', [
        ...(actionsOf.get(row.target_id ?? '') ?? []),
        row.action,
      ]);
    for (const id of ids)
      expect(actionsOf.get(id), `claim ${id}: its claim.created row`).toContain('claim.created');
    for (const [claimId, status] of ledger.decisions) {
      // A decision stays, unless a later claim of the same person in the same team replaced it.
      expect([status, 'superseded'], `claim ${claimId}`).toContain(byId.get(claimId)?.status);
      expect(actionsOf.get(claimId), `claim ${claimId}: its claim.${status} row`).toContain(
        `claim.${status}`,
      );
    }

    const subjects = new Map(
      (await db.selectFrom('subjects').select(['id', 'name']).execute()).map((r) => [r.id, r.name]),
    );
    const people = new Map(staffAccounts.map((a) => [a.id, a]));
    const nameOf = (id: string) => people.get(id)?.name ?? `unknown ${id}`;
    const about = (claim: { role: string; subject_id: string }) =>
      `${roleName(claim.role as Role)} in ${subjects.get(claim.subject_id) ?? claim.subject_id}`;
    const emails = await db.selectFrom('outbox').select(['to_address', 'subject']).execute();
    const sent = tally(emails.map((e) => `${e.to_address} | ${e.subject}`));

    // Each stored claim (every answered one among them): one email to the Quality Nominee.
    const claimEmails = tally(
      claims.map(
        (claim) =>
          `${qnAccount.username} | Role claim to review: ${nameOf(claim.claimant_id)}, ${about(claim)}`,
      ),
    );
    for (const id of ids) {
      const claim = byId.get(id);
      if (!claim) continue;
      const key = `${qnAccount.username} | Role claim to review: ${nameOf(claim.claimant_id)}, ${about(claim)}`;
      expect(sent.get(key) ?? 0, `claim ${id}: the approver's email`).toBe(claimEmails.get(key));
    }
    // Each stored decision (every answered one among them): one email to the claimant.
    const decisionKey = (claimId: string, action: string) => {
      const claim = byId.get(claimId);
      if (!claim) return `unknown claim ${claimId}`;
      const person = people.get(claim.claimant_id);
      return `${person?.username ?? claim.claimant_id} | Your role claim has been ${action.replace('claim.', '')}: ${about(claim)}`;
    };
    const decided = tally(
      audit
        .filter((row) => row.action === 'claim.approved' || row.action === 'claim.rejected')
        .map((row) => decisionKey(row.target_id ?? '', row.action)),
    );
    for (const [claimId, status] of ledger.decisions) {
      const key = decisionKey(claimId, `claim.${status}`);
      expect(sent.get(key) ?? 0, `claim ${claimId}: the claimant's email`).toBe(decided.get(key));
    }
    // And no email beyond those.
    expect(emails.length, 'one email for each claim and each decision, no more').toBe(
      claims.length + [...decided.values()].reduce((a, b) => a + b, 0),
    );
  }

  const unsent = async () =>
    db().selectFrom('outbox').select(['id', 'lease_until']).where('sent_at', 'is', null).execute();
  const db = () => handle.db;

  it(
    `keeps every change answered 2xx through ${CYCLES} kill -9s, and the outbox carries on`,
    async () => {
      const centre = await buildCentre(handle.db);
      siteOfCentre = centre.siteIds[0] as string;
      const qnAccount = await buildAccount(handle.db, centre, { first: 'Quinn', last: 'Nominee' });
      await makeQualityNominee(handle.db, qnAccount, siteOfCentre);
      const staffAccounts: BuiltAccount[] = [];
      for (let i = 0; i < STAFF; i += 1)
        staffAccounts.push(
          await buildAccount(handle.db, centre, { first: 'Staff', last: `Member${i}` }),
        );

      const port = await freePort();
      server = await start(port);
      const base = server.baseUrl;
      const staff = staffAccounts.map(() => new HttpClient(base));
      const qn = new HttpClient(base);
      await Promise.all(
        staff.map((client, i) =>
          client.signIn((staffAccounts[i] as BuiltAccount).username, PASSWORD),
        ),
      );
      await qn.signIn(qnAccount.username, PASSWORD);

      const ledger: Ledger = { claims: new Map(), decisions: new Map() };
      const leasedByTheDead = new Set<string>();
      for (let cycle = 0; cycle < CYCLES; cycle += 1) {
        const flow = stream(staff, staffAccounts, qn, ledger, cycle);
        await sleep(1200 + Math.floor(Math.random() * 1200));
        await killHard(server);
        flow.stop();
        await flow.done;

        server = await start(port);
        await expectLedgerKept(ledger, qnAccount, staffAccounts);
        // Sessions live in the database: everyone is still signed in after the restart.
        expect((await qn.request('GET', '/api/v1/me')).status).toBe(200);
        const now = new Date().toISOString();
        for (const row of await unsent())
          if (row.lease_until !== null && row.lease_until > now) leasedByTheDead.add(row.id);
      }

      // The outbox carries on: everything not held by a dead process's lease goes out.
      const delivered = await waitFor(
        async () => {
          const now = new Date().toISOString();
          return (await unsent()).every((row) => row.lease_until !== null && row.lease_until > now);
        },
        90_000,
        250,
      );
      expect(delivered, 'the outbox drained after the restart').toBe(true);
      // What a dead process had leased is sent once its lease runs out (moved into the past here).
      await db()
        .updateTable('outbox')
        .set({ lease_until: null })
        .where('sent_at', 'is', null)
        .execute();
      expect(await waitFor(async () => (await unsent()).length === 0, 60_000, 250)).toBe(true);

      const outbox = await db().selectFrom('outbox').select('id').execute();
      const counts = smtp.counts();
      const lost = outbox.filter((row) => !counts.has(row.id)).map((row) => row.id);
      expect(lost, 'no email lost').toEqual([]);
      const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
      for (const id of twice) expect(leasedByTheDead, `${id} arrived twice`).toContain(id);
      expect([...counts.values()].every((n) => n <= 2)).toBe(true);

      // And the server still stops cleanly.
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      server = undefined;
    },
    TIMEOUT,
  );
});
