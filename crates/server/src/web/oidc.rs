//! Single sign-on with OpenID Connect: the authorization code flow with
//! PKCE (S256), `state` and `nonce` checked, and the ID token's signature
//! (the provider's published keys), issuer, audience and expiry verified
//! by the `openidconnect` crate. OWASP ASVS 5.0 V10.1.1 (tokens go only to
//! the component that needs them), V10.1.2 (state, nonce and PKCE bind the
//! response to this browser's request), V10.2.1 (PKCE), V10.5.1 (ID token
//! signature, issuer, audience, expiry), V10.5.3 (users matched by a
//! stable subject, or by verified e-mail only).
//!
//! Who may sign in this way is the administrator's rule (see
//! [`crate::config::OidcConfig`]): an identity already linked to an
//! account; else an active account with the same verified e-mail address,
//! which is then linked; else, if provisioning is on, a new account with
//! the configured role.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use goldthread_domain::user::NewUser;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse,
};
use secrecy::ExposeSecret;
use serde::Deserialize;
use subtle::ConstantTimeEq;
use tower_sessions::Session;

use super::AppState;
use super::error::PageError;
use super::session::{safe_next, with_cookie};
use crate::config::OidcConfig;
use crate::store::User;

const STATE_KEY: &str = "oidc_state";
const NONCE_KEY: &str = "oidc_nonce";
const VERIFIER_KEY: &str = "oidc_pkce_verifier";
const NEXT_KEY: &str = "oidc_next";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in/oidc", get(start))
        .route("/sign-in/oidc/callback", get(callback))
}

fn config(state: &AppState) -> Result<&OidcConfig, PageError> {
    state.config.oidc.as_ref().ok_or(PageError::NotFound)
}

/// Where the provider sends the browser back: under the public URL, or the
/// address the request came to when none is configured.
fn redirect_url(state: &AppState, headers: &HeaderMap) -> Result<RedirectUrl, PageError> {
    let base = match &state.config.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .ok_or_else(|| PageError::bad_request("The request has no Host header."))?;
            format!("http://{host}")
        }
    };
    RedirectUrl::new(format!("{base}/sign-in/oidc/callback")).map_err(PageError::internal)
}

fn http_client() -> Result<openidconnect::reqwest::Client, PageError> {
    // No redirects: a provider's endpoint that redirects could be used to
    // reach somewhere else (SSRF).
    openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(PageError::internal)
}

fn provider_unavailable(e: impl std::fmt::Display) -> PageError {
    tracing::error!(error = %e, "OpenID Connect provider");
    PageError::Status(
        StatusCode::BAD_GATEWAY,
        "Signing in with your organisation's account is not working just now. Try again later, or sign in with your password.".into(),
    )
}

async fn metadata(
    config: &OidcConfig,
    http: &openidconnect::reqwest::Client,
) -> Result<CoreProviderMetadata, PageError> {
    let issuer = IssuerUrl::new(config.issuer.clone()).map_err(provider_unavailable)?;
    CoreProviderMetadata::discover_async(issuer, http)
        .await
        .map_err(provider_unavailable)
}

#[derive(Deserialize)]
struct StartQuery {
    next: Option<String>,
}

