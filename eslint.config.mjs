// typescript-eslint's recommended rules over all of OnAir's TypeScript (issue 12: a linter, in CI
// through `npm run lint`). https://typescript-eslint.io/getting-started
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', '.serverless/', '.onair-local/', 'coverage/', '**/dist/', 'local/models/', '.scratch-*/', '**/*.js', '**/*.cjs', '**/*.mjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_`-prefixed names are deliberately unused (interface-shaped parameters, destructured rests).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
