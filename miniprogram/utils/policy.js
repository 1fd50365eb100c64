/* Policy catalogue search and the ask-a-question chat, shaped for the 政策 page. */

/* Traditional forms and nicknames people type most, mapped to the catalogue's words. The
 * backend does the real understanding for questions; this only helps the local list filter. */
const SEARCH_SYNONYMS = {
  五保: '特困', 低保户: '低保', 残补: '残疾', 护理费: '护理', 危房: '住房', 大病: '医疗', 看病: '医疗',
  上学: '教育', 读书: '教育', 學: '学', 醫: '医', 療: '疗', 險: '险', 補: '补', 貼: '贴', 災: '灾', 殘: '残',
};

function normalizeQuery(text) {
  let q = String(text || '').trim().toLowerCase().replace(/\s+/g, '');
  Object.keys(SEARCH_SYNONYMS).forEach((k) => { q = q.split(k).join(SEARCH_SYNONYMS[k]); });
  return q;
}

/* Name hits rank above category hits above summary hits; the catalogue order breaks ties. */
function searchItems(items, text) {
  const q = normalizeQuery(text);
  if (!q) return items.slice();
  const score = (item) => {
    if ((item.name || '').includes(q)) return 3;
    if ((item.category || '').includes(q)) return 2;
    if ((item.summary || '').includes(q)) return 1;
    return 0;
  };
  return items
    .map((item, i) => ({ item, i, s: score(item) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.item);
}

function groupByCategory(items) {
  const groups = [];
  const index = {};
  items.forEach((item) => {
    const name = item.category || '其他';
    if (!(name in index)) {
      index[name] = groups.length;
      groups.push({ name, items: [] });
    }
    groups[index[name]].items.push(item);
  });
  return groups;
}

/* A low-confidence answer still shows, but tells the person to check with a human. */
const LOW_CONFIDENCE = 0.5;

/* The answer ends with the H5 pages' addresses ("详情：/policy/dibao", two for a question about two
 * aids); in the mini-program the item link below the bubble replaces them. */
function stripWebLink(text) {
  return text.replace(/\s*详情[:：][^\n]*$/, '');
}

function botMessage(reply) {
  return {
    from: 'bot',
    text: reply.answer ? stripWebLink(reply.answer) : '没有找到相关的政策，请拨打民政服务热线或到乡镇便民服务窗口咨询。',
    itemCode: reply.item_code || '',
    itemName: reply.item_name || '',
    unsure: typeof reply.confidence === 'number' && reply.confidence < LOW_CONFIDENCE,
    sources: (reply.sources || []).map((src) => (typeof src === 'string' ? src : src.title)).filter(Boolean),
  };
}

function userMessage(text) {
  return { from: 'me', text: String(text).trim(), itemCode: '', itemName: '', unsure: false, sources: [] };
}

const strings = (list) => (list || []).map(String);

/* The item page's sections in the order a person asks about them; 依据 last, it is for clerks.
 * Fields as served by GET /api/v1/policy/items/<code> (entrypoints/web/api_policy.py item_json). */
const SECTIONS = [
  { title: '谁能申请', lines: (i) => strings(i.conditions) },
  {
    title: '能领多少',
    lines: (i) => (i.standards || []).map((s) => `${s.label}：${s.text}${s.demo ? '（示范数值）' : ''}`),
  },
  { title: '要带的材料', lines: (i) => strings(i.materials) },
  { title: '怎么办理', lines: (i) => strings(i.process).map((step, n) => `${n + 1}. ${step}`) },
  { title: '多长时间办完', lines: (i) => (i.time_limit_days ? [`${i.time_limit_days}个工作日内办结`] : []) },
  { title: '到哪里办', lines: (i) => (i.place ? [i.place] : []) },
  { title: '主管部门', lines: (i) => (i.department ? [i.department] : []) },
  { title: '不能同时领的', lines: (i) => (i.not_with || []).map((n) => n.reason) },
  { title: '政策依据', lines: (i) => (i.basis || []).map((b) => (typeof b === 'string' ? b : `${b.title} ${b.article || ''}`.trim())) },
];

function detailSections(item) {
  return SECTIONS.map((sec) => ({ title: sec.title, lines: sec.lines(item).filter(Boolean) }))
    .filter((sec) => sec.lines.length);
}

const SAMPLE_QUESTIONS = ['低保要什么条件？', '申请低保要带什么材料？', '残疾人补贴一个月多少钱？', '我的申请到哪一步了？'];

module.exports = { normalizeQuery, searchItems, groupByCategory, botMessage, userMessage, SAMPLE_QUESTIONS, detailSections };
