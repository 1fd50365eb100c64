const { basePage } = require('../../utils/page');

Page(basePage({
  onBig(e) {
    const on = e.detail.value;
    getApp().settings.setBig(on);
    this.setData({ big: on });
    wx.showToast({ title: on ? '已打开大字模式' : '已关闭大字模式', icon: 'none' });
  },

  onLogout() {
    wx.showModal({
      title: '退出登录',
      content: '退出后，再打开小程序会重新用微信登录。',
      confirmText: '退出',
      cancelText: '不退出',
      success: (r) => {
        if (!r.confirm) return;
        getApp().api.logout();
        wx.reLaunch({ url: '/pages/home/index' });
      },
    });
  },
}));
