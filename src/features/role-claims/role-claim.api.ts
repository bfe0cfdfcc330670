import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import { CLAIM_STATUSES } from '../../domain/claims.js';
import { ROLES } from '../../domain/roles.js';
import { errors, IdParams } from '../../http/api-schemas.js';
import { paths } from '../../paths.js';
import type { Account } from '../accounts/account.repository.js';
import { presentClaim } from './role-claim.presenter.js';
import type { RoleClaimService } from './role-claim.service.js';

const Person = Type.Object({ id: Type.String(), name: Type.String() });
const RoleName = Type.Union(ROLES.map((r) => Type.Literal(r)));
const ClaimBody = Type.Object({
  id: Type.String(),
  status: Type.Union(CLAIM_STATUSES.map((s) => Type.Literal(s))),
  role: RoleName,
  siteId: Type.String(),
  subjectId: Type.String(),
  claimant: Person,
  approvers: Type.Array(Person),
  permissions: Type.Array(RoleName),
  createdAt: Type.String(),
  decidedAt: Type.Optional(Type.String()),
  decidedBy: Type.Optional(Person),
  reason: Type.Optional(Type.String()),
});
const Id = Type.String({ minLength: 1, maxLength: 100 });
const NewClaim = Type.Object(
  { siteId: Id, subjectId: Id, role: RoleName },
  { additionalProperties: false },
);
const Decisions = Type.Object(
  {
    decisions: Type.Array(
      Type.Object(
        {
          claimId: Id,
          approve: Type.Boolean(),
          reason: Type.Optional(Type.String({ maxLength: 1000 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 500 },
    ),
  },
  { additionalProperties: false },
);
const Revoke = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);
const tags = ['role claims'];

const actorOf = (request: FastifyRequest) => request.actor as Actor;

export function registerRoleClaimApi(
  app: FastifyInstance,
  deps: { roleClaims: RoleClaimService },
): void {
  const { roleClaims } = deps;

  app.get(
    paths.api.me,
    {
      schema: {
        tags,
        summary:
          'Who I am: centre, sites, Quality Nominee sites, and my approved and pending roles',
        response: {
          200: Type.Object({
            user: Type.Object({
              id: Type.String(),
              firstName: Type.String(),
              lastName: Type.String(),
              username: Type.String(),
            }),
            centre: Type.Object({ id: Type.String(), number: Type.String(), name: Type.String() }),
            sites: Type.Array(
              Type.Object({ id: Type.String(), number: Type.String(), name: Type.String() }),
            ),
            homeSiteId: Type.String(),
            qualityNomineeSiteIds: Type.Array(Type.String()),
            roles: Type.Array(
              Type.Object({
                siteId: Type.String(),
                subjectId: Type.String(),
                role: RoleName,
                status: Type.Union([Type.Literal('approved'), Type.Literal('pending')]),
              }),
            ),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (request) => {
      const account = request.account as Account;
      const actor = actorOf(request);
      const [sites, centre] = await Promise.all([
        roleClaims.sites(actor),
        roleClaims.centre(actor),
      ]);
      const roles = [
        ...[...actor.approved].map(([key, role]) => ({ key, role, status: 'approved' as const })),
        ...[...actor.pending].map(([key, role]) => ({ key, role, status: 'pending' as const })),
      ].map(({ key, role, status }) => {
        const [siteId = '', subjectId = ''] = key.split(':');
        return { siteId, subjectId, role, status };
      });
      return {
        user: {
          id: account.id,
          firstName: account.firstName,
          lastName: account.lastName,
          username: account.username,
        },
        centre,
        sites: sites.map((s) => ({ id: s.id, number: s.number, name: s.name })),
        homeSiteId: account.homeSiteId,
        qualityNomineeSiteIds: [...actor.qnSiteIds],
        roles,
      };
    },
  );

  app.get(
    paths.api.subjects,
    {
      schema: {
        tags,
        summary: 'The subject areas',
        response: {
          200: Type.Object({
            subjects: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
          }),
          ...errors(401, 403),
        },
      },
    },
    async () => ({ subjects: await roleClaims.subjects() }),
  );

  app.get(
    paths.api.claims,
    {
      schema: {
        tags,
        summary: 'My claims',
        response: { 200: Type.Object({ claims: Type.Array(ClaimBody) }), ...errors(401, 403) },
      },
    },
    async (request) => ({
      claims: (await roleClaims.myClaims(actorOf(request))).map(presentClaim),
    }),
  );

  app.post(
    paths.api.claims,
    {
      schema: {
        tags,
        summary: 'Claim the most senior role I carry out in a subject at a site of my centre',
        body: NewClaim,
        response: { 201: Type.Object({ claim: ClaimBody }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const claim = await roleClaims.makeClaim(
        actorOf(request),
        request.body as Static<typeof NewClaim>,
        request.ip,
      );
      return reply.code(201).send({ claim: presentClaim(claim) });
    },
  );

  app.delete(
    paths.api.claim,
    {
      schema: {
        tags,
        summary: 'Withdraw my pending claim',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await roleClaims.withdraw(
        actorOf(request),
        (request.params as Static<typeof IdParams>).id,
        request.ip,
      );
      return reply.code(204).send();
    },
  );

  app.post(
    paths.api.claimRevoke,
    {
      schema: {
        tags,
        summary: 'Take back an approved role (an approver of the claim)',
        params: IdParams,
        body: Type.Optional(Revoke),
        response: { 200: Type.Object({ claim: ClaimBody }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const body = (request.body ?? {}) as Static<typeof Revoke>;
      const claim = await roleClaims.revoke(
        actorOf(request),
        (request.params as Static<typeof IdParams>).id,
        body.reason,
        request.ip,
      );
      return { claim: presentClaim(claim) };
    },
  );

  app.get(
    paths.api.approvals,
    {
      schema: {
        tags,
        summary: 'The pending claims I may decide now',
        response: { 200: Type.Object({ claims: Type.Array(ClaimBody) }), ...errors(401, 403) },
      },
    },
    async (request) => ({
      claims: (await roleClaims.pendingForDecision(actorOf(request))).map(presentClaim),
    }),
  );

  app.post(
    paths.api.approvals,
    {
      schema: {
        tags,
        summary: 'Decide several claims at once; one refused row does not stop the others',
        body: Decisions,
        response: {
          200: Type.Object({
            results: Type.Array(
              Type.Union([
                Type.Object({ claimId: Type.String(), status: Type.String() }),
                Type.Object({
                  claimId: Type.String(),
                  error: Type.Object({ code: Type.String(), message: Type.String() }),
                }),
              ]),
            ),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => {
      const { decisions } = request.body as Static<typeof Decisions>;
      return { results: await roleClaims.decideMany(actorOf(request), decisions, request.ip) };
    },
  );
}
