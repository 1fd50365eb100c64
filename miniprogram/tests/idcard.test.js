const test = require('node:test');
const assert = require('node:assert/strict');
const { validateIdNumber, checkChar, normalizeIdNumber, ageOn, maskIdNumber, maskName } = require('../utils/idcard');

// Synthetic numbers: region 110101 (a real code), invented birth dates and sequence numbers.
const first17 = '11010119490101002';

test('check character follows GB 11643 MOD 11-2', () => {
  // Worked example from the standard: 11010519491231002X.
  assert.equal(checkChar('11010519491231002'), 'X');
  // Cross-checked with an independent Python computation of the same weights.
  assert.equal(checkChar(first17), '6');
  assert.equal(checkChar('44052418800101001'), '4');
});

test('a valid number gives birth date and gender', () => {
  const r = validateIdNumber('11010519491231002X', '2026-11-25');
  assert.deepEqual(r, { ok: true, value: '11010519491231002X', birthDate: '1949-12-31', gender: '女' });
  const male = '11010119800101001';
  assert.equal(validateIdNumber(male + checkChar(male)).gender, '男');
});

test('one wrong digit is caught by the check character', () => {
  const r = validateIdNumber('11010519491231003X');
  assert.equal(r.ok, false);
  assert.equal(r.code, 'ID_CHECK');
  assert.match(r.message, /核对/);
});

test('phone-keyboard input is normalised', () => {
  assert.equal(normalizeIdNumber(' １１0105 19491231 002x '), '11010519491231002X');
  assert.equal(validateIdNumber('110105194912310 02x').ok, true);
});

test('length, letters, impossible and future birth dates are refused in plain words', () => {
  assert.equal(validateIdNumber('').code, 'ID_EMPTY');
  assert.equal(validateIdNumber('1101051949').code, 'ID_LENGTH');
  assert.match(validateIdNumber('1101051949').message, /18位，现在是10位/);
  assert.equal(validateIdNumber('1101A519491231002X').code, 'ID_FORMAT');
  const feb30 = '11010519490230002';
  assert.equal(validateIdNumber(feb30 + checkChar(feb30)).code, 'ID_BIRTH');
  const future = '11010520300101002';
  assert.equal(validateIdNumber(future + checkChar(future), '2026-11-25').code, 'ID_BIRTH');
});

test('age counts whole years up to the birthday', () => {
  assert.equal(ageOn('1949-12-31', '2026-12-30'), 76);
  assert.equal(ageOn('1949-12-31', '2026-12-31'), 77);
});

test('masking matches the backend', () => {
  assert.equal(maskIdNumber('11010519491231002X'), '1101**********002X');
  assert.equal(maskName('张三丰'), '张**');
  assert.equal(maskName(''), '');
});
