const { basePage, showError } = require('../../utils/page');
const config = require('../../utils/config');
const { todayIso } = require('../../utils/format');
const {
  validateApplicationForm, memberErrors, hasErrors, RELATIONS, PROXY_REASONS,
} = require('../../utils/validate');
const {
  STEPS, stepIndex, ocrFeedback, buildApplicationPayload, reviewRows,
} = require('../../utils/apply');
const { villageOptions } = require('../../utils/regions');
const { createStrokeRecorder } = require('../../utils/signature');
const { INCOME_SOURCES, incomeFen, incomeTotals } = require('../../utils/household');
const { newIdempotencyKey } = require('../../utils/ids');
const { maskAccount, normalizeAccount, payeeWarning } = require('../../utils/payee');

const EMPTY_PHOTO = { path: '', key: '', status: 'none', feedback: null, error: '' };
const MEMBER_RELATIONS = RELATIONS.filter((r) => r !== '户主');

Page(basePage({
  data: {
    assistant: false,
    steps: STEPS,
    step: 'form',
    form: {
      name: '', idNumber: '', phone: '', villageCode: '', address: '', items: [], members: [], assistant: null,
      payee: { bank: '', bankName: '', account: '', holder: '' },
    },
    banks: [],
    payeeMasked: '',
    payeeWarning: '',
    errors: {},
    memberErrors: [],
    catalogue: [],
    villages: [],
    villageLabel: '',
    relations: MEMBER_RELATIONS,
    proxyReasons: PROXY_REASONS,
    useCamera: true,
    photo: EMPTY_PHOTO,
    signed: false,
    signError: '',
    rows: [],
    people: [],
    sources: INCOME_SOURCES,
    incomes: [],
    totals: '',
    incomeError: '',
    agree: false,
    submitting: false,
  },

  onLoad(options) {
    const assistant = Boolean(options && options.mode === 'assistant');
    const app = getApp();
    const suggested = app.globalData.suggestedItems || [];
    app.globalData.suggestedItems = [];
    this.recorder = createStrokeRecorder();
    this.setData({ assistant, 'form.items': suggested, 'form.assistant': assistant ? { name: '', reason: '' } : null });
    if (assistant) wx.setNavigationBarTitle({ title: '协理员代办' });
    return Promise.all([this.loadCatalogue(suggested), this.loadVillages(), this.loadBanks()]);
  },

  async loadBanks() {
    try {
      this.setData({ banks: (await getApp().api.banks()).items || [] });
    } catch {
      // Applying without an account is allowed: it can be given at the township window later.
      this.setData({ 'errors.payeeBank': '暂时取不到银行列表，可以先不填，以后带卡到乡镇窗口登记' });
    }
  },

  async loadVillages() {
    try {
      this.setData({ villages: villageOptions(await getApp().api.villages()) });
    } catch {
      // The form still opens; the village field then says why it cannot be chosen.
      this.setData({ 'errors.villageCode': '暂时选不了村（社区），请稍后再试或到乡镇窗口办理' });
    }
  },

  async loadCatalogue(selected) {
    try {
      const data = await getApp().api.policyItems();
      this.names = {};
      const catalogue = (data.items || []).map((i) => {
        this.names[i.code] = i.name;
        return { code: i.code, name: i.name, checked: selected.includes(i.code) };
      });
      this.setData({ catalogue });
    } catch (e) {
      showError(e);
    }
  },

  goStep(step) {
    this.setData({ step });
    wx.pageScrollTo({ scrollTop: 0, duration: 0 });
  },

  onStepBack() {
    // Editing after review means a different application: the old retry key must not be reused.
    this.key = null;
    this.goStep(STEPS[Math.max(0, stepIndex(this.data.step) - 1)].key);
  },

  /* ---- step 1: the form ---- */

  /* Error keys are flat ("members.0.name"), so they are removed from a copy, not by setData path. */
  withoutError(key, changes) {
    if (this.data.errors[key]) {
      const errors = Object.assign({}, this.data.errors);
      delete errors[key];
      Object.assign(changes, this.errorData(errors));
    }
    this.setData(changes);
  },

  errorData(errors) {
    return { errors, memberErrors: memberErrors(errors, this.data.form.members.length) };
  },

  /* data-field is the form path; data-error the error key when it differs (assistant.name). */
  onField(e) {
    const { field, error } = e.currentTarget.dataset;
    this.withoutError(error || field, { [`form.${field}`]: e.detail.value });
  },

  onItems(e) {
    this.withoutError('items', { 'form.items': e.detail.value });
  },

  onVillage(e) {
    const village = this.data.villages[Number(e.detail.value)];
    this.withoutError('villageCode', { 'form.villageCode': village.code, villageLabel: village.label });
  },

  onBank(e) {
    const bank = this.data.banks[Number(e.detail.value)];
    this.withoutError('payeeBank', { 'form.payee.bank': bank.code, 'form.payee.bankName': bank.name });
  },

  /* The number is shown back masked while typed, with a warning if its check digit doesn't add up. */
  onAccount(e) {
    const account = e.detail.value;
    const digits = normalizeAccount(account);
    const payeeMasked = /^\d{16,19}$/.test(digits) ? `您填的卡号：${maskAccount(digits)}` : '';
    this.withoutError('payeeAccount', { 'form.payee.account': account, payeeMasked,
      payeeWarning: payeeWarning({ account }) });
  },

  onReason(e) {
    this.withoutError('assistantReason', { 'form.assistant.reason': e.currentTarget.dataset.value });
  },

  onAddMember() {
    this.setData({ 'form.members': this.data.form.members.concat({ name: '', idNumber: '', relation: '' }) });
  },

  onRemoveMember(e) {
    const members = this.data.form.members.filter((_, i) => i !== Number(e.currentTarget.dataset.index));
    this.setData({ 'form.members': members, errors: {}, memberErrors: [] });
  },

  onMemberField(e) {
    const { index, field } = e.currentTarget.dataset;
    this.withoutError(`members.${index}.${field}`, { [`form.members[${index}].${field}`]: e.detail.value });
  },

  onMemberRelation(e) {
    const { index } = e.currentTarget.dataset;
    this.withoutError(`members.${index}.relation`, { [`form.members[${index}].relation`]: MEMBER_RELATIONS[Number(e.detail.value)] });
  },

  onFormNext() {
    const errors = validateApplicationForm(this.data.form, todayIso());
    this.setData(this.errorData(errors));
    if (hasErrors(errors)) {
      wx.showToast({ title: `有${Object.keys(errors).length}处要改一下`, icon: 'none' });
      return;
    }
    // One screen for the family's incomes next: a line per person, what was typed before kept.
    const { form } = this.data;
    const people = [`${form.name}（申请人）`].concat(form.members.map((m) => `${m.name}（${m.relation}）`));
    const incomes = people.map((_, i) => this.data.incomes[i] || {});
    this.setData({ people, incomes, incomeError: '', totals: incomeTotals(incomes.map((income) => ({ income }))).text });
    this.goStep('income');
  },

  /* ---- step 2: monthly income by source, the totals worked out as she types ---- */
  onIncome(e) {
    const { index, source } = e.currentTarget.dataset;
    const incomes = this.data.incomes.map((m, i) => (i === Number(index) ? Object.assign({}, m, { [source]: e.detail.value }) : m));
    this.setData({ incomes, incomeError: '', totals: incomeTotals(incomes.map((income) => ({ income }))).text });
  },

  onIncomeNext() {
    const bad = this.data.incomes.map((m) => incomeFen(m).error).find(Boolean);
    if (bad) {
      this.setData({ incomeError: bad });
      return;
    }
    this.goStep('photo');
  },

  /* ---- step 3: the ID photo, read at once so problems show while the card is at hand ---- */
  onCameraError() {
    // No camera permission or no camera: fall back to the system picker.
    this.setData({ useCamera: false });
  },

  onShoot() {
    wx.createCameraContext().takePhoto({
      quality: 'normal', // enough for OCR, and stays under the backend's 4 MB material limit
      success: (r) => this.readPhoto(r.tempImagePath),
      fail: () => this.setData({ useCamera: false }),
    });
  },

  onPick() {
    wx.chooseMedia({
      count: 1,
      mediaType: ['image'],
      sourceType: ['camera', 'album'],
      sizeType: ['compressed'],
      camera: 'back',
      success: (r) => this.readPhoto(r.tempFiles[0].tempFilePath),
    });
  },

  async readPhoto(path) {
    this.photoConfirmed = false;
    this.setData({ photo: { path, status: 'reading', feedback: null, error: '' } });
    const { form } = this.data;
    try {
      const result = await getApp().api.ocrIdcard(path, { name: form.name, idNumber: form.idNumber });
      this.setData({ 'photo.status': 'done', 'photo.key': result.photo_key, 'photo.feedback': ocrFeedback(result) });
    } catch (e) {
      this.setData({ 'photo.status': 'failed', 'photo.error': e.message });
    }
  },

  onRetake() {
    this.setData({ photo: EMPTY_PHOTO });
  },

  onPhotoNext() {
    if (this.data.photo.status !== 'done') {
      this.setData({ 'photo.error': '请先拍一张清楚的身份证正面照片' });
      return;
    }
    this.goStep('signature');
    // The canvas exists only once the signature step is rendered.
    wx.nextTick(() => this.initCanvas());
  },

  /* ---- step 4: signature on a 2d canvas ---- */
  initCanvas() {
    wx.createSelectorQuery().select('#sign').fields({ node: true, size: true }).exec((res) => {
      if (!res || !res[0]) return;
      const { node, width, height } = res[0];
      const dpr = wx.getWindowInfo().pixelRatio;
      node.width = width * dpr;
      node.height = height * dpr;
      const ctx = node.getContext('2d');
      ctx.scale(dpr, dpr);
      ctx.lineWidth = 5;
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      ctx.strokeStyle = '#111';
      this.canvas = { node, ctx, width, height };
      this.recorder.clear();
      this.setData({ signed: false, signError: '' });
    });
  },

  onSignStart(e) {
    const t = e.touches[0];
    this.recorder.begin(t.x, t.y);
  },

  onSignMove(e) {
    const t = e.touches[0];
    const prev = this.recorder.move(t.x, t.y);
    if (!prev || !this.canvas) return;
    const { ctx } = this.canvas;
    ctx.beginPath();
    ctx.moveTo(prev[0], prev[1]);
    ctx.lineTo(t.x, t.y);
    ctx.stroke();
  },

  onSignEnd() {
    this.setData({ signed: this.recorder.hasInk(), signError: '' });
  },

  onSignClear() {
    if (this.canvas) this.canvas.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.recorder.clear();
    this.setData({ signed: false });
  },

  onSignNext() {
    if (!this.recorder.hasInk()) {
      this.setData({ signError: '请用手指在框里写上名字' });
      return;
    }
    wx.canvasToTempFilePath({
      canvas: this.canvas.node,
      fileType: 'png',
      success: (r) => {
        this.signature = wx.getFileSystemManager().readFileSync(r.tempFilePath, 'base64');
        const rows = reviewRows(this.data.form, this.names || {}, this.data.villageLabel);
        rows.push({ label: '家里每月收入', value: this.data.totals });
        this.setData({ rows, agree: false });
        this.goStep('review');
      },
      fail: () => this.setData({ signError: '签名没有保存下来，请再签一次' }),
    });
  },

  /* ---- step 5: review and submit ---- */
  onAgree(e) {
    this.setData({ agree: e.detail.value.length > 0 });
  },

  onSubmit() {
    if (!this.data.agree) {
      wx.showToast({ title: '请先勾选“我保证信息真实”', icon: 'none' });
      return undefined;
    }
    // Must run inside the tap itself (WeChat needs a user gesture), so before any await.
    if (config.subscribeTemplateIds.length) {
      wx.requestSubscribeMessage({ tmplIds: config.subscribeTemplateIds, complete: () => {} });
    }
    // One key per reviewed draft: a retry after a dropped connection creates no second application.
    this.key = this.key || newIdempotencyKey();
    return this.send();
  },

  async send() {
    this.setData({ submitting: true });
    try {
      const { form } = this.data;
      const payload = buildApplicationPayload({ form, photoKey: this.data.photo.key, signature: this.signature,
                                                incomes: this.data.incomes });
      if (this.photoConfirmed) payload.photo_confirmed = true;
      const created = await getApp().api.submitApplication(payload, this.key);
      this.key = null;
      wx.redirectTo({ url: `/pages/application/index?id=${encodeURIComponent(created.id)}&fresh=1` });
    } catch (e) {
      if (e.code === 'PHOTO_NOT_CONFIRMED') this.askPhotoConfirmed(e.message);
      else showError(e);
    } finally {
      this.setData({ submitting: false });
    }
  },

  /* The server's photo rule (the same as the H5 form's): the person looks again, then sends as it is
   * or takes the photo again. */
  askPhotoConfirmed(message) {
    wx.showModal({
      title: '请核对身份证照片',
      content: message,
      confirmText: '仍然提交',
      cancelText: '重拍照片',
      success: (r) => {
        if (r.confirm) {
          this.photoConfirmed = true;
          this.send();
        } else {
          this.goStep('photo');
        }
      },
    });
  },
}));
