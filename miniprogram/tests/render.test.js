const test = require('node:test');
const assert = require('node:assert/strict');
const { renderComponent, renderPage, textOf, findAll } = require('./helpers/render');
const { loadPage } = require('./helpers/harness');
const { shapeTimeline } = require('../utils/timeline');

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test('big-button shows its two lines and reports a press with its value', async () => {
  const button = renderComponent('big-button', { text: '我要申请', sub: '拍身份证、签个名就能交', value: '/pages/apply/index' });
  assert.equal(textOf(button), '我要申请 拍身份证、签个名就能交');
  const pressed = [];
  button.addEventListener('press', (e) => pressed.push(e.detail.value));
  button.querySelector('.bb').dispatchEvent('tap');
  await tick();
  assert.deepEqual(pressed, ['/pages/apply/index']);
});

test('a loading or disabled big-button says so and does not fire', async () => {
  const button = renderComponent('big-button', { text: '提交申请', sub: '说明', loading: true });
  assert.equal(textOf(button), '请稍候…');
  const pressed = [];
  button.addEventListener('press', () => pressed.push(1));
  button.querySelector('.bb').dispatchEvent('tap');
  button.setData({ loading: false, disabled: true });
  button.querySelector('.bb').dispatchEvent('tap');
  await tick();
  assert.deepEqual(pressed, []);
});

test('field-error renders nothing without a message, and the message with one', () => {
  const empty = renderComponent('field-error', {});
  assert.equal(textOf(empty), '');
  const shown = renderComponent('field-error', { message: '请填写姓名' });
  assert.equal(textOf(shown), '! 请填写姓名');
});

test('timeline renders done, current and future steps with words, not only colours', () => {
  const steps = shapeTimeline([
    { stage: '受理', action: '提交申请', at: '2026-11-02T10:15:00+08:00' },
    { stage: '受理', action: '办理', at: '2026-11-03T09:00:00+08:00', phrase: '同意受理', reason: '材料齐全' },
  ], '核对');
  const tl = renderComponent('timeline', { steps });
  const text = textOf(tl);
  assert.match(text, /^提交申请 2026年11月2日 10:15 受理 2026年11月3日 09:00 同意受理 理由：材料齐全 核对 现在在这一步 正在核对家庭经济情况，一般3个工作日 督办/);
  assert.match(text, /督办 还没到 审批 还没到 备案 还没到$/);
  assert.equal(tl.querySelectorAll('.tl-current').length, 1);
  assert.equal(tl.querySelectorAll('.tl-todo').length, 3);
});

test('home page: every action is a big button, in 大字模式 too', () => {
  const { page, storage } = loadPage('home');
  storage.set('yimen.bigText', true);
  page.onShow();
  const screen = renderPage('home', page.data);
  assert.equal(findAll(screen, '.bb').length, 9);
  assert.match(textOf(screen), /问问政策 什么条件能领补助，要带什么材料/);
  assert.ok(findAll(screen, '.page')[0].className.includes('big'));
});

test('self-check page: one question on screen, its choices as big rows', async () => {
  const { page } = loadPage('selfcheck', { api: { policyItems: async () => ({ items: [] }) } });
  await page.onLoad();
  page.onStart();
  ['70', '1', '300'].forEach((v) => { page.onInput({ detail: { value: v } }); page.onNext(); });
  const screen = renderPage('selfcheck', page.data);
  const text = textOf(screen);
  assert.match(text, /第 4 题，共 11 题/);
  assert.match(text, /您或家里人有残疾证吗？/);
  assert.deepEqual(findAll(screen, '.choice').map((c) => textOf(c)), ['有', '没有']);
  assert.doesNotMatch(text, /家里一共住着几口人/, 'earlier questions are not on screen');
});

