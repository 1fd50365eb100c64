/* Form checks with plain-Chinese messages shown next to the field (field-error component). */
const { validateIdNumber, normalizeIdNumber } = require('./idcard');
const { payeeErrors } = require('./payee');

const RELATIONS = ['户主', '配偶', '子女', '父母', '孙子女', '祖父母', '兄弟姐妹', '其他'];
const PROXY_REASONS = ['年纪大', '残疾', '生病卧床', '不会用手机', '其他'];

function checkName(name) {
  const v = String(name || '').trim();
  if (!v) return '请填写姓名';
  if (!/^[\u4e00-\u9fa5·]{2,20}$/.test(v)) return '姓名请填2到20个汉字，和身份证上一样';
  return '';
}

function checkPhone(phone) {
  const v = String(phone || '').replace(/\s+/g, '');
  if (!v) return '请填写手机号，审批结果会通知您';
  if (!/^1[3-9]\d{9}$/.test(v)) return '手机号应该是11位数字，以1开头';
  return '';
}

function checkAddress(address) {
  const v = String(address || '').trim();
  if (!v) return '请填写家庭住址';
  if (v.length < 5) return '住址请写详细一点，比如：某某镇某某村三组';
  return '';
}

function checkIdNumber(raw, today) {
  const r = validateIdNumber(raw, today);
  return r.ok ? '' : r.message;
}

/**
 * form: {name, idNumber, phone, villageCode, address, items: [codes],
 *        members: [{name, idNumber, relation}], assistant?: {name, reason}}
 * Returns {field: message}; empty object means the form can go on.
 */
function validateApplicationForm(form, today) {
  const errors = {};
  const put = (field, message) => { if (message) errors[field] = message; };
  put('name', checkName(form.name));
  put('idNumber', checkIdNumber(form.idNumber, today));
  put('phone', checkPhone(form.phone));
  if (!/^\d{12}$/.test(String(form.villageCode || ''))) errors.villageCode = '请选择您家所在的村（社区）';
  put('address', checkAddress(form.address));
  if (!form.items || !form.items.length) errors.items = '请至少选一项要申请的救助';

  const seen = new Set([normalizeIdNumber(form.idNumber)]);
  (form.members || []).forEach((m, i) => {
    put(`members.${i}.name`, checkName(m.name));
    put(`members.${i}.idNumber`, checkIdNumber(m.idNumber, today));
    if (!RELATIONS.includes(m.relation) || m.relation === '户主') {
      errors[`members.${i}.relation`] = '请选择这个人和申请人的关系';
    }
    const id = normalizeIdNumber(m.idNumber);
    if (id && seen.has(id)) errors[`members.${i}.idNumber`] = '这个身份证号码和前面的重复了';
    seen.add(id);
  });
  const names = [form.name].concat((form.members || []).map((m) => m.name));
  Object.assign(errors, payeeErrors(form.payee, names));
  if (form.assistant) {
    const own = checkName(form.assistant.name);
    if (own) errors.assistantName = own.replace('姓名', '您（协理员）的姓名');
    if (!PROXY_REASONS.includes(form.assistant.reason)) errors.assistantReason = '请选择为什么由您代办';
  }
  return errors;
}

/* Per member row, its three messages: WXML cannot build the key "members.<i>.name" itself. */
function memberErrors(errors, count) {
  return Array.from({ length: count }, (_, i) => ({
    name: errors[`members.${i}.name`] || '',
    idNumber: errors[`members.${i}.idNumber`] || '',
    relation: errors[`members.${i}.relation`] || '',
  }));
}

/* Name and ID number of one person (查进度, 绑定): {name?, idNumber?} messages, empty when both are fine. */
function personErrors(name, idNumber, today) {
  const errors = {};
  const nameError = checkName(name);
  const idError = checkIdNumber(idNumber, today);
  if (nameError) errors.name = nameError;
  if (idError) errors.idNumber = idError;
  return errors;
}

function hasErrors(errors) {
  return Object.keys(errors).length > 0;
}

module.exports = {
  checkName, checkPhone, checkAddress, checkIdNumber, validateApplicationForm, memberErrors, hasErrors, RELATIONS,
  PROXY_REASONS, personErrors,
};
