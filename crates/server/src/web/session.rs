//! Who is signed in, and protection against cross-site request forgery.
//!
//! Sessions are stored in the database (see `store::sessions`) behind an
//! HttpOnly, SameSite cookie; signing in issues a new session id, so a
//! session id planted before sign-in is worthless (fixation). Every
//! state-changing form carries a per-session synchronizer token (`_csrf`)
//! that [`csrf_guard`] checks in constant time before any handler runs;
//! before sign-in that token lives in a signed cookie, so anonymous
//! traffic stores nothing. State-changing requests from another site are
//! refused by their `Origin` and `Sec-Fetch-Site` headers as well.
//!
//! Sessions end after a period of inactivity (default 30 minutes) and at
//! most a fixed time after sign-in (default 8 hours) (ASVS 5.0 V7.3.1,
//! V7.3.2).

use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::user::Actor;
use subtle::ConstantTimeEq;
use tower_sessions::Session;
use uuid::Uuid;

use super::AppState;
use super::error::PageError;
use crate::store::User;

use crate::store::LOADED_USER_KEY;
pub use crate::store::{USER_AGENT_KEY, USER_KEY};
pub const CSRF_KEY: &str = "csrf";
pub const CSRF_FIELD: &str = "_csrf";
/// When the session signed in (Unix milliseconds), for the absolute timeout.
pub const SIGNED_IN_AT_KEY: &str = "signed_in_at";
/// When the session was last seen (Unix milliseconds); refreshed at most
/// once a minute, which slides its idle expiry.
pub const SEEN_AT_KEY: &str = "seen_at";

/// The name of a cookie, with the `__Host-` prefix when cookies are Secure.
pub fn cookie_name(secure: bool, name: &str) -> String {
    if secure {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, whole site, Secure over https.
pub fn set_cookie(secure: bool, name: &str, value: &str, max_age: time::Duration) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        max_age.whole_seconds()
    ))
    .expect("cookie values are base64url and hex")
}

const ANONYMOUS_CSRF_COOKIE: &str = "goldthread-csrf";
const ANONYMOUS_CSRF_PURPOSE: &str = "csrf";

/// The CSRF token of a visitor who has not signed in: a random value in a
/// signed cookie (so nothing is stored for them). Returns the token and,
/// when the visitor has none yet, the cookie to set.
pub fn anonymous_csrf(state: &AppState, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    let secure = state.config.secure_cookies();
    let name = cookie_name(secure, ANONYMOUS_CSRF_COOKIE);
    if let Some(cookie) = cookie_value(headers, &name)
        && crate::auth::verify_signed(&state.secret, ANONYMOUS_CSRF_PURPOSE, &cookie).is_some()
    {
        return (cookie, None);
    }
    let token = crate::auth::signed(&state.secret, ANONYMOUS_CSRF_PURPOSE, &crate::auth::random_secret());
    let cookie = set_cookie(secure, &name, &token, time::Duration::hours(12));
    (token, Some(cookie))
}

/// Adds a `Set-Cookie` header to a response, if there is one.
pub fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// Whether a request comes from another site, by the headers browsers add
/// (ASVS 5.0 V3.5.1): `Sec-Fetch-Site` other than same-origin or none, or
/// an `Origin` that is neither this server's host nor its public URL.
pub fn is_cross_site(headers: &HeaderMap, public_url: Option<&str>) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site.to_ascii_lowercase().as_str(), "same-origin" | "none")
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else { return true };
    let origin = origin.trim().to_ascii_lowercase();
    if let Some(public) = public_url.map(public_origin)
        && origin == public
    {
        return false;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|h| h.trim().to_ascii_lowercase());
    match (origin.split_once("://"), host) {
        (Some((scheme, authority)), Some(host)) => !(matches!(scheme, "http" | "https") && authority == host),
        _ => true,
    }
}

/// `https://host[:port]` of a URL, lower case, without its path.
fn public_origin(url: &str) -> String {
    let url = url.trim().to_ascii_lowercase();
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            format!("{scheme}://{authority}")
        }
        None => url,
    }
}

