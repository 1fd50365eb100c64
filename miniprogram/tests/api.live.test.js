/*
 * The API client against a real local server. Runs when YIMEN_BASE_URL is set, e.g.
 *   YIMEN_BASE_URL=http://127.0.0.1:8000 npm test
 * and skips otherwise. Login goes through the bundled WeChat imitation, which accepts any code.
 */
const test = require('node:test');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const assert = require('node:assert/strict');
const { createClient } = require('../utils/api');
const wizard = require('../utils/wizard');
const { buildApplicationPayload } = require('../utils/apply');
const { checkChar } = require('../utils/idcard');
const { newIdempotencyKey } = require('../utils/ids');
const { shapeTimeline } = require('../utils/timeline');
const { nodeTransport } = require('./helpers/node-transport');

const BASE = process.env.YIMEN_BASE_URL;
const skip = BASE ? false : 'YIMEN_BASE_URL is not set';
const CHINESE = /[\u4e00-\u9fa5]/;

function client() {
  return createClient({
    baseUrl: BASE || 'http://unused',
    transport: nodeTransport(),
    getLoginCode: async () => `node-live-${process.pid}`,
  });
}

test('live: wx.login code -> token and openid', { skip }, async () => {
  const c = client();
  const data = await c.login();
  assert.equal(typeof data.token, 'string');
  assert.ok(data.token.length >= 16, 'an opaque token of some length');
  assert.equal(typeof data.openid, 'string');
  assert.ok(data.openid.length > 0);
  assert.equal(c.token(), data.token);
});

test('live: the policy catalogue lists items with code and name', { skip }, async () => {
  const c = client();
  const { items } = await c.policyItems();
  assert.ok(items.length >= 12, `only ${items.length} items`);
  for (const item of items) {
    assert.ok(item.code && item.name, JSON.stringify(item));
    assert.match(item.name, CHINESE);
  }
  const names = items.map((i) => i.name).join('、');
  assert.match(names, /最低生活保障/);
  const detail = await c.policyItem(items[0].code);
  assert.equal(detail.name, items[0].name);
});

test('live: a question gets a short plain-Chinese answer about the right item', { skip }, async () => {
  const c = client();
  const reply = await c.ask('低保要什么条件？');
  assert.match(reply.answer, CHINESE);
  assert.ok(reply.answer.length <= 300, `answer is ${reply.answer.length} characters`);
  assert.match(reply.item_name || '', /最低生活保障|低保/);
});

test('live: the self-check wizard\'s profile is accepted and judged with reasons', { skip }, async () => {
  const c = client();
  const { items } = await c.policyItems();
  let state = wizard.start(items.map((i) => ({ value: i.code, label: i.name })));
  const answers = {
    age: '72', size: '1', income: '300', disability: 'no', work: '无劳动能力', supporter: 'no', school: 'none',
    medical: '0', housing: '自有住房', assets: '0', disaster: '没有', current: [],
  };
  while (!wizard.isDone(state)) state = wizard.answer(state, answers[wizard.current(state).id]).state;
  const { hints, notice } = wizard.shapeHints(await c.hints(wizard.toProfile(state.answers)));
  assert.match(notice, CHINESE);
  assert.equal(hints.length, items.length, 'every catalogue item is judged');
  const tekun = hints.find((h) => /特困/.test(h.item_name));
  assert.equal(tekun.level, 'likely', `a 72-year-old living alone on 300 yuan: ${tekun.summary}`);
  assert.ok(tekun.reasons.length > 0 && tekun.reasons.every((r) => r.head), 'each reason readable');
  assert.ok(wizard.promisingCodes(hints).includes(tekun.item_code));
});

test('live: a citizen endpoint accepts the Bearer token', { skip }, async () => {
  const data = await client().happinessMine();
  assert.ok(Array.isArray(data.lists), JSON.stringify(data));
});

// A 1x1 PNG: the server checks materials are real images, not what they show.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/* A synthetic, valid ID number in the demo county (990101), different on every run so a
 * re-run against the same database does not hit "already filed". */
function syntheticId() {
  const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, '0');
  const seq = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
  const first17 = `9901011950${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}${day}${seq}`;
  return first17 + checkChar(first17);
}

/* Photos written for these tests, removed at the end. */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-live-'));
test.after(() => fs.rmSync(scratch, { recursive: true, force: true }));

