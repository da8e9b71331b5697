// arctic's TikTok provider, as an app written for TikTok uses it. One step per run; prints JSON.
//   node --import ./loop-base-url.mjs client.mjs authorize-url
//   node --import ./loop-base-url.mjs client.mjs exchange CODE CODE_VERIFIER
//   node --import ./loop-base-url.mjs client.mjs refresh REFRESH_TOKEN
//   node --import ./loop-base-url.mjs client.mjs revoke TOKEN
// Configured by CLIENT_KEY, CLIENT_SECRET, REDIRECT_URI (and LOOP_URL, for the preload).
import { OAuth2RequestError, TikTok, UnexpectedErrorResponseBodyError, generateCodeVerifier, generateState } from "arctic";
import { toLoop } from "./loop-base-url.mjs";

const tiktok = new TikTok(process.env.CLIENT_KEY, process.env.CLIENT_SECRET, process.env.REDIRECT_URI);
const SCOPES = ["user.info.basic", "user.info.profile"];

async function step(name, args) {
  switch (name) {
    case "authorize-url": {
      const state = generateState();
      const codeVerifier = generateCodeVerifier();
      const url = tiktok.createAuthorizationURL(state, codeVerifier, SCOPES);
      return { url: toLoop(url).toString(), state, code_verifier: codeVerifier };
    }
    case "exchange":
      return (await tiktok.validateAuthorizationCode(args[0], args[1])).data;
    case "refresh":
      return (await tiktok.refreshAccessToken(args[0])).data;
    case "revoke":
      await tiktok.revokeToken(args[0]);
      return { revoked: true };
    default:
      throw new Error(`unknown step ${name}`);
  }
}

try {
  console.log(JSON.stringify(await step(process.argv[2], process.argv.slice(3))));
} catch (error) {
  const failure = { failed: error.constructor.name, message: error.message };
  if (error instanceof OAuth2RequestError) {
    Object.assign(failure, { code: error.code, description: error.description });
  }
  if ("status" in error) failure.status = error.status;
  if (error instanceof UnexpectedErrorResponseBodyError) failure.data = error.data;
  console.log(JSON.stringify(failure));
  process.exitCode = 1;
}
