const test = require('node:test');
const assert = require('node:assert/strict');
const { loadPage, setByPath } = require('./helpers/harness');
const { ApiError } = require('../utils/api');
const { checkChar } = require('../utils/idcard');
const { BIG_KEY } = require('../utils/settings');

const tap = (dataset, detail = {}) => ({ currentTarget: { dataset }, detail });
const id = (first17) => first17 + checkChar(first17);

test('setData paths behave like WeChat', () => {
  const data = { form: { members: [{ name: 'a' }] } };
  setByPath(data, 'form.members[0].name', 'b');
  setByPath(data, 'photo.status', 'done');
  assert.deepEqual(data, { form: { members: [{ name: 'b' }] }, photo: { status: 'done' } });
});

test('every page follows 大字模式 when shown', () => {
  const { page, storage } = loadPage('home');
  page.onShow();
  assert.equal(page.data.big, false);
  storage.set(BIG_KEY, true);
  page.onShow();
  assert.equal(page.data.big, true);
});

test('errors reach the person only as Chinese sentences', () => {
  const { wx } = loadPage('home');
  const { showError } = require('../utils/page');
  showError(new ApiError('ITEM_NOT_FOUND', '没有这个救助事项', 404));
  showError(new TypeError('Cannot read properties of undefined'));
  assert.deepEqual(wx.log.modals.map((m) => m.content), ['没有这个救助事项', '出了点问题，请再试一次']);
});

test('settings switch stores 大字模式 and applies it at once', () => {
  const { page, storage, wx } = loadPage('settings');
  page.onBig({ detail: { value: true } });
  assert.equal(storage.get(BIG_KEY), true);
  assert.equal(page.data.big, true);
  assert.deepEqual(wx.log.toasts, ['已打开大字模式']);
});

test('self-check: one question at a time, then hints, then apply with the promising items', async () => {
  let sentProfile = null;
  const api = {
    policyItems: async () => ({ items: [{ code: 'dibao', name: '最低生活保障' }, { code: 'gaoling', name: '高龄津贴' }] }),
    hints: async (profile) => {
      sentProfile = profile;
      return { notice: '初步提示', items: [
        { item_code: 'canbu', item_name: '困难残疾人生活补贴', status: 'unlikely', status_text: '暂不符合', reasons: [] },
        { item_code: 'dibao', item_name: '最低生活保障', status: 'likely', status_text: '很可能符合', reasons: [{ text: '人均收入低于标准', result: '符合', details: [] }] },
      ] };
    },
  };
  const { page, wx, app } = loadPage('selfcheck', { api });
  await page.onLoad();
  page.onStart();
  assert.equal(page.data.phase, 'ask');
  assert.equal(page.data.q.id, 'age');
  page.onInput({ detail: { value: '150' } });
  page.onNext();
  assert.equal(page.data.error, '请填 0 到 120 之间的数');
  assert.equal(page.data.q.id, 'age');
  const answers = ['70', '2', '600', 'no', '无劳动能力', 'no', 'none', '0', '危房', '0'];
  for (const value of answers) {
    if (page.data.q.kind === 'choice') page.onChoose(tap({ value }));
    else { page.onInput({ detail: { value } }); page.onNext(); }
  }
  assert.equal(page.data.q.id, 'disaster');
  page.onBack();
  assert.equal(page.data.q.id, 'assets');
  assert.equal(page.data.input, '0');
  page.onNext();
  page.onChoose(tap({ value: '火灾' }));
  assert.equal(page.data.q.id, 'current');
  assert.deepEqual(page.data.multi.map((c) => c.on), [false, false]);
  page.onToggle(tap({ value: 'gaoling' }));
  page.onToggle(tap({ value: 'dibao' }));
  page.onToggle(tap({ value: 'dibao' }));
  assert.deepEqual(page.data.multi.map((c) => c.on), [false, true]);
  await page.onNext();
  assert.equal(page.data.phase, 'result');
  assert.equal(sentProfile.disaster, '火灾');
  assert.deepEqual(sentProfile.current_aid, ['gaoling']);
  assert.equal(sentProfile.members[0].age, 70);
  assert.equal(page.data.notice, '初步提示');
  assert.deepEqual(page.data.hints.map((h) => h.levelLabel), ['很可能符合', '暂不符合']);
  page.onApplyThese();
  assert.deepEqual(app.globalData.suggestedItems, ['dibao']);
  assert.deepEqual(wx.log.navigations, [{ kind: 'navigateTo', url: '/pages/apply/index' }]);
});

