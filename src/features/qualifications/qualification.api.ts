import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errors } from '../../http/api-schemas.js';
import { paths } from '../../paths.js';
import { GRADES } from './catalogue.schema.js';
import type { QualificationService } from './qualification.service.js';

const Criterion = Type.Object({
  code: Type.String(),
  grade: Type.Union(GRADES.map((g) => Type.Literal(g))),
  text: Type.String(),
});
const Unit = Type.Object({
  id: Type.String(),
  number: Type.String(),
  title: Type.String(),
  mandatory: Type.Boolean(),
  glh: Type.Integer(),
  aims: Type.Array(Type.Object({ code: Type.String(), text: Type.String() })),
  criteria: Type.Array(Criterion),
});
const QualificationBody = Type.Object({
  id: Type.String(),
  subjectId: Type.String(),
  title: Type.String(),
  level: Type.String(),
  size: Type.String(),
  glh: Type.Integer(),
  units: Type.Array(Unit),
});
const ListQuery = Type.Object(
  {
    subjectId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9-]+$' }),
    ),
  },
  { additionalProperties: false },
);
const tags = ['qualifications'];

/** The qualification catalogue of SPEC §10, for any signed-in myBTEC user. */
export function registerQualificationApi(
  app: FastifyInstance,
  deps: { qualifications: QualificationService },
): void {
  const { qualifications } = deps;

  app.get(
    paths.api.qualifications,
    {
      schema: {
        tags,
        summary:
          'The qualifications of the catalogue (of one subject with subjectId), with their units, learning aims and criteria',
        querystring: ListQuery,
        response: {
          200: Type.Object({ qualifications: Type.Array(QualificationBody) }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => {
      const { subjectId } = request.query as Static<typeof ListQuery>;
      return { qualifications: await qualifications.list(subjectId) };
    },
  );
}
