/*
 * The mini-program as Tencent's own tools see it, offline:
 * - miniprogram-ci (the compiler inside WeChat DevTools): getCompiledResult, analyseCode, checkCodeQuality;
 * - wcc / wcsc from miniprogram-compiler: every .wxml and .wxss compiled (miniprogram-ci does not check WXML).
 * Works on a copy of what would be uploaded (packOptions applied), with a throwaway private key.
 * Exits non-zero on any compile error or failed quality item.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const ci = require('miniprogram-ci');
const wcsc = require('miniprogram-compiler/src/wcsc');
const { compileWxml, sourcesOf } = require('./wcc');

const ROOT = path.join(__dirname, '..');
const projectConfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8'));

/* Copies the project without what packOptions.ignore leaves out of an upload. */
function copyUploadable(dest) {
  const ignored = new Set(projectConfig.packOptions.ignore.map((i) => i.value));
  fs.cpSync(ROOT, dest, { recursive: true, filter: (src) => !ignored.has(path.relative(ROOT, src)) });
}

/* miniprogram-ci asks servicewechat.com for a list of allowed file types (and falls back to its
 * bundled list when that fails). Its requests go to this proxy, which refuses them, so nothing
 * leaves the machine; the count is printed. */
async function refusingProxy() {
  const server = net.createServer((socket) => { server.attempts += 1; socket.destroy(); });
  server.attempts = 0;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  ci.proxy(`http://127.0.0.1:${server.address().port}`);
  return server;
}

function expectEvery(what, names, have) {
  const missing = names.filter((n) => !have.has(n));
  if (missing.length) throw new Error(`${what} is missing ${missing.join(', ')}`);
}

async function miniprogramCi(dir, keyPath, pages) {
  const project = new ci.Project({ appid: projectConfig.appid, type: 'miniProgram', projectPath: dir, privateKeyPath: keyPath });
  // The project's attributes normally come from WeChat's servers; the defaults compile the same code.
  project.attr = async () => ci.DefaultProjectAttr;
  const s = projectConfig.setting;
  const setting = { es6: s.es6, es7: s.enhance, minify: s.minified, minifyWXML: s.minifyWXML, minifyWXSS: s.minifyWXSS, autoPrefixWXSS: s.postcss };

  let started = Date.now();
  const compiled = await ci.getCompiledResult({ project, version: '0.0.0', setting }, path.join(dir, '..', 'compiled'));
  const names = new Set(Object.keys(compiled));
  expectEvery('getCompiledResult', pages.flatMap((p) => ['js', 'json', 'wxml', 'wxss'].map((e) => `${p}.${e}`)), names);
  console.log(`miniprogram-ci getCompiledResult: ${names.size} files, ${pages.length} pages and components present (${Date.now() - started} ms)`);

  started = Date.now();
  const analysis = await ci.analyseCode(project, { silent: true });
  const bytes = analysis.files.reduce((sum, f) => sum + f.size, 0);
  console.log(`miniprogram-ci analyseCode: ${analysis.files.length} files, ${(bytes / 1024).toFixed(1)} KiB (${Date.now() - started} ms)`);

  started = Date.now();
  const quality = await ci.checkCodeQuality(project);
  const failed = quality.filter((q) => !q.success);
  console.log(`miniprogram-ci checkCodeQuality: ${quality.length - failed.length}/${quality.length} passed (${Date.now() - started} ms)`);
  if (failed.length) {
    throw new Error(`checkCodeQuality: ${failed.map((q) => `${q.name}: ${q.text}${q.detail ? ` ${JSON.stringify(q.detail)}` : ''}`).join('; ')}`);
  }
}

/* wcc compiles all WXML into one $gwx; each template must then render (with empty data). */
function checkWxml(dir) {
  const started = Date.now();
  const { files, render } = compileWxml(dir);
  files.forEach((f) => render(f, {}));
  console.log(`wcc: ${files.length} .wxml compiled and rendered (${Date.now() - started} ms)`);
}

function compileWxss(dir) {
  const started = Date.now();
  const files = sourcesOf(dir, '.wxss');
  const result = wcsc(dir, files, { maxBuffer: 16 * 1024 * 1024 });
  if (result instanceof Error) throw result; // wcsc's wrapper returns its error instead of throwing
  expectEvery('wcsc', files.map((f) => `${f}.wxss`), new Set(Object.keys(result).map((k) => k.replace(/^\.\//, ''))));
  console.log(`wcsc: ${files.length} .wxss compiled (${Date.now() - started} ms)`);
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yimen-mp-'));
  const proxy = await refusingProxy();
  try {
    const dir = path.join(tmp, 'project');
    copyUploadable(dir);
    const keyPath = path.join(tmp, 'private.key'); // a throwaway key: nothing here is signed for real
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(keyPath, privateKey.export({ type: 'pkcs1', format: 'pem' }));
    const app = JSON.parse(fs.readFileSync(path.join(dir, 'app.json'), 'utf8'));
    const pages = app.pages.concat(Object.values(app.usingComponents).map((c) => c.replace(/^\//, '')));

    checkWxml(dir);
    compileWxss(dir);
    await miniprogramCi(dir, keyPath, pages);
    console.log(`network requests refused: ${proxy.attempts} (miniprogram-ci asks servicewechat.com for its file-type list, then uses its bundled one)`);
  } finally {
    proxy.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// miniprogram-ci leaves a file watcher running, so the process is ended explicitly.
main().then(() => process.exit(0), (err) => {
  console.error(`Tencent compile check failed: ${err.message || err}`);
  process.exit(1);
});
