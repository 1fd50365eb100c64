/*
 * The 申请 journey: steps, OCR feedback, review rows and the body of POST /api/v1/applications
 * (services/applications/submission.py submit: household, items, materials, assistant). The ID photo is named by
 * the upload key the check returned; the signature, a small PNG, goes inline as base64.
 */
const { normalizeIdNumber, maskIdNumber } = require('./idcard');
const { incomeFen } = require('./household');
const { maskAccount, payeeBody } = require('./payee');

const STEPS = [
  { key: 'form', title: '填写信息' },
  { key: 'income', title: '家里收入' },
  { key: 'photo', title: '拍身份证' },
  { key: 'signature', title: '签名' },
  { key: 'review', title: '核对提交' },
];

function stepIndex(key) {
  return STEPS.findIndex((s) => s.key === key);
}

/*
 * What the applicant sees right after the photo is read, while the card is still at hand. The
 * backend compares the photo with what was typed (expected_name / expected_id_number) and
 * returns warnings in plain Chinese; they are shown as they are.
 */
function ocrFeedback(result) {
  const warnings = (result.warnings || []).map((w) => w.message || w.code);
  const lines = [];
  if (result.name) lines.push(`姓名：${result.name}`);
  if (result.id_number) lines.push(`身份证号：${maskIdNumber(result.id_number)}`);
  if (result.birth_date) lines.push(`出生：${result.birth_date}`);
  if (result.region) lines.push(`户籍地：${typeof result.region === 'object' ? result.region.name || '' : result.region}`);
  return {
    level: warnings.length ? 'warn' : 'ok',
    title: warnings.length ? '照片读出来了，有几处请您看一下' : '身份证照片清楚，信息对上了',
    lines,
    warnings,
  };
}

function memberFrom(person, relation) {
  return { name: String(person.name).trim(), id_number: normalizeIdNumber(person.idNumber), relation };
}

/*
 * form as validated by validate.validateApplicationForm; photoKey is the checked ID photo's upload
 * key (photo_key from the check); signature is base64 (no data: prefix) from the signature canvas.
 */
function buildApplicationPayload({ form, photoKey, signature, incomes = [] }) {
  const household = {
    village_code: form.villageCode,
    address: String(form.address).trim(),
    phone: String(form.phone).replace(/\s+/g, ''),
    members: [memberFrom(form, '户主')].concat((form.members || []).map((m) => memberFrom(m, m.relation))),
  };
  // incomes[i] is what was typed for person i (the applicant first), checked on the income step
  household.members.forEach((m, i) => { m.monthly_income_fen = incomeFen(incomes[i]).fen || {}; });
  const materials = { id_photo: { upload_key: photoKey }, signature };
  const payload = { household, items: form.items.slice(), materials };
  const payee = payeeBody(form.payee, form.name);
  if (payee) payload.payee = payee;
  if (form.assistant) {
    // The resident signs on the assistant's phone: the same signature is the application, the
    // authorisation for the economic check, and the authorisation (授权书) for the assistant.
    materials.assistant_authorisation = signature;
    payload.assistant = {
      assistant_name: String(form.assistant.name).trim(),
      resident_name: household.members[0].name,
      resident_id_number: household.members[0].id_number,
      reason: form.assistant.reason,
    };
  }
  return payload;
}

function maskPhone(phone) {
  return String(phone).replace(/\s+/g, '').replace(/^(\d{3})\d{4}(\d{4})$/, '$1****$2');
}

/* Review screen rows: personal data masked, as the backend does on every screen. */
function reviewRows(form, itemNames, villageName) {
  const rows = [
    { label: form.assistant ? '村民姓名' : '申请人', value: form.name },
    { label: '身份证号', value: maskIdNumber(normalizeIdNumber(form.idNumber)) },
    { label: '手机号', value: maskPhone(form.phone) },
    { label: '所在村（社区）', value: villageName || '' },
    { label: '家庭住址', value: form.address },
    { label: '申请的救助', value: form.items.map((c) => itemNames[c] || c).join('、') },
  ];
  (form.members || []).forEach((m) => rows.push({ label: `家里人（${m.relation}）`, value: m.name }));
  const payee = payeeBody(form.payee, form.name);
  rows.push({ label: '救助金打到', value: payee ? `${form.payee.bankName || ''} ${maskAccount(payee.account_number)}（户名 ${payee.holder_name}）` : '还没填，以后带卡到乡镇窗口登记' });
  if (form.assistant) {
    rows.push({ label: '代办的协理员', value: form.assistant.name });
    rows.push({ label: '代办原因', value: form.assistant.reason });
  }
  return rows;
}

/* 补正: a sentence on what was fixed, a new ID photo (its upload key) and/or changed incomes
 * ([{member, monthly_income_fen}], utils/household changedIncomes). One of them is needed. */
function correctionBody(note, photoKey, incomes = []) {
  const text = String(note || '').trim();
  if (!text && !photoKey && !incomes.length) return { error: '请写一句补了什么，或者重新拍一张身份证照片，或者改一下收入' };
  const body = { note: text, materials: photoKey ? { id_photo: { upload_key: photoKey } } : {} };
  if (incomes.length) body.incomes = incomes;
  return { body };
}

module.exports = {
  correctionBody,
  STEPS, stepIndex, ocrFeedback, buildApplicationPayload, reviewRows,
};
