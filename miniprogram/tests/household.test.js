const test = require('node:test');
const assert = require('node:assert/strict');
const { incomeFen, incomeTotals, incomeText, changedIncomes } = require('../utils/household');
const { correctionBody } = require('../utils/apply');

test('incomes: plain amounts to fen, empty ones left out, a bad one named', () => {
  assert.deepEqual(incomeFen({ 务工: '1,200.50', 养老金: '', 其他: '0' }), { fen: { 务工: 120050 } });
  assert.deepEqual(incomeFen({ 务农: '三百' }), { error: '“务农”收入请填数字，比如 1200 或 1200.50' });
});

test('totals are worked out for her: whole family and per person', () => {
  const totals = incomeTotals([{ income: { 务农: '300' } }, { income: { 养老金: '150.5' } }, { income: {} }]);
  assert.deepEqual([totals.totalFen, totals.perPersonFen], [45050, 15016]);
  assert.equal(totals.text, '全家每月收入合计 450.50元，3 人，人均 150.16元');
});

test('补正: only the members whose incomes changed are sent', () => {
  const members = [{ monthly_income_fen: { 务农: 30000 } }, { monthly_income_fen: { 养老金: 15000 } }];
  const typed = members.map((m) => incomeText(m.monthly_income_fen));
  assert.deepEqual(typed, [{ 务农: '300' }, { 养老金: '150' }]);
  assert.deepEqual(changedIncomes(members, typed), { changes: [] });
  typed[1] = { 养老金: '150', 务工: '800' };
  const { changes } = changedIncomes(members, typed);
  assert.deepEqual(changes, [{ member: 1, monthly_income_fen: { 养老金: 15000, 务工: 80000 } }]);
  assert.deepEqual(correctionBody('', '', changes).body, { note: '', materials: {}, incomes: changes });
});
