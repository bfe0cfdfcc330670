import { createQueryId, type Compilable, type CompiledQuery } from 'kysely';
import type { DbOrTx } from './connection.js';

/** Marks a stand-in value while a query is compiled; never sent to the database. */
const MARK = '\u0000mybtec-value-';

interface Compiled {
  query: CompiledQuery;
  /** Each parameter: the index of a value given at each run, or a constant of the query. */
  slots: readonly (number | { constant: unknown })[];
}

/**
 * A query built with Kysely's builder and compiled to SQL once per database handle (or
 * transaction), then run with other values. Building and compiling a small query costs as much
 * CPU as running it on SQLite, and the few queries every signed-in request makes before its route
 * (session, account, actor index) were a third of a light request's CPU.
 *
 * `build` is given stand-ins for the values (strings) and must use each only as a value compared
 * or inserted, never to choose the query's shape: the stand-ins are swapped for the values in the
 * compiled parameters. A stand-in written into the SQL text itself is refused.
 */
export function prepared<Values extends string[], Row>(
  build: (db: DbOrTx, ...values: Values) => Compilable<Row>,
): (db: DbOrTx, ...values: Values) => Promise<Row[]> {
  const compiledFor = new WeakMap<DbOrTx, Compiled>();
  const compile = (db: DbOrTx, count: number): Compiled => {
    const standIns = Array.from({ length: count }, (_, i) => `${MARK}${i}`) as Values;
    const query = build(db, ...standIns).compile();
    if (query.sql.includes(MARK)) throw new Error('A prepared query wrote a value into its SQL');
    const slots = query.parameters.map((p) =>
      typeof p === 'string' && p.startsWith(MARK) ? Number(p.slice(MARK.length)) : { constant: p },
    );
    const compiled = { query, slots };
    compiledFor.set(db, compiled);
    return compiled;
  };
  return async (db, ...values) => {
    const { query, slots } = compiledFor.get(db) ?? compile(db, values.length);
    const parameters = slots.map((slot) =>
      typeof slot === 'number' ? values[slot] : slot.constant,
    );
    const result = await db.executeQuery<Row>({ ...query, parameters, queryId: createQueryId() });
    return result.rows;
  };
}
