/*
 * A thin client for the 一门 JSON API.
 *
 * The transport is injected so the same code runs inside WeChat (wx.request / wx.uploadFile)
 * and under node's test runner (a fake, or global fetch against a real server).
 *
 * transport.request({method, url, headers, data}) -> Promise<{status, data}>
 * transport.upload({url, headers, filePath, name, formData}) -> Promise<{status, data}>
 */

const TOKEN_KEY = 'yimen.token';
const OPENID_KEY = 'yimen.openid';

const STATUS_MESSAGES = {
  400: '填写的内容有问题，请检查后再试',
  401: '登录已过期，请重新进入小程序',
  403: '没有权限做这件事',
  404: '没有找到相关内容',
  409: '这件事已经有人处理过了，请刷新后再看',
  413: '照片太大了，请重新拍一张',
  429: '操作太频繁了，请过一会儿再试',
};
const SERVER_MESSAGE = '系统正忙，请稍后再试';
const NETWORK_MESSAGE = '网络不太好，请检查网络后再试';
const UPLOAD_MESSAGE = '照片没有传上去，请再试一次';

function photoType(filePath) {
  const ext = String(filePath).split('.').pop().toLowerCase();
  return { png: 'image/png', webp: 'image/webp' }[ext] || 'image/jpeg';
}

class ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

/* The backend speaks {"error": {"code", "message"}}; anything else (a proxy's HTML page, an
 * empty body) still has to become a sentence an elderly user can read. */
function toApiError(status, body) {
  const err = body && typeof body === 'object' ? body.error : null;
  if (err && err.code) {
    return new ApiError(err.code, err.message || STATUS_MESSAGES[status] || SERVER_MESSAGE, status);
  }
  const fallback = status >= 500 ? SERVER_MESSAGE : STATUS_MESSAGES[status] || SERVER_MESSAGE;
  return new ApiError(`HTTP_${status}`, fallback, status);
}

function memoryStorage() {
  const values = {};
  return {
    get: (key) => values[key],
    set: (key, value) => { values[key] = value; },
    remove: (key) => { delete values[key]; },
  };
}

function joinUrl(baseUrl, path) {
  return baseUrl.replace(/\/+$/, '') + path;
}

/**
 * options: {baseUrl, transport, getLoginCode: () => Promise<string>, storage?}
 */
