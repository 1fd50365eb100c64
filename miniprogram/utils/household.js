/*
 * The household file as the forms ask it: each person's monthly income by source (in plain words),
 * the totals worked out for them, and the 补正 body that changes just one member's income. Money is
 * integer fen; parseYuan refuses anything that is not a plain amount.
 */
const { yuan, parseYuan } = require('./format');

const INCOME_SOURCES = ['工资', '务工', '经营', '务农', '养老金', '赡养费', '其他'];

/* {source: '1200'} as typed -> {fen: {source: 120000}} or {error} naming the first bad entry. */
function incomeFen(typed) {
  const fen = {};
  for (const source of Object.keys(typed || {})) {
    const text = String(typed[source] == null ? '' : typed[source]).trim();
    if (!text) continue;
    const amount = parseYuan(text);
    if (amount === null) return { error: `“${source}”收入请填数字，比如 1200 或 1200.50` };
    if (amount > 0) fen[source] = amount;
  }
  return { fen };
}

/* people: [{income: {source: text}}]; the line shown under the form as it is typed. */
function incomeTotals(people) {
  let total = 0;
  for (const person of people) {
    const { fen } = incomeFen(person.income);
    for (const v of Object.values(fen || {})) total += v;
  }
  const count = Math.max(people.length, 1);
  const perPerson = Math.floor(total / count);
  return { totalFen: total, perPersonFen: perPerson,
           text: `全家每月收入合计 ${yuan(total)}，${count} 人，人均 ${yuan(perPerson)}` };
}

/* The incomes on file as text for the inputs: {source: '1200.5'}. */
function incomeText(fenBySource) {
  const out = {};
  for (const [source, fen] of Object.entries(fenBySource || {})) out[source] = yuan(fen).replace(/[元,]/g, '');
  return out;
}

/* 补正: only the members whose incomes differ from the file -> [{member, monthly_income_fen}] or {error}. */
function changedIncomes(members, typed) {
  const changes = [];
  for (let i = 0; i < members.length; i += 1) {
    const { fen, error } = incomeFen(typed[i]);
    if (error) return { error };
    const before = members[i].monthly_income_fen || {};
    const same = Object.keys(fen).length === Object.keys(before).length
      && Object.keys(fen).every((k) => fen[k] === before[k]);
    if (!same) changes.push({ member: i, monthly_income_fen: fen });
  }
  return { changes };
}

module.exports = { INCOME_SOURCES, incomeFen, incomeTotals, incomeText, changedIncomes };
