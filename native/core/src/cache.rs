//! The in-process render cache: least recently used, bounded in entries and
//! in bytes, with a time to live. Shared by every caller in the process.
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use lru::LruCache;

use crate::error::CoreResult;
use crate::facts::{Range, Setting};
use crate::options::{Format, RenderOptions};
use crate::render::Rendered;

pub const CACHE_MAX_ENTRIES: Setting = Setting {
    name: "cache_max_entries",
    range: Range::new(0, 10_000_000),
    default: 1000,
    about: "Cached renders kept at most; 0 turns the cache off (CACHE_MAX_SIZE).",
};

pub const CACHE_MAX_BYTES: Setting = Setting {
    name: "cache_max_bytes",
    range: Range::new(0, 1 << 40),
    default: 64 << 20,
    about: "Bytes of cached output kept at most (CACHE_MAX_BYTES).",
};

pub const CACHE_TTL_SECONDS: Setting = Setting {
    name: "cache_ttl_seconds",
    // A year: far from where `Instant + ttl` could overflow.
    range: Range::new(0, 31_536_000),
    default: 3600,
    about: "Seconds a cached render stays valid (CACHE_DEFAULT_TTL).",
};

/// The cache's bounds, each within its `Setting`'s range: built only by
/// `new` (or `default`), so no caller can hand the cache a value that
/// overflows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheConfig {
    max_entries: usize,
    max_bytes: usize,
    ttl: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            max_entries: CACHE_MAX_ENTRIES.default as usize,
            max_bytes: CACHE_MAX_BYTES.default as usize,
            ttl: Duration::from_secs(CACHE_TTL_SECONDS.default),
        }
    }
}

impl CacheConfig {
    /// An `INVALID_OPTION` error names the setting, its range and the value.
    pub fn new(max_entries: u64, max_bytes: u64, ttl_seconds: u64) -> CoreResult<Self> {
        let c = |s: &Setting, v| s.range.check(s.name, v);
        Ok(CacheConfig {
            max_entries: c(&CACHE_MAX_ENTRIES, max_entries)? as usize,
            max_bytes: c(&CACHE_MAX_BYTES, max_bytes)? as usize,
            ttl: Duration::from_secs(c(&CACHE_TTL_SECONDS, ttl_seconds)?),
        })
    }

    /// Entries kept at most; 0 turns the cache off.
    pub fn max_entries(&self) -> usize {
        self.max_entries
    }

    /// Bytes of output kept at most.
    pub fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// How long an entry stays valid.
    pub fn ttl(&self) -> Duration {
        self.ttl
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
        // The TTL is bounded, but a clock near its end must still not panic:
        // such an entry is simply not kept.
        let Some(expires) = Instant::now().checked_add(inner.config.ttl) else {
            return;
        };
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
                pdf417_ec_level: None,
                aztec_ec_percent: None,
                bearer: None,
                datamatrix_shape: None,
                symbol: None,
                databar_segments: None,
                text: None,
                eci: None,
                width: 0,
                height: 0,
                print: None,
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
    fn config_refuses_values_out_of_range_naming_them() {
        let max = 31_536_000;
        assert!(CacheConfig::new(10_000_000, 1 << 40, max).is_ok());
        let err = |r: CoreResult<CacheConfig>| r.unwrap_err().to_string();
        assert_eq!(
            err(CacheConfig::new(0, 0, max + 1)),
            "cache_ttl_seconds: must be a whole number from 0 to 31536000, got 31536001"
        );
        assert_eq!(
            err(CacheConfig::new(10_000_001, 0, 0)),
            "cache_max_entries: must be a whole number from 0 to 10000000, got 10000001"
        );
        assert_eq!(
            err(CacheConfig::new(0, (1 << 40) + 1, 0)),
            "cache_max_bytes: must be a whole number from 0 to 1099511627776, got 1099511627777"
        );
        assert!(CacheConfig::new(0, 0, u64::MAX).is_err());
    }

    #[test]
    fn the_longest_ttl_caches_and_never_overflows() {
        let c = Cache::new(CacheConfig::new(10, 1 << 20, 31_536_000).unwrap());
        c.put(key("a"), value(1));
        assert!(c.get(&key("a")).is_some());
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
