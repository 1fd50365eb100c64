/* The API client's transport over node's global fetch, for the live tests against `yimen serve`. */
const fs = require('node:fs');
const path = require('node:path');

async function toResult(res) {
  const text = await res.text();
  let data = text;
  if ((res.headers.get('content-type') || '').includes('json')) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  return { status: res.status, data };
}

function nodeTransport() {
  return {
    async request(req) {
      const res = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.data === undefined ? undefined : JSON.stringify(req.data),
      });
      return toResult(res);
    },
    async upload(req) {
      const form = new FormData();
      Object.keys(req.formData || {}).forEach((k) => form.append(k, req.formData[k]));
      form.append(req.name, new Blob([fs.readFileSync(req.filePath)]), path.basename(req.filePath));
      return toResult(await fetch(req.url, { method: 'POST', headers: req.headers, body: form }));
    },
  };
}

module.exports = { nodeTransport };
