const { basePage, whileBusy } = require('../../utils/page');

/* 在线举报: what went wrong, in the person's own words, straight to 纪委监督. */
Page(basePage({
  data: { content: '', contact: '', anonymous: false, errors: {}, done: null, sending: false },

  onField(e) {
    const { field } = e.currentTarget.dataset;
    this.setData({ [field]: e.detail.value, errors: {} });
  },

  onAnonymous(e) {
    this.setData({ anonymous: e.detail.value.length > 0 });
  },

  async onSend() {
    const content = this.data.content.trim();
    if (content.length < 5) {
      this.setData({ errors: { content: '请把要反映的事写清楚，至少 5 个字' } });
      return;
    }
    return whileBusy(this, 'sending', async () => {
      const data = await getApp().api.complain({
        content, contact: this.data.contact.trim(), anonymous: this.data.anonymous,
      });
      this.setData({ done: { id: data.id, message: data.message } });
    });
  },
}));