test('self-check: a failed hints call returns to the last question with a plain message', async () => {
  const { page, wx } = loadPage('selfcheck', { api: { hints: async () => { throw new ApiError('NETWORK', '网络不太好，请检查网络后再试', 0); } } });
  page.state = { aidChoices: [], answers: { age: 70, size: 1, income: 0, disability: 'no', work: '无劳动能力', supporter: 'no', school: 'none', medical: 0, housing: '危房', assets: 0 }, index: 10 };
  await page.onChoose(tap({ value: '没有' }));
  assert.equal(page.data.phase, 'ask');
  assert.equal(page.data.q.id, 'disaster');
  assert.equal(wx.log.modals[0].content, '网络不太好，请检查网络后再试');
});

test('policy chat shows the question, then the answer with a link to the item', async () => {
  const api = {
    policyItems: async () => ({ items: [{ code: 'dibao', name: '最低生活保障', category: '基本生活', summary: '' }] }),
    ask: async (q) => ({ answer: `关于“${q}”：……`, item_code: 'dibao', item_name: '最低生活保障', confidence: 0.3 }),
  };
  const { page, wx } = loadPage('policy', { api });
  await page.onLoad({ tab: 'ask' });
  assert.equal(page.data.tab, 'ask');
  assert.equal(page.data.groups[0].items[0].code, 'dibao');
  page.onDraft({ detail: { value: ' 低保怎么办 ' } });
  await page.onSend();
  assert.deepEqual(page.data.messages.map((m) => [m.from, m.text]), [['me', '低保怎么办'], ['bot', '关于“低保怎么办”：……']]);
  assert.equal(page.data.messages[1].unsure, true);
  assert.equal(page.data.draft, '');
  assert.equal(page.data.scrollTo, 'm1');
  page.onOpenItem(tap({ code: 'dibao' }));
  assert.equal(wx.log.navigations[0].url, '/pages/policy-detail/index?code=dibao');
});

const VILLAGES = { villages: [{ code: '990101001001', name: '石桥村', township: '青山镇' }, { code: '990101001002', name: '柳树村', township: '青山镇' }] };
const FILES = { 'wxfile://tmp/card.jpg': 'UEhPVE8=' };

function applyApi(overrides = {}) {
  const calls = { submits: [], ocr: [] };
  const api = Object.assign({
    policyItems: async () => ({ items: [{ code: 'dibao', name: '最低生活保障' }, { code: 'yiliao', name: '医疗救助' }] }),
    villages: async () => VILLAGES,
    ocrIdcard: async (filePath, expected) => {
      calls.ocr.push({ filePath, expected });
      return { name: '王秀英', id_number: id('51172219560312002'), warnings: [], photo_key: 'uploads/ab12/idcard-x.jpg' };
    },
    submitApplication: async (payload, key) => {
      calls.submits.push({ payload, key });
      return { id: 'app-1', stage: '受理' };
    },
  }, overrides);
  return { api, calls };
}

const field = (name, value, error) => ({ currentTarget: { dataset: { field: name, error } }, detail: { value } });

async function filledApplyPage(api, options = {}, storage = undefined) {
  const loaded = loadPage('apply', { api, files: FILES, storage });
  const { page, app } = loaded;
  app.globalData.suggestedItems = ['dibao'];
  await page.onLoad(options);
  const fields = { name: '王秀英', idNumber: id('51172219560312002'), phone: '13800001234', address: '示范县青山镇石桥村三组' };
  Object.keys(fields).forEach((f) => page.onField(field(f, fields[f])));
  page.onVillage({ detail: { value: '0' } });
  return loaded;
}

