/*
 * Deployment settings. baseUrl points at `yimen serve` on a developer machine; the release
 * build sets the county's HTTPS domain (also registered as a request domain in the MP console).
 */
const config = {
  baseUrl: 'http://127.0.0.1:8000',
  // 订阅消息 template ids for 审批进度 and 救助金到账 notices, from the MP console. Empty locally.
  subscribeTemplateIds: [],
  // Origins whose /h/<token> codes are 幸福码, besides baseUrl itself (e.g. a separate public host).
  happinessOrigins: [],
};

/* Where a scanned 幸福码 may point: our own server, plus any configured public origin. */
config.trustedOrigins = () => [config.baseUrl].concat(config.happinessOrigins);

module.exports = config;
