/*
 * Hostile input for property-based tests: wrong types, missing and unknown fields, 100 kB strings,
 * deep nesting, odd unicode, strings that look like injections, and bodies that are not JSON.
 */
import fc from 'fast-check';

/** Strings that look like attacks or break naive code: they must be treated as plain data. */
export const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE accounts; --",
  '1; SELECT pg_sleep(5)',
  '" OR ""="',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{ 7*7 }}',
  '{% include "/etc/passwd" %}',
  '${7*7}',
  '../../../../etc/passwd',
  '%2e%2e%2f%2e%2e%2f',
  '\r\nSet-Cookie: stolen=1',
  'a\u0000b',
  '\u0000',
  '\u202eevil\u202c',
  '\ud800',
  'Z\u0351\u0360\u0361a\u035e\u035flgo',
  '👩‍👩‍👧‍👦🏴‍☠️',
  '﷽',
  'ＡＢＣ＠ｅｘａｍｐｌｅ．ｃｏｍ',
  '__proto__',
  'constructor',
  'toString',
  '0x7fffffff',
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '[]',
  '{}',
  ' ',
  '',
];

/** A key that an object should never be confused by. */
export const NASTY_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  '$where',
  'a.b',
  'x'.repeat(300),
];

export const HUNDRED_KB = 100 * 1024;

/** A string of about 100 kB, built from a random fragment. */
export const bigString = fc
  .string({ minLength: 1, maxLength: 8, unit: 'grapheme' })
  .map((fragment) => fragment.repeat(Math.ceil(HUNDRED_KB / Math.max(1, fragment.length))));

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: bigString },
  { weight: 1, arbitrary: fc.constantFrom(...INJECTIONS).map((s) => ` ${s} `.repeat(50)) },
);

/** `depth` levels of arrays or objects around a value. */
export function nested(
  depth: number,
  inner: unknown = 1,
  kind: 'array' | 'object' = 'array',
): unknown {
  let value = inner;
  for (let i = 0; i < depth; i += 1) value = kind === 'array' ? [value] : { a: value };
  return value;
}

/**
 * Deep nesting, built only when the body is sent: fast-check prints values recursively when a
 * property fails, and thousands of levels would overflow its stack instead of showing the failure.
 */
export class Deep {
  constructor(
    readonly depth: number,
    readonly kind: 'array' | 'object',
  ) {}
  build(): unknown {
    return nested(this.depth, 'x', this.kind);
  }
  [fc.toStringMethod](): string {
    return `Deep(${this.depth} ${this.kind}s)`;
  }
}

export const deepValue: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 50, max: 1000 }), fc.constantFrom('array' as const, 'object' as const))
  .map(([depth, kind]) => new Deep(depth, kind));

