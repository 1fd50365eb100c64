const { basePage, whileBusy } = require('../../utils/page');
const { detailSections } = require('../../utils/policy');

Page(basePage({
  data: { item: null, sections: [], loading: true },

  async onLoad(options) {
    this.code = options.code;
    return whileBusy(this, 'loading', async () => {
      const item = await getApp().api.policyItem(this.code);
      wx.setNavigationBarTitle({ title: item.name || '政策详情' });
      this.setData({ item, sections: detailSections(item) });
    });
  },

  onApply() {
    getApp().globalData.suggestedItems = [this.code];
    wx.navigateTo({ url: '/pages/apply/index' });
  },

  onAsk() {
    wx.navigateTo({ url: '/pages/policy/index?tab=ask' });
  },
}));
