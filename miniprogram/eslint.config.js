// ESLint flat config: mini-program code runs in WeChat's JS engine (wx, Page, Component…),
// tests and checks run under node.
const js = require('@eslint/js');
const globals = require('globals');

const wechat = {
  wx: 'readonly',
  App: 'readonly',
  Page: 'readonly',
  Component: 'readonly',
  Behavior: 'readonly',
  getApp: 'readonly',
  getCurrentPages: 'readonly',
  requirePlugin: 'readonly',
  requireMiniProgram: 'readonly',
};

module.exports = [
  { ignores: ['node_modules/**'] },
  js.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'commonjs', globals: { ...globals.commonjs, ...wechat } },

  },
  {
    files: ['tests/**/*.js', 'checks/**/*.js', 'eslint.config.js'],
    languageOptions: { globals: { ...globals.node } },
  },
];