test('apply: suggested items are pre-ticked and errors appear next to each field', async () => {
  const { api } = applyApi();
  const { page, app, wx } = loadPage('apply', { api });
  app.globalData.suggestedItems = ['yiliao'];
  await page.onLoad({});
  assert.deepEqual(page.data.catalogue.map((c) => c.checked), [false, true]);
  assert.deepEqual(page.data.villages.map((v) => v.label), ['青山镇 石桥村', '青山镇 柳树村']);
  assert.deepEqual(app.globalData.suggestedItems, [], 'the hand-off is used once');
  page.onFormNext();
  assert.equal(page.data.step, 'form');
  assert.deepEqual(Object.keys(page.data.errors).sort(), ['address', 'idNumber', 'name', 'phone', 'villageCode']);
  assert.equal(wx.log.toasts[0], '有5处要改一下');
  page.onField(field('name', '王'));
  assert.equal(page.data.errors.name, undefined, 'typing clears that field\'s error');
  page.onVillage({ detail: { value: '1' } });
  assert.equal(page.data.form.villageCode, '990101001002');
  assert.equal(page.data.villageLabel, '青山镇 柳树村');
  assert.equal(page.data.errors.villageCode, undefined);
  page.onAddMember();
  page.onFormNext();
  assert.equal(page.data.memberErrors[0].relation, '请选择这个人和申请人的关系');
  page.onMemberRelation({ currentTarget: { dataset: { index: 0 } }, detail: { value: '0' } });
  assert.equal(page.data.form.members[0].relation, '配偶');
  assert.equal(page.data.memberErrors[0].relation, '', 'choosing clears the row\'s message');
});

test('apply: without the village list the form says so at the field', async () => {
  const { api } = applyApi({ villages: async () => { throw new ApiError('HTTP_404', '没有找到相关内容', 404); } });
  const { page } = loadPage('apply', { api });
  await page.onLoad({});
  assert.equal(page.data.errors.villageCode, '暂时选不了村（社区），请稍后再试或到乡镇窗口办理');
  assert.equal(page.data.catalogue.length, 2);
});

test('apply: the photo is read at once and the typed name and number go with it', async () => {
  const { api, calls } = applyApi();
  const { page } = await filledApplyPage(api);
  page.onFormNext();
  assert.deepEqual(page.data.errors, {});
  assert.equal(page.data.step, 'income');
  page.onIncomeNext();
  assert.equal(page.data.step, 'photo');
  page.onPhotoNext();
  assert.equal(page.data.photo.error, '请先拍一张清楚的身份证正面照片');
  await page.readPhoto('wxfile://tmp/card.jpg');
  assert.deepEqual(calls.ocr, [{ filePath: 'wxfile://tmp/card.jpg', expected: { name: '王秀英', idNumber: id('51172219560312002') } }]);
  assert.equal(page.data.photo.status, 'done');
  assert.equal(page.data.photo.feedback.level, 'ok');
});

test('apply: an unreadable photo says why and can be retaken', async () => {
  const { api } = applyApi({ ocrIdcard: async () => { throw new ApiError('NOT_FRONT_SIDE', '这是身份证背面，请拍有照片的一面', 422); } });
  const { page } = await filledApplyPage(api);
  await page.readPhoto('wxfile://tmp/back.jpg');
  assert.equal(page.data.photo.status, 'failed');
  assert.equal(page.data.photo.error, '这是身份证背面，请拍有照片的一面');
  page.onRetake();
  assert.equal(page.data.photo.status, 'none');
});

