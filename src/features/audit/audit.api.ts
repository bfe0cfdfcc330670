import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import { errors } from '../../http/api-schemas.js';
import { paths } from '../../paths.js';
import type { AuditService } from './audit.service.js';

const Query = Type.Object(
  {
    from: Type.Optional(Type.String({ maxLength: 40 })),
    to: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);
const Event = Type.Object({
  id: Type.String(),
  at: Type.String(),
  actor: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  action: Type.String(),
  target: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  details: Type.Record(Type.String(), Type.Unknown()),
});

export function registerAuditApi(app: FastifyInstance, deps: { audit: AuditService }): void {
  app.get(
    paths.api.audit,
    {
      schema: {
        tags: ['audit'],
        summary:
          'The audit events I may see (Quality Nominee: my sites; LIV: my subject), newest first',
        querystring: Query,
        response: { 200: Type.Object({ events: Type.Array(Event) }), ...errors(400, 401, 403) },
      },
    },
    async (request) => ({
      events: await deps.audit.list(request.actor as Actor, request.query as Static<typeof Query>),
    }),
  );
}
