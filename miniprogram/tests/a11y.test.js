/*
 * Static accessibility checks over every page's and component's WXML: what a screen reader (TalkBack,
 * VoiceOver in WeChat) needs to name a control, and an index only where a wx:for gives one.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

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

test('an index is used only inside a wx:for (outside one a screen reader says "第NaN步")', () => {
  const problems = [];
  for (const rel of WXML) {
    for (const el of elements(fs.readFileSync(path.join(ROOT, rel), 'utf8'))) {
      const usesIndex = Object.values(el.attrs).some((v) => /\{\{[^}]*\bindex\b/.test(v));
      if (usesIndex && !el.inLoop) problems.push(`${rel}: <${el.name}> uses index outside wx:for`);
    }
  }
  assert.deepEqual(problems, []);
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