test('apply (assistant): a retried submit reuses its idempotency key; editing gets a new one', async () => {
  let fail = true;
  const { api, calls } = applyApi({
    submitApplication: async (payload, key) => {
      calls.submits.push({ payload, key });
      if (fail) { fail = false; throw new ApiError('NETWORK', '网络不太好，请检查网络后再试', 0); }
      return { id: 'app-1', stage: '受理' };
    },
  });
  const { page, wx, storage } = await filledApplyPage(api, { mode: 'assistant' });
  page.onFormNext();
  assert.deepEqual(Object.keys(page.data.errors), ['assistantName', 'assistantReason']);
  page.onField(field('assistant.name', '周协理', 'assistantName'));
  page.onReason(tap({ value: '年纪大' }));
  assert.deepEqual(page.data.errors, {}, 'each fix clears its own message');
  page.onFormNext();
  assert.equal(page.data.step, 'income');
  page.onIncomeNext();
  assert.equal(page.data.step, 'photo');
  await page.readPhoto('wxfile://tmp/card.jpg');
  page.signature = 'U0lHTg==';
  page.setData({ step: 'review' });
  page.onSubmit();
  assert.deepEqual(wx.log.toasts, ['有2处要改一下', '请先勾选“我保证信息真实”']);
  assert.equal(calls.submits.length, 0);
  page.onAgree({ detail: { value: ['yes'] } });
  await page.onSubmit();
  assert.equal(wx.log.modals[0].content, '网络不太好，请检查网络后再试');
  await page.onSubmit();
  assert.equal(calls.submits.length, 2);
  assert.equal(calls.submits[0].key, calls.submits[1].key);
  const { payload } = calls.submits[1];
  assert.deepEqual(payload.items, ['dibao']);
  assert.equal(payload.household.village_code, '990101001001');
  assert.deepEqual(payload.assistant, { assistant_name: '周协理', resident_name: '王秀英', resident_id_number: id('51172219560312002'), reason: '年纪大' });
  assert.deepEqual(payload.materials, {
    id_photo: { upload_key: 'uploads/ab12/idcard-x.jpg' }, signature: 'U0lHTg==', assistant_authorisation: 'U0lHTg==',
  }, 'the checked photo is named by its key, not sent again');
  assert.deepEqual(wx.log.navigations.at(-1), { kind: 'redirectTo', url: '/pages/application/index?id=app-1&fresh=1' });
  assert.deepEqual(wx.log.titles, ['协理员代办']);
  assert.equal(storage.get('yimen.assisted'), undefined, 'the server, not the phone, remembers the resident');
  const firstKey = calls.submits[0].key;
  page.onStepBack();
  page.setData({ step: 'review' });
  await page.onSubmit();
  assert.notEqual(calls.submits[2].key, firstKey);
});

test('apply: the server holds a doubtful photo; the person confirms and it goes, or retakes it', async () => {
  const held = new ApiError('PHOTO_NOT_CONFIRMED', '填写的姓名与身份证照片上的姓名不一致。如核对无误，请确认后再提交。', 400);
  const { api, calls } = applyApi({
    submitApplication: async (payload, key) => {
      calls.submits.push({ payload, key });
      if (!payload.photo_confirmed) throw held;
      return { id: 'app-3', stage: '受理' };
    },
  });
  const answers = [false, true];
  const { page, wx } = await filledApplyPage(api);
  global.wx.showModal = (o) => { wx.log.modals.push(o); o.success({ confirm: answers.shift() }); };
  await page.readPhoto('wxfile://tmp/card.jpg');
  page.signature = 'U0lHTg==';
  page.setData({ step: 'review' });
  page.onAgree({ detail: { value: ['yes'] } });
  await page.onSubmit();
  assert.equal(wx.log.modals[0].content, held.message);
  assert.equal(wx.log.modals[0].confirmText, '仍然提交');
  assert.equal(page.data.step, 'photo', 'not confirmed: back to the photo');
  await page.readPhoto('wxfile://tmp/card.jpg');
  page.setData({ step: 'review' });
  await page.onSubmit();
  await new Promise(setImmediate);
  assert.deepEqual(calls.submits.map((c) => c.payload.photo_confirmed), [undefined, undefined, true]);
  assert.deepEqual(wx.log.navigations.at(-1), { kind: 'redirectTo', url: '/pages/application/index?id=app-3&fresh=1' });
});

