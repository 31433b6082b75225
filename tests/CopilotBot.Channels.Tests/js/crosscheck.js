'use strict';
// Cross-check for the C# Bot Framework token validator (JwtCrossCheckTests.cs runs this).
// Reads {metadataUrl, appId, keys: {kid: pkcs8 PEM}, cases: [...]} on stdin. For each case it mints a channel token
// with the local RSA keys (node:crypto, no JWT library, so malformed variants are easy), runs Microsoft's own checker,
// botframework-connector's JwtTokenValidation.authenticateRequest (ChannelValidation with the OpenID metadata pointed
// at the local document), and prints [{name, authorization, accepted, error}] as JSON on stdout.
const crypto = require('node:crypto');
const { JwtTokenValidation, ChannelValidation, SimpleCredentialProvider } = require('botframework-connector');

const b64url = (data) => Buffer.from(data).toString('base64url');

function mint(spec, keys) {
  const header = { alg: spec.alg, typ: 'JWT' };
  if (spec.kid) header.kid = spec.kid;
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(spec.claims))}`;
  let signature;
  if (spec.alg === 'none') {
    signature = Buffer.alloc(0);
  } else if (spec.alg.startsWith('HS')) {
    signature = crypto.createHmac(`sha${spec.alg.slice(2)}`, spec.hmacKey).update(signingInput).digest();
  } else {
    signature = crypto.sign(`sha${spec.alg.slice(2)}`, Buffer.from(signingInput), keys[spec.signWith || spec.kid]);
  }
  if (spec.tamperClaims) {
    // Same signature, different payload: what an attacker editing a captured token would send.
    const forged = Object.assign({}, spec.claims, spec.tamperClaims);
    return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(forged))}.${b64url(signature)}`;
  }
  return `${signingInput}.${b64url(signature)}`;
}

async function main() {
  const input = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
  ChannelValidation.OpenIdMetadataEndpoint = input.metadataUrl;
  const credentials = new SimpleCredentialProvider(input.appId, '');
  const results = [];
  for (const c of input.cases) {
    const authorization = c.token ? `${c.scheme || 'Bearer'} ${mint(c.token, input.keys)}` : (c.rawHeader || '');
    const activity = { type: 'message', channelId: c.activity.channelId, serviceUrl: c.activity.serviceUrl };
    try {
      await JwtTokenValidation.authenticateRequest(activity, authorization, credentials, '');
      results.push({ name: c.name, authorization, accepted: true, error: null });
    } catch (err) {
      results.push({ name: c.name, authorization, accepted: false, error: String(err && err.message || err) });
    }
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack || err));
  process.exit(1);
});
