//! HTTP: the server-rendered pages and the JSON API, around the domain and
//! the store.
//!
//! - [`pages`]: HTML for people using a browser (works without JavaScript).
//! - [`api`]: `/api/v1`, JSON for scripts and other systems, with an
//!   OpenAPI document generated from the handlers.
//! - [`session`]: sign-in state, CSRF protection and who is acting.

pub mod api;
pub mod assets;
pub mod error;
pub mod format;
pub mod oidc;
pub mod page_cache;
pub mod pages;
pub mod session;
pub mod sign_in_gate;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use goldthread_domain::plan_type::Registry;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::config::Config;
use crate::store::Store;

/// What every handler can reach: one reference-counted pointer, so that
/// the clone each extractor takes is one count, not one per part.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct Shared {
    pub store: Store,
    pub plan_types: Arc<Registry>,
    pub config: Config,
    /// Signs cookies (the CSRF token before sign-in, known devices); the
    /// same on every instance, kept in the database.
    pub secret: Vec<u8>,
    /// When this instance last recorded each API token's use, so that it
    /// writes at most once a minute per token.
    pub token_seen: std::sync::Mutex<std::collections::HashMap<String, std::time::Instant>>,
    /// The audit log's group-commit writer (crate::audit).
    pub audit: crate::audit::Auditor,
    /// Plan pages already built, by everything they were built from.
    pub pages: page_cache::PageCache,
}

impl AppState {
    pub fn new(store: Store, plan_types: Arc<Registry>, config: Config, secret: Vec<u8>) -> Self {
        let audit = crate::audit::Auditor::start_for(store.clone(), config.database.expose());
        AppState(Arc::new(Shared {
            audit,
            store,
            plan_types,
            config,
            secret,
            token_seen: Default::default(),
            pages: page_cache::PageCache::default(),
        }))
    }

    /// A plan type's display name, or its id when it is not loaded.
    pub fn plan_type_name(&self, id: &str) -> String {
        self.plan_types
            .get(id)
            .map_or_else(|| id.to_owned(), |t| t.name.clone())
    }
}

/// Largest request body accepted (forms and JSON); larger gets 413.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Largest upload request: a file and the form around it.
pub const MAX_UPLOAD_BYTES: usize = crate::store::MAX_FILE_BYTES + 256 * 1024;

/// Content Security Policy: no inline script or style, nothing from
/// elsewhere, no framing.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

pub fn router(state: AppState) -> Router {
    let session_layer = SessionManagerLayer::new(state.store.clone())
        .with_name(if state.config.secure_cookies() {
            "__Host-goldthread"
        } else {
            "goldthread"
        })
        .with_secure(state.config.secure_cookies())
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(state.config.security.idle_timeout));

    let pages = pages::router()
        .layer(axum::middleware::from_fn_with_state(state.clone(), session::csrf_guard))
        .layer(session_layer);

    let mut app = Router::new()
        .route("/healthz", get(healthz))
        .nest("/api/v1", api::router())
        .merge(pages)
        .nest_service("/assets", axum::routing::get(assets::serve))
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        // Personal data must not linger in shared caches or the browser's
        // back-forward cache; assets set their own caching.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    if state.config.secure_cookies() {
        app = app.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    // One audit entry per request, durable before the answer (crate::audit).
    app.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        crate::audit::middleware::record,
    ))
    .layer(CatchPanicLayer::custom(error::panic_response))
    .layer(TraceLayer::new_for_http().make_span_with(request_span))
    .with_state(state)
}

/// The span each request is logged in: its method and the route's
/// template (`/invitations/{token}`), never the path or query as sent,
/// which can hold an invitation token or a searched name.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("(no route)", |path| path.as_str());
    tracing::debug_span!("request", method = %request.method(), route)
}

/// 200 when the server and its database are usable.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
