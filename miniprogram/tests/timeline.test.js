const test = require('node:test');
const assert = require('node:assert/strict');
const { shapeTimeline, stageLabel, statusLine, dueLine } = require('../utils/timeline');

// Entries as services/applications/views.py timeline() writes them: the stage the action happened in.
const submitted = { stage: '受理', action: '提交申请', at: '2026-11-02T10:15:00+08:00', phrase: null, reason: null, item: null };
const accepted = { stage: '受理', action: '办理', at: '2026-11-03T09:00:00+08:00', phrase: '同意受理', reason: '材料齐全', item: null };

test('past steps are done, the current stage is explained, the rest of the road is shown', () => {
  const steps = shapeTimeline([accepted, submitted], '核对');
  assert.deepEqual(steps.map((s) => [s.title, s.state]), [
    ['提交申请', 'done'], ['受理', 'done'], ['核对', 'current'], ['督办', 'todo'], ['审批', 'todo'], ['备案', 'todo'],
  ]);
  assert.equal(steps[1].when, '2026年11月3日 09:00');
  assert.equal(steps[1].phrase, '同意受理');
  assert.equal(steps[1].reason, '材料齐全');
  assert.equal(steps[2].note, '正在核对家庭经济情况，一般3个工作日');
  assert.equal(steps[2].reason, '', 'a stage explanation is not a decision reason');
});

test('per-item decisions name the item; a refusal is marked', () => {
  const steps = shapeTimeline([
    submitted,
    { stage: '审批', action: '审批', at: '2026-11-10T09:00:00+08:00', phrase: '不同意救助', reason: '收入超过标准', item: '最低生活保障' },
  ], '备案');
  assert.deepEqual(steps[1], { title: '审批（最低生活保障）', when: '2026年11月10日 09:00', phrase: '不同意救助', reason: '收入超过标准', note: '', state: 'bad' });
  assert.deepEqual(steps.slice(2).map((s) => s.state), ['current']);
});

test('a finished case ends the road: 已办结, 不予受理, 已撤回', () => {
  assert.deepEqual(shapeTimeline([submitted], '已办结').map((s) => s.state), ['done', 'done']);
  const refused = shapeTimeline([submitted, { stage: '受理', action: '办理', at: '2026-11-03T09:00:00+08:00', phrase: '不同意受理', reason: '不属于本乡镇' }], '不予受理');
  assert.deepEqual(refused.map((s) => [s.title, s.state]), [['提交申请', 'done'], ['受理', 'bad'], ['不予受理', 'bad']]);
  assert.equal(shapeTimeline([submitted], '已撤回').at(-1).title, '已撤回');
});

test('补正 puts the whole road ahead again', () => {
  const steps = shapeTimeline([submitted], '补正');
  assert.deepEqual(steps.map((s) => [s.title, s.state]), [
    ['提交申请', 'done'], ['补正', 'current'], ['受理', 'todo'], ['核对', 'todo'], ['督办', 'todo'], ['审批', 'todo'], ['备案', 'todo'],
  ]);
});

test('labels, status line and the stage deadline', () => {
  assert.equal(stageLabel('checking'), '核对');
  assert.equal(stageLabel('mystery'), 'mystery');
  assert.equal(statusLine({ stage: '补正' }), '补正 · 材料需要补一补，请看下面的说明');
  assert.equal(dueLine({ open: true, due_on: '2026-12-01', due_approximate: false }), '这一步规定在2026年12月1日前办完');
  assert.equal(dueLine({ open: true, due_on: '2026-12-01', due_approximate: true }), '这一步规定大约在2026年12月1日前办完');
  assert.equal(dueLine({ open: false, due_on: '2026-12-01' }), '');
  assert.deepEqual(shapeTimeline([], null), []);
});
