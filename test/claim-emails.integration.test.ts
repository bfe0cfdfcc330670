import { SMTPServer } from 'smtp-server';
import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createMailWorker } from '../src/features/notifications/mail-worker.js';
import { smtpMailer } from '../src/features/notifications/mailer.js';
import { paths } from '../src/paths.js';
import { forEachDatabase } from './support/databases.js';
import { buildAccount, buildCentre, buildClaim, makeQualityNominee } from './support/factories.js';
import { createTestApp, signedIn, type TestApp } from './support/test-app.js';

interface Received {
  to: string[];
  raw: string;
}

/** A real SMTP peer on 127.0.0.1 that keeps every message it is given. */
async function startSmtp(): Promise<{ url: string; messages: Received[]; close(): Promise<void> }> {
  const messages: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Undoes quoted-printable soft line breaks so the text can be searched. */
const unfold = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=3D/g, '=')
    .replace(/=E2=80=99/g, '’');

forEachDatabase('claim emails delivered over SMTP', (kind) => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  beforeEach(async () => {
    t = await createTestApp(kind);
    smtp = await startSmtp();
  });
  afterEach(async () => {
    await smtp.close();
    await t.close();
  });

  it('tells the approver about a new claim and the claimant about the decision, once each', async () => {
    const centre = await buildCentre(t.db);
    const qn = await buildAccount(t.db, centre, { first: 'Quinn', last: 'Nominee' });
    const liv = await buildAccount(t.db, centre, { first: 'Liv', last: 'Lead' });
    const teacher = await buildAccount(t.db, centre, { first: 'Tess', last: 'Teacher' });
    await makeQualityNominee(t.db, qn, centre.siteIds[0]);
    await buildClaim(t.db, { account: liv, subjectId: 'business', role: 'lead_internal_verifier' });

    const mailer = smtpMailer(smtp.url);
    const worker = createMailWorker({
      db: t.db,
      kind,
      mailer,
      clock: t.clock,
      from: 'myBTEC <no-reply@mybtec.test>',
      log: pino({ level: 'silent' }),
    });

    const made = await (
      await signedIn(t.app, teacher.username)
    ).api('POST', paths.api.claims, {
      siteId: centre.siteIds[0],
      subjectId: 'business',
      role: 'assessor',
    });
    const claimId = (made.json() as { claim: { id: string } }).claim.id;
    expect(await worker.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]?.to).toEqual([liv.username]);
    const review = unfold(smtp.messages[0]?.raw ?? '');
    expect(review).toContain('Subject: Role claim to review: Tess Teacher, Assessor in Business');
    expect(review).toContain('http://localhost:3000/user-role-approval');

    await (
      await signedIn(t.app, liv.username)
    ).api('POST', paths.api.approvals, {
      decisions: [{ claimId, approve: false, reason: 'Please claim Teacher first' }],
    });
    expect(await worker.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(await worker.runOnce()).toEqual({ sent: 0, failed: 0 });
    expect(smtp.messages).toHaveLength(2);
    expect(smtp.messages[1]?.to).toEqual([teacher.username]);
    const decision = unfold(smtp.messages[1]?.raw ?? '');
    expect(decision).toContain('Subject: Your role claim has been rejected: Assessor in Business');
    expect(decision).toContain('Please claim Teacher first');
    expect(decision).toContain('We suggest you discuss this directly with Liv Lead');
    const unsent = await t.db
      .selectFrom('outbox')
      .select('id')
      .where('sent_at', 'is', null)
      .execute();
    expect(unsent).toHaveLength(0);
    mailer.close();
  });

  it('tells the claimant when their claim is approved and when the role is taken back', async () => {
    const centre = await buildCentre(t.db);
    const liv = await buildAccount(t.db, centre, { first: 'Liv', last: 'Lead' });
    const teacher = await buildAccount(t.db, centre, { first: 'Tess', last: 'Teacher' });
    await buildClaim(t.db, { account: liv, subjectId: 'business', role: 'lead_internal_verifier' });
    const claimId = await buildClaim(t.db, {
      account: teacher,
      subjectId: 'business',
      role: 'internal_verifier',
      status: 'pending',
    });
    const mailer = smtpMailer(smtp.url);
    const worker = createMailWorker({
      db: t.db,
      kind,
      mailer,
      clock: t.clock,
      from: 'myBTEC <no-reply@mybtec.test>',
      log: pino({ level: 'silent' }),
    });
    const livAgent = await signedIn(t.app, liv.username);

    await livAgent.api('POST', paths.api.approvals, {
      decisions: [{ claimId, approve: true, reason: 'Welcome to the team' }],
    });
    expect(await worker.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(smtp.messages.map((m) => m.to)).toEqual([[teacher.username]]);
    const approved = unfold(smtp.messages[0]?.raw ?? '');
    expect(approved).toContain(
      'Subject: Your role claim has been approved: Internal Verifier in Business',
    );
    expect(approved).toContain('Liv Lead has approved your claim to be an Internal Verifier');
    expect(approved).toContain('Welcome to the team');
    expect(approved).toContain(
      'You now have the following permissions within this subject: IV, Assessor, Teacher.',
    );

    await livAgent.api('POST', paths.api.claimRevoke.replace(':id', claimId), {
      reason: 'Moved to Sport',
    });
    expect(await worker.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(smtp.messages.map((m) => m.to)).toEqual([[teacher.username], [teacher.username]]);
    const revoked = unfold(smtp.messages[1]?.raw ?? '');
    expect(revoked).toContain(
      'Subject: Your role has been taken back: Internal Verifier in Business',
    );
    expect(revoked).toContain('Liv Lead has taken back your approved role of Internal Verifier');
    expect(revoked).toContain('Moved to Sport');
    expect(revoked).toContain('We suggest you discuss this directly with Liv Lead');
    expect(await worker.runOnce()).toEqual({ sent: 0, failed: 0 });
    mailer.close();
  });
});
