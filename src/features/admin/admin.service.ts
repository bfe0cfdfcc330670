import type { Clock } from '../../clock.js';
import type { Db, Tx } from '../../db/connection.js';
import { InvalidInput, NotFound } from '../../errors.js';
import { newId } from '../../lib/ids.js';
import {
  findAccountInCentre,
  insertAccount,
  listAccountsInCentre,
  normaliseUsername,
  updateAccount,
  usernameTaken,
  type Account,
} from '../accounts/account.repository.js';
import type { AccountService } from '../accounts/account.service.js';
import { hashPassword, passwordProblem } from '../accounts/password.js';
import { recordAudit } from '../audit/audit.repository.js';
import { queueEmail } from '../notifications/outbox.repository.js';
import {
  findCentre,
  findSite,
  listSites,
  setCentreQualityNominee,
  setSiteQualityNominee,
  type Centre,
  type Site,
} from '../organisation/organisation.repository.js';

export interface NewAccountInput {
  username: string;
  firstName: string;
  lastName: string;
  mybtecAccess: boolean;
  examsOfficer?: boolean;
  homeSiteId?: string;
  password?: string;
}

export interface AccountChanges {
  firstName?: string;
  lastName?: string;
  mybtecAccess?: boolean;
  examsOfficer?: boolean;
  homeSiteId?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NAME_MAX = 100;

function checkName(
  fields: Record<string, string>,
  key: string,
  value: string | undefined,
  label: string,
): void {
  if (value === undefined) return;
  if (value.trim() === '') fields[key] = `Enter the ${label}`;
  else if (value.length > NAME_MAX)
    fields[key] = `The ${label} must be ${NAME_MAX} characters or fewer`;
}

export type AdminService = ReturnType<typeof createAdminService>;

/**
 * What an Examinations Officer does in Edexcel Online, here: accounts and Quality Nominees of
 * their own centre. Every id from another centre answers "not found", never "forbidden".
 */
export function createAdminService(deps: { db: Db; clock: Clock; accounts: AccountService }) {
  const { db, clock } = deps;

  async function audit(
    trx: Tx,
    eo: Account,
    ip: string,
    action: string,
    target: { type: string; id: string },
    details: Record<string, unknown>,
    siteId: string | null = null,
  ): Promise<void> {
    await recordAudit(trx, {
      at: clock.now(),
      actor: { id: eo.id, name: eo.name },
      action,
      target,
      centreId: eo.centreId,
      siteId,
      ip,
      details,
    });
  }

  async function siteInCentre(eo: Account, siteId: string): Promise<Site> {
    const site = await findSite(db, siteId);
    if (!site || site.centreId !== eo.centreId) throw new NotFound();
    return site;
  }

  async function accountInCentre(eo: Account, accountId: string): Promise<Account> {
    const account = await findAccountInCentre(db, eo.centreId, accountId);
    if (!account) throw new NotFound();
    return account;
  }

  async function createAccount(eo: Account, input: NewAccountInput, ip: string): Promise<Account> {
    const fields: Record<string, string> = {};
    const username = normaliseUsername(input.username);
    if (!EMAIL.test(username) || username.length > 320) {
      fields.username = 'Enter the username as an email address, like name@school.ac.uk';
    } else if (await usernameTaken(db, username)) {
      fields.username = 'An account with this username already exists';
    }
    checkName(fields, 'firstName', input.firstName, 'first name');
    checkName(fields, 'lastName', input.lastName, 'last name');
    const passwordIssue =
      input.password !== undefined && input.password !== ''
        ? passwordProblem(input.password)
        : undefined;
    if (passwordIssue) fields.password = passwordIssue;
    const sites = await listSites(db, eo.centreId);
    const homeSite = input.homeSiteId ? sites.find((s) => s.id === input.homeSiteId) : sites[0];
    if (!homeSite) fields.homeSiteId = 'Select a site of your centre';
    if (Object.keys(fields).length > 0 || !homeSite) throw new InvalidInput(fields);

    const passwordHash = input.password ? await hashPassword(input.password) : null;
    const id = newId();
    const now = clock.now().toISOString();
    await db.transaction().execute(async (trx) => {
      await insertAccount(trx, {
        id,
        centre_id: eo.centreId,
        home_site_id: homeSite.id,
        username,
        first_name: input.firstName.trim(),
        last_name: input.lastName.trim(),
        password_hash: passwordHash,
        mybtec_access: input.mybtecAccess ? 1 : 0,
        exams_officer: input.examsOfficer ? 1 : 0,
        created_at: now,
        last_login_at: null,
        failed_logins: 0,
        locked_until: null,
        terms_version: null,
        terms_accepted_at: null,
      });
      await audit(
        trx,
        eo,
        ip,
        'account.created',
        { type: 'account', id },
        {
          username,
          mybtecAccess: input.mybtecAccess,
          examsOfficer: input.examsOfficer ?? false,
          homeSiteId: homeSite.id,
          passwordSet: passwordHash !== null,
        },
      );
      if (!passwordHash) {
        await deps.accounts.sendPasswordLink(
          trx,
          { id, username, firstName: input.firstName.trim() },
          'set',
        );
      }
    });
    return accountInCentre(eo, id);
  }

  async function editAccount(
    eo: Account,
    accountId: string,
    changes: AccountChanges,
    ip: string,
  ): Promise<Account> {
    const before = await accountInCentre(eo, accountId);
    const fields: Record<string, string> = {};
    checkName(fields, 'firstName', changes.firstName, 'first name');
    checkName(fields, 'lastName', changes.lastName, 'last name');
    if (changes.examsOfficer === false && before.id === eo.id) {
      fields.examsOfficer =
        'You cannot remove your own Examinations Officer role: ask another Examinations Officer';
    }
    if (changes.homeSiteId !== undefined) {
      const site = await findSite(db, changes.homeSiteId);
      if (!site || site.centreId !== eo.centreId)
        fields.homeSiteId = 'Select a site of your centre';
    }
    if (Object.keys(fields).length > 0) throw new InvalidInput(fields);

    const update = {
      ...(changes.firstName !== undefined ? { first_name: changes.firstName.trim() } : {}),
      ...(changes.lastName !== undefined ? { last_name: changes.lastName.trim() } : {}),
      ...(changes.mybtecAccess !== undefined
        ? { mybtec_access: changes.mybtecAccess ? 1 : 0 }
        : {}),
      ...(changes.examsOfficer !== undefined
        ? { exams_officer: changes.examsOfficer ? 1 : 0 }
        : {}),
      ...(changes.homeSiteId !== undefined ? { home_site_id: changes.homeSiteId } : {}),
    };
    const changed = Object.fromEntries(
      Object.entries(changes).filter(
        ([key, value]) => value !== undefined && before[key as keyof Account] !== value,
      ),
    );
    if (Object.keys(changed).length === 0) return before;
    await db.transaction().execute(async (trx) => {
      await updateAccount(trx, accountId, update);
      const previous = Object.fromEntries(
        Object.keys(changed).map((key) => [key, before[key as keyof Account]]),
      );
      await audit(
        trx,
        eo,
        ip,
        'account.updated',
        { type: 'account', id: accountId },
        { before: previous, after: changed },
      );
      if (changes.mybtecAccess !== undefined && changes.mybtecAccess !== before.mybtecAccess) {
        await queueEmail(
          trx,
          {
            to: before.username,
            subject: changes.mybtecAccess
              ? 'You now have myBTEC access'
              : 'Your myBTEC access has been removed',
            text: changes.mybtecAccess
              ? `Dear ${before.firstName},\n\nYour Examinations Officer has given your account myBTEC access. Log in with your Edexcel Online username and password.\n\nmyBTEC`
              : `Dear ${before.firstName},\n\nYour Examinations Officer has removed myBTEC access from your account. If you think this is a mistake, contact your Examinations Officer.\n\nmyBTEC`,
          },
          clock.now(),
        );
      }
    });
    return accountInCentre(eo, accountId);
  }

  async function nominate(
    eo: Account,
    accountId: string | null,
    ip: string,
    scope: { kind: 'site'; site: Site } | { kind: 'centre'; centre: Centre },
  ): Promise<void> {
    const nominee = accountId ? await findAccountInCentre(db, eo.centreId, accountId) : null;
    if (accountId && !nominee)
      throw new InvalidInput({ accountId: 'Select a person with an account in your centre' });
    const previous =
      scope.kind === 'site' ? scope.site.qualityNomineeId : scope.centre.qualityNomineeId;
    const where =
      scope.kind === 'site' ? `site ${scope.site.number} (${scope.site.name})` : `the whole centre`;
    await db.transaction().execute(async (trx) => {
      if (scope.kind === 'site') await setSiteQualityNominee(trx, scope.site.id, accountId);
      else await setCentreQualityNominee(trx, scope.centre.id, accountId);
      await audit(
        trx,
        eo,
        ip,
        scope.kind === 'site' ? 'site.quality_nominee_set' : 'centre.quality_nominee_set',
        { type: scope.kind, id: scope.kind === 'site' ? scope.site.id : scope.centre.id },
        { before: previous, after: accountId },
        scope.kind === 'site' ? scope.site.id : null,
      );
      if (nominee && nominee.id !== previous) {
        await queueEmail(
          trx,
          {
            to: nominee.username,
            subject: 'You are now a Quality Nominee in myBTEC',
            text: `Dear ${nominee.firstName},\n\nYour Examinations Officer has recorded you as the Quality Nominee for ${where}. You do not need to claim any roles in myBTEC: when you log in you will have every role there, and you will approve role claims from your Lead Internal Verifiers and their teams.\n\nmyBTEC`,
          },
          clock.now(),
        );
      }
    });
  }

  return {
    listAccounts: (eo: Account) => listAccountsInCentre(db, eo.centreId),
    getAccount: accountInCentre,
    listSites: (eo: Account) => listSites(db, eo.centreId),
    getSite: siteInCentre,
    getCentre: async (eo: Account) => {
      const centre = await findCentre(db, eo.centreId);
      if (!centre) throw new NotFound();
      return centre;
    },
    createAccount,
    editAccount,
    async setSiteQualityNominee(eo: Account, siteId: string, accountId: string | null, ip: string) {
      await nominate(eo, accountId, ip, { kind: 'site', site: await siteInCentre(eo, siteId) });
      return siteInCentre(eo, siteId);
    },
    async setCentreQualityNominee(eo: Account, accountId: string | null, ip: string) {
      const centre = await findCentre(db, eo.centreId);
      if (!centre) throw new NotFound();
      await nominate(eo, accountId, ip, { kind: 'centre', centre });
      return (await findCentre(db, eo.centreId)) as Centre;
    },
  };
}
