/*
 * What wcc does not catch in WXML, because it only sees one file at a time:
 * - a tag that is neither a WeChat built-in nor in usingComponents (the page's, the component's or app.json's);
 * - a bind…/catch… handler that is not a method of the page (Page({...})) or component (methods);
 * - a wx:for's item/index name used outside that loop (it renders as undefined, "第NaN步").
 * Usage: node checks/wxml-refs.js [project root]; exits non-zero listing every problem.
 */
const fs = require('node:fs');
const path = require('node:path');

// https://developers.weixin.qq.com/miniprogram/dev/component/ plus WXML's own tags.
const BUILT_IN = new Set(`view scroll-view swiper swiper-item movable-area movable-view cover-view cover-image
  match-media page-container root-portal grid-view list-view sticky-header sticky-section share-element
  draggable-sheet nested-scroll-header nested-scroll-body span snapshot icon text rich-text progress
  button checkbox checkbox-group editor form input keyboard-accessory label picker picker-view
  picker-view-column radio radio-group slider switch textarea navigator functional-page-navigator audio
  image video camera live-player live-pusher voip-room channel-live channel-video map canvas web-view ad
  ad-custom official-account open-data page-meta navigation-bar store-home store-product
  block template import include slot wxs`.split(/\s+/));

const HANDLER = /^(?:capture-)?(?:mut-)?(?:bind|catch):?[a-z][\w-]*$/;
const TOKEN = /<!--[\s\S]*?-->|<\/([\w-]+)\s*>|<([\w-]+)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'))?)*)\s*(\/?)>|((?:\{\{[\s\S]*?\}\}|[^<{]|\{(?!\{))+)/g;
const ATTR = /([^\s=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'))?/g;

/* Identifiers an expression reads at its top level (not property names after a dot, not strings). */
function namesIn(text) {
  const names = [];
  for (const [, expr] of text.matchAll(/\{\{([\s\S]*?)\}\}/g)) {
    const code = expr.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, '""');
    for (const m of code.matchAll(/(?<![.\w$])([A-Za-z_$][\w$]*)(?!\s*:(?!:))/g)) names.push(m[1]);
  }
  return names;
}

/* Runs a page or component's JS with stand-ins for the WeChat runtime and returns its method names. */
function methodsOf(jsFile) {
  let def = {};
  const saved = ['Page', 'Component', 'App', 'Behavior', 'getApp', 'wx'].map((k) => [k, global[k]]);
  Object.assign(global, {
    Page: (d) => { def = d; },
    Component: (d) => { def = Object.assign({}, d.methods, { data: d.data, properties: d.properties }); },
    Behavior: (d) => d,
    App: () => {},
    getApp: () => ({ globalData: {} }),
    wx: new Proxy({}, { get: () => () => undefined }),
  });
  try {
    delete require.cache[require.resolve(jsFile)];
    require(jsFile);
  } finally {
    saved.forEach(([k, v]) => { global[k] = v; });
  }
  const data = Object.keys(Object.assign({}, def.data, def.properties));
  return { methods: new Set(Object.keys(def).filter((k) => typeof def[k] === 'function')), data: new Set(data) };
}

function readJson(file) {
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
}

/* Problems in one .wxml, given the custom tags it may use and its JS's methods and data names. */
function checkWxml(rel, wxml, declared, { methods, data }) {
  const problems = [];
  const loops = []; // open tags; each with the loop names it brings into scope (or none)
  const loopNames = new Set(['item', 'index']);
  const inScope = (name) => data.has(name) || loops.some((l) => l.names.includes(name));
  const line = (offset) => wxml.slice(0, offset).split('\n').length;
  const checkNames = (text, at) => {
    for (const name of namesIn(text)) {
      if (loopNames.has(name) && !inScope(name)) problems.push(`${rel}:${line(at)}: {{${name}}} is used outside the wx:for that defines it`);
    }
  };
  for (const m of wxml.matchAll(TOKEN)) {
    const [, closing, tag, attrText, selfClosing, text] = m;
    if (text) checkNames(text, m.index);
    if (closing) loops.pop();
    if (!tag) continue;
    if (!BUILT_IN.has(tag) && !declared.has(tag)) problems.push(`${rel}:${line(m.index)}: <${tag}> is not a built-in component nor in usingComponents`);
    const attrs = [...(attrText || '').matchAll(ATTR)].map((a) => ({ name: a[1], value: a[2] ?? a[3] ?? '' }));
    const forAttr = attrs.find((a) => a.name === 'wx:for' || a.name === 'wx:for-items');
    const names = [];
    if (forAttr) {
      checkNames(forAttr.value, m.index);
      names.push(attrs.find((a) => a.name === 'wx:for-item')?.value || 'item', attrs.find((a) => a.name === 'wx:for-index')?.value || 'index');
      names.forEach((n) => loopNames.add(n));
    }
    loops.push({ names });
    for (const a of attrs) {
      if (a === forAttr) continue;
      if (HANDLER.test(a.name) && !a.value.includes('{{') && !methods.has(a.value)) {
        problems.push(`${rel}:${line(m.index)}: ${a.name}="${a.value}" but ${a.value} is not a method`);
      }
      checkNames(a.value, m.index);
    }
    if (selfClosing) loops.pop();
  }
  return problems;
}

/* Every page and component of the project at `root`; returns [problems, figures]. */
function checkProject(root) {
  const app = readJson(path.join(root, 'app.json'));
  const appComponents = app.usingComponents || {};
  const problems = [];
  const figures = { files: 0, tags: 0, handlers: 0 };
  const seen = new Set();
  // usingComponents paths are relative to the file that declares them, or absolute from the root.
  const follow = (using, from) => {
    for (const [tag, where] of Object.entries(using)) {
      const target = where.startsWith('/') ? where.slice(1) : path.posix.join(path.posix.dirname(from), where);
      if (!fs.existsSync(path.join(root, `${target}.json`))) problems.push(`${from}.json: <${tag}> points at ${where}, which does not exist`);
      else visit(target, from);
    }
  };
  const visit = (base, usedFrom) => {
    if (seen.has(base)) return;
    seen.add(base);
    const own = readJson(path.join(root, `${base}.json`)).usingComponents || {};
    const using = Object.assign({}, appComponents, own);
    follow(own, base);
    const wxmlFile = path.join(root, `${base}.wxml`);
    if (!fs.existsSync(wxmlFile)) return problems.push(`${base}.wxml is missing (used from ${usedFrom})`);
    const wxml = fs.readFileSync(wxmlFile, 'utf8');
    figures.files += 1;
    figures.tags += (wxml.match(/<[\w-]+/g) || []).length;
    figures.handlers += (wxml.match(/\s(?:capture-)?(?:mut-)?(?:bind|catch)[:\w-]*=/g) || []).length;
    problems.push(...checkWxml(`${base}.wxml`, wxml, new Set(Object.keys(using)), methodsOf(path.join(root, `${base}.js`))));
  };
  follow(appComponents, 'app');
  (app.pages || []).forEach((p) => visit(p, 'app.json'));
  return [problems, figures];
}

if (require.main === module) {
  const [problems, f] = checkProject(path.resolve(process.argv[2] || path.join(__dirname, '..')));
  problems.forEach((p) => console.error(p));
  console.log(`wxml-refs: ${f.files} .wxml files, ${f.tags} tags, ${f.handlers} handlers checked, ${problems.length} problems`);
  process.exit(problems.length ? 1 : 0);
}

module.exports = { checkProject };
