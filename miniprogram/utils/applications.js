/* Rows for 我的申请, the detail page's items, and the assistant's list of residents. */
const { statusLine } = require('./timeline');
const { chineseDate, yuan } = require('./format');

function itemNames(app) {
  return (app.items || []).map((i) => (typeof i === 'object' ? i.name || i.item_name || i.code : i)).join('、');
}

function listRow(app) {
  return {
    id: app.id,
    title: itemNames(app) || '救助申请',
    status: statusLine(app),
    when: chineseDate(app.submitted_at),
    late: app.deadline_level === 'red',
  };
}

/* Newest first; the list endpoint's order is not promised. */
function listRows(apps) {
  return (apps || [])
    .slice()
    .sort((a, b) => String(b.submitted_at || '').localeCompare(String(a.submitted_at || '')))
    .map(listRow);
}

/* Per item of one application: the department's decision once there is one. */
function itemRows(app) {
  return (app.items || []).map((i) => ({
    name: i.name || i.code,
    department: i.department || '',
    decision: i.decision || '还在办理',
    reason: i.reason || '',
    amount: i.amount_fen ? `${yuan(i.amount_fen)}${i.monthly ? '/月' : ''}` : '',
  }));
}

/*
 * Applications this user made as 协理员, grouped per resident. The server names the resident (masked)
 * only in the list of the assistant who applied, so every phone and the H5 pages show the same list.
 */
function residentsFrom(apps) {
  const byKey = {};
  const order = [];
  (apps || []).forEach((app) => {
    const who = app.assistant && app.assistant.resident;
    if (!who) return;
    const key = `${who.name}|${who.id_number}`;
    if (!byKey[key]) {
      byKey[key] = { key, name: who.name, idNumber: who.id_number, applications: [] };
      order.push(key);
    }
    byKey[key].applications.push(Object.assign(listRow(app), { revoked: Boolean(app.assistant.revoked) }));
  });
  return order.map((k) => byKey[k]);
}

/* The list endpoint answers {items: [...]}; a bare array is accepted too. */
function unwrapList(data) {
  if (Array.isArray(data)) return data;
  return (data && data.items) || [];
}

module.exports = { listRow, listRows, itemRows, residentsFrom, unwrapList };
