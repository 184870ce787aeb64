// A real OpenID Connect provider for the integration tests, built on the
// npm package oidc-provider (certified by the OpenID Foundation). Usage:
//   node provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
// Its development sign-in form accepts any login; the login typed is the
// account's e-mail address (verified), so a test signs in as whoever it
// names. Prints "ready" once it listens.
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  // Put the e-mail claims in the ID token itself, as Goldthread reads them there.
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  scopes: ['openid', 'email'],
  cookies: { keys: ['goldthread-test-cookie-key-not-secret'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: `subject-${id}`, email: id.toLowerCase(), email_verified: !id.startsWith('unverified') };
      },
    };
  },
});
provider.proxy = false;

provider.listen(Number(port), '127.0.0.1', () => {
  console.log('ready');
});
