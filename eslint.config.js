import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Pure zones (codecs and DSP) may not touch Node built-ins, timers or I/O (code-models.md §11.1).
const pureZoneRule = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: ['node:*', 'fs', 'os', 'path', 'child_process', 'worker_threads'],
          message: 'Pure code: no I/O or Node built-ins.',
        },
      ],
    },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'process', message: 'Pure code: no process access.' },
    { name: 'setTimeout', message: 'Pure code: no timers.' },
    { name: 'setInterval', message: 'Pure code: no timers.' },
    { name: 'Buffer', message: 'Pure code: use Uint8Array.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**', 'assembly/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: [
      'src/engine/dsp/**/*.ts',
      'src/engine/graph/**/*.ts',
      'src/protocols/**/codec*.ts',
      'src/engine/io/wav*.ts',
    ],
    rules: pureZoneRule,
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], languageOptions: { globals: globals.node } },
);