test('apply: the subscribe-message prompt comes in the submit tap, before the request', async (t) => {
  const config = require('../utils/config');
  t.after(() => { config.subscribeTemplateIds = []; });
  config.subscribeTemplateIds = ['tmpl-progress', 'tmpl-paid'];
  const order = [];
  const { api } = applyApi({ submitApplication: async () => { order.push('submit'); return { id: 'app-2' }; } });
  const { page } = await filledApplyPage(api);
  global.wx.requestSubscribeMessage = (o) => { order.push(`subscribe:${o.tmplIds.join(',')}`); o.complete(); };
  await page.readPhoto('wxfile://tmp/card.jpg');
  page.signature = 'U0lHTg==';
  page.onAgree({ detail: { value: ['yes'] } });
  await page.onSubmit();
  assert.deepEqual(order, ['subscribe:tmpl-progress,tmpl-paid', 'submit']);
});

test('my applications: newest first, pull-down refresh reloads and stops the spinner', async () => {
  let round = 0;
  const api = {
    myApplications: async () => {
      round += 1;
      return { items: [{ id: `a${round}`, stage: '核对', items: [{ code: 'yiliao', name: '医疗救助' }], submitted_at: '2026-11-02T08:00:00+08:00' }] };
    },
  };
  const { page, wx } = loadPage('my-applications', { api });
  await page.onShow();
  assert.equal(page.data.rows[0].id, 'a1');
  assert.equal(page.data.rows[0].title, '医疗救助');
  assert.equal(page.data.rows[0].status, '核对 · 正在核对家庭经济情况，一般3个工作日');
  await page.onPullDownRefresh();
  assert.equal(page.data.rows[0].id, 'a2');
  assert.equal(wx.log.stops, 1);
});

test('application detail: timeline, deadline and per-item decisions', async () => {
  const api = { application: async (appId) => ({
    id: appId, stage: '核对', open: true, due_on: '2026-11-06', due_approximate: false,
    items: [{ code: 'dibao', name: '最低生活保障', department: '县民政局', decision: null }],
    assistant: { name: '周协理', revoked: false },
    timeline: [
      { stage: '受理', action: '提交申请', at: '2026-11-02T08:00:00+08:00' },
      { stage: '受理', action: '办理', at: '2026-11-03T09:00:00+08:00', phrase: '同意受理', reason: '材料齐全' },
    ],
  }) };
  const { page } = loadPage('application', { api });
  await page.onLoad({ id: 'a1', fresh: '1' });
  assert.equal(page.data.fresh, true);
  assert.equal(page.data.status, '核对 · 正在核对家庭经济情况，一般3个工作日');
  assert.equal(page.data.due, '这一步规定在2026年11月6日前办完');
  assert.equal(page.data.items[0].decision, '还在办理');
  assert.equal(page.data.assistant.name, '周协理');
  assert.deepEqual(page.data.steps.map((s) => s.state), ['done', 'done', 'current', 'todo', 'todo', 'todo']);
});

test('application detail: withdrawing asks first, then shows the case as withdrawn', async () => {
  let stage = '受理';
  const withdrawn = [];
  const api = {
    application: async (appId) => ({ id: appId, stage, open: stage === '受理', items: [], timeline: [] }),
    withdraw: async (appId, reason) => { withdrawn.push([appId, reason]); stage = '已撤回'; },
  };
  const answers = [false, true];
  const { page, wx } = loadPage('application', { api, wxOverrides: { showModal: (o) => { wx.log.modals.push(o); o.success({ confirm: answers.shift() }); } } });
  await page.onLoad({ id: 'a1' });
  assert.equal(page.data.open, true);
  page.onWithdraw();
  assert.deepEqual(withdrawn, [], 'saying no changes nothing');
  page.onWithdraw();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(withdrawn, [['a1', '申请人在小程序撤回']]);
  assert.equal(page.data.open, false);
  assert.equal(page.data.status, '已撤回 · 这次申请已经撤回');
  assert.equal(wx.log.modals[0].confirmText, '确定撤回');
});

