const { basePage, whileBusy } = require('../../utils/page');
const { residentsFrom, unwrapList } = require('../../utils/applications');

Page(basePage({
  data: { residents: [], loading: true },

  onShow() {
    return this.load();
  },

  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  async load() {
    return whileBusy(this, 'loading', async () => {
      const data = await getApp().api.myApplications();
      this.setData({ residents: residentsFrom(unwrapList(data)) });
    });
  },

  onApplyFor() {
    wx.navigateTo({ url: '/pages/apply/index?mode=assistant' });
  },

  onOpen(e) {
    wx.navigateTo({ url: `/pages/application/index?id=${encodeURIComponent(e.currentTarget.dataset.id)}` });
  },
}));
