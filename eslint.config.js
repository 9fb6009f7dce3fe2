// ESLint for the TypeScript of lib/, specs/, examples/ and bench/ (`npm run
// lint:ts`, part of `npm test`): the recommended rules of ESLint and of
// typescript-eslint, less the few below where the code differs on purpose.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'build/', 'docs/', 'node_modules/', 'scripts/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // Names are checked for control characters to refuse or escape them, so patterns match them on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['specs/**/*.ts'],
    rules: {
      // chai's property assertions (`expect(x).to.be.NaN`) are expression statements.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
);
