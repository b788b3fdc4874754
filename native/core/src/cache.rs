//! The in-process render cache: least recently used, bounded in entries and
//! in bytes, with a time to live. Shared by every caller in the process.
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use lru::LruCache;

use crate::options::{Format, RenderOptions};
use crate::render::Rendered;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheConfig {
    /// Entries kept at most; 0 turns the cache off. Default 1000 (`CACHE_MAX_SIZE`).
    pub max_entries: usize,
    /// Bytes of output kept at most. Default 64 MiB.
    pub max_bytes: usize,
    /// How long an entry stays valid. Default 3600 s (`CACHE_DEFAULT_TTL`).
    pub ttl: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            max_entries: 1000,
            max_bytes: 64 << 20,
            ttl: Duration::from_secs(3600),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub entries: usize,
    pub bytes: usize,
    pub hits: u64,
    pub misses: u64,
}

/// A request after normalisation: two requests that render the same bytes
/// have equal keys (defaults resolved, colours parsed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub barcode_type: &'static str,
    pub data: String,
    pub format: Format,
    pub options: RenderOptions,
}

struct Entry {
    value: Arc<Rendered>,
    size: usize,
    expires: Instant,
}

struct Inner {
    lru: LruCache<Key, Entry>,
    config: CacheConfig,
    bytes: usize,
    hits: u64,
    misses: u64,
}

pub struct Cache {
    inner: Mutex<Inner>,
}

impl Cache {
    pub fn new(config: CacheConfig) -> Self {
        Cache {
            inner: Mutex::new(Inner {
                lru: LruCache::unbounded(),
                config,
                bytes: 0,
                hits: 0,
                misses: 0,
            }),
        }
    }

    // A panic elsewhere cannot leave the cache inconsistent (every update
    // below completes before unlocking), so a poisoned lock is still usable.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, key: &Key) -> Option<Arc<Rendered>> {
        let mut inner = self.lock();
        if inner.config.max_entries == 0 {
            return None;
        }
        let now = Instant::now();
        match inner.lru.get(key) {
            Some(e) if e.expires > now => {
                let value = e.value.clone();
                inner.hits += 1;
                Some(value)
            }
            Some(_) => {
                if let Some(e) = inner.lru.pop(key) {
                    inner.bytes -= e.size;
                }
                inner.misses += 1;
                None
            }
            None => {
                inner.misses += 1;
                None
            }
        }
    }

    pub fn put(&self, key: Key, value: Arc<Rendered>) {
        let size = value.byte_len() + key.data.len() + std::mem::size_of::<Key>();
        let mut inner = self.lock();
        if inner.config.max_entries == 0 || size > inner.config.max_bytes {
            return;
        }
        let expires = Instant::now() + inner.config.ttl;
        if let Some((_, old)) = inner.lru.push(
            key,
            Entry {
                value,
                size,
                expires,
            },
        ) {
            inner.bytes -= old.size;
        }
        inner.bytes += size;
        inner.evict();
    }

    pub fn configure(&self, config: CacheConfig) {
        let mut inner = self.lock();
        inner.config = config;
        inner.evict();
    }

    pub fn config(&self) -> CacheConfig {
        self.lock().config
    }

    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.lru.clear();
        inner.bytes = 0;
        inner.hits = 0;
        inner.misses = 0;
    }

    pub fn stats(&self) -> CacheStats {
        let inner = self.lock();
        CacheStats {
            entries: inner.lru.len(),
            bytes: inner.bytes,
            hits: inner.hits,
            misses: inner.misses,
        }
    }
}

impl Inner {
    fn evict(&mut self) {
        while self.lru.len() > self.config.max_entries || self.bytes > self.config.max_bytes {
            match self.lru.pop_lru() {
                Some((_, e)) => self.bytes -= e.size,
                None => break,
            }
        }
    }
}

/// The process-wide cache used by `render_guarded` and the Node binding.
pub fn global_cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Cache::new(CacheConfig::default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Body, Metadata};

    fn key(data: &str) -> Key {
        Key {
            barcode_type: "qr",
            data: data.into(),
            format: Format::Svg,
            options: RenderOptions::default(),
        }
    }

    fn value(len: usize) -> Arc<Rendered> {
        Arc::new(Rendered {
            format: Format::Svg,
            body: Body::Svg("x".repeat(len)),
            meta: Metadata {
                barcode_type: "qr",
                symbology: "QR Code",
                version: None,
                modules: 0,
                rows: 0,
                columns: 0,
                error_correction: None,
                text: None,
                width: 0,
                height: 0,
            },
        })
    }

    #[test]
    fn evicts_least_recently_used_past_the_entry_bound() {
        let c = Cache::new(CacheConfig {
            max_entries: 2,
            ..Default::default()
        });
        c.put(key("a"), value(1));
        c.put(key("b"), value(1));
        assert!(c.get(&key("a")).is_some());
        c.put(key("c"), value(1));
        assert!(c.get(&key("b")).is_none());
        assert!(c.get(&key("a")).is_some());
        let s = c.stats();
        assert_eq!((s.entries, s.hits, s.misses), (2, 2, 1));
    }

    #[test]
    fn stays_under_the_byte_bound() {
        let c = Cache::new(CacheConfig {
            max_bytes: 10_000,
            ..Default::default()
        });
        for i in 0..100 {
            c.put(key(&i.to_string()), value(1000));
            assert!(c.stats().bytes <= 10_000);
        }
        assert!(c.stats().entries < 10);
    }

    #[test]
    fn expired_entries_are_misses() {
        let c = Cache::new(CacheConfig {
            ttl: Duration::ZERO,
            ..Default::default()
        });
        c.put(key("a"), value(1));
        assert!(c.get(&key("a")).is_none());
        assert_eq!(c.stats().entries, 0);
    }

    #[test]
    fn zero_entries_disables_the_cache() {
        let c = Cache::new(CacheConfig {
            max_entries: 0,
            ..Default::default()
        });
        c.put(key("a"), value(1));
        assert!(c.get(&key("a")).is_none());
        assert_eq!(c.stats().entries, 0);
    }
}
