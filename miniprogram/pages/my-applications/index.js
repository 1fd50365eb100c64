const { basePage, whileBusy } = require('../../utils/page');
const { listRows, unwrapList } = require('../../utils/applications');

Page(basePage({
  data: { rows: [], loading: true },

  onShow() {
    return this.load();
  },

  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  async load() {
    return whileBusy(this, 'loading', async () => {
      const data = await getApp().api.myApplications();
      this.setData({ rows: listRows(unwrapList(data)) });
    });
  },

  onOpen(e) {
    wx.navigateTo({ url: `/pages/application/index?id=${encodeURIComponent(e.currentTarget.dataset.id)}` });
  },

  onLookup() {
    wx.navigateTo({ url: '/pages/status-lookup/index' });
  },

  onApply() {
    wx.navigateTo({ url: '/pages/apply/index' });
  },
}));
