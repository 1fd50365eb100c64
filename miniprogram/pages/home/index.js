const { basePage } = require('../../utils/page');

/* What you can do, one big button each, in the order people need them. */
const ACTIONS = [
  { text: '问问政策', sub: '什么条件能领补助，要带什么材料', url: '/pages/policy/index' },
  { text: '自己测一测', sub: '回答几个问题，看看能申请哪些救助', url: '/pages/selfcheck/index' },
  { text: '我要申请', sub: '拍身份证、签个名就能交', url: '/pages/apply/index' },
  { text: '我的申请', sub: '看看办到哪一步了', url: '/pages/my-applications/index' },
  { text: '绑定我家档案', sub: '家里已有档案的，绑定后在手机上办', url: '/pages/bind/index' },
  { text: '幸福清单', sub: '我家领过哪些补助，扫幸福码', url: '/pages/happiness/index' },
  { text: '协理员代办', sub: '村里协理员帮老人、残疾人申请', url: '/pages/assistant/index' },
  { text: '我要反映', sub: '办事不公、吃拿卡要，直接告诉纪委', url: '/pages/complaint/index' },
  { text: '设置', sub: '字太小？打开大字模式', url: '/pages/settings/index' },
];

Page(basePage({
  data: { actions: ACTIONS },
  onGo(e) {
    wx.navigateTo({ url: e.detail.value });
  },
}));
