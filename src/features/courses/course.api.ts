import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import { COURSE_MEMBER_ROLES, COURSE_STATUSES } from '../../domain/courses.js';
import { errors, IdParams } from '../../http/api-schemas.js';
import { paths } from '../../paths.js';
import { presentCourse } from './course.presenter.js';
import type { CourseService } from './course.service.js';

const Person = Type.Object({ id: Type.String(), name: Type.String() });
const MemberRole = Type.Union(COURSE_MEMBER_ROLES.map((r) => Type.Literal(r)));
const Status = Type.Union(COURSE_STATUSES.map((s) => Type.Literal(s)));
const CourseBody = Type.Object({
  id: Type.String(),
  status: Status,
  siteId: Type.String(),
  subjectId: Type.String(),
  qualificationId: Type.String(),
  title: Type.String(),
  academicYear: Type.String(),
  startDate: Type.String(),
  endDate: Type.String(),
  unitIds: Type.Array(Type.String()),
  leaders: Type.Array(Person),
  members: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), role: MemberRole })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  confirmedAt: Type.Optional(Type.String()),
  clonedFromId: Type.Optional(Type.String()),
});
const Id = Type.String({ minLength: 1, maxLength: 100 });
const Text = (max: number) => Type.String({ maxLength: max });
const Date = Type.String({ maxLength: 10, description: 'YYYY-MM-DD' });
const AcademicYear = Type.String({ maxLength: 7, description: 'like 2026/27' });
const UnitIds = Type.Array(Id, { maxItems: 200 });
const NewCourse = Type.Object(
  {
    siteId: Id,
    subjectId: Id,
    qualificationId: Id,
    title: Text(200),
    academicYear: AcademicYear,
    startDate: Date,
    endDate: Date,
    unitIds: UnitIds,
  },
  { additionalProperties: false },
);
const EditCourse = Type.Object(
  {
    title: Type.Optional(Text(200)),
    academicYear: Type.Optional(AcademicYear),
    startDate: Type.Optional(Date),
    endDate: Type.Optional(Date),
    unitIds: Type.Optional(UnitIds),
  },
  { additionalProperties: false },
);
const Team = Type.Object(
  {
    leaderIds: Type.Optional(Type.Array(Id, { maxItems: 50 })),
    members: Type.Optional(
      Type.Array(
        Type.Object({ accountId: Id, role: MemberRole }, { additionalProperties: false }),
        { maxItems: 500 },
      ),
    ),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    subjectId: Type.Optional(Id),
    status: Type.Optional(Status),
    academicYear: Type.Optional(AcademicYear),
  },
  { additionalProperties: false },
);
const tags = ['courses'];
const one = Type.Object({ course: CourseBody });

const actorOf = (request: FastifyRequest) => request.actor as Actor;
const idOf = (request: FastifyRequest) => (request.params as Static<typeof IdParams>).id;

export function registerCourseApi(app: FastifyInstance, deps: { courses: CourseService }): void {
  const { courses } = deps;

  app.get(
    paths.api.courses,
    {
      schema: {
        tags,
        summary: 'The courses I can see',
        querystring: ListQuery,
        response: {
          200: Type.Object({ courses: Type.Array(CourseBody) }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => ({
      courses: (
        await courses.list(actorOf(request), request.query as Static<typeof ListQuery>)
      ).map(presentCourse),
    }),
  );

  app.post(
    paths.api.courses,
    {
      schema: {
        tags,
        summary: 'Create a draft course; I become its leader',
        body: NewCourse,
        response: { 201: one, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const course = await courses.create(
        actorOf(request),
        request.body as Static<typeof NewCourse>,
        request.ip,
      );
      return reply.code(201).send({ course: presentCourse(course) });
    },
  );

  app.get(
    paths.api.course,
    {
      schema: {
        tags,
        summary: 'Read a course',
        params: IdParams,
        response: { 200: one, ...errors(401, 403, 404) },
      },
    },
    async (request) => ({
      course: presentCourse(await courses.get(actorOf(request), idOf(request))),
    }),
  );

  app.patch(
    paths.api.course,
    {
      schema: {
        tags,
        summary: 'Edit a draft course',
        params: IdParams,
        body: EditCourse,
        response: { 200: one, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      course: presentCourse(
        await courses.update(
          actorOf(request),
          idOf(request),
          request.body as Static<typeof EditCourse>,
          request.ip,
        ),
      ),
    }),
  );

  app.delete(
    paths.api.course,
    {
      schema: {
        tags,
        summary: 'Delete a draft course, or archive a confirmed one',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await courses.remove(actorOf(request), idOf(request), request.ip);
      return reply.code(204).send();
    },
  );

  app.post(
    paths.api.courseConfirm,
    {
      schema: {
        tags,
        summary: 'Confirm a draft course',
        params: IdParams,
        response: { 200: one, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      course: presentCourse(await courses.confirm(actorOf(request), idOf(request), request.ip)),
    }),
  );

  app.post(
    paths.api.courseClone,
    {
      schema: {
        tags,
        summary: 'Clone a course into a new draft for the next academic year',
        params: IdParams,
        response: { 201: one, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.code(201).send({
        course: presentCourse(
          (await courses.clone(actorOf(request), idOf(request), request.ip)).course,
        ),
      }),
  );

  app.put(
    paths.api.courseTeam,
    {
      schema: {
        tags,
        summary: 'Set the course leaders and team members',
        params: IdParams,
        body: Team,
        response: { 200: one, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      course: presentCourse(
        await courses.setTeam(
          actorOf(request),
          idOf(request),
          request.body as Static<typeof Team>,
          request.ip,
        ),
      ),
    }),
  );
}