/// Signs `user` in on this session: a new session id (against session
/// fixation), a new CSRF token, the sign-in and last-seen times (for the
/// absolute and idle timeouts) and the browser's name, then the user id,
/// which makes the stored session record the user's.
pub async fn establish(session: &Session, user: Uuid, headers: &HeaderMap) -> Result<(), PageError> {
    session.cycle_id().await.map_err(PageError::internal)?;
    crate::audit::note_user(user);
    crate::audit::note_action("sign_in.ok");
    session.insert(USER_KEY, user).await.map_err(PageError::internal)?;
    session
        .insert(CSRF_KEY, crate::auth::random_secret())
        .await
        .map_err(PageError::internal)?;
    let now = crate::store::to_millis(crate::store::now());
    session
        .insert(SIGNED_IN_AT_KEY, now)
        .await
        .map_err(PageError::internal)?;
    session.insert(SEEN_AT_KEY, now).await.map_err(PageError::internal)?;
    let agent: String = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    session
        .insert(USER_AGENT_KEY, agent)
        .await
        .map_err(PageError::internal)?;
    Ok(())
}

/// The session's CSRF token, made on first use.
pub async fn csrf_token(session: &Session) -> Result<String, PageError> {
    if let Some(token) = session.get::<String>(CSRF_KEY).await.map_err(PageError::internal)? {
        return Ok(token);
    }
    let token = crate::auth::random_secret();
    session.insert(CSRF_KEY, &token).await.map_err(PageError::internal)?;
    Ok(token)
}

