const test = require('node:test');
const assert = require('node:assert/strict');
const { validateApplicationForm, memberErrors, hasErrors, checkPhone } = require('../utils/validate');
const { checkChar } = require('../utils/idcard');

const id = (first17) => first17 + checkChar(first17);
const good = {
  name: '王秀英', idNumber: id('51172219560312002'), phone: '13800001234', villageCode: '990101001001', address: '示范县青山镇石桥村三组',
  items: ['dibao'], members: [{ name: '李建国', idNumber: id('51172219550101001'), relation: '配偶' }],
};

test('a complete form has no errors', () => {
  assert.deepEqual(validateApplicationForm(good, '2026-11-25'), {});
});

test('each bad field gets its own plain message', () => {
  const errors = validateApplicationForm({ name: 'A', idNumber: '123', phone: '2380000', address: '村', items: [] }, '2026-11-25');
  assert.deepEqual(Object.keys(errors).sort(), ['address', 'idNumber', 'items', 'name', 'phone', 'villageCode']);
  assert.equal(errors.villageCode, '请选择您家所在的村（社区）');
  assert.match(errors.name, /汉字/);
  assert.match(errors.idNumber, /18位/);
  assert.match(errors.phone, /11位/);
  assert.ok(hasErrors(errors));
});

test('member rows are checked, including a repeated ID number and a missing relation', () => {
  const form = Object.assign({}, good, {
    members: [{ name: '王小明', idNumber: good.idNumber, relation: '' }],
  });
  const errors = validateApplicationForm(form, '2026-11-25');
  assert.equal(errors['members.0.idNumber'], '这个身份证号码和前面的重复了');
  assert.match(errors['members.0.relation'], /关系/);
  assert.deepEqual(memberErrors(errors, 2), [
    { name: '', idNumber: '这个身份证号码和前面的重复了', relation: '请选择这个人和申请人的关系' },
    { name: '', idNumber: '', relation: '' },
  ]);
});

test('assistant mode needs the assistant\'s own name and a reason', () => {
  const errors = validateApplicationForm(Object.assign({}, good, { assistant: { name: '', reason: '' } }), '2026-11-25');
  assert.deepEqual(errors, { assistantName: '请填写您（协理员）的姓名', assistantReason: '请选择为什么由您代办' });
  const ok = validateApplicationForm(Object.assign({}, good, { assistant: { name: '周协理', reason: '年纪大' } }), '2026-11-25');
  assert.deepEqual(ok, {});
});

test('phone numbers tolerate spaces', () => {
  assert.equal(checkPhone('138 0000 1234'), '');
  assert.notEqual(checkPhone('12800001234'), '');
});
