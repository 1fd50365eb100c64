/* 大字模式 (elderly mode): one stored switch, read by every page on show. */
const BIG_KEY = 'yimen.bigText';

function createSettings(storage) {
  return {
    isBig: () => storage.get(BIG_KEY) === true,
    setBig: (on) => storage.set(BIG_KEY, Boolean(on)),
  };
}

module.exports = { createSettings, BIG_KEY };
