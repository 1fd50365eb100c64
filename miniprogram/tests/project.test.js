/*
 * Static checks of the mini-program project that WeChat DevTools would otherwise only report
 * when someone opens it: files per page, JSON, components, fonts for the elderly. Tags and handlers
 * are checked by checks/wxml-refs.js, well-formedness by Tencent's wcc (checks/tencent.js).
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./helpers/harness');

const read = (rel) => fs.readFileSync(path.join(ROOT, rel), 'utf8');
const json = (rel) => JSON.parse(read(rel));
const appJson = json('app.json');
const components = Object.values(appJson.usingComponents).map((p) => p.replace(/^\//, ''));

function walk(dir) {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = path.join(dir, d.name);
    return d.isDirectory() ? walk(rel) : [rel];
  });
}
const sourceFiles = ['app.js', 'app.wxss'].concat(walk('pages'), walk('components'), walk('utils'));

test('app.json: every page and component has its four files and valid JSON', () => {
  assert.equal(appJson.pages[0], 'pages/home/index', 'the home page opens first');
  for (const dir of appJson.pages.map((p) => path.dirname(p)).concat(components.map((c) => path.dirname(c)))) {
    for (const ext of ['js', 'json', 'wxml', 'wxss']) {
      assert.ok(fs.existsSync(path.join(ROOT, dir, `index.${ext}`)), `${dir}/index.${ext} missing`);
    }
    json(`${dir}/index.json`);
  }
  components.forEach((c) => assert.equal(json(`${c}.json`).component, true, c));
  const project = json('project.config.json');
  assert.equal(project.compileType, 'miniprogram');
  const ignored = project.packOptions.ignore.map((i) => i.value);
  assert.ok(ignored.includes('tests') && ignored.includes('node_modules'), 'tests and node_modules stay out of the upload');
  assert.equal(json('sitemap.json').rules.at(-1).action, 'disallow', 'personal pages are not indexed');
});

test('WXML expressions call no methods (WeChat evaluates data, not code)', () => {
  for (const file of sourceFiles.filter((f) => f.endsWith('.wxml'))) {
    for (const m of read(file).matchAll(/\{\{([^}]*)\}\}/g)) {
      assert.doesNotMatch(m[1], /[\w\]]\s*\(/, `${file}: {{${m[1]}}}`);
    }
  }
});

test('font sizes: ≥ 36rpx (18px) normally, ≥ 44rpx (22px) in 大字模式, never fixed px', () => {
  const wxss = read('app.wxss');
  const block = (selector) => new RegExp(`\\n${selector.replace('.', '\\.')} \\{([^}]*)\\}`).exec(wxss)[1];
  const sizes = (css) => [...css.matchAll(/--fs[a-z-]*:\s*(\d+)rpx/g)].map((m) => Number(m[1]));
  assert.equal(sizes(block('.page')).length, 3);
  sizes(block('.page')).forEach((n) => assert.ok(n >= 36, `normal size ${n}rpx`));
  sizes(block('.page.big')).forEach((n) => assert.ok(n >= 44, `大字 size ${n}rpx`));
  for (const file of sourceFiles.filter((f) => f.endsWith('.wxss'))) {
    for (const m of read(file).matchAll(/font-size:\s*([^;}]+)/g)) {
      const value = m[1].trim();
      const rpx = /^(\d+)rpx$/.exec(value);
      assert.ok(/^var\(--fs/.test(value) || (rpx && Number(rpx[1]) >= 36), `${file}: font-size ${value}`);
    }
  }
});

test('mini-program code uses wx APIs only (no DOM, no fetch)', () => {
  for (const file of sourceFiles.filter((f) => f.endsWith('.js'))) {
    const code = read(file);
    assert.doesNotMatch(code, /\b(document|window|localStorage|fetch)\s*[.(]/, file);
  }
});

/* WCAG 2 contrast ratio of two #rrggbb colours. */
function contrast(a, b) {
  const lum = (hex) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/* A rule's text colour is checked on its own background; text drawn on a parent's background
 * says so with a comment in the rule, e.g. `color: #fff; /* on #b3141b *\/`. */
test('text colours meet WCAG AA (4.5:1) on their own background, or on the page and on cards', () => {
  const PAGE = '#f4f1ec';
  const CARD = '#ffffff';
  const expand = (hex) => (hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join('')}` : hex).toLowerCase();
  let checked = 0;
  const failures = [];
  for (const file of sourceFiles.filter((f) => f.endsWith('.wxss'))) {
    const css = read(file).replace(/\/\*\s*on\s+(#[0-9a-fA-F]{3,6})\s*\*\//g, 'on: $1;').replace(/\/\*[\s\S]*?\*\//g, '');
    for (const [, selector, body] of css.matchAll(/([^{}]+)\{([^}]*)\}/g)) {
      const fg = /(?:^|;|\s)color:\s*(#[0-9a-fA-F]{3,6})\b/.exec(body);
      if (!fg) continue;
      const bg = /(?:background(?:-color)?|(?:^|;|\s)on):\s*(#[0-9a-fA-F]{3,6})\b/.exec(body);
      for (const back of bg ? [bg[1]] : [PAGE, CARD]) {
        const ratio = contrast(expand(fg[1]), expand(back));
        if (ratio < 4.5) failures.push(`${file} ${selector.trim()}: ${fg[1]} on ${back} is ${ratio.toFixed(2)}:1`);
        checked += 1;
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(checked > 20, `only ${checked} colour pairs found`);
});
