//! Pages already built, kept by everything they were built from (issue
//! 14). Building the plan page (the plan's checks, every outcome's SMART
//! reading, every party's standing against the content hash, the
//! template) costs milliseconds; reading what it is built from costs a
//! few small queries. So each request still reads the plan, person,
//! access and links from the database, exactly as before, and checks
//! access there; only when every one of those inputs is the same as for a
//! page already built is that page sent again.
//!
//! The key names every input of the page, including the session's CSRF
//! token, so a page is only ever sent again to the session it was built
//! for, and a change to the plan, the person, the user's access or
//! details, or the date gives a different key. Memory is bounded: past
//! [`MAX_BYTES`], the oldest pages go.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;

/// At most this many bytes of pages are kept (about 300 plan pages).
pub const MAX_BYTES: usize = 32 * 1024 * 1024;

#[derive(Clone, Default)]
pub struct PageCache {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    pages: HashMap<String, Bytes>,
    /// Keys, oldest first, for eviction.
    order: VecDeque<String>,
    bytes: usize,
}

impl PageCache {
    /// The page built from exactly `key`'s inputs, if kept.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        self.inner.lock().ok()?.pages.get(key).cloned()
    }

    /// Keeps a page built from `key`'s inputs.
    pub fn put(&self, key: String, page: Bytes) {
        if page.len() > MAX_BYTES / 4 {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if let Some(old) = inner.pages.insert(key.clone(), page.clone()) {
            inner.bytes -= old.len();
        } else {
            inner.order.push_back(key);
        }
        inner.bytes += page.len();
        while inner.bytes > MAX_BYTES {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some(gone) = inner.pages.remove(&oldest) {
                inner.bytes -= gone.len();
            }
        }
    }

    /// How many pages and bytes are kept.
    pub fn size(&self) -> (usize, usize) {
        self.inner.lock().map(|i| (i.pages.len(), i.bytes)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_found_only_by_its_own_key() {
        let cache = PageCache::default();
        cache.put("plan 1 v3 session a".into(), Bytes::from_static(b"<p>v3</p>"));
        assert_eq!(cache.get("plan 1 v3 session a").as_deref(), Some(&b"<p>v3</p>"[..]));
        assert_eq!(cache.get("plan 1 v4 session a"), None);
        assert_eq!(cache.get("plan 1 v3 session b"), None);
    }

    #[test]
    fn memory_stays_bounded() {
        let cache = PageCache::default();
        let page = Bytes::from(vec![b'x'; 1024 * 1024]);
        for n in 0..100 {
            cache.put(format!("page {n}"), page.clone());
        }
        let (count, bytes) = cache.size();
        assert!(bytes <= MAX_BYTES, "{bytes}");
        assert_eq!(count, MAX_BYTES / (1024 * 1024));
        // The newest are kept, the oldest gone.
        assert!(cache.get("page 99").is_some());
        assert!(cache.get("page 0").is_none());
    }

    #[test]
    fn the_same_key_again_replaces_the_page() {
        let cache = PageCache::default();
        cache.put("k".into(), Bytes::from_static(b"one"));
        cache.put("k".into(), Bytes::from_static(b"three"));
        assert_eq!(cache.size(), (1, 5));
    }
}