test('status lookup: checks the fields here, then shows only stages', async () => {
  const asked = [];
  const api = { statusLookup: async (idNumber, name) => {
    asked.push([idNumber, name]);
    return { found: true, message: '查询到以下申请（仅显示办理环节）', applications: [{ stage: '核对' }] };
  } };
  const { page } = loadPage('status-lookup', { api });
  await page.onSearch();
  assert.deepEqual(page.data.errors, { name: '请填写姓名', idNumber: '请填写身份证号码' });
  assert.deepEqual(asked, []);
  page.onField(field('name', ' 王秀英 '));
  page.onField(field('idNumber', id('51172219560312002').toLowerCase()));
  await page.onSearch();
  assert.deepEqual(asked, [[id('51172219560312002'), '王秀英']]);
  assert.deepEqual(page.data.result, { message: '查询到以下申请（仅显示办理环节）', lines: ['核对 · 正在核对家庭经济情况，一般3个工作日'] });
});

test('application detail: 补正 uploads the new photo, sends the note and its key, then reloads', async () => {
  let stage = '补正';
  const sent = [];
  const api = {
    application: async (appId) => ({ id: appId, stage, open: true, correction_requested: stage === '补正', items: [], timeline: [] }),
    resubmit: async (appId, body) => { sent.push([appId, body]); stage = '受理'; },
    uploadPhoto: async (filePath) => { sent.push(['upload', filePath]); return 'uploads/ab12/photo-2.jpg'; },
  };
  const { page, wx } = loadPage('application', {
    api, files: { 'wxfile://tmp/new.jpg': 'TkVX' },
    wxOverrides: { chooseMedia: (o) => o.success({ tempFiles: [{ tempFilePath: 'wxfile://tmp/new.jpg' }] }) },
  });
  await page.onLoad({ id: 'a1' });
  assert.equal(page.data.correction, true);
  await page.onResubmit();
  assert.equal(page.data.fixError, '请写一句补了什么，或者重新拍一张身份证照片，或者改一下收入');
  page.onFixNote({ detail: { value: '重新拍了身份证' } });
  page.onFixPhoto();
  await page.onResubmit();
  assert.deepEqual(sent, [
    ['upload', 'wxfile://tmp/new.jpg'],
    ['a1', { note: '重新拍了身份证', materials: { id_photo: { upload_key: 'uploads/ab12/photo-2.jpg' } } }],
  ]);
  assert.equal(page.data.correction, false);
  assert.equal(page.data.fixPhoto, '');
  assert.deepEqual(wx.log.toasts, ['已重新提交']);
});

test('happiness: the owner\'s lists; scanning refuses other codes and opens a 幸福码', async () => {
  const scans = ['wxp://f2f0payment', 'http://127.0.0.1:8000/h/Tok3n_abcdefgh'];
  const api = { happinessMine: async () => ({ lists: [{ url: 'https://yimen.example.gov.cn/h/Tok3n_abcdefgh', list: {
    head_name: '王秀英', records: [{ item_name: '最低生活保障', amount_fen: 68000, amount_yuan: '680.00', when: '2026-10', paid_on: '2026-10-05' }],
    cadre_name: '陈干部', cadre_phone: '13900000000',
  } }] }) };
  const calls = [];
  const { page, wx } = loadPage('happiness', { api, wxOverrides: {
    scanCode: (o) => o.success({ result: scans.shift() }),
    makePhoneCall: (o) => calls.push(o.phoneNumber),
  } });
  await page.onLoad();
  assert.equal(page.data.lists[0].years[0].rows[0].amount, '680.00元');
  assert.equal(page.data.lists[0].headName, '王秀英');
  page.onCall(tap({ phone: page.data.lists[0].cadre.phone }));
  assert.deepEqual(calls, ['13900000000']);
  page.onScan();
  assert.match(page.data.scanError, /不是幸福码/);
  assert.equal(wx.log.navigations.length, 0);
  page.onScan();
  assert.equal(page.data.scanError, '');
  assert.equal(wx.log.navigations[0].url, `/pages/webview/index?url=${encodeURIComponent('http://127.0.0.1:8000/h/Tok3n_abcdefgh')}`);
});

