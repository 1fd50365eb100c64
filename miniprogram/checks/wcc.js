/*
 * Tencent's WXML compiler (wcc, from miniprogram-compiler) as a library: every .wxml of a project
 * compiled into one $gwx, and any of them rendered with given data into WeChat's virtual tree
 * ({tag: 'wx-view', attr: {...}, children: [...]}), as the WeChat view layer would receive it.
 */
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const wcc = require('miniprogram-compiler/src/wcc');

/* Source files of one kind under root, without their extension (the form wcc and wcsc take). */
function sourcesOf(root, ext, dir = '') {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = dir ? `${dir}/${d.name}` : d.name;
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : sourcesOf(root, ext, rel);
    return d.name.endsWith(ext) ? [rel.slice(0, -ext.length)] : [];
  }).sort();
}

/* Throws wcc's own message (file:line:column) when any template does not compile. */
function compileWxml(root) {
  const files = sourcesOf(root, '.wxml');
  const wxs = sourcesOf(root, '.wxs').map((f) => `${f}.wxs`);
  const code = wcc(root, files, wxs, { maxBuffer: 16 * 1024 * 1024 });
  const sandbox = { window: {}, console };
  sandbox.global = sandbox;
  const $gwx = vm.runInNewContext(`${code}; $gwx`, sandbox);
  const render = (file, data) => {
    const generate = $gwx(`${file}.wxml`);
    if (typeof generate !== 'function') throw new Error(`wcc produced no template for ${file}.wxml`);
    return generate(data, {}, undefined);
  };
  return { files, render };
}

module.exports = { compileWxml, sourcesOf };
