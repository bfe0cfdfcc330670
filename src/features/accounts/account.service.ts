import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { AccountLocked, InvalidCredentials, InvalidInput, NoMybtecAccess } from '../../errors.js';
import { recordAudit } from '../audit/audit.repository.js';
import { queueEmail } from '../notifications/outbox.repository.js';
import {
  findAccountById,
  findAccountRowByUsername,
  lockAccount,
  normaliseUsername,
  toAccount,
  updateAccount,
  type Account,
} from './account.repository.js';
import {
  forgetUnknownUsernames,
  lockAccountLoginFailures,
  lockUnknownUsernameFailures,
  setUnknownUsernameFailures,
} from './login-failure.repository.js';
import { hashPassword, passwordProblem, verifyPassword } from './password.js';
import {
  countResetLinksSince,
  findPasswordLink,
  insertPasswordLink,
  markPasswordLinkUsed,
} from './password-reset.repository.js';
import { endSessionsOfAccount } from './session-store.js';
import { TERMS_VERSION } from './terms.js';

export const MAX_FAILED_LOGINS = 3;
export const LOCK_MS = 60 * 60_000;
/** A username without an account is forgotten after this long without a wrong password. */
export const FORGET_UNKNOWN_USERNAMES_MS = 30 * 24 * 60 * 60_000;
export const RESET_LINK_MS = 60 * 60_000;
export const SET_PASSWORD_LINK_MS = 7 * 24 * 60 * 60_000;
/** At most this many reset emails per account in RESET_EMAIL_WINDOW_MS, whoever asks and from where. */
export const MAX_RESET_EMAILS = 3;
export const RESET_EMAIL_WINDOW_MS = 60 * 60_000;

export interface AccountServiceDeps {
  db: Db;
  clock: Clock;
  baseUrl: string;
}

export type AccountService = ReturnType<typeof createAccountService>;

