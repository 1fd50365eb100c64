const { basePage, whileBusy } = require('../../utils/page');
const { personErrors, hasErrors } = require('../../utils/validate');
const { normalizeIdNumber } = require('../../utils/idcard');
const { todayIso } = require('../../utils/format');

/* 绑定我家档案: a resident whose household is already on file proves who she is once, with the window's
 * one-time code or with ID number + name + a code texted to the phone on file. The server answers the
 * text request the same way whether or not the number is on file, so this page does too. */
Page(basePage({
  data: {
    step: 'choose', code: '', name: '', idNumber: '', smsCode: '', message: '', errors: {}, bound: null,
    busy: false,
  },

  onField(e) {
    const { field } = e.currentTarget.dataset;
    this.setData({ [field]: e.detail.value, errors: {} });
  },

  async onBindCode() {
    const code = String(this.data.code).replace(/\s/g, '');
    if (!/^\d{8}$/.test(code)) {
      this.setData({ errors: { code: '绑定码是 8 位数字，请照窗口给的填' } });
      return;
    }
    return this.bind(() => getApp().api.bindByCode(code));
  },

  async onSendSms() {
    const errors = personErrors(this.data.name, this.data.idNumber, todayIso());
    this.setData({ errors });
    if (hasErrors(errors)) return;
    return whileBusy(this, 'busy', async () => {
      const data = await getApp().api.bindSmsRequest(normalizeIdNumber(this.data.idNumber), this.data.name.trim());
      this.setData({ step: 'sms', message: data.message, smsCode: '' });
    });
  },

  async onConfirm() {
    if (!/^\d{6}$/.test(String(this.data.smsCode).trim())) {
      this.setData({ errors: { smsCode: '验证码是 6 位数字' } });
      return;
    }
    const { idNumber, name, smsCode } = this.data;
    return this.bind(() => getApp().api.bindSmsConfirm(normalizeIdNumber(idNumber), name.trim(), smsCode.trim()));
  },

  async bind(call) {
    return whileBusy(this, 'busy', async () => {
      const data = await call();
      const head = data.household.members[0] || {};
      this.setData({ step: 'done', bound: { name: head.name, size: data.household.members.length } });
    });
  },

  onAgain() {
    this.setData({ step: 'choose', errors: {}, smsCode: '' });
  },

  onApply() {
    wx.redirectTo({ url: '/pages/apply/index' });
  },

  onMine() {
    wx.redirectTo({ url: '/pages/my-applications/index' });
  },
}));
