// Lint rules: typescript-eslint's type-checked set, plus the boundaries: the scheduler core is
// pure, only src/mesos knows the Mesos protobuf shapes, only its translation the enum names, and
// only src/pods knows Pod shapes (its translation.ts).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.devcluster/', '.tools/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // The Mesos boundary: the protobuf shapes and calls stay in src/mesos (the emulator speaks them too).
    files: ['src/**/*.ts'],
    ignores: ['src/mesos/**', 'src/devcluster/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/mesos/types.ts', '**/mesos/calls.ts'], message: 'Mesos protobuf shapes stay in src/mesos: use the core\'s words, or src/mesos/translation.ts.' },
      ] }],
    },
  },
  {
    // The Pod boundary too: Pod shapes stay in src/pods (the emulator's kubelet has its own).
    // (It overrides the block above where both apply, so it repeats the Mesos patterns.)
    files: ['src/**/*.ts'],
    ignores: ['src/pods/**', 'src/mesos/**', 'src/devcluster/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/mesos/types.ts', '**/mesos/calls.ts'], message: 'Mesos protobuf shapes stay in src/mesos: use the core\'s words, or src/mesos/translation.ts.' },
        { group: ['**/pods/translation.ts'], message: 'Pod shapes stay in src/pods: use the core\'s words, or the pod backend and its port.' },
      ] }],
    },
  },
  {
    // Only the translation (and the protobuf shapes it maps from) names Mesos task states, reasons and sources.
    files: ['src/**/*.ts'],
    ignores: ['src/mesos/translation.ts', 'src/mesos/types.ts', 'src/devcluster/**'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: 'Literal[value=/^(TASK|REASON|SOURCE)_[A-Z_]+$/]',
        message: 'Mesos task state, reason and source names belong to src/mesos/translation.ts: use the core\'s TaskState, or its taskStateName().',
      }],
    },
  },
  {
    files: ['src/scheduler/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*', 'undici', 'prom-client', '@kubernetes/*', 'pino', '../mesos/*', '../pods/*', '../kube/*', '../sparkdriver/*', '../devcluster/*'], message: 'src/scheduler is the pure core in its own words: no I/O, adapter or Mesos imports.' },
      ] }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Time comes in as an argument.' },
        { object: 'Math', property: 'random', message: 'Randomness comes in as an argument.' },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'setImmediate', 'fetch'],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