/// Sends the browser to the provider, remembering state, nonce and the
/// PKCE verifier in the session.
async fn start(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(query): Query<StartQuery>,
) -> Result<Response, PageError> {
    let config = config(&state)?;
    let http = http_client()?;
    let client = CoreClient::from_provider_metadata(
        metadata(config, &http).await?,
        ClientId::new(config.client_id.clone()),
        Some(ClientSecret::new(config.client_secret.expose_secret().to_owned())),
    )
    .set_redirect_uri(redirect_url(&state, &headers)?);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".to_owned()))
        .set_pkce_challenge(challenge)
        .url();
    session
        .insert(STATE_KEY, csrf.secret())
        .await
        .map_err(PageError::internal)?;
    session
        .insert(NONCE_KEY, nonce.secret())
        .await
        .map_err(PageError::internal)?;
    session
        .insert(VERIFIER_KEY, verifier.secret())
        .await
        .map_err(PageError::internal)?;
    session
        .insert(NEXT_KEY, safe_next(query.next.as_deref()))
        .await
        .map_err(PageError::internal)?;
    Ok(Redirect::to(url.as_str()).into_response())
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

fn refused(message: &str) -> PageError {
    PageError::Status(StatusCode::FORBIDDEN, message.to_owned())
}

/// Back from the provider: checks state, exchanges the code (with the PKCE
/// verifier), verifies the ID token and its nonce, then signs the matching
/// user in.
async fn callback(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, PageError> {
    let config = config(&state)?;
    let take = |key: &'static str| {
        let session = session.clone();
        async move { session.remove::<String>(key).await.map_err(PageError::internal) }
    };
    let (expected_state, nonce, verifier, next) = (
        take(STATE_KEY).await?,
        take(NONCE_KEY).await?,
        take(VERIFIER_KEY).await?,
        take(NEXT_KEY).await?,
    );
    let (Some(expected_state), Some(nonce), Some(verifier)) = (expected_state, nonce, verifier) else {
        return Err(refused(
            "This sign-in was not started here, or has already been used. Start again from the sign-in page.",
        ));
    };
    if let Some(error) = query.error {
        tracing::warn!(error, "OpenID Connect provider refused the sign-in");
        return Err(refused(
            "Your organisation's sign-in did not let you in. Start again from the sign-in page.",
        ));
    }
    let sent_state = query.state.unwrap_or_default();
    if !bool::from(sent_state.as_bytes().ct_eq(expected_state.as_bytes())) {
        tracing::warn!("OpenID Connect callback with the wrong state");
        return Err(refused(
            "This sign-in was not started here. Start again from the sign-in page.",
        ));
    }
    let code = query
        .code
        .ok_or_else(|| refused("The sign-in response had no code. Start again."))?;

    let http = http_client()?;
    let client = CoreClient::from_provider_metadata(
        metadata(config, &http).await?,
        ClientId::new(config.client_id.clone()),
        Some(ClientSecret::new(config.client_secret.expose_secret().to_owned())),
    )
    .set_redirect_uri(redirect_url(&state, &headers)?);
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(provider_unavailable)?
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(&http)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "OpenID Connect code exchange failed");
            refused("Your organisation's sign-in could not be completed. Start again from the sign-in page.")
        })?;
    let id_token = token
        .id_token()
        .ok_or_else(|| refused("Your organisation's sign-in sent no identity. Ask your administrator."))?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(nonce))
        .map_err(|e| {
            tracing::warn!(error = %e, "OpenID Connect ID token refused");
            refused("Your organisation's sign-in could not be checked. Start again from the sign-in page.")
        })?;
    let subject = claims.subject().as_str().to_owned();
    let verified_email = match (claims.email(), claims.email_verified()) {
        (Some(email), Some(true)) => Some(email.as_str().trim().to_lowercase()),
        _ => None,
    };
    let user = match_user(&state, config, &subject, verified_email.as_deref()).await?;

    super::session::establish(&session, user.id, &headers).await?;
    tracing::info!(user = %user.id, "signed in with OpenID Connect");
    // The browser now counts as one the user has signed in on (sign-in throttling).
    let device = super::sign_in_gate::device_cookie(&state, user.id, None);
    Ok(with_cookie(
        Redirect::to(&safe_next(next.as_deref())).into_response(),
        Some(device),
    ))
}

/// The administrator's rule: a linked identity; else an active account
/// with the verified e-mail (then linked); else a new account if
/// provisioning is on.
async fn match_user(
    state: &AppState,
    config: &OidcConfig,
    subject: &str,
    verified_email: Option<&str>,
) -> Result<User, PageError> {
    let store = &state.store;
    let no_account = || {
        refused(
            "There is no Goldthread account for you yet. Ask your administrator to add you with the e-mail address your organisation knows you by.",
        )
    };
    if let Some(user_id) = store.oidc_identity(&config.issuer, subject).await? {
        return match store.user(user_id).await? {
            Some(user) if user.active => Ok(user),
            _ => Err(no_account()),
        };
    }
    let Some(email) = verified_email else {
        return Err(no_account());
    };
    let user = match store.user_by_email(email).await? {
        Some(user) if user.active => user,
        Some(_) => return Err(no_account()),
        None => {
            let Some(role) = config.provision_role else {
                return Err(no_account());
            };
            let name = email.split('@').next().unwrap_or(email).to_owned();
            // A password nobody knows: this account signs in through the
            // provider until an administrator sets one.
            let password = crate::auth::random_secret();
            let new_user = NewUser::parse(email, &name, role.as_str(), &password).map_err(|_| no_account())?;
            let hash = crate::auth::hash_password(password)
                .await
                .map_err(PageError::Internal)?;
            let user = store.create_user(&new_user, &hash).await?;
            tracing::info!(user = %user.id, "account made at first single sign-on");
            user
        }
    };
    store.link_oidc_identity(&config.issuer, subject, user.id).await?;
    Ok(user)
}