/** The value to send: any Deep marker inside replaced by the nesting it stands for. */
function materialise(value: unknown): unknown {
  if (value instanceof Deep) return value.build();
  if (Array.isArray(value)) return value.map(materialise);
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>))
      Object.defineProperty(copy, key, {
        value: materialise(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return copy;
  }
  return value;
}

/** Any JSON value of a wrong type for most fields, or hostile in itself. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e300),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 5 }),
  },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.constantFrom(...NASTY_KEYS, 'id', 'x'), fc.string(), {
      maxKeys: 3,
    }),
  },
  { weight: 1, arbitrary: deepValue },
  {
    weight: 1,
    arbitrary: fc.array(fc.constantFrom('a', 'b'), { minLength: 1000, maxLength: 3000 }),
  },
);

type Path = (string | number)[];

/** Every path to a value inside a JSON value (the root is `[]`). */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const here: Path[] = [prefix];
  if (Array.isArray(value))
    return here.concat(...value.map((item, i) => pathsOf(item, [...prefix, i])));
  if (value !== null && typeof value === 'object')
    return here.concat(
      ...Object.entries(value as Record<string, unknown>).map(([k, v]) =>
        pathsOf(v, [...prefix, k]),
      ),
    );
  return here;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> | undefined {
  let node = root;
  for (const step of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node !== null && typeof node === 'object'
    ? (node as Record<string | number, unknown>)
    : undefined;
}

export type Mutation =
  | { kind: 'set'; path: Path; value: unknown }
  | { kind: 'drop'; path: Path }
  | { kind: 'add'; path: Path; key: string; value: unknown }
  | { kind: 'replace'; value: unknown };

export function applyMutations(valid: unknown, mutations: Mutation[]): unknown {
  let body = clone(valid);
  mutations = mutations.map((m) => ('value' in m ? { ...m, value: materialise(m.value) } : m));
  for (const mutation of mutations) {
    if (mutation.kind === 'replace') {
      body = mutation.value;
      continue;
    }
    if (mutation.path.length === 0) {
      if (mutation.kind === 'set') body = mutation.value;
      else if (mutation.kind === 'add' && body !== null && typeof body === 'object')
        Object.defineProperty(body, mutation.key, {
          value: mutation.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      continue;
    }
    const parent = parentOf(body, mutation.path);
    const last = mutation.path[mutation.path.length - 1] as string | number;
    if (!parent) continue;
    if (mutation.kind === 'set') parent[last] = mutation.value;
    else if (mutation.kind === 'drop') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else {
      const target = parent[last];
      if (target !== null && typeof target === 'object' && !Array.isArray(target))
        Object.defineProperty(target, mutation.key, {
          value: mutation.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
  }
  return body;
}

/** One to three changes to a valid body: fields dropped, set to hostile values, or added. */
export function mutationsOf(valid: unknown): fc.Arbitrary<Mutation[]> {
  const paths = pathsOf(valid);
  const path = fc.constantFrom(...paths);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({ kind: fc.constant('set' as const), path, value: nastyValue }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), path }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('add' as const),
        path,
        key: fc.oneof(fc.constantFrom(...NASTY_KEYS), fc.string({ maxLength: 10 })),
        value: nastyValue,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('replace' as const), value: nastyValue }),
    },
  );
  return fc.array(mutation, { minLength: 1, maxLength: 3 });
}

/** Text sent as `application/json` that is not JSON (or not what JSON.parse accepts). */
const notJson = (text: string) => {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
};

/**
 * JSON text nested far deeper than any value a test can build (JSON.stringify would overflow the
 * stack first): up to 200 000 levels of arrays or objects, under the 1 MB limit.
 */
export const deepJsonText: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 1000, max: 200_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays
      ? `${'['.repeat(depth)}1${']'.repeat(depth)}`
      : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

/** Text sent as `application/json` that is not JSON, or JSON that tries to poison prototypes. */
export function invalidJson(valid: unknown): fc.Arbitrary<string> {
  const text = JSON.stringify(valid);
  return fc.oneof(
    fc
      .oneof(
        fc.integer({ min: 1, max: Math.max(1, text.length - 1) }).map((n) => text.slice(0, n)),
        fc.constantFrom(
          `${text}}`,
          `${text} trailing`,
          text.replace(/"/g, "'"),
          '{"a": NaN}',
          '{"a": Infinity}',
          '{a: 1}',
          '{"a": 1,}',
          '[1, 2,]',
          `// comment\n${text}`,
          'undefined',
          '{"a":"\\u00"}',
          '"\\x41"',
          ' ',
        ),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 50 }),
      )
      .filter(notJson),
    fc.constantFrom(
      '{"__proto__": {"admin": true}}',
      '{"constructor": {"prototype": {"admin": true}}}',
    ),
  );
}

/** Form fields: strings or repeated fields (lists of strings). */
export type Form = Record<string, string | string[]>;

export const nastyFormValue: fc.Arbitrary<string | string[]> = fc.oneof(
  { weight: 5, arbitrary: nastyString },
  {
    weight: 1,
    arbitrary: fc.array(
      nastyString.filter((s) => s.length < 1000),
      { minLength: 2, maxLength: 5 },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.array(fc.constantFrom('a', 'b', '1'), { minLength: 500, maxLength: 2000 }),
  },
);

export type FormMutation =
  | { kind: 'set'; key: string; value: string | string[] }
  | { kind: 'drop'; key: string }
  | { kind: 'add'; key: string; value: string | string[] };

export function formMutationsOf(valid: Form): fc.Arbitrary<FormMutation[]> {
  const keys = Object.keys(valid);
  const key = keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('x');
  return fc.array(
    fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({ kind: fc.constant('set' as const), key, value: nastyFormValue }),
      },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), key }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('add' as const),
          key: fc.oneof(
            fc.constantFrom(...NASTY_KEYS, '_csrf[]', 'a[b]', 'decision-'),
            fc.string({ maxLength: 12 }),
          ),
          value: nastyFormValue,
        }),
      },
    ),
    { minLength: 1, maxLength: 3 },
  );
}

export function applyFormMutations(valid: Form, mutations: FormMutation[]): Form {
  const form: Form = { ...valid };
  for (const mutation of mutations) {
    if (mutation.kind === 'drop') delete form[mutation.key];
    else form[mutation.key] = mutation.value;
  }
  return form;
}
