/*
 * checks/wxml-refs.js on a small project written for the test: what it must report, and that a
 * correct page passes. (The real project is checked by scripts/test-miniprogram.sh.)
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { checkProject } = require('../checks/wxml-refs');

const roots = [];
test.after(() => roots.forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

function project(files) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wxml-refs-'));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), typeof text === 'string' ? text : JSON.stringify(text));
  }
  return root;
}

const component = {
  'components/card/index.json': { component: true },
  'components/card/index.js': "Component({ properties: { title: String }, methods: { onTap() {} } });",
  'components/card/index.wxml': '<view bindtap="onTap">{{title}}</view>',
};

test('a page whose tags, handlers and loop names all resolve has no problems', () => {
  const root = project(Object.assign({
    'app.json': { pages: ['pages/a/index'] },
    'pages/a/index.json': { usingComponents: { card: '../../components/card/index' } },
    'pages/a/index.js': "Page({ data: { steps: [], step: 'x' }, onGo() {} });",
    'pages/a/index.wxml': `<view aria-label="共{{steps.length}}步">
  <card wx:for="{{steps}}" wx:for-item="s" wx:for-index="i" title="第{{i + 1}}步 {{s.title}}" bind:tap="onGo" />
  <view wx:for="{{steps}}" wx:key="key" aria-label="第{{index + 1}}步{{item.key === step ? '，当前' : ''}}">{{item.title}}</view>
  <text wx:if="{{steps.length < 2}}">{{ {a: 1}.a }}</text>
</view>`,
  }, component));
  const [problems, figures] = checkProject(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(figures, { files: 2, tags: 5, handlers: 2 });
});

test('an unknown tag, a missing handler and an index outside its wx:for are each reported with their line', () => {
  const root = project(Object.assign({
    'app.json': { pages: ['pages/a/index'], usingComponents: { card: '/components/card/index', gone: '/components/gone/index' } },
    'pages/a/index.json': {},
    'pages/a/index.js': "Page({ data: { steps: [] }, onGo() {} });",
    'pages/a/index.wxml': `<view aria-label="第{{index + 1}}步">
  <veiw bindtap="onGo">x</veiw>
  <view wx:for="{{steps}}" catch:longpress="onGoo">{{item}}</view>
  <text>{{item.title}}</text>
</view>`,
  }, component, { 'components/card/index.js': 'Component({ methods: {} });' }));
  const [problems] = checkProject(root);
  assert.deepEqual(problems.sort(), [
    'app.json: <gone> points at /components/gone/index, which does not exist',
    'components/card/index.wxml:1: bindtap="onTap" but onTap is not a method',
    'pages/a/index.wxml:1: {{index}} is used outside the wx:for that defines it',
    'pages/a/index.wxml:2: <veiw> is not a built-in component nor in usingComponents',
    'pages/a/index.wxml:3: catch:longpress="onGoo" but onGoo is not a method',
    'pages/a/index.wxml:4: {{item}} is used outside the wx:for that defines it',
  ]);
});
