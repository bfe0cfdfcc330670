import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidInput } from '../../errors.js';
import { asForm, list, raw, text, type FormBody } from '../../http/forms.js';
import { render } from '../../http/views.js';
import { paths } from '../../paths.js';
import type { Account } from '../accounts/account.repository.js';
import type { Site } from '../organisation/organisation.repository.js';
import type { AdminService } from './admin.service.js';

const eo = { access: 'exams-officer' } as const;
const TICKED = 'yes';
const NO_NOMINEE = 'none';

/** The order of the fields on the account forms, so the error summary reads top to bottom. */
const ACCOUNT_FIELDS = [
  'firstName',
  'lastName',
  'username',
  'homeSiteId',
  'mybtecAccess',
  'examsOfficer',
  'password',
];

function inFormOrder(fields: Record<string, string>): Record<string, string> {
  const rank = (key: string) => {
    const index = ACCOUNT_FIELDS.indexOf(key);
    return index === -1 ? ACCOUNT_FIELDS.length : index;
  };
  const entries: [string, string][] = Object.entries(fields);
  return Object.fromEntries(entries.sort(([a], [b]) => rank(a) - rank(b)));
}

function siteLabel(site: Site): string {
  return `${site.number} ${site.name}`;
}

/** What the account forms show and send back: strings and ticks, never the password. */
interface AccountFormValues {
  firstName: string;
  lastName: string;
  username: string;
  homeSiteId: string;
  mybtecAccess: boolean;
  examsOfficer: boolean;
}

/** A checkbox that is not ticked is not sent at all: absent means false. */
function ticked(form: FormBody, name: string): boolean {
  return list(form, name).includes(TICKED);
}

function accountFormValues(form: FormBody): AccountFormValues {
  return {
    firstName: text(form, 'firstName'),
    lastName: text(form, 'lastName'),
    username: text(form, 'username'),
    homeSiteId: text(form, 'homeSiteId'),
    mybtecAccess: ticked(form, 'mybtecAccess'),
    examsOfficer: ticked(form, 'examsOfficer'),
  };
}

function siteOptions(sites: Site[]) {
  return sites.map((site) => ({ value: site.id, text: siteLabel(site) }));
}

function idParam(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}

/**
 * The Examinations Officer's pages: the centre's accounts and its Quality Nominees. Every id is
 * looked up within the officer's own centre by the service, which answers "not found" otherwise.
 */
