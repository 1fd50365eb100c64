const { basePage, whileBusy } = require('../../utils/page');
const { shapeTimeline, statusLine, dueLine } = require('../../utils/timeline');
const { listRow, itemRows } = require('../../utils/applications');
const { correctionBody } = require('../../utils/apply');
const { INCOME_SOURCES, incomeText, incomeTotals, changedIncomes } = require('../../utils/household');
const { limitsLine, payeeLines } = require('../../utils/payee');

Page(basePage({
  data: {
    fresh: false, title: '', status: '', due: '', items: [], assistant: null, steps: [], open: false,
    correction: false, loading: true, withdrawing: false, mayRevoke: false, limits: '', payee: null,
    fixNote: '', fixPhoto: '', fixError: '', resubmitting: false,
    reason: '', members: [], sources: INCOME_SOURCES, incomes: [], totals: '',
  },

  onLoad(options) {
    this.id = options.id;
    this.setData({ fresh: options.fresh === '1' });
    return this.load();
  },

  onPullDownRefresh() {
    return this.load().then(() => wx.stopPullDownRefresh());
  },

  async load() {
    return whileBusy(this, 'loading', async () => {
      const app = await getApp().api.application(this.id);
      this.setData({
        title: listRow(app).title,
        status: statusLine(app),
        due: dueLine(app),
        items: itemRows(app),
        assistant: app.assistant || null,
        // the assistant's own view names the resident; the resident (household owner) may revoke
        mayRevoke: Boolean(app.open && app.assistant && !app.assistant.revoked && !app.assistant.resident),
        steps: shapeTimeline(app.timeline, app.stage),
        open: Boolean(app.open),
        correction: Boolean(app.correction_requested),
        reason: app.correction_reason || '',
        limits: limitsLine(app.time_limits),
        payee: payeeLines(app.payee),
      });
      if (app.correction_requested) await this.loadFile();
    });
  },

  /* The members whose incomes she may change in this 补正 (the window keeps other files: 404). */
  async loadFile() {
    try {
      const file = await getApp().api.correctableFile(this.id);
      this.file = file.members;
      const incomes = file.members.map((m) => incomeText(m.monthly_income_fen));
      this.setData({ members: file.members, incomes, totals: incomeTotals(incomes.map((income) => ({ income }))).text });
    } catch {
      this.file = [];
      this.setData({ members: [], incomes: [] });
    }
  },

  onIncome(e) {
    const { index, source } = e.currentTarget.dataset;
    const incomes = this.data.incomes.map((m, i) => (i === Number(index) ? Object.assign({}, m, { [source]: e.detail.value }) : m));
    this.setData({ incomes, fixError: '', totals: incomeTotals(incomes.map((income) => ({ income }))).text });
  },

  /* ---- 补正: say what was fixed, optionally with a new ID photo, and send it back ---- */
  onFixNote(e) {
    this.setData({ fixNote: e.detail.value, fixError: '' });
  },

  onFixPhoto() {
    wx.chooseMedia({
      count: 1,
      mediaType: ['image'],
      sourceType: ['camera', 'album'],
      sizeType: ['compressed'],
      success: (r) => this.setData({ fixPhoto: r.tempFiles[0].tempFilePath, fixError: '' }),
    });
  },

  async onResubmit() {
    const { fixNote, fixPhoto } = this.data;
    const changed = changedIncomes(this.file || [], this.data.incomes);
    const { error } = changed.error ? changed : correctionBody(fixNote, fixPhoto, changed.changes); // a chosen photo counts before it is sent
    if (error) {
      this.setData({ fixError: error });
      return;
    }
    return whileBusy(this, 'resubmitting', async () => {
      const photoKey = fixPhoto ? await getApp().api.uploadPhoto(fixPhoto) : '';
      await getApp().api.resubmit(this.id, correctionBody(fixNote, photoKey, changed.changes).body);
      this.setData({ fixNote: '', fixPhoto: '' });
      wx.showToast({ title: '已重新提交', icon: 'success' });
      await this.load();
    });
  },

  onRevoke() {
    wx.showModal({
      title: '撤销代办授权',
      content: '撤销后协理员就看不到这份申请了，申请照常办理。确定撤销吗？',
      confirmText: '确定撤销',
      cancelText: '不撤销',
      success: (r) => (r.confirm ? this.revoke() : undefined),
    });
  },

  async revoke() {
    return whileBusy(this, 'withdrawing', async () => {
      await getApp().api.revokeAssistant(this.id);
      await this.load();
    });
  },

  /* Withdrawing is final, so it asks once in plain words; a resident withdrawing an assistant's
   * application also revokes the assistant's authorisation (backend rule). */
  onWithdraw() {
    wx.showModal({
      title: '撤回申请',
      content: '撤回后这次申请就不再办理了。确定要撤回吗？',
      confirmText: '确定撤回',
      cancelText: '不撤回',
      success: (r) => (r.confirm ? this.withdraw() : undefined),
    });
  },

  async withdraw() {
    return whileBusy(this, 'withdrawing', async () => {
      await getApp().api.withdraw(this.id, '申请人在小程序撤回');
      await this.load();
    });
  },

  onHome() {
    wx.reLaunch({ url: '/pages/home/index' });
  },
}));
