const test = require('node:test');
const assert = require('node:assert/strict');
const {
  luhnOk, maskAccount, payeeErrors, payeeWarning, payeeBody, limitsLine, payeeLines,
} = require('../utils/payee');
const { buildApplicationPayload, reviewRows } = require('../utils/apply');
const { validateApplicationForm } = require('../utils/validate');

const NAMES = ['王秀英', '李建国'];

test('payee: the number is shown back masked, the prefix and the last four', () => {
  assert.equal(maskAccount('6217 0000 0000 0000 012'), '6217 **** **** 0012');
  assert.equal(maskAccount('1234'), '****');
});

test('payee: nothing given is fine (the window can register it later)', () => {
  assert.deepEqual(payeeErrors({ bank: '', account: '', holder: '' }, NAMES), {});
  assert.equal(payeeBody({ bank: '', account: '' }, '王秀英'), undefined);
});

test('payee: the same refusals as the backend, in plain words', () => {
  assert.deepEqual(payeeErrors({ bank: '', account: '=1+2', holder: '张三' }, NAMES), {
    payeeBank: '请选择开户银行',
    payeeAccount: '银行卡号只能是数字，请对照卡片或存折重新填写',
    payeeHolder: '户名须是申请人本人或家庭成员的姓名；请用本户成员名下的银行卡（一卡通）',
  });
  assert.equal(payeeErrors({ bank: 'ABC', account: '6217 0000 0000' }, NAMES).payeeAccount,
    '银行卡号应为 16 到 19 位数字，您填了 12 位，请核对');
});

test('payee: a UnionPay number failing Luhn is a warning only', () => {
  assert.ok(luhnOk('6217000000000000012'));
  assert.equal(payeeWarning({ account: '6217000000000000012' }), '');
  assert.match(payeeWarning({ account: '6217000000000000013' }), /校验位对不上/);
  assert.deepEqual(payeeErrors({ bank: 'ABC', account: '6217000000000000013' }, NAMES), {});
});

test('payee: goes with the application, holder defaulting to the applicant, and is reviewed masked', () => {
  const form = {
    name: '王秀英', idNumber: '', phone: '', villageCode: '', address: '', items: ['dibao'], members: [],
    payee: { bank: 'ABC', bankName: '中国农业银行', account: '6217 0000 0000 0000 012', holder: '' },
  };
  const payload = buildApplicationPayload({ form, photoKey: 'k', signature: 's' });
  assert.deepEqual(payload.payee, { bank: 'ABC', account_number: '6217000000000000012', holder_name: '王秀英' });
  const row = reviewRows(form, { dibao: '最低生活保障' }, '').find((r) => r.label === '救助金打到');
  assert.equal(row.value, '中国农业银行 6217 **** **** 0012（户名 王秀英）');
  const errors = validateApplicationForm(Object.assign({}, form, { payee: Object.assign({}, form.payee, { holder: '张三' }) }), '2026-11-25');
  assert.equal(errors.payeeHolder, '户名须是申请人本人或家庭成员的姓名；请用本户成员名下的银行卡（一卡通）');
});

test('application page: the real time limit and where the money goes, or how to give an account', () => {
  assert.equal(limitsLine([{ item_name: '最低生活保障', days: 30 }]), '办理时限：最低生活保障 30 个工作日（从受理之日算，节假日不算）');
  assert.deepEqual(payeeLines({ bank: '中国农业银行', account_masked: '6228 **** **** 0018', holder_name: '王**', usable: true }),
    { lines: ['救助金打到：中国农业银行 6228 **** **** 0018（户名 王**）'], ok: true });
  const missing = payeeLines({ usable: false, problem: '还没有登记收款账户', how: '请带身份证和一卡通到乡镇窗口登记' });
  assert.deepEqual(missing, { lines: ['还没有登记收款账户：请带身份证和一卡通到乡镇窗口登记'], ok: false });
});
