const test = require('node:test');
const assert = require('node:assert/strict');
const { yuan, parseYuan, chineseDate, chineseDateTime } = require('../utils/format');

test('fen display without float drift', () => {
  assert.equal(yuan(150000), '1,500元');
  assert.equal(yuan(34250), '342.50元');
  assert.equal(yuan(5), '0.05元');
  assert.equal(yuan(-1999), '-19.99元');
  assert.equal(yuan(123456789), '1,234,567.89元');
});

test('typed amounts become integer fen', () => {
  assert.equal(parseYuan('1200'), 120000);
  assert.equal(parseYuan('0.1'), 10);
  assert.equal(parseYuan(' 1,200.55 元'), 120055);
  assert.equal(parseYuan('0'), 0);
  assert.equal(parseYuan('-5'), null);
  assert.equal(parseYuan('1.234'), null);
  assert.equal(parseYuan('一千'), null);
  assert.equal(parseYuan(''), null);
});

test('dates in Chinese', () => {
  assert.equal(chineseDate('2026-03-05T08:30:00Z'), '2026年3月5日');
  assert.equal(chineseDateTime('2026-03-05T08:30:00Z'), '2026年3月5日 08:30');
  assert.equal(chineseDate(null), '');
});
