/*
 * Renders the project's real WXML with j-component (the engine under miniprogram-simulate) on
 * jsdom: templates are parsed by a WXML parser, expressions evaluated, components instantiated.
 * Built-in tags are registered as plain slots, which is enough to see text and structure.
 */
const fs = require('node:fs');
const path = require('node:path');
const { JSDOM } = require('jsdom');

const dom = new JSDOM('<!doctype html><html><body></body></html>');
// exparser dispatches DOM events, so jsdom's Event classes must win over node's own.
for (const name of ['window', 'document', 'Node', 'HTMLElement', 'Element', 'Event', 'CustomEvent', 'navigator']) {
  Object.defineProperty(global, name, { value: name === 'window' ? dom.window : dom.window[name], configurable: true, writable: true });
}
const jComponent = require('j-component');

const ROOT = path.join(__dirname, '..', '..');
const BUILT_IN = ['view', 'text', 'input', 'image', 'button', 'checkbox-group', 'checkbox', 'label', 'picker',
  'switch', 'progress', 'scroll-view', 'camera', 'cover-view', 'canvas', 'web-view', 'textarea'];
BUILT_IN.forEach((tag) => jComponent.register({ id: tag, tagName: `wx-${tag}`, template: '<slot/>' }));

const read = (rel) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

/* Loads components/<name>/index.js, capturing what it passes to Component(). */
function componentDefinition(name) {
  let def = null;
  global.Component = (d) => { def = d; };
  const file = path.join(ROOT, 'components', name, 'index.js');
  delete require.cache[file];
  require(file);
  return def;
}

const registered = {};
function registerProjectComponents() {
  Object.entries(JSON.parse(read('app.json')).usingComponents).forEach(([tag, where]) => {
    if (registered[tag]) return;
    const name = where.split('/')[2];
    const def = componentDefinition(name);
    registered[tag] = jComponent.register(Object.assign({}, def, {
      id: tag, tagName: tag, template: read(`components/${name}/index.wxml`),
    }));
  });
}
registerProjectComponents();

/* A project component with properties; returns the j-component instance, attached. */
function renderComponent(tag, props) {
  const comp = jComponent.create(registered[tag], props);
  comp.attach(dom.window.document.createElement('div'));
  return comp;
}

/* A page's WXML rendered with the given data (e.g. a harness page's data after a journey). */
let pageCount = 0;
function renderPage(name, data) {
  pageCount += 1;
  const id = jComponent.register({
    id: `page-${name}-${pageCount}`,
    template: read(`pages/${name}/index.wxml`),
    usingComponents: Object.fromEntries(Object.keys(registered).map((tag) => [tag, registered[tag]])),
    data: JSON.parse(JSON.stringify(data)),
  });
  const comp = jComponent.create(id);
  comp.attach(dom.window.document.createElement('div'));
  return comp;
}

/* Visible text of a rendered component or DOM node, one space between separate pieces. */
function textOf(target) {
  const walker = dom.window.document.createTreeWalker(target.dom || target, 4 /* NodeFilter.SHOW_TEXT */);
  const parts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\s+/g, ' ').trim();
    if (text) parts.push(text);
  }
  return parts.join(' ');
}

/* DOM nodes matching a selector anywhere on screen, inside child components too. */
function findAll(comp, selector) {
  return [...comp.dom.querySelectorAll(selector)];
}

module.exports = { renderComponent, renderPage, textOf, findAll };
