// Most regular expressions here read what people type in Teams or paste into the bot, and one
// that backtracks stalls every chat the instance serves. The rules below prove each pattern runs
// in linear time (or point at the one that does not); `npm test` runs them. Style is not linted.
import { defineConfig } from 'eslint/config';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'data/', '.cache/', 'appPackage/', 'test-results/'] },
  {
    files: ['**/*.{ts,mts,js,mjs}'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { regexp },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Quantifiers that can trade characters with each other: polynomial backtracking.
      'regexp/no-super-linear-backtracking': ['error', { report: 'potential' }],
      // A match that may start anywhere and reads on to the end: quadratic over many starts.
      'regexp/no-super-linear-move': ['error', { report: 'potential', ignoreSticky: false, ignorePartial: false }],
      // Alternatives that match the same text: exponential backtracking when repeated.
      'regexp/no-dupe-disjunctions': 'error',
    },
  },
);
