const { parseHappinessCode } = require('../../utils/happiness');
const config = require('../../utils/config');

/* Shows the H5 幸福清单 page of a scanned 幸福码. The URL is checked again here because any
 * page (or a shared link) can open this one with arbitrary parameters. */
Page({
  data: { url: '', error: '' },
  onLoad(options) {
    const code = parseHappinessCode(decodeURIComponent(options.url || ''), config.trustedOrigins());
    this.setData(code.ok ? { url: code.url } : { error: code.message });
  },
});