function createClient(options) {
  const { baseUrl, transport, getLoginCode } = options;
  const storage = options.storage || memoryStorage();
  let loginInFlight = null;

  async function send(kind, req) {
    let res;
    try {
      res = await transport[kind](req);
    } catch {
      throw new ApiError('NETWORK', NETWORK_MESSAGE, 0);
    }
    if (res.status >= 200 && res.status < 300) return res.data;
    throw toApiError(res.status, res.data);
  }

  async function doLogin() {
    const code = await getLoginCode();
    const data = await send('request', {
      method: 'POST',
      url: joinUrl(baseUrl, '/api/v1/auth/wechat-login'),
      headers: { 'Content-Type': 'application/json' },
      data: { code },
    });
    storage.set(TOKEN_KEY, data.token);
    storage.set(OPENID_KEY, data.openid);
    return data;
  }

  /* Pages start several requests at once on first launch; they must share one login. */
  function login() {
    if (!loginInFlight) {
      loginInFlight = doLogin().finally(() => { loginInFlight = null; });
    }
    return loginInFlight;
  }

  async function authHeaders(auth) {
    if (!auth) return {};
    if (!storage.get(TOKEN_KEY)) await login();
    return { Authorization: `Bearer ${storage.get(TOKEN_KEY)}` };
  }

  /* A stored token can expire while the phone sleeps: log in again once, then retry once. */
  async function call(kind, req, { auth = true, extraHeaders = {} } = {}) {
    const attempt = async () => {
      const headers = Object.assign({}, req.headers, extraHeaders, await authHeaders(auth));
      return send(kind, Object.assign({}, req, { headers }));
    };
    try {
      return await attempt();
    } catch (e) {
      if (!auth || e.status !== 401) throw e;
      storage.remove(TOKEN_KEY);
      return attempt();
    }
  }

  function json(method, path, body, opts) {
    const req = { method, url: joinUrl(baseUrl, path), headers: { 'Content-Type': 'application/json' } };
    if (body !== undefined) req.data = body;
    return call('request', req, opts);
  }

  /* Photos go straight to the file store (S3's presigned POST, or the local server's stand-in) and
   * are named by key afterwards, so a 3 MB photo never passes through the API. -> upload_key */
  async function uploadPhoto(filePath) {
    const form = await json('POST', '/api/v1/uploads', { content_type: photoType(filePath) });
    try {
      await send('upload', { url: form.url, headers: {}, filePath, name: 'file', formData: form.fields });
    } catch (e) {
      // S3 answers in XML: keep the server's sentence when there is one, else say it plainly.
      if (e.code && !e.code.startsWith('HTTP_')) throw e;
      throw new ApiError('UPLOAD_FAILED', e.status === 413 ? STATUS_MESSAGES[413] : UPLOAD_MESSAGE, e.status);
    }
    return form.upload_key;
  }

  return {
    login,
    token: () => storage.get(TOKEN_KEY),
    openid: () => storage.get(OPENID_KEY),
    logout: () => { storage.remove(TOKEN_KEY); storage.remove(OPENID_KEY); },

    policyItems: () => json('GET', '/api/v1/policy/items', undefined, { auth: false }),
    policyItem: (code) => json('GET', `/api/v1/policy/items/${encodeURIComponent(code)}`, undefined, { auth: false }),
    ask: (question) => json('POST', '/api/v1/policy/ask', { question }, { auth: false }),
    hints: (profile) => json('POST', '/api/v1/eligibility/hints', profile, { auth: false }),
    villages: () => json('GET', '/api/v1/regions/villages', undefined, { auth: false }),
    banks: () => json('GET', '/api/v1/banks', undefined, { auth: false }),

    uploadPhoto,

    /* The photo goes up first; the check then names it, and so can the application later. */
    ocrIdcard: async (filePath, expected = {}) => {
      const body = { upload_key: await uploadPhoto(filePath) };
      if (expected.name) body.expected_name = expected.name;
      if (expected.idNumber) body.expected_id_number = expected.idNumber;
      return json('POST', '/api/v1/ocr/idcard', body);
    },

    /* The key is chosen by the caller and kept with the draft, so a retry after a dropped
     * connection reuses it and the server creates one application, not two. */
    submitApplication: (payload, idempotencyKey) => {
      if (!idempotencyKey) throw new Error('submitApplication needs an idempotency key');
      return json('POST', '/api/v1/applications', payload, { extraHeaders: { 'Idempotency-Key': idempotencyKey } });
    },
    myApplications: () => json('GET', '/api/v1/applications'),
    application: (id) => json('GET', `/api/v1/applications/${encodeURIComponent(id)}`),
    // Public, rate limited; answers only stages, and the same "not found" for every miss.
    statusLookup: (idNumber, name) => json('POST', '/api/v1/status-lookup', { id_number: idNumber, name }, { auth: false }),
    resubmit: (id, body) => json('POST', `/api/v1/applications/${encodeURIComponent(id)}/resubmit`, body),
    // The resident takes back her 代办授权; the application goes on, the assistant no longer sees it.
    revokeAssistant: (id) => json('POST', `/api/v1/applications/${encodeURIComponent(id)}/revoke-assistant`),
    withdraw: (id, reason) => json('POST', `/api/v1/applications/${encodeURIComponent(id)}/withdraw`, { reason }),
    happinessMine: () => json('GET', '/api/v1/happiness/mine'),
    myHouseholds: () => json('GET', '/api/v1/me/households'),
    // 补正: the members (masked) whose incomes this person may change, or 404 when the window keeps the file.
    correctableFile: (id) => json('GET', `/api/v1/applications/${encodeURIComponent(id)}/household`),
    // Binding her WeChat to her household on file: the window's one-time code, or ID + name + a texted code.
    bindByCode: (code) => json('POST', '/api/v1/binding/code', { code }),
    bindSmsRequest: (idNumber, name) => json('POST', '/api/v1/binding/sms', { id_number: idNumber, name }),
    bindSmsConfirm: (idNumber, name, code) => json('POST', '/api/v1/binding/sms/confirm', { id_number: idNumber, name, code }),
    // 在线举报: goes to the discipline office (纪委监督), never to the clerks it may be about.
    complain: ({ content, contact, anonymous }) => json('POST', '/api/v1/complaints', { content, contact, anonymous }),
  };
}

/* Adapts wx.request / wx.uploadFile to the transport interface. */
function wxTransport(wxApi) {
  return {
    request: (req) => new Promise((resolve, reject) => {
      wxApi.request({
        url: req.url,
        method: req.method,
        header: req.headers,
        data: req.data,
        success: (res) => resolve({ status: res.statusCode, data: res.data }),
        fail: reject,
      });
    }),
    upload: (req) => new Promise((resolve, reject) => {
      wxApi.uploadFile({
        url: req.url,
        filePath: req.filePath,
        name: req.name,
        header: req.headers,
        formData: req.formData,
        // uploadFile hands back the body as a string, unlike wx.request.
        success: (res) => resolve({ status: res.statusCode, data: parseJson(res.data) }),
        fail: reject,
      });
    }),
  };
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function wxStorage(wxApi) {
  return {
    get: (key) => wxApi.getStorageSync(key) || undefined,
    set: (key, value) => wxApi.setStorageSync(key, value),
    remove: (key) => wxApi.removeStorageSync(key),
  };
}

function wxLoginCode(wxApi) {
  return () => new Promise((resolve, reject) => {
    wxApi.login({
      success: (res) => (res.code ? resolve(res.code) : reject(new ApiError('LOGIN_FAILED', '微信登录没有成功，请重试', 0))),
      fail: () => reject(new ApiError('LOGIN_FAILED', '微信登录没有成功，请重试', 0)),
    });
  });
}

module.exports = {
  ApiError, createClient, toApiError, memoryStorage, wxTransport, wxStorage, wxLoginCode, TOKEN_KEY,
};