test('happiness: no household bound yet shows the plain empty state, not an error box', async () => {
  const { page, wx } = loadPage('happiness', { api: { happinessMine: async () => ({ lists: [] }) } });
  await page.onLoad();
  assert.deepEqual(page.data.lists, []);
  assert.equal(page.data.loading, false);
  assert.equal(wx.log.modals.length, 0);
});

test('assistant: residents from the server\'s list, grouped, whatever this phone remembers', async () => {
  const zhao = { name: '赵**', id_number: '5117**********0011' };
  const api = { myApplications: async () => ({ items: [
    { id: '1', stage: '核对', items: [{ code: 'dibao', name: '最低生活保障' }], assistant: { name: '周协理', revoked: false, resident: zhao } },
    { id: '2', stage: '核对', items: [{ code: 'dibao', name: '最低生活保障' }] },
    { id: '3', stage: '受理', items: [{ code: 'yiliao', name: '医疗救助' }], assistant: { name: '周协理', revoked: false, resident: zhao } },
  ] }) };
  const { page, wx, storage } = loadPage('assistant', { api });
  storage.set('yimen.assisted', { 2: { name: '钱**', idNumber: '5117**********0022' } }); // left by an old version
  await page.onShow();
  assert.deepEqual(page.data.residents.map((r) => [r.name, r.idNumber, r.applications.map((a) => a.id)]),
    [['赵**', '5117**********0011', ['1', '3']]]);
  assert.equal(page.data.loading, false);
  page.onApplyFor();
  assert.equal(wx.log.navigations[0].url, '/pages/apply/index?mode=assistant');
});

test('webview page only opens 幸福码 URLs', () => {
  const { page } = loadPage('webview');
  page.onLoad({ url: encodeURIComponent('https://evil.example/phish') });
  assert.equal(page.data.url, '');
  assert.match(page.data.error, /不是幸福码/);
  page.onLoad({ url: encodeURIComponent('http://127.0.0.1:8000/h/Tok3n_abcdefgh') });
  assert.equal(page.data.url, 'http://127.0.0.1:8000/h/Tok3n_abcdefgh', 'the configured server (utils/config.js baseUrl) is trusted');
});

test('complaint: too short is explained under the field; a sent one shows the receipt number', async () => {
  const sent = [];
  const api = { complain: async (body) => { sent.push(body); return { id: 'c1', message: '举报已提交纪委监督，我们会依法保护举报人信息。' }; } };
  const { page } = loadPage('complaint', { api });
  page.onField(field('content', '太短'));
  await page.onSend();
  assert.equal(page.data.errors.content, '请把要反映的事写清楚，至少 5 个字');
  assert.deepEqual(sent, []);
  page.onField(field('content', ' 村干部要求交好处费才给办低保 '));
  page.onAnonymous({ detail: { value: ['1'] } });
  await page.onSend();
  assert.deepEqual(sent, [{ content: '村干部要求交好处费才给办低保', contact: '', anonymous: true }]);
  assert.deepEqual(page.data.done, { id: 'c1', message: '举报已提交纪委监督，我们会依法保护举报人信息。' });
});

