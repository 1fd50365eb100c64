/*
 * Idempotency keys only need to be unique per draft, not secret: a timestamp plus 64 random
 * bits is plenty, and works on every WeChat base library (no crypto API needed).
 */
function newIdempotencyKey(now = Date.now(), random = Math.random) {
  let rand = '';
  for (let i = 0; i < 4; i += 1) rand += Math.floor(random() * 0x10000).toString(16).padStart(4, '0');
  return `mp-${now.toString(36)}-${rand}`;
}

module.exports = { newIdempotencyKey };
