/*
 * The self-check (自测) wizard: one plain question per screen, some only asked when an earlier
 * answer makes them relevant. Pure state machine so node can test it; the page only renders
 * `current(state)` and calls `answer` / `back`.
 */
const { parseYuan } = require('./format');

const YES_NO = [{ value: 'yes', label: '有' }, { value: 'no', label: '没有' }];
// The backend's accepted words (domain/eligibility.py DISASTERS).
const DISASTERS = ['自然灾害', '火灾', '交通事故', '意外伤害', '突发重病', '主要劳动力死亡'];

/* `ask` is what the screen says; `hint` is a second, smaller line in plain words. */
const QUESTIONS = [
  { id: 'age', kind: 'number', ask: '您今年多大岁数？', hint: '填周岁，比如 68', min: 0, max: 120, unit: '岁' },
  { id: 'size', kind: 'number', ask: '家里一共住着几口人？', hint: '算上您自己', min: 1, max: 20, unit: '人' },
  { id: 'income', kind: 'money', ask: '全家每个月一共大概有多少收入？', hint: '打工、种地、养殖、退休金都算上，没有就填 0', unit: '元/月' },
  { id: 'disability', kind: 'choice', ask: '您或家里人有残疾证吗？', choices: YES_NO },
  {
    id: 'disabilityGrade', kind: 'choice', ask: '残疾证上写的是几级？', when: (a) => a.disability === 'yes',
    choices: [1, 2, 3, 4].map((g) => ({ value: g, label: `${'一二三四'[g - 1]}级` })),
  },
  {
    id: 'disabilityType', kind: 'choice', ask: '是哪一类残疾？', when: (a) => a.disability === 'yes',
    choices: ['肢体', '视力', '听力', '言语', '智力', '精神', '多重'].map((t) => ({ value: t, label: t })),
  },
  {
    id: 'work', kind: 'choice', ask: '您现在还能干活挣钱吗？',
    choices: [
      { value: '完全劳动能力', label: '能干活' },
      { value: '部分劳动能力', label: '只能干一点轻活' },
      { value: '无劳动能力', label: '干不了活' },
    ],
  },
  { id: 'supporter', kind: 'choice', ask: '有没有子女或其他亲人能养活您、照顾您？', hint: '不住在一起的子女也算', choices: YES_NO },
  {
    id: 'school', kind: 'choice', ask: '家里有孩子在上学吗？',
    choices: [{ value: 'none', label: '没有' }].concat(['学前', '小学', '初中', '高中', '中职', '大学'].map((s) => ({ value: s, label: s }))),
  },
  { id: 'medical', kind: 'money', ask: '今年看病，医保报销以后自己花了多少钱？', hint: '没有就填 0', unit: '元' },
  {
    id: 'housing', kind: 'choice', ask: '您家住的房子是哪一种？',
    choices: [
      { value: '自有住房', label: '自己的房子，住着安全' },
      { value: '危房', label: '自己的房子，但是危房' },
      { value: '租房', label: '租的房子' },
      { value: '无房', label: '没有房子住' },
    ],
  },
  { id: 'assets', kind: 'money', ask: '全家存款大概有多少？', hint: '银行存款、理财都算上，没有就填 0', unit: '元' },
  {
    id: 'disaster', kind: 'choice', ask: '最近有没有遇到突发的难事？',
    choices: [{ value: '没有', label: '没有' }].concat(DISASTERS.map((d) => ({ value: d, label: d }))),
  },
  // Choices are the catalogue's items, given to start(); skipped when the catalogue did not load.
  { id: 'current', kind: 'multi', ask: '现在已经在领哪些救助或补贴？', hint: '可以选几项；都没有就直接点“下一题”', fromCatalogue: true },
];

/* A typical school age per stage, so the backend's age rules see a plausible child. */
const SCHOOL_AGE = { 学前: 5, 小学: 9, 初中: 13, 高中: 16, 中职: 16, 大学: 19 };

/* The questions this state asks, with catalogue choices filled in. */
function visible(state, answers = state.answers) {
  return QUESTIONS
    .filter((q) => (!q.when || q.when(answers)) && (!q.fromCatalogue || state.aidChoices.length))
    .map((q) => (q.fromCatalogue ? Object.assign({}, q, { choices: state.aidChoices }) : q));
}

/* aidChoices: [{value: item code, label: item name}] for the "already receiving" question. */
function start(aidChoices = []) {
  return { answers: {}, index: 0, aidChoices };
}

function current(state) {
  const list = visible(state);
  if (state.index >= list.length) return null;
  return Object.assign({}, list[state.index], {
    number: state.index + 1,
    total: list.length,
    value: state.answers[list[state.index].id],
  });
}

function isDone(state) {
  return state.index >= visible(state).length;
}

