const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { memoryStorage, TOKEN_KEY } = require('../utils/api');
const config = require('../utils/config');

test('app launch wires the wx client, logs in early and keeps the token in storage', async () => {
  const storage = memoryStorage();
  const requests = [];
  global.wx = {
    login: (o) => o.success({ code: 'launch-code' }),
    request: (o) => {
      requests.push(o);
      o.success({ statusCode: 200, data: { token: 'tok-launch', openid: 'o-launch' } });
    },
    getStorageSync: (k) => storage.get(k),
    setStorageSync: (k, v) => storage.set(k, v),
    removeStorageSync: (k) => storage.remove(k),
  };
  let def = null;
  global.App = (d) => { def = d; };
  const file = path.join(__dirname, '..', 'app.js');
  delete require.cache[file];
  require(file);
  const app = Object.assign({}, def);
  app.onLaunch();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(requests.length, 1);
  assert.equal(requests[0].url, `${config.baseUrl}/api/v1/auth/wechat-login`);
  assert.deepEqual(requests[0].data, { code: 'launch-code' });
  assert.equal(storage.get(TOKEN_KEY), 'tok-launch');
  assert.equal(app.settings.isBig(), false);
  assert.deepEqual(app.globalData.suggestedItems, []);
});
