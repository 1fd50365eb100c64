const { basePage, showError } = require('../../utils/page');
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
    try {
      const data = await getApp().api.myApplications();
      this.setData({ residents: residentsFrom(unwrapList(data)) });
    } catch (e) {
      showError(e);
    } finally {
      this.setData({ loading: false });
    }
  },

  onApplyFor() {
    wx.navigateTo({ url: '/pages/apply/index?mode=assistant' });
  },

  onOpen(e) {
    wx.navigateTo({ url: `/pages/application/index?id=${encodeURIComponent(e.currentTarget.dataset.id)}` });
  },
}));
