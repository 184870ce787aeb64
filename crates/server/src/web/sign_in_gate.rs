//! Where sign-in meets its throttling (see [`crate::throttle`]): which keys
//! an attempt counts against, the device cookie that lets a known device
//! through, and the answers when an attempt must wait or the server is
//! busy.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use super::AppState;
use super::session::{cookie_name, cookie_value, set_cookie};
use crate::store::Result;
use crate::throttle::{self, Decision};

const DEVICE_COOKIE: &str = "goldthread-device";
const DEVICE_PURPOSE: &str = "device";

/// The keys an allowed attempt was counted against.
#[derive(Debug)]
pub struct Counted {
    keys: Vec<String>,
    /// The device cookie's id, when the attempt came from a known device.
    device: Option<String>,
}

/// The outcome of asking to check a password.
#[derive(Debug)]
pub enum Gate {
    Go(Counted),
    Wait(time::Duration),
}

/// The id of the device cookie sent, if it is ours and was given when
/// `user` signed in.
fn known_device(state: &AppState, headers: &HeaderMap, user: Option<Uuid>) -> Option<String> {
    let user = user?;
    let cookie = cookie_value(headers, &cookie_name(state.config.secure_cookies(), DEVICE_COOKIE))?;
    let value = crate::auth::verify_signed(&state.secret, DEVICE_PURPOSE, &cookie)?;
    let (owner, device) = value.split_once(':')?;
    (owner == user.to_string()).then(|| device.to_owned())
}

/// Counts an attempt to sign in to `email` (whose user, if any, is `user`)
/// from `address`, before its password is checked. From a known device it
/// counts against that device only; otherwise against the account and the
/// address.
pub async fn count_attempt(
    state: &AppState,
    headers: &HeaderMap,
    email: &str,
    user: Option<Uuid>,
    address: std::net::IpAddr,
) -> Result<Gate> {
    let now = crate::store::now();
    let plan: Vec<(String, &'static throttle::Policy)> = match known_device(state, headers, user) {
        Some(device) => vec![(format!("device:{device}"), &throttle::DEVICE)],
        None => vec![
            (format!("address:{address}"), &throttle::ADDRESS),
            (format!("account:{email}"), &throttle::ACCOUNT),
        ],
    };
    let device = plan
        .first()
        .and_then(|(k, _)| k.strip_prefix("device:"))
        .map(str::to_owned);
    let mut keys: Vec<String> = Vec::new();
    for (key, policy) in plan {
        match state.store.reserve_sign_in(&key, policy, now).await? {
            Decision::Attempt(_) => keys.push(key),
            Decision::Wait(wait) => return Ok(Gate::Wait(wait)),
        }
    }
    Ok(Gate::Go(Counted { keys, device }))
}

/// The password was right: forget the account's (or device's) failures,
/// not the address's, and return the device cookie to set.
pub async fn succeeded(state: &AppState, counted: Counted, user: Uuid) -> Result<HeaderValue> {
    for key in &counted.keys {
        if key.starts_with("address:") {
            state.store.release_sign_in(key, &throttle::ADDRESS).await?;
        } else {
            state.store.clear_sign_in_failures(key).await?;
        }
    }
    Ok(device_cookie(state, user, counted.device))
}

/// The cookie that marks this browser as one `user` has signed in on:
/// `device` when it already had one, else a new one.
pub fn device_cookie(state: &AppState, user: Uuid, device: Option<String>) -> HeaderValue {
    let device = device.unwrap_or_else(crate::auth::random_secret);
    let value = crate::auth::signed(&state.secret, DEVICE_PURPOSE, &format!("{user}:{device}"));
    let secure = state.config.secure_cookies();
    set_cookie(
        secure,
        &cookie_name(secure, DEVICE_COOKIE),
        &value,
        time::Duration::days(365),
    )
}

/// 503 with `Retry-After`: too many passwords are being checked.
pub fn busy() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, HeaderValue::from_static("2"))],
        "Goldthread is busy checking other sign-ins. Wait a moment, then try again.",
    )
        .into_response()
}

/// Adds `Retry-After` for a wait to a response.
pub fn with_retry_after(mut response: Response, wait: time::Duration) -> Response {
    let seconds = throttle::retry_after_seconds(wait).to_string();
    if let Ok(value) = HeaderValue::from_str(&seconds) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}
