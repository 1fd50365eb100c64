const test = require('node:test');
const assert = require('node:assert/strict');
const { createClient, wxTransport, wxLoginCode, memoryStorage, TOKEN_KEY } = require('../utils/api');

/* A fake server: routes keyed "METHOD path" return {status, data}; every request is recorded. */
function fakeTransport(routes) {
  const calls = [];
  const handle = (kind) => async (req) => {
    calls.push(Object.assign({ kind }, req));
    const key = `${req.method || 'POST'} ${req.url.replace('https://yimen.test', '')}`;
    const route = routes[key];
    if (!route) return { status: 404, data: { error: { code: 'NOT_FOUND', message: '没有这个地址' } } };
    return typeof route === 'function' ? route(req, calls) : route;
  };
  return { calls, request: handle('request'), upload: handle('upload') };
}

const LOGIN = { status: 200, data: { token: 'tok-1', openid: 'o-1' } };

function client(routes, extra = {}) {
  const transport = fakeTransport(Object.assign({ 'POST /api/v1/auth/wechat-login': LOGIN }, routes));
  let codes = 0;
  const c = createClient(Object.assign({
    baseUrl: 'https://yimen.test/', transport, getLoginCode: async () => `code-${(codes += 1)}`,
  }, extra));
  return { c, calls: transport.calls };
}

test('login sends the wx.login code and keeps token and openid', async () => {
  const { c, calls } = client({});
  const data = await c.login();
  assert.deepEqual(data, { token: 'tok-1', openid: 'o-1' });
  assert.deepEqual(calls[0].data, { code: 'code-1' });
  assert.equal(calls[0].url, 'https://yimen.test/api/v1/auth/wechat-login');
  assert.equal(c.token(), 'tok-1');
  assert.equal(c.openid(), 'o-1');
});

test('citizen endpoints log in first and send the Bearer token; public ones do not', async () => {
  const { c, calls } = client({
    'GET /api/v1/applications': { status: 200, data: [{ id: 'a1' }] },
    'POST /api/v1/policy/ask': { status: 200, data: { answer: '低保……' } },
  });
  assert.deepEqual(await c.myApplications(), [{ id: 'a1' }]);
  assert.equal(calls.length, 2);
  assert.equal(calls[1].headers.Authorization, 'Bearer tok-1');
  await c.ask('低保要什么条件');
  assert.equal(calls[2].headers.Authorization, undefined);
  assert.deepEqual(calls[2].data, { question: '低保要什么条件' });
});

test('simultaneous first requests share one login', async () => {
  const { c, calls } = client({ 'GET /api/v1/happiness/mine': { status: 200, data: {} }, 'GET /api/v1/applications': { status: 200, data: [] } });
  await Promise.all([c.happinessMine(), c.myApplications()]);
  assert.equal(calls.filter((x) => x.url.endsWith('wechat-login')).length, 1);
});

test('an expired token triggers one fresh login and one retry', async () => {
  const storage = memoryStorage();
  storage.set(TOKEN_KEY, 'old');
  const { c, calls } = client({
    'GET /api/v1/applications/a1': (req) => (req.headers.Authorization === 'Bearer tok-1'
      ? { status: 200, data: { id: 'a1' } }
      : { status: 401, data: { error: { code: 'NOT_AUTHENTICATED', message: '请先登录' } } }),
  }, { storage });
  assert.deepEqual(await c.application('a1'), { id: 'a1' });
  assert.deepEqual(calls.map((x) => x.url.replace('https://yimen.test', '')), [
    '/api/v1/applications/a1', '/api/v1/auth/wechat-login', '/api/v1/applications/a1',
  ]);
});

test('a 401 that persists is thrown, not looped', async () => {
  const { c, calls } = client({ 'GET /api/v1/applications': { status: 401, data: { error: { code: 'NOT_AUTHENTICATED', message: '请先登录' } } } });
  await assert.rejects(c.myApplications(), { code: 'NOT_AUTHENTICATED', status: 401, message: '请先登录' });
  assert.equal(calls.length, 4);
});

test('backend errors become thrown errors with code and Chinese message', async () => {
  const { c } = client({ 'POST /api/v1/eligibility/hints': { status: 400, data: { error: { code: 'MISSING_FIELD', message: '缺少家庭成员' } } } });
  await assert.rejects(c.hints({}), (e) => e.name === 'ApiError' && e.code === 'MISSING_FIELD' && e.message === '缺少家庭成员' && e.status === 400);
});

test('non-JSON failures and network errors still read as plain Chinese', async () => {
  const { c } = client({
    'GET /api/v1/policy/items': { status: 502, data: '<html>Bad Gateway</html>' },
    'GET /api/v1/policy/items/x': { status: 429, data: null },
  });
  await assert.rejects(c.policyItems(), { code: 'HTTP_502', message: '系统正忙，请稍后再试' });
  await assert.rejects(c.policyItem('x'), { code: 'HTTP_429', message: '操作太频繁了，请过一会儿再试' });
  const broken = createClient({ baseUrl: 'https://yimen.test', transport: { request: async () => { throw new Error('ECONNRESET'); } }, getLoginCode: async () => 'c' });
  await assert.rejects(broken.policyItems(), { code: 'NETWORK', message: '网络不太好，请检查网络后再试' });
});

