const { basePage, whileBusy } = require('../../utils/page');
const config = require('../../utils/config');
const { parseHappinessCode, shapeMine } = require('../../utils/happiness');

Page(basePage({
  data: { loading: true, lists: [], scanError: '' },

  onLoad() {
    return this.load();
  },

  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  async load() {
    return whileBusy(this, 'loading', async () => {
      this.setData({ lists: shapeMine(await getApp().api.happinessMine()) });
    });
  },

  onScan() {
    wx.scanCode({
      onlyFromCamera: false,
      scanType: ['qrCode'],
      success: (r) => {
        const code = parseHappinessCode(r.result, config.trustedOrigins());
        this.setData({ scanError: code.ok ? '' : code.message });
        if (code.ok) wx.navigateTo({ url: `/pages/webview/index?url=${encodeURIComponent(code.url)}` });
      },
    });
  },

  onCall(e) {
    wx.makePhoneCall({ phoneNumber: e.currentTarget.dataset.phone });
  },
}));