test('live: submit is idempotent, shows in my list with its timeline, and can be withdrawn', { skip }, async () => {
  const c = client();
  const form = {
    name: '测试老人', idNumber: syntheticId(), phone: '13800001234', villageCode: '990101001004',
    address: '示范县城关镇石桥村三组', items: ['dibao'], members: [],
  };
  // The photo goes to the file store first (the local stand-in of S3's presigned POST), then by key.
  const photoFile = path.join(scratch, 'photo.png');
  fs.writeFileSync(photoFile, Buffer.from(PNG, 'base64'));
  const photoKey = await c.uploadPhoto(photoFile);
  assert.match(photoKey, /^uploads\/[0-9a-f]{24}\/photo-[0-9a-f]{32}\.png$/);
  const payload = buildApplicationPayload({ form, photoKey, signature: PNG });
  const key = newIdempotencyKey();
  const first = await c.submitApplication(payload, key);
  const retry = await c.submitApplication(payload, key);
  assert.equal(retry.id, first.id, 'the retried submit returns the same application');
  const mine = await c.myApplications();
  assert.equal(mine.items.filter((a) => a.id === first.id).length, 1);
  const detail = await c.application(first.id);
  const steps = shapeTimeline(detail.timeline, detail.stage);
  assert.equal(steps[0].title, '提交申请');
  assert.equal(steps.find((s) => s.state === 'current').title, '受理');
  assert.deepEqual(steps.filter((s) => s.state === 'todo').map((s) => s.title), ['核对', '督办', '审批', '备案']);

  const found = await c.statusLookup(form.idNumber, form.name);
  assert.equal(found.found, true);
  assert.deepEqual(found.applications, [{ stage: '受理' }]);
  const miss = await c.statusLookup(form.idNumber, '别的名字');
  assert.equal(miss.found, false);
  assert.match(miss.message, CHINESE);

  await c.withdraw(first.id, '测试撤回');
  const after = await c.application(first.id);
  assert.equal(after.open, false);
  const ended = shapeTimeline(after.timeline, after.stage);
  assert.equal(ended.at(-1).title, '已撤回');
  assert.ok(!ended.some((s) => s.state === 'todo' || s.state === 'current'), 'a withdrawn case has no road ahead');
});

/*
 * A synthetic card photo from the OCR tests' generator (tests/ocr/cardgen.py, a fictional person),
 * drawn by the repository's Python; null when that is not available here.
 */
function syntheticCardPhoto() {
  const repo = path.join(__dirname, '..', '..');
  const python = path.join(repo, '.venv', 'bin', 'python');
  if (!fs.existsSync(python) || !fs.existsSync(path.join(repo, 'tests', 'ocr', 'cardgen.py'))) return null;
  const file = path.join(scratch, 'card.jpg');
  const script = [
    'import random, sys', 'from tests.ocr import cardgen',
    'rng = random.Random(int(sys.argv[2])); p = cardgen.make_person(rng)',
    "cardgen.positive('table', p, rng).save(sys.argv[1], quality=90)", 'print(p.name, p.id_number)',
  ].join('\n');
  const [name, idNumber] = execFileSync(python, ['-c', script, file, '7'], { cwd: repo }).toString().trim().split(' ');
  return { file, name, idNumber };
}

const card = BASE ? syntheticCardPhoto() : null;

test('live: an ID photo is read and checked against what was typed', { skip: skip || (!card && 'no card generator here') }, async () => {
  const c = client();
  const good = await c.ocrIdcard(card.file, { name: card.name, idNumber: card.idNumber });
  assert.equal(good.name, card.name);
  assert.equal(good.id_number, card.idNumber);
  assert.ok(Array.isArray(good.warnings));
  const typo = await c.ocrIdcard(card.file, { name: '王大锤', idNumber: card.idNumber });
  assert.ok(typo.warnings.length > 0, 'a typed name that differs from the photo is flagged');
  assert.ok(typo.warnings.every((w) => CHINESE.test(w.message)), JSON.stringify(typo.warnings));
});

test('live: errors from the server arrive as a code and a Chinese message', { skip }, async () => {
  const c = client();
  await assert.rejects(c.application('no-such-application-0000'), (e) => {
    assert.equal(e.name, 'ApiError');
    assert.equal(e.status, 404);
    assert.match(e.message, CHINESE);
    return true;
  });
});

test('live: a complaint reaches the discipline office and too short a text gets a Chinese error', { skip }, async () => {
  const c = client();
  const done = await c.complain({ content: '村里办低保要先请客送礼', contact: '', anonymous: true });
  assert.match(done.id, /^[0-9a-f]{16}$/);
  assert.match(done.message, /纪委/);
  await assert.rejects(c.complain({ content: '短', contact: '', anonymous: false }), (e) => {
    assert.equal(e.code, 'BAD_CONTENT');
    assert.match(e.message, CHINESE);
    return true;
  });
});

test('live: binding by text message answers alike for any number; a wrong code is refused in Chinese', { skip }, async () => {
  const c = client();
  const a = await c.bindSmsRequest(syntheticId(), '无档案');
  const b = await c.bindSmsRequest('123', '乱填');
  assert.equal(a.message, b.message);
  assert.match(a.message, /验证码已发到档案里登记的手机上/);
  await assert.rejects(c.bindSmsConfirm(syntheticId(), '无档案', '000000'), (e) => {
    assert.equal(e.code, 'BINDING_SMS_INVALID');
    assert.match(e.message, CHINESE);
    return true;
  });
  await assert.rejects(c.bindByCode('00000000'), (e) => e.code === 'BINDING_CODE_INVALID');
});
