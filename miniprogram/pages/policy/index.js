const { basePage, whileBusy } = require('../../utils/page');
const policy = require('../../utils/policy');

Page(basePage({
  data: {
    tab: 'list', query: '', groups: [], loading: true,
    messages: [], draft: '', asking: false, samples: policy.SAMPLE_QUESTIONS, scrollTo: '',
  },

  onLoad(options) {
    if (options && options.tab === 'ask') this.setData({ tab: 'ask' });
    return this.loadItems();
  },

  async loadItems() {
    return whileBusy(this, 'loading', async () => {
      const data = await getApp().api.policyItems();
      this.items = data.items || [];
      this.applySearch();
    });
  },

  applySearch() {
    this.setData({ groups: policy.groupByCategory(policy.searchItems(this.items || [], this.data.query)) });
  },

  onTab(e) {
    this.setData({ tab: e.currentTarget.dataset.tab });
  },

  onSearch(e) {
    this.setData({ query: e.detail.value });
    this.applySearch();
  },

  onOpenItem(e) {
    wx.navigateTo({ url: `/pages/policy-detail/index?code=${encodeURIComponent(e.currentTarget.dataset.code)}` });
  },

  onDraft(e) {
    this.setData({ draft: e.detail.value });
  },

  onSample(e) {
    return this.ask(e.currentTarget.dataset.q);
  },

  onSend() {
    return this.ask(this.data.draft);
  },

  async ask(text) {
    const question = String(text || '').trim();
    if (!question || this.data.asking) return;
    const mine = this.data.messages.concat(policy.userMessage(question));
    this.setData({ messages: mine, draft: '', scrollTo: `m${mine.length - 1}` });
    return whileBusy(this, 'asking', async () => {
      const reply = await getApp().api.ask(question);
      const all = this.data.messages.concat(policy.botMessage(reply));
      this.setData({ messages: all, scrollTo: `m${all.length - 1}` });
    });
  },
}));
