/*
 * Static accessibility checks over every page's and component's WXML: what a screen reader (TalkBack,
 * VoiceOver in WeChat) needs to name a control; then labels as Tencent's own WXML compiler (wcc)
 * renders them with a page's data, which is what the screen reader is given.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { compileWxml } = require('../checks/wcc');
const { loadPage } = require('./helpers/harness');

const ROOT = path.join(__dirname, '..');
const WXML = ['pages', 'components'].flatMap((dir) => fs.readdirSync(path.join(ROOT, dir))
  .map((name) => path.join(dir, name, 'index.wxml'))
  .filter((rel) => fs.existsSync(path.join(ROOT, rel))));

/* Start tags with their attributes and whether an enclosing (or their own) element has wx:for. */
function elements(source) {
  const out = [];
  const stack = [];
  const tag = /<(\/?)([a-z][\w-]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*(\/?)>/g;
  for (const [, closing, name, attrText, selfClosing] of source.replace(/<!--[\s\S]*?-->/g, '').matchAll(tag)) {
    if (closing) { stack.pop(); continue; }
    const attrs = Object.fromEntries([...attrText.matchAll(/([^\s=]+)(?:="([^"]*)")?/g)].map((m) => [m[1], m[2] ?? '']));
    const inLoop = 'wx:for' in attrs || stack.some((e) => e.loop);
    out.push({ name, attrs, inLoop });
    if (!selfClosing) stack.push({ loop: 'wx:for' in attrs });
  }
  return out;
}

test('every control a person taps or types into has a name a screen reader can say', () => {
  const problems = [];
  for (const rel of WXML) {
    for (const el of elements(fs.readFileSync(path.join(ROOT, rel), 'utf8'))) {
      const tappable = Object.keys(el.attrs).some((a) => /^(bind|catch):?tap$/.test(a));
      if (tappable && !['button', 'big-button'].includes(el.name) && !el.attrs['aria-role']) {
        problems.push(`${rel}: <${el.name}> taps without aria-role`);
      }
      if (['input', 'textarea', 'picker', 'canvas', 'camera'].includes(el.name) && !el.attrs['aria-label']) {
        problems.push(`${rel}: <${el.name}> without aria-label`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

/* aria-label of every node in a wcc-rendered tree, in document order. */
function labels(node) {
  const own = node.attr && node.attr.ariaLabel !== undefined ? [String(node.attr.ariaLabel)] : [];
  return own.concat((node.children || []).flatMap((c) => (typeof c === 'object' ? labels(c) : [])));
}

const wxml = compileWxml(ROOT);

test('apply page: the steps are read as "第1步，填写信息", the current one said so, never 第NaN步', () => {
  const { page } = loadPage('apply');
  const stepLabels = () => labels(wxml.render('pages/apply/index', page.data)).filter((l) => /^第/.test(l));
  assert.deepEqual(stepLabels(), ['第1步，填写信息，当前这一步', '第2步，家里收入', '第3步，拍身份证', '第4步，签名', '第5步，核对提交']);
  page.goStep('income');
  assert.deepEqual(stepLabels().slice(0, 2), ['第1步，填写信息', '第2步，家里收入，当前这一步']);
});

test('no page renders a label with NaN, undefined or an empty {{}} from its initial data', () => {
  const pages = require('../app.json').pages;
  let count = 0;
  for (const p of pages) {
    const { page } = loadPage(p.split('/')[1]);
    for (const label of labels(wxml.render(p, page.data))) {
      assert.doesNotMatch(label, /NaN|undefined|null|\{\{/, `${p}: "${label}"`);
      count += 1;
    }
  }
  assert.ok(count >= 20, `only ${count} labels rendered`);
});

test('links, choices and inputs are at least the tap size, which 大字模式 raises', () => {
  const css = fs.readFileSync(path.join(ROOT, 'app.wxss'), 'utf8');
  for (const rule of ['.link', '.choice', '.input']) {
    const body = css.match(new RegExp(`\\${rule} \\{([^}]*)\\}`))[1];
    assert.match(body, /min-height: var\(--tap\)/, rule);
  }
  const tap = (scope) => Number(css.match(new RegExp(`${scope} \\{[^}]*--tap: (\\d+)rpx`))[1]);
  assert.ok(tap('\\.page') >= 88, 'normal: 44px on a 375px-wide phone');
  assert.ok(tap('\\.page\\.big') >= 120, '大字模式: 60px');
});
