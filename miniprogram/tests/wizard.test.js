const test = require('node:test');
const assert = require('node:assert/strict');
const wizard = require('../utils/wizard');

const AID = [{ value: 'dibao', label: '最低生活保障' }, { value: 'canji-shenghuo', label: '困难残疾人生活补贴' }];

/* Drives the wizard with a map of answers by question id, as a person tapping through would. */
function run(answers, aid = AID) {
  let state = wizard.start(aid);
  const asked = [];
  while (!wizard.isDone(state)) {
    const q = wizard.current(state);
    asked.push(q.id);
    const r = wizard.answer(state, answers[q.id]);
    assert.equal(r.error, null, `question ${q.id} refused ${answers[q.id]}: ${r.error}`);
    state = r.state;
  }
  return { state, asked };
}

const base = {
  age: '72', size: '3', income: '900', disability: 'no', work: '无劳动能力', supporter: 'no', school: '小学',
  medical: '8000', housing: '危房', assets: '0', disaster: '没有', current: [],
};

test('one question per screen, with its number and the total', () => {
  const q = wizard.current(wizard.start(AID));
  assert.equal(q.id, 'age');
  assert.equal(q.number, 1);
  assert.equal(q.total, 12);
  assert.equal(wizard.current(wizard.start([])).total, 11, 'no catalogue, no "already receiving" question');
});

test('disability follow-ups are asked only after a yes', () => {
  assert.ok(!run(base).asked.includes('disabilityGrade'));
  const withCard = run(Object.assign({}, base, { disability: 'yes', disabilityGrade: '2', disabilityType: '肢体' }));
  assert.deepEqual(withCard.asked.slice(3, 6), ['disability', 'disabilityGrade', 'disabilityType']);
  assert.equal(wizard.current(wizard.back(withCard.state)).id, 'current');
});

test('a bad answer stays on the same question with a plain message', () => {
  const s0 = wizard.start(AID);
  const r = wizard.answer(s0, '200');
  assert.equal(r.state, s0);
  assert.equal(r.error, '请填 0 到 120 之间的数');
  assert.equal(wizard.answer(s0, '七十').error, '请填一个整数');
  const atIncome = Object.assign(wizard.start(AID), { answers: { age: 70, size: 1 }, index: 2 });
  assert.equal(wizard.answer(atIncome, 'abc').error, '请填一个数字，比如 1200');
  const atDisability = Object.assign(wizard.start(AID), { answers: { age: 70, size: 1, income: 0 }, index: 3 });
  assert.equal(wizard.answer(atDisability, 'maybe').error, '请点一下其中一个选项');
});

test('the multi-choice question keeps only catalogue codes', () => {
  const q = wizard.visible(wizard.start(AID)).find((x) => x.id === 'current');
  assert.deepEqual(q.choices, AID);
  assert.deepEqual(wizard.checkAnswer(q, ['dibao', 'made-up']), { ok: true, value: ['dibao'] });
  assert.deepEqual(wizard.checkAnswer(q, undefined), { ok: true, value: [] });
});

test('going back and changing an answer drops answers that no longer apply', () => {
  let { state } = run(Object.assign({}, base, { disability: 'yes', disabilityGrade: '1', disabilityType: '视力' }));
  while (wizard.current(state) === null || wizard.current(state).id !== 'disability') state = wizard.back(state);
  state = wizard.answer(state, 'no').state;
  assert.equal(state.answers.disabilityGrade, undefined);
  assert.equal(wizard.current(state).id, 'work');
  assert.deepEqual(state.aidChoices, AID, 'the catalogue choices survive answering');
});

test('the profile matches the hints API (domain/eligibility.py profile_from_dict)', () => {
  const answers = run(Object.assign({}, base, {
    disability: 'yes', disabilityGrade: '2', disabilityType: '肢体', disaster: '火灾', current: ['canji-shenghuo'],
  })).state.answers;
  const profile = wizard.toProfile(answers);
  assert.equal(profile.members.length, 3);
  assert.deepEqual(profile.members[0], {
    relation: '户主', age: 72, work_capacity: '无劳动能力', income_fen: { 家庭收入: 90000 },
    disability_grade: 2, disability_type: '肢体',
  });
  assert.deepEqual(profile.members[1], { relation: '子女', age: 9, school: '小学', income_fen: {} });
  assert.deepEqual(profile.members[2], { relation: '其他', income_fen: {} });
  assert.equal(profile.medical_oop_fen, 800000);
  assert.equal(profile.housing, '危房');
  assert.equal(profile.disaster, '火灾');
  assert.equal(profile.has_supporter, false);
  assert.deepEqual(profile.current_aid, ['canji-shenghuo']);
  assert.equal(wizard.toProfile(run(base).state.answers).disaster, null, '“没有” means no disaster');
});

test('hints: promising first, already-received last, reasons with the numbers compared', () => {
  const { hints, notice } = wizard.shapeHints({
    notice: '以上为初步提示，不是审批结果。',
    items: [
      { item_code: 'a', item_name: '甲', status: 'unlikely', status_text: '暂不符合', summary: '暂不符合：收入高于标准。' },
      { item_code: 'r', item_name: '已领', status: 'likely', status_text: '很可能符合', receiving: true },
      {
        item_code: 'b', item_name: '乙', status: 'likely', status_text: '很可能符合', summary: '很可能符合：……',
        reasons: [{ rule: 'low_income', text: '月人均收入低于低保标准', result: '符合', details: ['家庭月人均收入 150.00元（要求低于 700.00元）：符合'] }],
        materials: ['居民身份证或户口簿'], place: '乡镇便民服务中心', conflicts: [{ item_code: 'x', item_name: '特困', reason: '不能同时享受特困' }],
        estimate: { text: '按 40% 估算约 3200.00 元（以审批为准）' },
      },
      { item_code: 'c', item_name: '丙', status: 'possible', status_text: '可能符合，需核实' },
    ],
  });
  assert.equal(notice, '以上为初步提示，不是审批结果。');
  assert.deepEqual(hints.map((h) => h.item_code), ['b', 'c', 'a', 'r']);
  assert.equal(hints[3].levelLabel, '已在享受');
  const b = hints[0];
  assert.deepEqual(b.reasons, [{ head: '符合：月人均收入低于低保标准', details: ['家庭月人均收入 150.00元（要求低于 700.00元）：符合'], result: '符合' }]);
  assert.deepEqual(b.materials, ['居民身份证或户口簿']);
  assert.equal(b.where, '乡镇便民服务中心');
  assert.deepEqual(b.conflicts, ['不能同时享受特困']);
  assert.equal(b.estimate, '按 40% 估算约 3200.00 元（以审批为准）');
  assert.deepEqual(wizard.promisingCodes(hints), ['b', 'c']);
});
