// ESLint 9 flat config. TypeScript is linted with type information (typescript-eslint's project
// service reads tsconfig.json), so rules such as no-floating-promises can see what returns a promise.
import eslint from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Plain JavaScript here (this file, scripts/*.mjs) runs on Node. Listed by hand rather than taken
// from the `globals` package, which is only a transitive dependency of ESLint.
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'Buffer',
    'URL',
    'URLSearchParams',
    'clearInterval',
    'clearTimeout',
    'console',
    'fetch',
    'performance',
    'process',
    'queueMicrotask',
    'setInterval',
    'setTimeout',
    'structuredClone',
    'TextDecoder',
    'TextEncoder',
  ].map((name) => [name, 'readonly']),
);

// Progressive-enhancement scripts served to the browser.
const browserGlobals = Object.fromEntries(
  [
    'CustomEvent',
    'Element',
    'Event',
    'FormData',
    'HTMLElement',
    'HTMLFormElement',
    'HTMLInputElement',
    'MutationObserver',
    'Node',
    'URL',
    'URLSearchParams',
    'clearTimeout',
    'console',
    'document',
    'fetch',
    'history',
    'location',
    'navigator',
    'requestAnimationFrame',
    'sessionStorage',
    'setTimeout',
    'window',
  ].map((name) => [name, 'readonly']),
);
const browserScripts = ['src/public/**/*.{js,mjs}'];

const testFiles = ['test/**/*.ts', 'src/**/*.test.ts', 'e2e/**/*.ts', 'bench/**/*.ts'];

export default defineConfig(
  globalIgnores([
    'dist/',
    'node_modules/',
    'data/',
    'coverage/',
    'test-results/',
    'bench/results/',
  ]),

  {
    files: ['**/*.{js,mjs,cjs,ts,mts,cts}'],
    extends: [eslint.configs.recommended],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  {
    files: ['**/*.{js,mjs,cjs}'],
    ignores: browserScripts,
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: nodeGlobals },
  },

  {
    files: browserScripts,
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: browserGlobals },
  },

  {
    files: ['**/*.{ts,mts,cts}'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      // Fastify sends what an async handler or hook resolves to, and async plugins need no
      // `done` callback, so `async () => ({ ok: true })` without an await is the idiom here.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },

  // The server logs through pino (request ids, levels); a stray console.log bypasses both.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: { 'no-console': 'error' },
  },

  // Routes validate, authenticate and call services; they never touch the database. Type-only
  // imports (a row type, say) are allowed because they vanish at compile time.
  {
    files: ['src/features/**/*.routes.ts', 'src/features/**/*.api.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'kysely',
                'kysely/*',
                'pg',
                'better-sqlite3',
                '**/db',
                '**/db/**',
                '**/*.repository',
                '**/*.repository.js',
              ],
              allowTypeImports: true,
              message:
                'Routes never touch the database: call the feature service instead (type-only imports are allowed).',
            },
          ],
        },
      ],
    },
  },

  // Tests poke at JSON bodies (`res.json()` is `any`), spy on methods and know a row exists.
  {
    files: testFiles,
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // `res.json() as { account: … }` reads better in a test than `res.json<{ account: … }>()`.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      'no-restricted-properties': [
        'error',
        ...['describe', 'it', 'test'].map((object) => ({
          object,
          property: 'only',
          message: '.only silently skips the rest of the suite.',
        })),
      ],
    },
  },
);