/// Refuses any state-changing request that comes from another site, or
/// whose `_csrf` form field does not match the session's token (or, before
/// sign-in, the signed token cookie).
pub async fn csrf_guard(State(state): State<AppState>, session: Session, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let refused = || {
        PageError::Status(
            StatusCode::FORBIDDEN,
            "This form has expired or did not come from Goldthread. Go back, reload the page and try again.".into(),
        )
        .into_response()
    };
    if is_cross_site(request.headers(), state.config.public_url.as_deref()) {
        tracing::warn!("refused a cross-site form");
        return refused();
    }
    let (parts, body) = request.into_parts();
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let multipart_boundary = multer::parse_boundary(&content_type).ok();
    let limit = if multipart_boundary.is_some() {
        super::MAX_UPLOAD_BYTES
    } else {
        super::MAX_BODY_BYTES
    };
    let bytes = match to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return PageError::Status(StatusCode::PAYLOAD_TOO_LARGE, "The form sent was too large.".into())
                .into_response();
        }
    };
    let sent = if content_type.starts_with("application/x-www-form-urlencoded") {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .ok()
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v))
    } else if let Some(boundary) = multipart_boundary {
        multipart_field(&bytes, boundary, CSRF_FIELD).await
    } else {
        None
    };
    let expected = match session.get::<String>(CSRF_KEY).await.ok().flatten() {
        Some(token) => Some(token),
        None => {
            let name = cookie_name(state.config.secure_cookies(), ANONYMOUS_CSRF_COOKIE);
            cookie_value(&parts.headers, &name)
                .filter(|c| crate::auth::verify_signed(&state.secret, ANONYMOUS_CSRF_PURPOSE, c).is_some())
        }
    };
    let valid = match (sent, expected) {
        (Some(sent), Some(expected)) => bool::from(sent.as_bytes().ct_eq(expected.as_bytes())),
        _ => false,
    };
    if !valid {
        return refused();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// The text of one field of a multipart form (file uploads), read from the
/// already-buffered body.
async fn multipart_field(bytes: &axum::body::Bytes, boundary: String, name: &str) -> Option<String> {
    let body = bytes.clone();
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

/// The signed-in user of a page. Pages that take it redirect to the
/// sign-in page when nobody is signed in.
pub struct CurrentUser {
    pub user: User,
    pub csrf: String,
    pub session: Session,
}

impl CurrentUser {
    pub fn actor(&self) -> Actor {
        self.user.actor()
    }

    pub fn id(&self) -> Uuid {
        self.user.id
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let user_id: Option<Uuid> = session
            .get(USER_KEY)
            .await
            .map_err(|e| PageError::internal(e).into_response())?;
        // Read with the session (store/sessions.rs), else on its own.
        let loaded: Option<User> = session.get(LOADED_USER_KEY).await.ok().flatten();
        let user = match (user_id, loaded) {
            (Some(id), Some(user)) if user.id == id => Some(user),
            (Some(id), _) => state
                .store
                .user(id)
                .await
                .map_err(|e| PageError::from(e).into_response())?,
            (None, _) => None,
        };
        let now = crate::store::to_millis(crate::store::now());
        let signed_in_at: Option<i64> = session.get(SIGNED_IN_AT_KEY).await.ok().flatten();
        let too_old =
            signed_in_at.is_none_or(|at| now - at > state.config.security.absolute_timeout.whole_milliseconds() as i64);
        if user.is_some() && too_old {
            // Past the absolute timeout: the session ends whatever its use.
            let _ = session.flush().await;
        }
        match user {
            Some(user) if user.active && !too_old => {
                let csrf = csrf_token(&session).await.map_err(IntoResponse::into_response)?;
                // Seen again: slide the idle expiry, writing at most once a minute.
                let seen_at: Option<i64> = session.get(SEEN_AT_KEY).await.ok().flatten();
                if seen_at.is_none_or(|at| now - at >= 60_000) {
                    session
                        .insert(SEEN_AT_KEY, now)
                        .await
                        .map_err(|e| PageError::internal(e).into_response())?;
                }
                crate::audit::note_user(user.id);
                Ok(CurrentUser { user, csrf, session })
            }
            _ => {
                let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let target = if next == "/" {
                    "/sign-in".to_owned()
                } else {
                    format!(
                        "/sign-in?next={}",
                        serde_urlencoded::to_string([("", next)])
                            .unwrap_or_default()
                            .trim_start_matches('=')
                    )
                };
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

/// A signed-in administrator.
pub struct Admin(pub CurrentUser);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        if user.user.role.is_admin() {
            Ok(Admin(user))
        } else {
            Err(PageError::NotFound.into_response())
        }
    }
}

/// Only a path on this site may be used as a post-sign-in destination
/// (ASVS 5.0 V3.7.2, open redirects): it must start with a single `/`,
/// hold only printable ASCII other than a backslash (browsers drop tabs
/// and line breaks and treat `\` as `/`, so `/\t/evil` means `//evil`),
/// and resolve against this site's origin to this site. Anything else
/// means the home page.
pub fn safe_next(next: Option<&str>) -> String {
    let home = || "/".to_owned();
    let Some(path) = next else { return home() };
    let printable = path.bytes().all(|b| (0x21..0x7f).contains(&b) && b != b'\\');
    if !printable || !path.starts_with('/') || path.starts_with("//") || path.len() > 2000 {
        return home();
    }
    // Nor may it hide those in percent-encoding (`/%09/evil.example`),
    // in case something along the way decodes it once more.
    let decoded = percent_decoded(path);
    if decoded.iter().any(|&b| b < 0x20 || b == 0x7f || b == b'\\') || decoded.starts_with(b"//") {
        return home();
    }
    // The URL parser is the browser's: what it resolves must stay here.
    let base = url::Url::parse("https://goldthread.invalid/").expect("a valid base");
    match base.join(path) {
        Ok(joined) if joined.origin() == base.origin() && joined.username().is_empty() => {
            let mut same = joined.path().to_owned();
            if let Some(query) = joined.query() {
                same.push('?');
                same.push_str(query);
            }
            if let Some(fragment) = joined.fragment() {
                same.push('#');
                same.push_str(fragment);
            }
            if same.starts_with("//") { home() } else { same }
        }
        _ => home(),
    }
}

/// `%XX` escapes decoded, as bytes.
fn percent_decoded(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = bytes.get(i + 1..i + 3)
            && let Ok(hex) = std::str::from_utf8(hex)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// The address a request came from: the peer, or, when the peer is a
/// trusted proxy, the last address in `X-Forwarded-For` that is not one.
pub fn client_address(
    peer: std::net::IpAddr,
    headers: &HeaderMap,
    trusted_proxies: &[std::net::IpAddr],
) -> std::net::IpAddr {
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|a| a.trim().parse())
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    forwarded
        .into_iter()
        .rev()
        .find(|a| !trusted_proxies.contains(a))
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::{client_address, is_cross_site, safe_next};
    use axum::http::HeaderMap;
    use proptest::prelude::*;

    /// ASVS 5.0 V3.7.2: no post-sign-in redirect leaves the site.
    #[test]
    fn sign_in_never_redirects_off_site_asvs_3_7_2() {
        assert_eq!(safe_next(Some("/people?q=leo")), "/people?q=leo");
        assert_eq!(safe_next(Some("/plans/1#parties")), "/plans/1#parties");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/\n/evil.example",
            "/people\r\nSet-Cookie: x=1",
            "\\\\evil.example",
            " /people",
            "/ /evil",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(Some("/%2F%2Fevil.example")), "/");
        assert_eq!(safe_next(Some("/%5Cevil.example")), "/");
        assert_eq!(safe_next(Some("/people?q=leo%20martin")), "/people?q=leo%20martin");
        assert_eq!(safe_next(None), "/");
    }

    /// What the browser would make of a `Location` header, relative to the
    /// site.
    fn browser_resolves(location: &str) -> url::Url {
        let cleaned: String = location.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
        url::Url::parse("https://goldthread.invalid/plans")
            .unwrap()
            .join(cleaned.trim())
            .unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// ASVS 5.0 V3.7.2, fuzzed: whatever `next` holds, the redirect
        /// stays on the site and is a valid header value.
        #[test]
        fn no_next_leaves_the_site_asvs_3_7_2(next in "[/\\\\\t\n\r %a-z0-9:.@?#=&;-]{0,24}") {
            let safe = safe_next(Some(&next));
            prop_assert!(safe.starts_with('/'));
            prop_assert!(axum::http::HeaderValue::from_str(&safe).is_ok());
            let resolved = browser_resolves(&safe);
            prop_assert_eq!(resolved.host_str(), Some("goldthread.invalid"));
        }

        #[test]
        fn no_prefixed_next_leaves_the_site_asvs_3_7_2(
            prefix in prop::sample::select(vec!["/", "//", "/\\", "\\", "/\t/", "/%09/", "/%2f", "https:", "/.//", "/..//"]),
            rest in "[a-z./\\\\@:%0-9]{0,16}",
        ) {
            let safe = safe_next(Some(&format!("{prefix}{rest}")));
            let resolved = browser_resolves(&safe);
            prop_assert_eq!(resolved.host_str(), Some("goldthread.invalid"));
        }
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let proxy: std::net::IpAddr = "10.0.0.2".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.9".parse().unwrap());
        assert_eq!(client_address(proxy, &headers, &[]), proxy, "off by default");
        assert_eq!(
            client_address(proxy, &headers, &[proxy]),
            "203.0.113.9".parse::<std::net::IpAddr>().unwrap(),
            "the address the proxy saw, not what the client claimed"
        );
        let other: std::net::IpAddr = "198.51.100.1".parse().unwrap();
        assert_eq!(client_address(other, &headers, &[proxy]), other);
    }

    /// ASVS 5.0 V3.5.1: a form from another site is refused by its headers.
    #[test]
    fn cross_site_requests_are_recognised_asvs_3_5_1() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (k, v) in pairs {
                map.insert(*k, v.parse().unwrap());
            }
            map
        };
        assert!(!is_cross_site(&headers(&[("host", "127.0.0.1:8080")]), None));
        assert!(!is_cross_site(
            &headers(&[("host", "127.0.0.1:8080"), ("origin", "http://127.0.0.1:8080")]),
            None
        ));
        assert!(is_cross_site(
            &headers(&[("host", "127.0.0.1:8080"), ("origin", "https://evil.example")]),
            None
        ));
        assert!(is_cross_site(
            &headers(&[("host", "127.0.0.1:8080"), ("origin", "null")]),
            None
        ));
        assert!(is_cross_site(
            &headers(&[("host", "127.0.0.1:8080"), ("sec-fetch-site", "cross-site")]),
            None
        ));
        assert!(!is_cross_site(
            &headers(&[("host", "internal:8080"), ("origin", "https://goldthread.example.org")]),
            Some("https://goldthread.example.org/")
        ));
    }
}
