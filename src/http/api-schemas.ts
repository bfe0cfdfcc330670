import { Type, type TSchema } from '@sinclair/typebox';

/** The error body of SPEC §10, for the OpenAPI document. */
export const ErrorBody = Type.Object({
  error: Type.Object(
    {
      code: Type.String(),
      message: Type.String(),
      fields: Type.Optional(Type.Record(Type.String(), Type.String())),
      lockedUntil: Type.Optional(Type.String()),
    },
    { additionalProperties: true },
  ),
});

/** Response schemas for the errors a route can answer with. */
export function errors(...statuses: number[]): Record<string, TSchema> {
  return Object.fromEntries(statuses.map((status) => [String(status), ErrorBody]));
}

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
