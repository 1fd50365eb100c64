/*
 * A small stand-in for the WeChat runtime: enough of Page, getApp, wx and setData to run a
 * page's own code under node. It records navigation, toasts and modals so tests can assert
 * what the person would see.
 */
const path = require('node:path');
const { memoryStorage } = require('../../utils/api');
const { createSettings } = require('../../utils/settings');

const ROOT = path.join(__dirname, '..', '..');

/* 'form.members[0].name' -> ['form', 'members', '0', 'name'] as setData understands it. */
function setByPath(target, keyPath, value) {
  const keys = keyPath.replace(/\[(\d+)\]/g, '.$1').split('.');
  let node = target;
  keys.slice(0, -1).forEach((k, i) => {
    if (node[k] == null || typeof node[k] !== 'object') node[k] = /^\d+$/.test(keys[i + 1]) ? [] : {};
    else node[k] = Array.isArray(node[k]) ? node[k].slice() : Object.assign({}, node[k]);
    node = node[k];
  });
  node[keys[keys.length - 1]] = value;
}

function fakeWx(storage, files) {
  const log = { navigations: [], toasts: [], modals: [], stops: 0, titles: [] };
  const nav = (kind) => (o) => log.navigations.push({ kind, url: o.url });
  const wx = {
    log,
    navigateTo: nav('navigateTo'),
    redirectTo: nav('redirectTo'),
    reLaunch: nav('reLaunch'),
    showToast: (o) => log.toasts.push(o.title),
    showModal: (o) => log.modals.push(o),
    setNavigationBarTitle: (o) => log.titles.push(o.title),
    stopPullDownRefresh: () => { log.stops += 1; },
    pageScrollTo: () => {},
    nextTick: (fn) => fn(),
    getStorageSync: (k) => storage.get(k),
    setStorageSync: (k, v) => storage.set(k, v),
    removeStorageSync: (k) => storage.remove(k),
    // Files the camera and canvas "wrote": {path: base64}.
    getFileSystemManager: () => ({ readFileSync: (p, encoding) => {
      if (encoding !== 'base64' || !(p in files)) throw new Error(`no such file ${p}`);
      return files[p];
    } }),
  };
  return wx;
}

/**
 * Loads pages/<name>/index.js with `api` as getApp().api. Returns {page, wx, app}; `page` has
 * the page's methods and data, and setData behaves like WeChat's (paths, shallow copies).
 */
function loadPage(name, { api = {}, storage = memoryStorage(), files = {}, wxOverrides = {} } = {}) {
  const app = { api, settings: createSettings(storage), globalData: { suggestedItems: [] } };
  const wx = Object.assign(fakeWx(storage, files), wxOverrides);
  let definition = null;
  global.wx = wx;
  global.getApp = () => app;
  global.Page = (def) => { definition = def; };
  const file = path.join(ROOT, 'pages', name, 'index.js');
  delete require.cache[require.resolve(file)];
  require(file);
  const page = Object.assign({}, definition, { data: JSON.parse(JSON.stringify(definition.data || {})) });
  page.setData = function setData(changes) {
    Object.keys(changes).forEach((k) => setByPath(this.data, k, changes[k]));
  };
  return { page, wx, app, storage };
}

module.exports = { loadPage, setByPath, ROOT };
