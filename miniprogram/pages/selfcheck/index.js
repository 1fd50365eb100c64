const { basePage, showError } = require('../../utils/page');
const wizard = require('../../utils/wizard');

Page(basePage({
  data: { phase: 'intro', q: null, input: '', picked: [], multi: [], error: '', hints: [], notice: '' },

  /* The catalogue supplies the "already receiving" choices; without it that question is skipped. */
  async onLoad() {
    try {
      const { items } = await getApp().api.policyItems();
      this.aidChoices = (items || []).map((i) => ({ value: i.code, label: i.name }));
    } catch {
      this.aidChoices = [];
    }
  },

  onStart() {
    this.state = wizard.start(this.aidChoices || []);
    this.render();
  },

  render() {
    if (wizard.isDone(this.state)) return this.fetchHints();
    const q = wizard.current(this.state);
    const input = q.value == null || q.kind === 'multi' ? '' : String(q.kind === 'money' ? q.value / 100 : q.value);
    this.setData({ phase: 'ask', q, input, error: '' });
    this.setPicked(q.kind === 'multi' ? (q.value || []).slice() : []);
    return undefined;
  },

  /* WXML cannot call methods, so each choice carries its own ticked flag. */
  setPicked(picked) {
    const choices = this.data.q.kind === 'multi' ? this.data.q.choices : [];
    this.setData({ picked, multi: choices.map((c) => Object.assign({}, c, { on: picked.includes(c.value) })) });
  },

  submit(raw) {
    const r = wizard.answer(this.state, raw);
    if (r.error) {
      this.setData({ error: r.error });
      return undefined;
    }
    this.state = r.state;
    return this.render();
  },

  onChoose(e) {
    return this.submit(e.currentTarget.dataset.value);
  },

  onToggle(e) {
    const { value } = e.currentTarget.dataset;
    const picked = this.data.picked.includes(value)
      ? this.data.picked.filter((v) => v !== value)
      : this.data.picked.concat(value);
    this.setPicked(picked);
  },

  onInput(e) {
    this.setData({ input: e.detail.value, error: '' });
  },

  onNext() {
    return this.submit(this.data.q.kind === 'multi' ? this.data.picked : this.data.input);
  },

  onBack() {
    if (this.state.index === 0) {
      this.setData({ phase: 'intro' });
      return;
    }
    this.state = wizard.back(this.state);
    this.render();
  },

  async fetchHints() {
    this.setData({ phase: 'loading' });
    try {
      const data = await getApp().api.hints(wizard.toProfile(this.state.answers));
      const { hints, notice } = wizard.shapeHints(data);
      this.setData({ phase: 'result', hints, notice });
    } catch (e) {
      this.state = wizard.back(this.state);
      this.render();
      showError(e);
    }
  },

  /* Carries the promising items into the application form. */
  onApplyThese() {
    getApp().globalData.suggestedItems = wizard.promisingCodes(this.data.hints);
    wx.navigateTo({ url: '/pages/apply/index' });
  },

  onRestart() {
    this.onStart();
  },
}));
