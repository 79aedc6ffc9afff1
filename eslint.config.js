import js from '@eslint/js';
import security from 'eslint-plugin-security';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'bin/', 'pkg/', 'data/', 'coverage/', 'origin/db/migrations/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  security.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['log', 'warn', 'error'] }],
      // Object lookups keyed by our own constants are not injection; the rule is noise here.
      'security/detect-object-injection': 'off',
      // Paths come from validated config or fixed project locations.
      'security/detect-non-literal-fs-filename': 'off',
    },
  },
);
