/* Display helpers. Money is integer fen end to end; floats never touch it. */

function yuan(fen) {
  const n = Number(fen) || 0;
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(Math.round(n));
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = abs % 100;
  return `${sign}${whole}${cents ? `.${String(cents).padStart(2, '0')}` : ''}元`;
}

/* '1200.5' -> 120050; returns null for anything that is not a plain amount. */
function parseYuan(text) {
  const s = String(text == null ? '' : text).trim().replace(/[,，元\s]/g, '');
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}

/* '2026-11-25T08:30:00Z' -> '2026年11月25日'. Dates from the API are ISO strings. */
function chineseDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso || ''));
  return m ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : '';
}

function chineseDateTime(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(String(iso || ''));
  return m ? `${chineseDate(iso)} ${m[4]}:${m[5]}` : chineseDate(iso);
}

function todayIso(now = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

module.exports = { yuan, parseYuan, chineseDate, chineseDateTime, todayIso };