test('submit carries the Idempotency-Key and refuses to go without one', async () => {
  const { c, calls } = client({ 'POST /api/v1/applications': { status: 201, data: { id: 'a9', stage: 'submitted' } } });
  const res = await c.submitApplication({ items: ['dibao'] }, 'mp-key-1');
  assert.deepEqual(res, { id: 'a9', stage: 'submitted' });
  const submit = calls.find((x) => x.url.endsWith('/api/v1/applications'));
  assert.equal(submit.headers['Idempotency-Key'], 'mp-key-1');
  assert.equal(submit.headers.Authorization, 'Bearer tok-1');
  assert.throws(() => c.submitApplication({}, ''), /idempotency key/);
});

const FORM = {
  status: 201,
  data: { upload_key: 'uploads/ab12/photo-1.jpg', url: 'https://bucket.test/yimen', fields: { key: 'uploads/ab12/photo-1.jpg', policy: 'p' } },
};

test('the ID photo goes straight to the store with the form, then is checked by its key', async () => {
  const { c, calls } = client({
    'POST /api/v1/uploads': FORM,
    'POST https://bucket.test/yimen': { status: 204, data: null },
    'POST /api/v1/ocr/idcard': { status: 200, data: { name: '王秀英', warnings: [], photo_key: 'uploads/ab12/idcard-2.jpg' } },
  });
  const r = await c.ocrIdcard('wxfile://tmp/1.png', { name: '王秀英', idNumber: '11010519491231002X' });
  assert.equal(r.photo_key, 'uploads/ab12/idcard-2.jpg');
  const [, form, up, check] = calls;
  assert.deepEqual(form.data, { content_type: 'image/png' });
  assert.deepEqual([up.kind, up.url, up.name, up.filePath], ['upload', 'https://bucket.test/yimen', 'file', 'wxfile://tmp/1.png']);
  assert.deepEqual(up.formData, FORM.data.fields);
  assert.equal(up.headers.Authorization, undefined, 'the store gets the signed form, never the citizen\'s token');
  assert.deepEqual(check.data, { upload_key: 'uploads/ab12/photo-1.jpg', expected_name: '王秀英', expected_id_number: '11010519491231002X' });
  assert.equal(check.headers.Authorization, 'Bearer tok-1');
});

test('a store that refuses the photo (S3 answers in XML) still gives a plain sentence', async () => {
  const refusing = (status) => client({
    'POST /api/v1/uploads': FORM,
    'POST https://bucket.test/yimen': { status, data: null },
  }).c;
  await assert.rejects(refusing(403).uploadPhoto('wxfile://tmp/1.jpg'), { code: 'UPLOAD_FAILED', message: '照片没有传上去，请再试一次' });
  await assert.rejects(refusing(413).uploadPhoto('wxfile://tmp/1.jpg'), { code: 'UPLOAD_FAILED', message: '照片太大了，请重新拍一张' });
  const expired = client({
    'POST /api/v1/uploads': FORM,
    'POST https://bucket.test/yimen': { status: 403, data: { error: { code: 'UPLOAD_FORM_EXPIRED', message: '上传凭证已过期，请重新选择照片上传。' } } },
  }).c;
  await assert.rejects(expired.uploadPhoto('wxfile://tmp/1.jpg'), { code: 'UPLOAD_FORM_EXPIRED' });
});

test('withdraw posts the reason to the application\'s withdraw action', async () => {
  const { c, calls } = client({ 'POST /api/v1/applications/a1/withdraw': { status: 200, data: { id: 'a1', stage: '已撤回' } } });
  assert.deepEqual(await c.withdraw('a1', '不需要了'), { id: 'a1', stage: '已撤回' });
  const call = calls.at(-1);
  assert.deepEqual(call.data, { reason: '不需要了' });
  assert.equal(call.headers.Authorization, 'Bearer tok-1');
});

test('补正 posts note and materials to the resubmit action', async () => {
  const { c, calls } = client({ 'POST /api/v1/applications/a1/resubmit': { status: 200, data: { id: 'a1', stage: '受理' } } });
  await c.resubmit('a1', { note: '已重拍', materials: { id_photo: 'TkVX' } });
  assert.deepEqual(calls.at(-1).data, { note: '已重拍', materials: { id_photo: 'TkVX' } });
});

test('policy item codes are escaped into the path', async () => {
  const { c, calls } = client({ 'GET /api/v1/policy/items/a%2Fb': { status: 200, data: { code: 'a/b' } } });
  assert.deepEqual(await c.policyItem('a/b'), { code: 'a/b' });
  assert.equal(calls.length, 1);
});

test('wx adapters translate wx.request, wx.uploadFile and wx.login', async () => {
  const seen = {};
  const fakeWx = {
    request: (o) => { seen.request = o; o.success({ statusCode: 200, data: { ok: 1 } }); },
    uploadFile: (o) => { seen.upload = o; o.success({ statusCode: 400, data: '{"error":{"code":"NOT_IDCARD","message":"这不是身份证"}}' }); },
    login: (o) => o.success({ code: 'wx-code' }),
  };
  const t = wxTransport(fakeWx);
  assert.deepEqual(await t.request({ method: 'GET', url: 'u', headers: { A: '1' } }), { status: 200, data: { ok: 1 } });
  assert.deepEqual(seen.request.header, { A: '1' });
  const up = await t.upload({ url: 'u', filePath: 'f', name: 'image', headers: {}, formData: {} });
  assert.deepEqual(up, { status: 400, data: { error: { code: 'NOT_IDCARD', message: '这不是身份证' } } });
  assert.equal(await wxLoginCode(fakeWx)(), 'wx-code');
  await assert.rejects(wxLoginCode({ login: (o) => o.fail({}) })(), { code: 'LOGIN_FAILED' });
});