test('apply page: each error is printed under its own field', async () => {
  const api = { policyItems: async () => ({ items: [{ code: 'dibao', name: '最低生活保障' }] }), villages: async () => ({ villages: [] }) };
  const { page } = loadPage('apply', { api });
  await page.onLoad({});
  page.onAddMember();
  page.onFormNext();
  const screen = renderPage('apply', page.data);
  const errors = findAll(screen, '.fe').map((e) => textOf(e).replace(/^! /, ''));
  assert.deepEqual(errors, [
    '请填写姓名', '请填写身份证号码', '请填写手机号，审批结果会通知您', '请选择您家所在的村（社区）', '请填写家庭住址',
    '请至少选一项要申请的救助', '请填写姓名', '请填写身份证号码', '请选择这个人和申请人的关系',
  ]);
  assert.match(textOf(screen), /最低生活保障/);
});

test('application page: status, deadline and timeline on one screen', async () => {
  const api = { application: async () => ({
    id: 'a1', stage: '核对', open: true, due_on: '2026-11-06', items: [{ name: '最低生活保障', department: '县民政局' }],
    timeline: [{ stage: '受理', action: '提交申请', at: '2026-11-02T08:00:00+08:00' }],
  }) };
  const { page } = loadPage('application', { api });
  await page.onLoad({ id: 'a1' });
  const text = textOf(renderPage('application', page.data));
  assert.match(text, /现在：核对 · 正在核对家庭经济情况，一般3个工作日 这一步规定在2026年11月6日前办完/);
  assert.match(text, /最低生活保障 还在办理/);
  assert.match(text, /核对 现在在这一步/);
  assert.match(text, /撤回这次申请/);
});

test('every page renders from its initial data without a template error', () => {
  const pages = require('../app.json').pages.map((p) => p.split('/')[1]);
  for (const name of pages) {
    const { page } = loadPage(name);
    assert.doesNotThrow(() => renderPage(name, page.data), name);
  }
});

test('policy chat: the question, the answer, its sources and the "not sure" line are on screen', async () => {
  const api = {
    policyItems: async () => ({ items: [] }),
    ask: async () => ({ answer: '办低保要带身份证。详情：/policy/dibao', item_code: 'dibao', item_name: '最低生活保障', confidence: 0.3, sources: [{ title: '《社会救助暂行办法》' }] }),
  };
  const { page } = loadPage('policy', { api });
  await page.onLoad({ tab: 'ask' });
  await page.ask('低保带什么');
  const text = textOf(renderPage('policy', page.data));
  assert.match(text, /低保带什么 办低保要带身份证。 依据：《社会救助暂行办法》 这个回答不一定准，最好再到乡镇窗口问一下。 查看“最低生活保障”的详细规定/);
  assert.doesNotMatch(text, /\/policy\/dibao/, 'the H5 address is not shown in the bubble');
});

test('happiness page: records by year, totals and the contact line', async () => {
  const api = { happinessMine: async () => ({ lists: [{ url: 'http://127.0.0.1:8000/h/Tok3n_abcdefgh', list: {
    title: '2026年幸福清单', head_name: '王秀英', address: '青山镇石桥村',
    records: [{ item_name: '最低生活保障', department: '县民政局', measure: '发放低保金', amount_fen: 68000, amount_yuan: '680.00', when: '2026-10', paid_on: '2026-10-05' }],
    year_totals: [{ label: '2026年', amount_fen: 68000, amount_yuan: '680.00' }], grand_total: { amount_fen: 68000, amount_yuan: '680.00' },
    contact_line: '以上信息如有疑问请联系帮扶干部陈干部',
  } }] }) };
  const { page } = loadPage('happiness', { api });
  await page.onLoad();
  const text = textOf(renderPage('happiness', page.data));
  assert.match(text, /2026年幸福清单 户主：王秀英 青山镇石桥村/);
  assert.match(text, /2026年 最低生活保障 680.00元 县民政局 · 发放低保金 · 2026年10月/);
  assert.match(text, /总计 680.00元 以上信息如有疑问请联系帮扶干部陈干部$/);
});
