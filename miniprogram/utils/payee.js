/*
 * 收款账户 on the phone: the same rules as the backend (domain/payee.py) so the person hears about a
 * mistake while the card is in her hand. The backend checks again; its words win.
 */
const MIN_DIGITS = 16;
const MAX_DIGITS = 19;

function normalizeAccount(raw) {
  return String(raw || '').replace(/[\s\u3000-]/g, '');
}

function luhnOk(digits) {
  let total = 0;
  String(digits).split('').reverse().forEach((ch, i) => {
    let v = Number(ch) * (i % 2 ? 2 : 1);
    if (v > 9) v -= 9;
    total += v;
  });
  return total % 10 === 0;
}

/* 6217 **** **** 1234: the bank's prefix and the last four. */
function maskAccount(raw) {
  const digits = normalizeAccount(raw);
  if (digits.length <= 8) return '*'.repeat(digits.length);
  return `${digits.slice(0, 4)} **** **** ${digits.slice(-4)}`;
}

function payeeGiven(payee) {
  return Boolean(payee && (payee.bank || normalizeAccount(payee.account)));
}

/*
 * Errors keyed as the form shows them (payeeBank, payeeAccount, payeeHolder); `names` are the applicant's
 * and the household members' names, one of which must be the holder (empty holder = the applicant).
 */
function payeeErrors(payee, names) {
  const errors = {};
  if (!payeeGiven(payee)) return errors;
  if (!payee.bank) errors.payeeBank = '请选择开户银行';
  const digits = normalizeAccount(payee.account);
  if (!digits) errors.payeeAccount = '请填写银行卡号（一卡通账号）';
  else if (!/^\d+$/.test(digits)) errors.payeeAccount = '银行卡号只能是数字，请对照卡片或存折重新填写';
  else if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) {
    errors.payeeAccount = `银行卡号应为 ${MIN_DIGITS} 到 ${MAX_DIGITS} 位数字，您填了 ${digits.length} 位，请核对`;
  }
  const holder = String(payee.holder || '').trim();
  if (holder && !names.map((n) => String(n).trim()).includes(holder)) {
    errors.payeeHolder = '户名须是申请人本人或家庭成员的姓名；请用本户成员名下的银行卡（一卡通）';
  }
  return errors;
}

/* A UnionPay (62…) number whose check digit doesn't add up: a warning to check, never a refusal. */
function payeeWarning(payee) {
  const digits = normalizeAccount(payee && payee.account);
  if (/^62\d{14,17}$/.test(digits) && !luhnOk(digits)) return '这个卡号的校验位对不上，可能抄错了一位；请对照卡片再核对一遍';
  return '';
}

/* The `payee` of POST /api/v1/applications, or undefined when none was given. */
function payeeBody(payee, applicantName) {
  if (!payeeGiven(payee)) return undefined;
  return {
    bank: payee.bank,
    account_number: normalizeAccount(payee.account),
    holder_name: String(payee.holder || '').trim() || String(applicantName).trim(),
  };
}

/* The application page: the items' time limits, from the catalogue (低保 30 working days). */
function limitsLine(limits) {
  if (!limits || !limits.length) return '';
  return `办理时限：${limits.map((l) => `${l.item_name} ${l.days} 个工作日`).join('；')}（从受理之日算，节假日不算）`;
}

/* Where the money goes (masked, as the API sends it), or that an account is still needed and how. */
function payeeLines(payee) {
  if (!payee) return null;
  const lines = [];
  if (payee.account_masked) lines.push(`救助金打到：${payee.bank || ''} ${payee.account_masked}（户名 ${payee.holder_name}）`);
  if (!payee.usable) lines.push(`${payee.problem}：${payee.how}`);
  return { lines, ok: Boolean(payee.usable) };
}

module.exports = {
  limitsLine, payeeLines,
  normalizeAccount, luhnOk, maskAccount, payeeGiven, payeeErrors, payeeWarning, payeeBody,
};