/* Checks one raw answer; returns {ok, value} or {ok: false, message}. */
function checkAnswer(question, raw) {
  if (question.kind === 'multi') {
    const picked = new Set([].concat(raw || []).map(String));
    return { ok: true, value: question.choices.filter((c) => picked.has(String(c.value))).map((c) => c.value) };
  }
  if (question.kind === 'choice') {
    const hit = question.choices.find((c) => String(c.value) === String(raw));
    return hit ? { ok: true, value: hit.value } : { ok: false, message: '请点一下其中一个选项' };
  }
  if (question.kind === 'money') {
    const fen = parseYuan(raw);
    return fen === null ? { ok: false, message: '请填一个数字，比如 1200' } : { ok: true, value: fen };
  }
  const n = Number(String(raw == null ? '' : raw).trim());
  if (String(raw).trim() === '' || !Number.isInteger(n)) return { ok: false, message: '请填一个整数' };
  if (n < question.min || n > question.max) {
    return { ok: false, message: `请填 ${question.min} 到 ${question.max} 之间的数` };
  }
  return { ok: true, value: n };
}

/* Answers the current question and moves on. Answers to questions that became hidden (the
 * user went back and changed "有残疾证" to "没有") are dropped so they never reach the profile. */
function answer(state, raw) {
  const q = current(state);
  if (!q) return { state, error: null };
  const checked = checkAnswer(q, raw);
  if (!checked.ok) return { state, error: checked.message };
  const answers = Object.assign({}, state.answers, { [q.id]: checked.value });
  const shown = new Set(visible(state, answers).map((v) => v.id));
  Object.keys(answers).forEach((id) => { if (!shown.has(id)) delete answers[id]; });
  return { state: Object.assign({}, state, { answers, index: state.index + 1 }), error: null };
}

function back(state) {
  return Object.assign({}, state, { index: Math.max(0, state.index - 1) });
}

/* The household profile POSTed to /api/v1/eligibility/hints (domain/eligibility.py profile_from_dict). */
function toProfile(answers) {
  const a = answers;
  const head = { relation: '户主', age: a.age, work_capacity: a.work, income_fen: { 家庭收入: a.income || 0 } };
  if (a.disability === 'yes') {
    head.disability_grade = a.disabilityGrade;
    head.disability_type = a.disabilityType;
  }
  const members = [head];
  if (a.school && a.school !== 'none') {
    members.push({ relation: '子女', age: SCHOOL_AGE[a.school], school: a.school, income_fen: {} });
  }
  // Income is the household's total, told once; the others' zero keeps the per-capita figure right.
  while (members.length < (a.size || 1)) members.push({ relation: '其他', income_fen: {} });
  return {
    members,
    housing: a.housing,
    assets_fen: a.assets || 0,
    medical_oop_fen: a.medical || 0,
    disaster: a.disaster && a.disaster !== '没有' ? a.disaster : null,
    has_supporter: a.supporter === undefined ? null : a.supporter === 'yes',
    current_aid: a.current || [],
  };
}

const LEVELS = {
  likely: { label: '很可能符合', order: 0 },
  possible: { label: '可能符合', order: 1 },
  unlikely: { label: '暂不符合', order: 2 },
};

/* A backend reason is {result: 符合|不符合|待核实, text, details: [the numbers compared]}. */
function reasonOf(r) {
  if (!r || typeof r !== 'object') return { head: String(r == null ? '' : r), details: [], result: '' };
  return { head: r.result ? `${r.result}：${r.text}` : r.text || '', details: r.details || [], result: r.result || '' };
}

function listText(list, pick) {
  return (list || []).map((x) => (x && typeof x === 'object' ? pick(x) : String(x))).filter(Boolean);
}

/*
 * The hints response ({items: [...], notice}) for the results screen: most promising first,
 * aid already received last, each with the plain sentence, the rules and the numbers.
 */
function shapeHints(data) {
  const hints = ((data && data.items) || []).map((h) => {
    const level = h.status;
    return {
      item_code: h.item_code,
      item_name: h.item_name,
      level,
      receiving: Boolean(h.receiving),
      levelLabel: h.receiving ? '已在享受' : h.status_text || (LEVELS[level] || { label: level }).label,
      order: h.receiving ? 9 : (LEVELS[level] || { order: 3 }).order,
      summary: h.summary || '',
      reasons: (h.reasons || []).map(reasonOf),
      materials: listText(h.materials, (m) => m.name || m.text),
      where: h.place || '',
      conflicts: listText(h.conflicts, (c) => c.reason || c.item_name),
      estimate: (h.estimate && h.estimate.text) || '',
    };
  });
  return {
    hints: hints.sort((x, y) => x.order - y.order),
    notice: (data && data.notice) || '结果只是参考，最后以乡镇审核为准。',
  };
}

/* Codes worth carrying into the application: promising and not already received. */
function promisingCodes(hints) {
  return hints.filter((h) => h.level !== 'unlikely' && !h.receiving).map((h) => h.item_code);
}

module.exports = {
  QUESTIONS, start, current, isDone, answer, back, checkAnswer, toProfile, shapeHints, promisingCodes, visible,
};
