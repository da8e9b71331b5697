// Preloaded with `node --import ./loop-base-url.mjs`: the only change to arctic is its base URLs.
// arctic hard-codes TikTok's hosts; every request it sends to them goes to LOOP_URL instead, with the
// same path, query, method, headers and body.
const TIKTOK_ORIGINS = ["https://www.tiktok.com", "https://open.tiktokapis.com"];
const loop = new URL(process.env.LOOP_URL);

export function toLoop(address) {
  const url = new URL(address);
  if (TIKTOK_ORIGINS.includes(url.origin)) {
    url.protocol = loop.protocol;
    url.host = loop.host;
  }
  return url;
}

const tiktokFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const request = new Request(input, init);
  const body = ["GET", "HEAD"].includes(request.method) ? undefined : await request.arrayBuffer();
  return tiktokFetch(toLoop(request.url), { method: request.method, headers: request.headers, body });
};