test('bind: the window\'s code, or ID + name then the texted code; the same answer either way', async () => {
  const sent = [];
  const household = { members: [{ name: '王秀英', relation: '户主' }, { name: '李建国', relation: '配偶' }] };
  const api = {
    bindByCode: async (code) => { sent.push(['code', code]); return { bound: true, household }; },
    bindSmsRequest: async (idNumber, name) => { sent.push(['sms', idNumber, name]); return { message: '如果您填写的身份证号和姓名与档案一致，验证码已发到档案里登记的手机上' }; },
    bindSmsConfirm: async (idNumber, name, code) => {
      sent.push(['confirm', idNumber, name, code]);
      if (code !== '123456') throw new ApiError('BINDING_SMS_INVALID', '验证码不正确或已过期。', 400);
      return { bound: true, household };
    },
  };
  const { page, wx } = loadPage('bind', { api });
  page.onField(tap({ field: 'code' }, { value: '1234' }));
  await page.onBindCode();
  assert.equal(page.data.errors.code, '绑定码是 8 位数字，请照窗口给的填');
  page.onField(tap({ field: 'code' }, { value: '1234 5678' }));
  await page.onBindCode();
  assert.deepEqual(sent.shift(), ['code', '12345678']);
  assert.equal(page.data.step, 'done');
  assert.deepEqual(page.data.bound, { name: '王秀英', size: 2 });

  page.onAgain();
  await page.onSendSms();
  assert.deepEqual(Object.keys(page.data.errors).sort(), ['idNumber', 'name']);
  page.onField(tap({ field: 'name' }, { value: ' 王秀英 ' }));
  page.onField(tap({ field: 'idNumber' }, { value: id('51172219560312002').toLowerCase() }));
  await page.onSendSms();
  assert.deepEqual(sent.shift(), ['sms', id('51172219560312002'), '王秀英']);
  assert.equal(page.data.step, 'sms');
  assert.match(page.data.message, /验证码已发到档案里登记的手机上/);
  page.onField(tap({ field: 'smsCode' }, { value: '654321' }));
  await page.onConfirm();
  assert.equal(wx.log.modals[0].content, '验证码不正确或已过期。');
  assert.equal(page.data.step, 'sms');
  page.onField(tap({ field: 'smsCode' }, { value: '123456' }));
  await page.onConfirm();
  assert.equal(page.data.step, 'done');
  page.onApply();
  assert.equal(wx.log.navigations.at(-1).url, '/pages/apply/index');
});

test('application detail: 补正 shows what the clerk asked and sends just the changed income', async () => {
  let stage = '补正';
  const sent = [];
  const api = {
    application: async (appId) => ({ id: appId, stage, open: true, correction_requested: stage === '补正',
                                     correction_reason: '务农收入请按实际填写', items: [], timeline: [] }),
    correctableFile: async () => ({ members: [{ name: '王**', relation: '户主', monthly_income_fen: { 务农: 30000 } },
                                              { name: '李**', relation: '配偶', monthly_income_fen: {} }] }),
    resubmit: async (appId, body) => { sent.push([appId, body]); stage = '受理'; },
  };
  const { page } = loadPage('application', { api });
  await page.onLoad({ id: 'a1' });
  assert.equal(page.data.reason, '务农收入请按实际填写');
  assert.deepEqual(page.data.incomes, [{ 务农: '300' }, {}]);
  assert.equal(page.data.totals, '全家每月收入合计 300元，2 人，人均 150元');
  page.onIncome(tap({ index: 0, source: '务农' }, { value: '150' }));
  assert.equal(page.data.totals, '全家每月收入合计 150元，2 人，人均 75元');
  await page.onResubmit();
  assert.deepEqual(sent, [['a1', { note: '', materials: {}, incomes: [{ member: 0, monthly_income_fen: { 务农: 15000 } }] }]]);
  assert.equal(page.data.correction, false);
});

test('application detail: the resident can take back an assistant\'s authorisation, the assistant cannot', async () => {
  let revoked = false;
  const calls = [];
  const view = (resident) => ({ id: 'a1', stage: '受理', open: true, items: [], timeline: [],
                                assistant: { name: '周协理', revoked, resident } });
  const api = { application: async () => view(null), revokeAssistant: async (appId) => { calls.push(appId); revoked = true; } };
  const { page } = loadPage('application', { api, wxOverrides: { showModal: (o) => o.success({ confirm: true }) } });
  await page.onLoad({ id: 'a1' });
  assert.equal(page.data.mayRevoke, true);
  page.onRevoke();
  await new Promise((r) => setTimeout(r, 0));
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(calls, ['a1']);
  assert.equal(page.data.mayRevoke, false);
  const own = loadPage('application', { api: { application: async () => view({ name: '王**' }) } });
  await own.page.onLoad({ id: 'a1' });
  assert.equal(own.page.data.mayRevoke, false, 'the assistant\'s own view offers no revoke');
});
