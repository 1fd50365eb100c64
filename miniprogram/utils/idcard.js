/*
 * Resident ID numbers (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit sequence
 * (odd = male), and an ISO 7064 MOD 11-2 check character.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/* People type on phone keyboards: full-width digits, a lower-case x, stray spaces. */
function normalizeIdNumber(raw) {
  return String(raw || '')
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[xX×Ｘｘ]/g, 'X')
    .replace(/\s+/g, '');
}

function checkChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

function parseBirthDate(digits8) {
  const y = Number(digits8.slice(0, 4));
  const m = Number(digits8.slice(4, 6));
  const d = Number(digits8.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  return real ? `${digits8.slice(0, 4)}-${digits8.slice(4, 6)}-${digits8.slice(6, 8)}` : null;
}

/**
 * Returns {ok: true, value, birthDate, gender} or {ok: false, code, message}.
 * `today` is 'YYYY-MM-DD' so tests do not depend on the clock.
 */
function validateIdNumber(raw, today) {
  const value = normalizeIdNumber(raw);
  const fail = (code, message) => ({ ok: false, code, message });
  if (!value) return fail('ID_EMPTY', '请填写身份证号码');
  if (value.length !== 18) return fail('ID_LENGTH', `身份证号码应该是18位，现在是${value.length}位`);
  if (!/^\d{17}[\dX]$/.test(value)) return fail('ID_FORMAT', '身份证号码前17位应该都是数字，最后一位是数字或X');
  const birthDate = parseBirthDate(value.slice(6, 14));
  if (!birthDate || birthDate < '1900-01-01' || (today && birthDate > today)) {
    return fail('ID_BIRTH', '身份证号码里的出生日期不对，请核对');
  }
  if (checkChar(value.slice(0, 17)) !== value[17]) {
    return fail('ID_CHECK', '身份证号码有一位不对，请对照身份证再核对一遍');
  }
  const gender = Number(value[16]) % 2 === 1 ? '男' : '女';
  return { ok: true, value, birthDate, gender };
}

function ageOn(birthDate, today) {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/* Same shape as the backend's masking: 5117**********1234. */
function maskIdNumber(value) {
  if (!value) return '';
  if (value.length <= 8) return '*'.repeat(value.length);
  return value.slice(0, 4) + '*'.repeat(value.length - 8) + value.slice(-4);
}

function maskName(value) {
  if (!value) return '';
  return value.length > 1 ? value[0] + '*'.repeat(value.length - 1) : value;
}

module.exports = { normalizeIdNumber, checkChar, validateIdNumber, ageOn, maskIdNumber, maskName };
