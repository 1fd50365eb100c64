const { basePage, whileBusy } = require('../../utils/page');
const { personErrors, hasErrors } = require('../../utils/validate');
const { normalizeIdNumber } = require('../../utils/idcard');
const { statusLine } = require('../../utils/timeline');
const { todayIso } = require('../../utils/format');

/* 按身份证号查进度 (as in 达川/临清): for a family member's application made elsewhere. The
 * server shows only the stage, and only when name and number belong together. */
Page(basePage({
  data: { name: '', idNumber: '', errors: {}, result: null, searching: false },

  onField(e) {
    const { field } = e.currentTarget.dataset;
    this.setData({ [field]: e.detail.value, errors: {}, result: null });
  },

  async onSearch() {
    const errors = personErrors(this.data.name, this.data.idNumber, todayIso());
    this.setData({ errors });
    if (hasErrors(errors)) return;
    return whileBusy(this, 'searching', async () => {
      const data = await getApp().api.statusLookup(normalizeIdNumber(this.data.idNumber), this.data.name.trim());
      this.setData({ result: { message: data.message, lines: (data.applications || []).map(statusLine) } });
    });
  },
}));
