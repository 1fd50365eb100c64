/* What every page shares: 大字模式 applied on show, and errors shown the same plain way. */

function basePage(def) {
  const ownOnShow = def.onShow;
  return Object.assign({}, def, {
    data: Object.assign({ big: false }, def.data),
    onShow(...args) {
      // Settings can change on another page; re-read on every show so going back applies it.
      const big = getApp().settings.isBig();
      if (big !== this.data.big) this.setData({ big });
      return ownOnShow ? ownOnShow.apply(this, args) : undefined;
    },
  });
}

/* Only Chinese sentences reach the person: API errors carry one; a JavaScript error's English
 * text ("Cannot read properties of undefined") never should. */
function showError(err) {
  const message = (err && err.message) || '';
  wx.showModal({
    title: '没有办成',
    content: /[\u4e00-\u9fa5]/.test(message) ? message : '出了点问题，请再试一次',
    showCancel: false,
    confirmText: '知道了',
  });
}

/* Runs `work` with data[flag] true meanwhile (a spinner, a disabled button); a failure is shown
 * in plain words, never thrown at the page. */
async function whileBusy(page, flag, work) {
  page.setData({ [flag]: true });
  try {
    return await work();
  } catch (e) {
    showError(e);
    return undefined;
  } finally {
    page.setData({ [flag]: false });
  }
}

module.exports = { basePage, showError, whileBusy };
