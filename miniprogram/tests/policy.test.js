const test = require('node:test');
const assert = require('node:assert/strict');
const { searchItems, groupByCategory, botMessage, userMessage, detailSections } = require('../utils/policy');

const items = [
  { code: 'dibao', name: '最低生活保障', category: '基本生活救助', summary: '家庭人均收入低于当地低保标准' },
  { code: 'tekun', name: '特困人员救助供养', category: '基本生活救助', summary: '无劳动能力、无收入、无法定赡养人' },
  { code: 'yiliao', name: '医疗救助', category: '专项救助', summary: '看病报销后自付部分再救助' },
  { code: 'canbu', name: '困难残疾人生活补贴', category: '残疾人两项补贴', summary: '低保家庭中的残疾人' },
];

test('search finds by name first, then category, then summary', () => {
  assert.deepEqual(searchItems(items, '低保').map((i) => i.code), ['dibao', 'canbu']);
  assert.deepEqual(searchItems(items, '救助').map((i) => i.code), ['tekun', 'yiliao', 'dibao']);
  assert.deepEqual(searchItems(items, '').length, 4);
  assert.deepEqual(searchItems(items, '不存在的东西'), []);
});

test('nicknames and traditional characters find the right item', () => {
  assert.deepEqual(searchItems(items, '五保').map((i) => i.code), ['tekun']);
  assert.deepEqual(searchItems(items, '醫療').map((i) => i.code), ['yiliao']);
  assert.deepEqual(searchItems(items, '看病').map((i) => i.code), ['yiliao']);
});

test('catalogue grouped by category in first-seen order', () => {
  assert.deepEqual(groupByCategory(items).map((g) => [g.name, g.items.length]), [
    ['基本生活救助', 2], ['专项救助', 1], ['残疾人两项补贴', 1],
  ]);
});

test('chat bubbles: answer, link, and an honest "not sure"', () => {
  const m = botMessage({
    answer: '办最低生活保障要带：居民身份证或户口簿。详情：/policy/dibao', item_code: 'dibao', item_name: '最低生活保障',
    confidence: 0.9, sources: [{ title: '《社会救助暂行办法》 第九条', url: '/policy/dibao' }],
  });
  assert.deepEqual(m, {
    from: 'bot', text: '办最低生活保障要带：居民身份证或户口簿。', itemCode: 'dibao', itemName: '最低生活保障',
    unsure: false, sources: ['《社会救助暂行办法》 第九条'],
  });
  const two = botMessage({ answer: '低保和特困不能同时享受。详情：/policy/dibao /policy/tekun', item_code: 'dibao' });
  assert.equal(two.text, '低保和特困不能同时享受。');
  assert.equal(botMessage({ answer: 'x', confidence: 0.2 }).unsure, true);
  assert.match(botMessage({}).text, /没有找到/);
  assert.equal(userMessage('  你好 ').text, '你好');
});

test('item detail sections in the order people ask (shape of GET /api/v1/policy/items/<code>)', () => {
  const sections = detailSections({
    name: '重度残疾人护理补贴',
    basis: [{ title: '《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》', article: '二、（一）补贴对象' }],
    conditions: ['持有第二代残疾人证，残疾等级为一级或二级。'],
    materials: ['居民身份证或户口簿', '第二代残疾人证'],
    process: ['向乡镇窗口申请', '按月打卡发放'],
    standards: [{ label: '一级重度残疾人护理补贴', text: '120.00元/人/月', demo: true, fen: 12000 }],
    place: '乡镇便民服务中心社会救助窗口', department: '县民政局、县残联', time_limit_days: 20,
    not_with: [{ item_code: 'tekun', reason: '特困人员照料护理费已覆盖护理需求' }], rules: [{ id: 'x', text: '内部规则' }],
  });
  assert.deepEqual(sections, [
    { title: '谁能申请', lines: ['持有第二代残疾人证，残疾等级为一级或二级。'] },
    { title: '能领多少', lines: ['一级重度残疾人护理补贴：120.00元/人/月（示范数值）'] },
    { title: '要带的材料', lines: ['居民身份证或户口簿', '第二代残疾人证'] },
    { title: '怎么办理', lines: ['1. 向乡镇窗口申请', '2. 按月打卡发放'] },
    { title: '多长时间办完', lines: ['20个工作日内办结'] },
    { title: '到哪里办', lines: ['乡镇便民服务中心社会救助窗口'] },
    { title: '主管部门', lines: ['县民政局、县残联'] },
    { title: '不能同时领的', lines: ['特困人员照料护理费已覆盖护理需求'] },
    { title: '政策依据', lines: ['《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》 二、（一）补贴对象'] },
  ]);
  assert.deepEqual(detailSections({ name: '空' }), []);
});
