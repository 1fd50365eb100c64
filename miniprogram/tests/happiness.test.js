const test = require('node:test');
const assert = require('node:assert/strict');
const { parseHappinessCode, shapeList, shapeMine } = require('../utils/happiness');

const ORIGINS = ['https://yimen.example.gov.cn', 'http://127.0.0.1:8000/'];

test('a 幸福码 of a trusted origin gives its token', () => {
  assert.deepEqual(parseHappinessCode('https://yimen.example.gov.cn/h/Ab3_xY9-kLmN0pQr', ORIGINS), {
    ok: true, token: 'Ab3_xY9-kLmN0pQr', url: 'https://yimen.example.gov.cn/h/Ab3_xY9-kLmN0pQr',
  });
  assert.equal(parseHappinessCode(' http://127.0.0.1:8000/h/Ab3xY9kLmN0p ', ORIGINS).url, 'http://127.0.0.1:8000/h/Ab3xY9kLmN0p');
});

test('other codes are refused with a plain message', () => {
  assert.deepEqual(parseHappinessCode('http://yimen.example.gov.cn/h/Ab3xY9kLmN0p', ORIGINS), { ok: false, message: '这个二维码不是本县的幸福码' });
  assert.deepEqual(parseHappinessCode('https://yimen.example.gov.cn.evil.example/h/Ab3xY9kLmN0p', ORIGINS).ok, false);
  assert.equal(parseHappinessCode('https://evil.example/pay?x=1', ORIGINS).ok, false);
  assert.equal(parseHappinessCode('https://yimen.example.gov.cn/h/short', ORIGINS).ok, false);
  assert.match(parseHappinessCode('wxp://f2f0abc', ORIGINS).message, /不是幸福码/);
});

test('the /mine document: records by year, the backend\'s totals, the cadre', () => {
  // Shape as served by GET /api/v1/happiness/mine (entrypoints/web/happiness.py view_document).
  const lists = shapeMine({ lists: [{ url: 'https://yimen.example.gov.cn/h/Tok3n_abcdefgh', qr_png: '/x.png', list: {
    title: '2026年幸福清单', head_name: '王秀英', address: '青山镇石桥村三组',
    members: [{ name: '王秀英', relation: '户主', id_number: '5117**********0029', age: 70, disability: '肢体残疾二级' }],
    records: [
      { item_name: '最低生活保障', department: '民政局', measure: '发放低保金', amount_fen: 68000, amount_yuan: '680.00', when: '2025-12', paid_on: '2025-12-05' },
      { item_name: '困难残疾人生活补贴', department: '残联', measure: '发放补贴', amount_fen: 9000, amount_yuan: '90.00', when: '2026-01-10', paid_on: '2026-01-10' },
    ],
    year_totals: [{ label: '2026年', amount_fen: 9000, amount_yuan: '90.00' }, { label: '2025年', amount_fen: 68000, amount_yuan: '680.00' }],
    grand_total: { label: '合计', amount_fen: 77000, amount_yuan: '770.00' },
    cadre_name: '陈干部', cadre_phone: '13900000000', contact_line: '以上信息如有疑问请联系陈干部',
  } }] });
  assert.equal(lists.length, 1);
  const l = lists[0];
  assert.equal(l.url, 'https://yimen.example.gov.cn/h/Tok3n_abcdefgh');
  assert.deepEqual(l.years.map((y) => y.year), ['2026', '2025']);
  assert.deepEqual(l.years[1].rows[0], { item: '最低生活保障', department: '民政局', measure: '发放低保金', amount: '680.00元', when: '2025年12月' });
  assert.equal(l.years[0].rows[0].when, '2026年1月10日');
  assert.deepEqual(l.totals, [{ label: '2026年', amount: '90.00元' }, { label: '2025年', amount: '680.00元' }]);
  assert.equal(l.grandTotal, '770.00元');
  assert.deepEqual(l.cadre, { name: '陈干部', phone: '13900000000' });
  assert.equal(l.members[0].disability, '肢体残疾二级');
  assert.deepEqual(shapeMine({ lists: [] }), []);
});

test('amounts fall back to fen when the backend sends no yuan text', () => {
  const l = shapeList({ records: [{ item_name: '临时救助', amount_fen: 150000, paid_on: '2026-03-01' }] });
  assert.equal(l.years[0].rows[0].amount, '1,500元');
  assert.equal(l.cadre, null);
  assert.match(l.contactLine, /如有疑问/);
});
