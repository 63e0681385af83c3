// A real OpenID Provider (panva/oidc-provider, OpenID Certified) for the sign-in tests.
// Started by tests/oidc/conftest.py on 127.0.0.1; never used outside the tests.
//
//   node server.js --port 4011 --client-id academy --client-secret s3cret
//       --redirect-uri http://127.0.0.1:8123/accounts/oidc/callback/
//       --post-logout-redirect-uri http://127.0.0.1:8123/
//       --accounts accounts.json --jwks jwks.json
//
// accounts.json is read again at every sign-in, so a test can change an account's claims
// between two sign-ins: {"<sub>": {"name": ..., "email": ..., "groups": [...], ...}}.
// An account may carry "tamper": "signature" | "expired" | "wrong_audience": the ID token of
// its sign-ins is then broken that way on its way out of the token endpoint (signature byte
// flipped, or re-signed with the provider's own key with exp in the past / another audience),
// so the relying party's refusal is tested on the real flow.
// jwks.json holds the provider's private signing key (written by the test).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SignJWT, importJWK, decodeJwt, decodeProtectedHeader } from 'jose';
import Provider from 'oidc-provider';

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'post-logout-redirect-uri': { type: 'string', multiple: true, default: [] },
    accounts: { type: 'string' },
    jwks: { type: 'string' },
  },
});

const issuer = `http://127.0.0.1:${opts.port}`;
const jwks = JSON.parse(readFileSync(opts.jwks, 'utf8'));
const readAccounts = () => JSON.parse(readFileSync(opts.accounts, 'utf8'));
const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const provider = new Provider(issuer, {
  clients: [{
    client_id: opts['client-id'],
    client_secret: opts['client-secret'],
    redirect_uris: opts['redirect-uri'],
    post_logout_redirect_uris: opts['post-logout-redirect-uri'],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    // mozilla-django-oidc's default: the secret in the token request's form.
    token_endpoint_auth_method: 'client_secret_post',
  }],
  jwks,
  claims: {
    openid: ['sub'],
    profile: ['name', 'hd'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
    employee: ['employee_number', 'store', 'cohorts'],
  },
  scopes: ['openid', 'profile', 'email', 'groups', 'employee'],
  conformIdTokenClaims: false,
  // The relying party must send a PKCE challenge (S256), as it does by default.
  pkce: { methods: ['S256'], required: () => true },
  cookies: { keys: ['test-only-cookie-key'] },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      // The confirmation page: the provider's form (its xsrf token) and a "yes" button.
      async logoutSource(ctx, form) {
        ctx.body = `<!doctype html><title>Test provider log-out</title>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`;
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = readAccounts()[sub];
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        const { tamper, ...claims } = account;
        return { sub, ...claims };
      },
    };
  },
});

const readForm = async (req) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
};

// The log-in page: pick an account (no password: the tests are about the relying party),
// then a consent grant for everything asked.
provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>Test provider log-in</title>
<form method="post" action="/interaction/${escapeHtml(details.uid)}">
<label>Account <input name="login"></label><button type="submit">Sign in</button></form>`;
    return undefined;
  }
  const form = await readForm(ctx.req);
  const sub = form.get('login') || '';
  if (!readAccounts()[sub]) {
    ctx.status = 400;
    ctx.body = 'unknown account';
    return undefined;
  }
  const grant = new provider.Grant({ accountId: sub, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope));
  const grantId = await grant.save();
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, {
    login: { accountId: sub },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
  ctx.redirect(returnTo);
  return undefined;
});

// Break the ID token of a tampering account on its way out of the token endpoint.
const signingKey = jwks.keys[0];
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || !ctx.body || !ctx.body.id_token) return;
  const token = ctx.body.id_token;
  const claims = decodeJwt(token);
  const tamper = (readAccounts()[claims.sub] || {}).tamper;
  if (!tamper) return;
  if (tamper === 'signature') {
    const [h, p, s] = token.split('.');
    const flipped = (s[5] === 'A' ? 'B' : 'A');
    ctx.body = { ...ctx.body, id_token: `${h}.${p}.${s.slice(0, 5)}${flipped}${s.slice(6)}` };
    return;
  }
  const now = Math.floor(Date.now() / 1000);
  const changed = tamper === 'expired'
    ? { ...claims, iat: now - 7200, exp: now - 3600 }
    : { ...claims, aud: 'someone-else' };
  const key = await importJWK(signingKey, 'RS256');
  const resigned = await new SignJWT(changed)
    .setProtectedHeader({ ...decodeProtectedHeader(token) })
    .sign(key);
  ctx.body = { ...ctx.body, id_token: resigned };
});

// The provider's refusals in its log (the test's tmp directory), for a failing test's reader.
for (const event of ['authorization.error', 'grant.error', 'end_session.error', 'userinfo.error', 'server_error']) {
  provider.on(event, (ctx, err) => {
    process.stderr.write(`${event}: ${err.message} ${err.error_detail || ''}\n`);
  });
}

const server = provider.listen(Number(opts.port), '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
