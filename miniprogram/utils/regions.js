/*
 * The village picker of the application form. Expects GET /api/v1/regions/villages to answer
 * {villages: [{code, name, township}]} (12-digit village codes, as household.village_code needs).
 */
function villageOptions(data) {
  const list = Array.isArray(data) ? data : (data && (data.villages || data.items)) || [];
  return list
    .filter((v) => /^\d{12}$/.test(String(v.code)))
    .map((v) => ({ code: String(v.code), label: v.township ? `${v.township} ${v.name}` : v.name }));
}

module.exports = { villageOptions };
