import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import { BRIEF_STATUSES, CHECKLIST_ITEMS } from '../../domain/briefs.js';
import { errors, IdParams } from '../../http/api-schemas.js';
import { paths } from '../../paths.js';
import { presentBrief } from './brief.presenter.js';
import type { BriefService } from './brief.service.js';

const Id = Type.String({ minLength: 1, maxLength: 100 });
const Text = (max: number) => Type.String({ maxLength: max });
const Code = Type.String({ minLength: 1, maxLength: 20 });
const Person = Type.Object({ id: Type.String(), name: Type.String() });
const Task = Type.Object(
  { title: Text(200), description: Text(10_000), criteria: Type.Array(Code, { maxItems: 50 }) },
  { additionalProperties: false },
);
const Content = {
  title: Text(200),
  aims: Type.Optional(Type.Array(Code, { maxItems: 20 })),
  criteria: Type.Array(Code, { maxItems: 50 }),
  scenario: Text(20_000),
  tasks: Type.Array(Task, { maxItems: 20 }),
  evidence: Text(10_000),
  sources: Type.Optional(Text(10_000)),
  issueDate: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
  handInDate: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }),
  assessorId: Type.Optional(Type.Union([Id, Type.Null()])),
};
const NewBrief = Type.Object(
  { courseId: Id, unitId: Id, ...Content },
  { additionalProperties: false },
);
const EditBrief = Type.Partial(Type.Object(Content, { additionalProperties: false }), {
  additionalProperties: false,
});
const Submit = Type.Object({ ivId: Id }, { additionalProperties: false });
const Checklist = Type.Object(
  Object.fromEntries(CHECKLIST_ITEMS.map((item) => [item, Type.Optional(Type.Boolean())])),
  { additionalProperties: false },
);
const Comments = Type.Object(
  Object.fromEntries(CHECKLIST_ITEMS.map((item) => [item, Type.Optional(Text(2000))])),
  { additionalProperties: false },
);
const Verification = Type.Object(
  {
    approve: Type.Boolean(),
    checklist: Checklist,
    comments: Type.Optional(Comments),
    feedback: Text(10_000),
    actionRequired: Type.Optional(Text(10_000)),
    targetDate: Type.Optional(Type.Union([Type.String({ maxLength: 10 }), Type.Null()])),
  },
  { additionalProperties: false },
);
const Status = Type.Union(BRIEF_STATUSES.map((s) => Type.Literal(s)));
const ListQuery = Type.Object(
  { courseId: Type.Optional(Id), status: Type.Optional(Status) },
  { additionalProperties: false },
);
const VersionBody = Type.Object({
  version: Type.Integer(),
  title: Type.String(),
  aims: Type.Array(Type.String()),
  criteria: Type.Array(Type.String()),
  scenario: Type.String(),
  tasks: Type.Array(
    Type.Object({
      title: Type.String(),
      description: Type.String(),
      criteria: Type.Array(Type.String()),
    }),
  ),
  evidence: Type.String(),
  sources: Type.String(),
  issueDate: Type.String(),
  handInDate: Type.String(),
  assessorId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const BriefBody = Type.Composite([
  Type.Object({
    id: Type.String(),
    courseId: Type.String(),
    unitId: Type.String(),
    siteId: Type.String(),
    subjectId: Type.String(),
    status: Status,
    author: Person,
    iv: Type.Union([Person, Type.Null()]),
    versions: Type.Array(VersionBody),
    verifications: Type.Array(
      Type.Object({
        id: Type.String(),
        version: Type.Integer(),
        verifier: Person,
        approved: Type.Boolean(),
        checklist: Type.Record(Type.String(), Type.Boolean()),
        comments: Type.Record(Type.String(), Type.String()),
        feedback: Type.String(),
        actionRequired: Type.String(),
        targetDate: Type.Union([Type.String(), Type.Null()]),
        at: Type.String(),
      }),
    ),
  }),
  Type.Omit(VersionBody, []),
]);
const one = Type.Object({ brief: BriefBody });
const tags = ['assignment briefs'];

const actorOf = (request: FastifyRequest) => request.actor as Actor;
const idOf = (request: FastifyRequest) => (request.params as Static<typeof IdParams>).id;

export function registerBriefApi(app: FastifyInstance, deps: { briefs: BriefService }): void {
  const { briefs } = deps;

  app.get(
    paths.api.briefs,
    {
      schema: {
        tags,
        summary: 'The briefs I can see',
        querystring: ListQuery,
        response: {
          200: Type.Object({ briefs: Type.Array(BriefBody) }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => ({
      briefs: (await briefs.list(actorOf(request), request.query as Static<typeof ListQuery>)).map(
        presentBrief,
      ),
    }),
  );

  app.post(
    paths.api.briefs,
    {
      schema: {
        tags,
        summary: 'Create a draft brief (Assessor or above, approved or pending)',
        body: NewBrief,
        response: { 201: one, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.code(201).send({
        brief: presentBrief(
          await briefs.create(
            actorOf(request),
            request.body as Static<typeof NewBrief>,
            request.ip,
          ),
        ),
      }),
  );

  app.get(
    paths.api.brief,
    {
      schema: {
        tags,
        summary: 'Read a brief with every version and IV record',
        params: IdParams,
        response: { 200: one, ...errors(401, 403, 404) },
      },
    },
    async (request) => ({ brief: presentBrief(await briefs.get(actorOf(request), idOf(request))) }),
  );

  app.patch(
    paths.api.brief,
    {
      schema: {
        tags,
        summary: 'Edit a draft; editing a returned or approved brief makes the next version',
        params: IdParams,
        body: EditBrief,
        response: { 200: one, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      brief: presentBrief(
        await briefs.update(
          actorOf(request),
          idOf(request),
          request.body as Static<typeof EditBrief>,
          request.ip,
        ),
      ),
    }),
  );

  app.post(
    paths.api.briefSubmit,
    {
      schema: {
        tags,
        summary: 'Send a draft to an Internal Verifier',
        params: IdParams,
        body: Submit,
        response: { 200: one, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      brief: presentBrief(
        await briefs.submit(
          actorOf(request),
          idOf(request),
          (request.body as Static<typeof Submit>).ivId,
          request.ip,
        ),
      ),
    }),
  );

  app.post(
    paths.api.briefVerification,
    {
      schema: {
        tags,
        summary: 'Approve or return a brief awaiting verification',
        params: IdParams,
        body: Verification,
        response: { 200: one, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      brief: presentBrief(
        await briefs.verify(
          actorOf(request),
          idOf(request),
          request.body as Static<typeof Verification>,
          request.ip,
        ),
      ),
    }),
  );
}
