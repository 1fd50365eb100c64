/* 幸福码 scanning and the 幸福清单 screen. */
const { yuan, chineseDate } = require('./format');

/*
 * A 幸福码 is <origin>/h/<token>, where origin is the county's own server (https in production;
 * the local `yimen serve` is http://127.0.0.1:8000). Codes of any other origin (a payment code,
 * a shop's QR, a look-alike site) are refused before anything opens them.
 */
function parseHappinessCode(text, trustedOrigins) {
  const m = /^(https?:\/\/[^/?#]+)\/h\/([A-Za-z0-9_-]{8,128})\/?(?:[?#].*)?$/.exec(String(text || '').trim());
  if (!m) return { ok: false, message: '这不是幸福码，请对准红色清单上的二维码再扫一次' };
  const origin = m[1].toLowerCase();
  if (!trustedOrigins.map((o) => o.replace(/\/+$/, '').toLowerCase()).includes(origin)) {
    return { ok: false, message: '这个二维码不是本县的幸福码' };
  }
  return { ok: true, token: m[2], url: `${origin}/h/${m[2]}` };
}

/* '2026-11' -> '2026年11月'; a full date -> '2026年11月5日'. */
function whenText(record) {
  const w = String(record.when || record.paid_on || '');
  const month = /^(\d{4})-(\d{2})$/.exec(w);
  return month ? `${Number(month[1])}年${Number(month[2])}月` : chineseDate(w);
}

function amountText(entry) {
  return entry.amount_yuan ? `${entry.amount_yuan}元` : yuan(entry.amount_fen);
}

/*
 * One household's list (the backend's view document) for the screen: records grouped by the
 * year they were paid, newest first. Totals are the backend's own, so the phone, the H5 page
 * and the red paper all show the same figures.
 */
function shapeList(doc) {
  const years = {};
  (doc.records || []).forEach((r) => {
    const year = String(r.paid_on || r.when || '').slice(0, 4) || '其他';
    years[year] = years[year] || { year, rows: [] };
    years[year].rows.push({
      item: r.item_name || '', department: r.department || '', measure: r.measure || '',
      amount: amountText(r), when: whenText(r),
    });
  });
  return {
    title: doc.title || '幸福清单',
    headName: doc.head_name || '',
    address: doc.address || '',
    members: (doc.members || []).map((m) => ({ name: m.name, relation: m.relation, disability: m.disability || '' })),
    years: Object.keys(years).sort((a, b) => b.localeCompare(a)).map((y) => years[y]),
    totals: (doc.year_totals || []).map((t) => ({ label: t.label, amount: amountText(t) })),
    grandTotal: doc.grand_total ? amountText(doc.grand_total) : '',
    cadre: doc.cadre_name ? { name: doc.cadre_name, phone: doc.cadre_phone || '' } : null,
    contactLine: doc.contact_line || '以上信息如有疑问，请联系村里的帮扶干部或乡镇民政办。',
  };
}

/* GET /api/v1/happiness/mine -> {lists: [{url, qr_png, list}]}: one entry per household owned. */
function shapeMine(data) {
  return ((data && data.lists) || []).map((entry) => Object.assign(shapeList(entry.list || {}), { url: entry.url || '' }));
}

module.exports = { parseHappinessCode, shapeList, shapeMine };
