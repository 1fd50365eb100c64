const config = require('./utils/config');
const api = require('./utils/api');
const { createSettings } = require('./utils/settings');

App({
  // Hand-off between pages: items picked in 自测 pre-select the 申请 form.
  globalData: { suggestedItems: [] },

  onLaunch() {
    const storage = api.wxStorage(wx);
    this.settings = createSettings(storage);
    this.api = api.createClient({
      baseUrl: config.baseUrl,
      transport: api.wxTransport(wx),
      getLoginCode: api.wxLoginCode(wx),
      storage,
    });
    // Log in early so the first personal screen does not wait; a failure here is retried
    // on the first request that needs the token.
    this.api.login().catch(() => {});
  },
});