export function registerAdminPages(app: FastifyInstance, deps: { admin: AdminService }): void {
  const { admin } = deps;
  const officer = (request: FastifyRequest) => request.account as Account;

  // Accounts ---------------------------------------------------------------------------------

  app.get(paths.admin.accounts, { config: eo }, async (request, reply) => {
    const [accounts, sites] = await Promise.all([
      admin.listAccounts(officer(request)),
      admin.listSites(officer(request)),
    ]);
    const siteById = new Map(sites.map((site) => [site.id, site]));
    const query = asForm(request.query);
    const created = accounts.find((a) => a.id === text(query, 'created'));
    const updated = accounts.find((a) => a.id === text(query, 'updated'));
    return render(request, reply, 'admin/views/accounts.njk', {
      accounts: accounts.map((account) => {
        const home = siteById.get(account.homeSiteId);
        return {
          id: account.id,
          name: account.name,
          username: account.username,
          homeSite: home ? siteLabel(home) : '',
          mybtecAccess: account.mybtecAccess,
          examsOfficer: account.examsOfficer,
          lastLoginAt: account.lastLoginAt,
        };
      }),
      created: created && {
        name: created.name,
        username: created.username,
        emailed: text(query, 'emailed') === '1',
      },
      updated: updated && { name: updated.name },
    });
  });

  const showNewAccount = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: AccountFormValues,
    errors?: Record<string, string>,
  ) => {
    const sites = await admin.listSites(officer(request));
    // Nothing chosen means the centre's first site, as the service decides: show it chosen.
    const homeSiteId = values.homeSiteId || (sites[0]?.id ?? '');
    return render(
      request,
      reply,
      'admin/views/new-account.njk',
      {
        values: { ...values, homeSiteId },
        sites: siteOptions(sites),
        errors: errors && inFormOrder(errors),
      },
      errors ? 400 : 200,
    );
  };

  app.get(paths.admin.newAccount, { config: eo }, async (request, reply) =>
    showNewAccount(request, reply, {
      firstName: '',
      lastName: '',
      username: '',
      homeSiteId: '',
      mybtecAccess: true,
      examsOfficer: false,
    }),
  );

  app.post(paths.admin.newAccount, { config: eo }, async (request, reply) => {
    const form = asForm(request.body);
    const values = accountFormValues(form);
    const password = raw(form, 'password');
    // The service checks every field (and whether the username is taken) and names each problem.
    try {
      const account = await admin.createAccount(
        officer(request),
        {
          username: values.username,
          firstName: values.firstName,
          lastName: values.lastName,
          mybtecAccess: values.mybtecAccess,
          examsOfficer: values.examsOfficer,
          ...(values.homeSiteId ? { homeSiteId: values.homeSiteId } : {}),
          ...(password ? { password } : {}),
        },
        request.ip,
      );
      const emailed = password ? '' : '&emailed=1';
      return reply.redirect(
        `${paths.admin.accounts}?created=${encodeURIComponent(account.id)}${emailed}`,
        303,
      );
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      return showNewAccount(request, reply, values, error.fields);
    }
  });

  const showEditAccount = async (
    request: FastifyRequest,
    reply: FastifyReply,
    account: Account,
    values: AccountFormValues,
    errors?: Record<string, string>,
  ) => {
    const sites = await admin.listSites(officer(request));
    return render(
      request,
      reply,
      'admin/views/edit-account.njk',
      {
        account: {
          id: account.id,
          name: account.name,
          username: account.username,
          createdAt: account.createdAt,
          lastLoginAt: account.lastLoginAt,
          isMe: account.id === officer(request).id,
        },
        values,
        sites: siteOptions(sites),
        errors: errors && inFormOrder(errors),
      },
      errors ? 400 : 200,
    );
  };

  app.get(paths.admin.accountPattern, { config: eo }, async (request, reply) => {
    const account = await admin.getAccount(officer(request), idParam(request));
    return showEditAccount(request, reply, account, {
      firstName: account.firstName,
      lastName: account.lastName,
      username: account.username,
      homeSiteId: account.homeSiteId,
      mybtecAccess: account.mybtecAccess,
      examsOfficer: account.examsOfficer,
    });
  });

  app.post(paths.admin.accountPattern, { config: eo }, async (request, reply) => {
    // Looked up first: an id from another centre is "not found" whatever the form says.
    const account = await admin.getAccount(officer(request), idParam(request));
    const values = { ...accountFormValues(asForm(request.body)), username: account.username };
    try {
      await admin.editAccount(
        officer(request),
        account.id,
        {
          firstName: values.firstName,
          lastName: values.lastName,
          homeSiteId: values.homeSiteId,
          mybtecAccess: values.mybtecAccess,
          examsOfficer: values.examsOfficer,
        },
        request.ip,
      );
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      return showEditAccount(request, reply, account, values, error.fields);
    }
    return reply.redirect(`${paths.admin.accounts}?updated=${encodeURIComponent(account.id)}`, 303);
  });

  // Sites and Quality Nominees ---------------------------------------------------------------

  app.get(paths.admin.sites, { config: eo }, async (request, reply) => {
    const me = officer(request);
    const [sites, centre, accounts] = await Promise.all([
      admin.listSites(me),
      admin.getCentre(me),
      admin.listAccounts(me),
    ]);
    const nameOf = (id: string | null) =>
      id ? (accounts.find((a) => a.id === id)?.name ?? null) : null;
    const query = asForm(request.query);
    const changedSite = sites.find((s) => s.id === text(query, 'siteNominee'));
    return render(request, reply, 'admin/views/sites.njk', {
      centre: {
        number: centre.number,
        name: centre.name,
        qualityNominee: nameOf(centre.qualityNomineeId),
      },
      sites: sites.map((site) => ({
        id: site.id,
        number: site.number,
        name: site.name,
        qualityNominee: nameOf(site.qualityNomineeId),
      })),
      changedSite: changedSite && {
        label: siteLabel(changedSite),
        qualityNominee: nameOf(changedSite.qualityNomineeId),
      },
      changedCentre:
        text(query, 'centreNominee') === '1'
          ? { qualityNominee: nameOf(centre.qualityNomineeId) }
          : undefined,
    });
  });

  const showNomineeForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    scope: { site: Site } | { centre: true },
    selected: string,
    errors?: Record<string, string>,
  ) => {
    const accounts = await admin.listAccounts(officer(request));
    return render(
      request,
      reply,
      'admin/views/quality-nominee.njk',
      {
        site: 'site' in scope ? { label: siteLabel(scope.site) } : null,
        action:
          'site' in scope
            ? paths.admin.siteQualityNominee(scope.site.id)
            : paths.admin.centreQualityNominee,
        people: accounts.map((a) => ({
          id: a.id,
          name: a.name,
          username: a.username,
          mybtecAccess: a.mybtecAccess,
        })),
        selected,
        noNominee: NO_NOMINEE,
        errors,
      },
      errors ? 400 : 200,
    );
  };

  /** The radio answer: an account id, "none" for nobody, or an error when nothing was chosen. */
  const nomineeChoice = (
    request: FastifyRequest,
  ): { accountId: string | null } | { error: string } => {
    const choice = text(asForm(request.body), 'accountId');
    if (!choice)
      return { error: 'Select who is the Quality Nominee, or select No Quality Nominee' };
    return { accountId: choice === NO_NOMINEE ? null : choice };
  };

  app.get(paths.admin.siteQualityNomineePattern, { config: eo }, async (request, reply) => {
    const site = await admin.getSite(officer(request), idParam(request));
    return showNomineeForm(request, reply, { site }, site.qualityNomineeId ?? NO_NOMINEE);
  });

  app.post(paths.admin.siteQualityNomineePattern, { config: eo }, async (request, reply) => {
    const site = await admin.getSite(officer(request), idParam(request));
    const choice = nomineeChoice(request);
    if ('error' in choice)
      return showNomineeForm(request, reply, { site }, '', { accountId: choice.error });
    try {
      await admin.setSiteQualityNominee(officer(request), site.id, choice.accountId, request.ip);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      return showNomineeForm(request, reply, { site }, '', error.fields);
    }
    return reply.redirect(`${paths.admin.sites}?siteNominee=${encodeURIComponent(site.id)}`, 303);
  });

  app.get(paths.admin.centreQualityNominee, { config: eo }, async (request, reply) => {
    const centre = await admin.getCentre(officer(request));
    return showNomineeForm(request, reply, { centre: true }, centre.qualityNomineeId ?? NO_NOMINEE);
  });

  app.post(paths.admin.centreQualityNominee, { config: eo }, async (request, reply) => {
    const choice = nomineeChoice(request);
    if ('error' in choice)
      return showNomineeForm(request, reply, { centre: true }, '', { accountId: choice.error });
    try {
      await admin.setCentreQualityNominee(officer(request), choice.accountId, request.ip);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      return showNomineeForm(request, reply, { centre: true }, '', error.fields);
    }
    return reply.redirect(`${paths.admin.sites}?centreNominee=1`, 303);
  });
}