type LoginOutcome =
  | { kind: 'ok' }
  | { kind: 'wrong_password' }
  | { kind: 'no_access' }
  | { kind: 'locked'; until: Date };

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createAccountService({ db, clock, baseUrl }: AccountServiceDeps) {
  /**
   * Checks a username and password. Wrong username and wrong password fail alike; three wrong
   * passwords in a row lock the account for an hour, and while locked even the right one is refused.
   * The counter lives in the database so it holds across instances and restarts.
   */
  async function logIn(username: string, password: string, ip: string): Promise<Account> {
    const row = await findAccountRowByUsername(db, username);
    const passwordOk = await verifyPassword(row?.password_hash ?? null, password);
    const now = clock.now();
    if (!row) {
      const outcome = await countUnknownUsernameFailure(username, ip, now);
      if (outcome.kind === 'locked') throw new AccountLocked(outcome.until);
      throw new InvalidCredentials();
    }
    const actor = { id: row.id, name: `${row.first_name} ${row.last_name}` };
    const base = { actor, target: { type: 'account', id: row.id }, centreId: row.centre_id, ip };

    // The outcome is decided and recorded in one transaction, and only then thrown: a refusal
    // must not roll back its own audit row or the count of wrong passwords.
    const outcome = await db.transaction().execute(async (trx): Promise<LoginOutcome> => {
      const current = await lockAccountLoginFailures(trx, row.id);
      if (current.lockedUntil && new Date(current.lockedUntil) > now) {
        await recordAudit(trx, { ...base, at: now, action: 'login.refused_locked' });
        return { kind: 'locked', until: new Date(current.lockedUntil) };
      }
      if (!passwordOk) {
        const failures = current.failedLogins + 1;
        if (failures >= MAX_FAILED_LOGINS) {
          const lockedUntil = new Date(now.getTime() + LOCK_MS);
          await updateAccount(trx, row.id, {
            failed_logins: 0,
            locked_until: lockedUntil.toISOString(),
          });
          await recordAudit(trx, {
            ...base,
            at: now,
            action: 'login.locked',
            details: { lockedUntil },
          });
          return { kind: 'locked', until: lockedUntil };
        }
        await updateAccount(trx, row.id, { failed_logins: failures });
        await recordAudit(trx, { ...base, at: now, action: 'login.failed', details: { failures } });
        return { kind: 'wrong_password' };
      }
      if (row.mybtec_access !== 1 && row.exams_officer !== 1) {
        await recordAudit(trx, { ...base, at: now, action: 'login.refused_no_access' });
        return { kind: 'no_access' };
      }
      await updateAccount(trx, row.id, {
        failed_logins: 0,
        locked_until: null,
        last_login_at: now.toISOString(),
      });
      await recordAudit(trx, { ...base, at: now, action: 'login.succeeded' });
      return { kind: 'ok' };
    });
    switch (outcome.kind) {
      case 'locked':
        throw new AccountLocked(outcome.until);
      case 'wrong_password':
        throw new InvalidCredentials();
      case 'no_access':
        throw new NoMybtecAccess();
      case 'ok':
        return toAccount({
          ...row,
          failed_logins: 0,
          locked_until: null,
          last_login_at: now.toISOString(),
        });
    }
  }

  /**
   * A username without an account is counted and locked exactly like an account, so the answers
   * (401 twice, then 423 with the time for an hour) never tell which usernames exist.
   */
  async function countUnknownUsernameFailure(
    username: string,
    ip: string,
    now: Date,
  ): Promise<{ kind: 'wrong_password' } | { kind: 'locked'; until: Date }> {
    const name = normaliseUsername(username).slice(0, 320);
    const audit = {
      actor: null,
      target: { type: 'account', id: null },
      ip,
    };
    return db.transaction().execute(async (trx) => {
      await forgetUnknownUsernames(trx, new Date(now.getTime() - FORGET_UNKNOWN_USERNAMES_MS));
      const current = await lockUnknownUsernameFailures(trx, name, now);
      if (current.lockedUntil && new Date(current.lockedUntil) > now) {
        await recordAudit(trx, {
          ...audit,
          at: now,
          action: 'login.refused_locked',
          details: { username: name.slice(0, 200), reason: 'unknown_username' },
        });
        return { kind: 'locked', until: new Date(current.lockedUntil) } as const;
      }
      const failures = current.failedLogins + 1;
      const lockedUntil = failures >= MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCK_MS) : null;
      await setUnknownUsernameFailures(
        trx,
        name,
        {
          failedLogins: lockedUntil ? 0 : failures,
          lockedUntil: lockedUntil?.toISOString() ?? null,
        },
        now,
      );
      await recordAudit(trx, {
        ...audit,
        at: now,
        action: lockedUntil ? 'login.locked' : 'login.failed',
        details: {
          username: name.slice(0, 200),
          reason: 'unknown_username',
          ...(lockedUntil ? { lockedUntil } : { failures }),
        },
      });
      return lockedUntil
        ? ({ kind: 'locked', until: lockedUntil } as const)
        : ({ kind: 'wrong_password' } as const);
    });
  }

  async function recordLogout(account: Account, ip: string): Promise<void> {
    await recordAudit(db, {
      at: clock.now(),
      actor: { id: account.id, name: account.name },
      action: 'logout',
      target: { type: 'account', id: account.id },
      centreId: account.centreId,
      ip,
    });
  }

  async function acceptTerms(account: Account, ip: string): Promise<void> {
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      await updateAccount(trx, account.id, {
        terms_version: TERMS_VERSION,
        terms_accepted_at: now.toISOString(),
      });
      await recordAudit(trx, {
        at: now,
        actor: { id: account.id, name: account.name },
        action: 'terms.accepted',
        target: { type: 'account', id: account.id },
        centreId: account.centreId,
        ip,
        details: { version: TERMS_VERSION },
      });
    });
  }

  /**
   * Emails a one-time link to set a new password. The answer never says whether the username exists.
   * Called inside the caller's transaction when an Examinations Officer creates an account.
   */
  async function sendPasswordLink(
    trx: Parameters<typeof queueEmail>[0],
    account: { id: string; username: string; firstName: string },
    purpose: 'reset' | 'set',
  ): Promise<void> {
    const token = randomBytes(32).toString('base64url');
    const now = clock.now();
    const validFor = purpose === 'reset' ? RESET_LINK_MS : SET_PASSWORD_LINK_MS;
    await insertPasswordLink(trx, {
      tokenHash: hashToken(token),
      accountId: account.id,
      purpose,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + validFor).toISOString(),
    });
    const link = `${baseUrl}/password/reset?token=${token}`;
    const text =
      purpose === 'reset'
        ? `Dear ${account.firstName},\n\nSomeone asked to reset the password of your myBTEC account. To choose a new password, open this link within one hour:\n\n${link}\n\nThe link works once. If you did not ask for this, you can ignore this email: your password has not changed.\n\nmyBTEC`
        : `Dear ${account.firstName},\n\nYour Examinations Officer has created a myBTEC account for you. Your username is ${account.username}.\n\nTo choose your password, open this link within 7 days:\n\n${link}\n\nThe link works once.\n\nmyBTEC`;
    await queueEmail(
      trx,
      {
        to: account.username,
        subject: purpose === 'reset' ? 'Reset your myBTEC password' : 'Your new myBTEC account',
        text,
      },
      now,
    );
  }

  /**
   * Emails a reset link, at most MAX_RESET_EMAILS an hour per account: the count is of the links in
   * the database, so it holds across instances and restarts, and the account row is locked while
   * counting so that requests at the same moment count one after the other. The answer is the same
   * whether the username exists, and whether the limit was reached (nothing reveals either).
   */
  async function requestPasswordReset(username: string, ip: string): Promise<void> {
    const row = await findAccountRowByUsername(db, username);
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      let throttled = false;
      if (row) {
        await lockAccount(trx, row.id);
        const recent = await countResetLinksSince(
          trx,
          row.id,
          new Date(now.getTime() - RESET_EMAIL_WINDOW_MS),
        );
        throttled = recent >= MAX_RESET_EMAILS;
        if (!throttled) {
          await sendPasswordLink(
            trx,
            { id: row.id, username: row.username, firstName: row.first_name },
            'reset',
          );
        }
      }
      await recordAudit(trx, {
        at: now,
        actor: row ? { id: row.id, name: `${row.first_name} ${row.last_name}` } : null,
        action: throttled ? 'password.reset_throttled' : 'password.reset_requested',
        target: { type: 'account', id: row?.id ?? null },
        centreId: row?.centre_id ?? null,
        ip,
        details: row ? {} : { username: username.slice(0, 200), reason: 'unknown_username' },
      });
    });
  }

  /** Is this reset link still usable? (For showing the form; the change itself checks again.) */
  async function resetLinkValid(token: string): Promise<boolean> {
    const link = await findPasswordLink(db, hashToken(token));
    return link !== undefined && link.usedAt === null && new Date(link.expiresAt) > clock.now();
  }

  /** Sets the new password from a link: the link works once and only until it expires. */
  async function resetPassword(token: string, password: string, ip: string): Promise<Account> {
    const problem = passwordProblem(password);
    if (problem) throw new InvalidInput({ password: problem });
    const passwordHash = await hashPassword(password);
    const now = clock.now();
    const accountId = await db.transaction().execute(async (trx) => {
      const link = await findPasswordLink(trx, hashToken(token), { lock: true });
      if (!link || link.usedAt !== null || new Date(link.expiresAt) <= now) {
        throw new InvalidInput(
          { token: 'This link has expired or has already been used. Ask for a new one.' },
          'This link has expired or has already been used. Ask for a new one.',
        );
      }
      if (!(await markPasswordLinkUsed(trx, link.tokenHash, now))) {
        throw new InvalidInput({ token: 'This link has already been used. Ask for a new one.' });
      }
      await updateAccount(trx, link.accountId, {
        password_hash: passwordHash,
        failed_logins: 0,
        locked_until: null,
      });
      // Anyone signed in with the old password is signed out.
      await endSessionsOfAccount(trx, link.accountId);
      const account = await findAccountById(trx, link.accountId);
      await recordAudit(trx, {
        at: now,
        actor: account ? { id: account.id, name: account.name } : null,
        action: link.purpose === 'set' ? 'password.set' : 'password.reset',
        target: { type: 'account', id: link.accountId },
        centreId: account?.centreId ?? null,
        ip,
      });
      return link.accountId;
    });
    const account = await findAccountById(db, accountId);
    if (!account) throw new InvalidCredentials();
    return account;
  }

  return {
    logIn,
    recordLogout,
    acceptTerms,
    sendPasswordLink,
    requestPasswordReset,
    resetLinkValid,
    resetPassword,
    findAccount: (id: string) => findAccountById(db, id),
  };
}
