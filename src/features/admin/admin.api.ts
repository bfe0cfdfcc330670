import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errors, IdParams } from '../../http/api-schemas.js';
import { paths } from '../../paths.js';
import type { Account } from '../accounts/account.repository.js';
import { presentAccount, presentSite } from './admin.presenter.js';
import type { AdminService } from './admin.service.js';

const AccountBody = Type.Object({
  id: Type.String(),
  username: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  mybtecAccess: Type.Boolean(),
  examsOfficer: Type.Boolean(),
  homeSiteId: Type.String(),
  createdAt: Type.String(),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]),
});
const SiteBody = Type.Object({
  id: Type.String(),
  number: Type.String(),
  name: Type.String(),
  qualityNomineeId: Type.Union([Type.String(), Type.Null()]),
});
const Name = Type.String({ minLength: 1, maxLength: 100 });
const CreateAccount = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 320 }),
    firstName: Name,
    lastName: Name,
    mybtecAccess: Type.Boolean(),
    examsOfficer: Type.Optional(Type.Boolean()),
    homeSiteId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    password: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
const EditAccount = Type.Object(
  {
    firstName: Type.Optional(Name),
    lastName: Type.Optional(Name),
    mybtecAccess: Type.Optional(Type.Boolean()),
    examsOfficer: Type.Optional(Type.Boolean()),
    homeSiteId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
const Nominee = Type.Object(
  { accountId: Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()]) },
  { additionalProperties: false },
);
const tags = ['administration'];
const eo = { access: 'exams-officer' } as const;

export function registerAdminApi(app: FastifyInstance, deps: { admin: AdminService }): void {
  const { admin } = deps;

  app.get(
    paths.api.adminAccounts,
    {
      config: eo,
      schema: {
        tags,
        summary: 'Accounts of my centre',
        response: { 200: Type.Object({ accounts: Type.Array(AccountBody) }), ...errors(401, 403) },
      },
    },
    async (request) => ({
      accounts: (await admin.listAccounts(request.account as Account)).map(presentAccount),
    }),
  );

  app.post(
    paths.api.adminAccounts,
    {
      config: eo,
      schema: {
        tags,
        summary: 'Create an account in my centre; without a password a set-password email is sent',
        body: CreateAccount,
        response: { 201: Type.Object({ account: AccountBody }), ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const account = await admin.createAccount(
        request.account as Account,
        request.body as Static<typeof CreateAccount>,
        request.ip,
      );
      return reply.code(201).send({ account: presentAccount(account) });
    },
  );

  app.patch(
    paths.api.adminAccount,
    {
      config: eo,
      schema: {
        tags,
        summary: 'Edit an account of my centre',
        params: IdParams,
        body: EditAccount,
        response: { 200: Type.Object({ account: AccountBody }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { id } = request.params as Static<typeof IdParams>;
      const account = await admin.editAccount(
        request.account as Account,
        id,
        request.body as Static<typeof EditAccount>,
        request.ip,
      );
      return { account: presentAccount(account) };
    },
  );

  app.get(
    paths.api.adminSites,
    {
      config: eo,
      schema: {
        tags,
        summary: 'Sites of my centre with their Quality Nominees',
        response: {
          200: Type.Object({
            sites: Type.Array(SiteBody),
            centreQualityNomineeId: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (request) => {
      const eoAccount = request.account as Account;
      const [sites, centre] = await Promise.all([
        admin.listSites(eoAccount),
        admin.getCentre(eoAccount),
      ]);
      return { sites: sites.map(presentSite), centreQualityNomineeId: centre.qualityNomineeId };
    },
  );

  app.put(
    paths.api.adminSiteQualityNominee,
    {
      config: eo,
      schema: {
        tags,
        summary: 'Record the Quality Nominee of a site (null clears it)',
        params: IdParams,
        body: Nominee,
        response: { 200: Type.Object({ site: SiteBody }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { id } = request.params as Static<typeof IdParams>;
      const { accountId } = request.body as Static<typeof Nominee>;
      const site = await admin.setSiteQualityNominee(
        request.account as Account,
        id,
        accountId,
        request.ip,
      );
      return { site: presentSite(site) };
    },
  );

  app.put(
    paths.api.adminCentreQualityNominee,
    {
      config: eo,
      schema: {
        tags,
        summary:
          'Record the Quality Nominee of the whole centre, covering all its sites (null clears it)',
        body: Nominee,
        response: {
          200: Type.Object({
            centre: Type.Object({
              id: Type.String(),
              number: Type.String(),
              name: Type.String(),
              qualityNomineeId: Type.Union([Type.String(), Type.Null()]),
            }),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => {
      const { accountId } = request.body as Static<typeof Nominee>;
      const centre = await admin.setCentreQualityNominee(
        request.account as Account,
        accountId,
        request.ip,
      );
      return { centre };
    },
  );
}
