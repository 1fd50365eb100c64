const test = require('node:test');
const assert = require('node:assert/strict');
const {
  ocrFeedback, buildApplicationPayload, reviewRows, stepIndex, correctionBody,
} = require('../utils/apply');
const { checkChar } = require('../utils/idcard');

const id = (first17) => first17 + checkChar(first17);
const form = {
  name: '王秀英', idNumber: id('51172219560312002').toLowerCase(), phone: '138 0000 1234', villageCode: '990101001001', address: ' 示范县青山镇石桥村三组 ',
  items: ['dibao', 'yiliao'], members: [{ name: '李建国', idNumber: id('51172219550101001'), relation: '配偶' }],
};

test('OCR feedback: clean read, masked number shown', () => {
  const fb = ocrFeedback({ name: '王秀英', id_number: '511722195603120029', birth_date: '1956-03-12', region: { name: '四川省达州市' }, warnings: [] });
  assert.equal(fb.level, 'ok');
  assert.equal(fb.title, '身份证照片清楚，信息对上了');
  assert.deepEqual(fb.lines, ['姓名：王秀英', '身份证号：5117**********0029', '出生：1956-03-12', '户籍地：四川省达州市']);
});

test('OCR feedback: warnings shown as sent, in the order sent', () => {
  const fb = ocrFeedback({ name: '王秀英', warnings: [{ code: 'NAME_MISMATCH', message: '照片上的姓名和填写的不一致' }, { code: 'BLUR' }] });
  assert.equal(fb.level, 'warn');
  assert.equal(fb.title, '照片读出来了，有几处请您看一下');
  assert.deepEqual(fb.warnings, ['照片上的姓名和填写的不一致', 'BLUR']);
});

test('payload: the backend\'s contract — household with village, members, the checked photo by key', () => {
  const payload = buildApplicationPayload({ form, photoKey: 'uploads/ab12/idcard-1.jpg', signature: 'U0lHTg==' });
  assert.deepEqual(payload, {
    household: {
      village_code: '990101001001', address: '示范县青山镇石桥村三组', phone: '13800001234',
      members: [
        { name: '王秀英', id_number: form.idNumber.toUpperCase(), relation: '户主', monthly_income_fen: {} },
        { name: '李建国', id_number: id('51172219550101001'), relation: '配偶', monthly_income_fen: {} },
      ],
    },
    items: ['dibao', 'yiliao'],
    materials: { id_photo: { upload_key: 'uploads/ab12/idcard-1.jpg' }, signature: 'U0lHTg==' },
  });
});

test('assistant mode: the resident\'s signature is also the authorisation for the assistant', () => {
  const payload = buildApplicationPayload({
    form: Object.assign({}, form, { assistant: { name: ' 周协理 ', reason: '年纪大' } }), photoKey: 'uploads/ab12/idcard-1.jpg', signature: 'U0lHTg==',
  });
  assert.deepEqual(payload.assistant, {
    assistant_name: '周协理', resident_name: '王秀英', resident_id_number: form.idNumber.toUpperCase(), reason: '年纪大',
  });
  assert.deepEqual(payload.materials, {
    id_photo: { upload_key: 'uploads/ab12/idcard-1.jpg' }, signature: 'U0lHTg==', assistant_authorisation: 'U0lHTg==',
  });
});

test('review rows mask the ID number and phone', () => {
  const rows = reviewRows(Object.assign({}, form, { assistant: { name: '周协理', reason: '年纪大' } }), { dibao: '最低生活保障' }, '青山镇 石桥村');
  const byLabel = Object.fromEntries(rows.map((r) => [r.label, r.value]));
  assert.equal(byLabel['村民姓名'], '王秀英');
  assert.equal(byLabel['身份证号'], '5117**********0029');
  assert.equal(byLabel['手机号'], '138****1234');
  assert.equal(byLabel['所在村（社区）'], '青山镇 石桥村');
  assert.equal(byLabel['申请的救助'], '最低生活保障、yiliao');
  assert.equal(byLabel['家里人（配偶）'], '李建国');
  assert.equal(byLabel['代办的协理员'], '周协理');
  assert.equal(stepIndex('review'), 4);
});

test('payload: each person\'s monthly income by source, in fen', () => {
  const payload = buildApplicationPayload({ form, photoKey: 'k', signature: 'S', incomes: [{ 务农: '300', 养老金: '' }, { 务工: '1200.5' }] });
  assert.deepEqual(payload.household.members.map((m) => m.monthly_income_fen), [{ 务农: 30000 }, { 务工: 120050 }]);
});

test('补正 needs a note or a new photo', () => {
  assert.deepEqual(correctionBody('  ', ''), { error: '请写一句补了什么，或者重新拍一张身份证照片，或者改一下收入' });
  assert.deepEqual(correctionBody(' 已重拍 ', ''), { body: { note: '已重拍', materials: {} } });
  assert.deepEqual(correctionBody('', 'uploads/ab12/photo-2.jpg'),
    { body: { note: '', materials: { id_photo: { upload_key: 'uploads/ab12/photo-2.jpg' } } } });
});
