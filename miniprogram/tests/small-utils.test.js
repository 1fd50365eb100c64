const test = require('node:test');
const assert = require('node:assert/strict');
const { createStrokeRecorder, MIN_INK } = require('../utils/signature');
const { listRows, itemRows, residentsFrom, unwrapList } = require('../utils/applications');
const { villageOptions } = require('../utils/regions');
const { createSettings } = require('../utils/settings');
const { newIdempotencyKey } = require('../utils/ids');
const { memoryStorage } = require('../utils/api');

test('a tap is not a signature; a written stroke is', () => {
  const rec = createStrokeRecorder();
  rec.begin(10, 10);
  assert.deepEqual(rec.move(13, 14), [10, 10]);
  assert.equal(rec.hasInk(), false);
  rec.move(13, 14 + MIN_INK);
  assert.equal(rec.hasInk(), true);
  assert.equal(rec.strokeCount(), 1);
  rec.clear();
  assert.equal(rec.hasInk(), false);
  assert.equal(rec.move(1, 1), null);
});

test('application rows: newest first, item names, plain status, overdue flag', () => {
  const rows = listRows([
    { id: 'old', stage: '已办结', items: [{ code: 'dibao', name: '最低生活保障' }], submitted_at: '2026-01-02T00:00:00+08:00' },
    { id: 'new', stage: '核对', deadline_level: 'red', items: [{ code: 'yiliao', name: '医疗救助' }, { code: 'x', name: '临时救助' }], submitted_at: '2026-11-02T00:00:00+08:00' },
  ]);
  assert.deepEqual(rows[0], { id: 'new', title: '医疗救助、临时救助', status: '核对 · 正在核对家庭经济情况，一般3个工作日', when: '2026年11月2日', late: true });
  assert.equal(rows[1].id, 'old');
  assert.equal(rows[1].status, '已办结 · 已经办完了');
});

test('item rows show each department\'s decision and amount', () => {
  assert.deepEqual(itemRows({ items: [
    { code: 'dibao', name: '最低生活保障', department: '县民政局', decision: '同意救助', reason: '', amount_fen: 68000, monthly: true },
    { code: 'yiliao', name: '医疗救助', department: '县医保局', decision: null },
  ] }), [
    { name: '最低生活保障', department: '县民政局', decision: '同意救助', reason: '', amount: '680元/月' },
    { name: '医疗救助', department: '县医保局', decision: '还在办理', reason: '', amount: '' },
  ]);
});

test('assistant list: grouped per resident as the server names them (masked), no phone storage', () => {
  const zhao = { name: '赵**', id_number: '5117**********0011' };
  const helper = (resident, revoked = false) => ({ name: '周协理', authorisation_signed_on: '2026-11-25', revoked, resident });
  const residents = residentsFrom([
    { id: '1', stage: '受理', items: [], assistant: helper(zhao) },
    { id: '2', stage: '受理', items: [] },
    { id: '3', stage: '核对', items: [], assistant: helper(zhao, true) },
    { id: '4', stage: '核对', items: [], assistant: helper({ name: '钱**', id_number: '5117**********0022' }) },
    { id: '5', stage: '核对', items: [], assistant: helper(null) }, // made for my household by someone else
  ]);
  assert.deepEqual(residents.map((r) => [r.name, r.idNumber, r.applications.map((a) => [a.id, a.revoked])]), [
    ['赵**', '5117**********0011', [['1', false], ['3', true]]], ['钱**', '5117**********0022', [['4', false]]],
  ]);
  assert.deepEqual(residentsFrom(undefined), []);
});

test('village options need 12-digit codes and read "镇 村"', () => {
  assert.deepEqual(villageOptions({ villages: [
    { code: '990101001001', name: '石桥村', township: '青山镇' }, { code: '990101', name: '示范县' },
  ] }), [{ code: '990101001001', label: '青山镇 石桥村' }]);
  assert.deepEqual(villageOptions(null), []);
});

test('list responses may be bare or wrapped', () => {
  assert.deepEqual(unwrapList([1]), [1]);
  assert.deepEqual(unwrapList({ items: [3] }), [3]);
  assert.deepEqual(unwrapList(null), []);
});

test('大字模式 is stored and read back', () => {
  const s = createSettings(memoryStorage());
  assert.equal(s.isBig(), false);
  s.setBig(true);
  assert.equal(s.isBig(), true);
  s.setBig(0);
  assert.equal(s.isBig(), false);
});

test('idempotency keys differ per draft and are header-safe', () => {
  const a = newIdempotencyKey(1700000000000, () => 0.5);
  assert.equal(a, 'mp-loyw3v28-8000800080008000');
  assert.notEqual(newIdempotencyKey(), newIdempotencyKey());
  assert.match(newIdempotencyKey(), /^mp-[0-9a-z]+-[0-9a-f]{16}$/);
});
