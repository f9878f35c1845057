//! Coalesced reads: Terraform refreshes each resource with its own ReadResource call, so reads
//! of one type that arrive together share one list call instead of one GET each.
//!
//! The first read opens a batch; reads arriving meanwhile join it. The batch closes when no
//! read has joined for [`COALESCE_QUIET`], and at the latest [`COALESCE_WINDOW`] after it
//! opened (Terraform starts its reads in bursts, so a lone read or a burst pays only the quiet
//! gap). Once closed nobody else can join, and then:
//! - a lone read does its own single GET, costing what it did before coalescing;
//! - otherwise one list call is made and every read takes its object from that answer. The
//!   list starts after every read of the batch was asked for, so no read gets data older than
//!   its own request.
//!
//! An object missing from the list is confirmed with its own GET (vendor lists lag behind and
//! briefly leave out live objects), so a list never declares anything deleted. An error of the
//! list call goes to every read of the batch. If the read that makes the list call is dropped
//! (Terraform cancelled it), the others fall back to their own GETs.
//!
//! `HOSTFORM_COALESCE_READS=0` (read when the provider is configured) turns coalescing off, for
//! benchmarks comparing before and after.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

use super::http::ApiError;

/// The longest a batch stays open for reads to join it.
pub const COALESCE_WINDOW: Duration = Duration::from_millis(20);

/// A batch closes once no read has joined it for this long.
pub const COALESCE_QUIET: Duration = Duration::from_millis(3);

/// The environment variable that turns coalescing off when set to `0`, `false` or `off`.
pub const COALESCE_ENV: &str = "HOSTFORM_COALESCE_READS";

type Listed<T> = Arc<Result<Vec<T>, ApiError>>;

/// Shares list calls between concurrent reads of one object type (see the module doc).
#[derive(Debug)]
pub struct Coalescer<T> {
    window: Option<Duration>,
    open: Mutex<Option<OpenBatch<T>>>,
}

#[derive(Debug)]
struct OpenBatch<T> {
    readers: usize,
    answer: watch::Receiver<Option<Listed<T>>>,
}

impl<T: Clone + Send + Sync> Default for Coalescer<T> {
    fn default() -> Self {
        Self::from_env()
    }
}

impl<T: Clone + Send + Sync> Coalescer<T> {
    /// Batches reads that arrive within `window` of the first.
    pub fn new(window: Duration) -> Self {
        Coalescer {
            window: Some(window),
            open: Mutex::new(None),
        }
    }

    /// Every read does its own single GET.
    pub fn disabled() -> Self {
        Coalescer {
            window: None,
            open: Mutex::new(None),
        }
    }

    /// [`COALESCE_WINDOW`], or disabled when [`COALESCE_ENV`] says so.
    pub fn from_env() -> Self {
        if coalescing_is_off() {
            Self::disabled()
        } else {
            Self::new(COALESCE_WINDOW)
        }
    }

    /// The object `is_wanted` picks: from a list call shared with concurrent reads, or from
    /// `get` when it reads alone or the list does not show it. `get` may answer `T` or, where
    /// it reports a missing object as `None`, `Option<T>`.
    pub async fn read<R, L, LF, G, GF>(
        &self,
        is_wanted: impl Fn(&T) -> bool,
        list: L,
        get: G,
    ) -> Result<R, ApiError>
    where
        R: From<T>,
        L: FnOnce() -> LF,
        LF: Future<Output = Result<Vec<T>, ApiError>>,
        G: FnOnce() -> GF,
        GF: Future<Output = Result<R, ApiError>>,
    {
        let Some(window) = self.window else {
            return get().await;
        };
        let listed = match self.join_or_open() {
            Joined(mut answer) => {
                let listed = answer
                    .wait_for(Option::is_some)
                    .await
                    .ok()
                    .and_then(|listed| listed.clone());
                match listed {
                    Some(listed) => listed,
                    None => return get().await,
                }
            }
            Opened(sender) => {
                self.wait_for_quiet(window).await;
                if self.close() <= 1 {
                    return get().await;
                }
                let listed = Arc::new(list().await);
                sender.send_replace(Some(listed.clone()));
                listed
            }
        };
        match listed.as_ref() {
            Ok(objects) => match objects.iter().find(|o| is_wanted(o)) {
                Some(found) => Ok(found.clone().into()),
                None => get().await,
            },
            Err(e) => Err(e.clone()),
        }
    }

    fn join_or_open(&self) -> Entry<T> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(batch) = open.as_mut() {
            // A batch whose first read was dropped before it listed is abandoned.
            if batch.answer.has_changed().is_ok() {
                batch.readers += 1;
                return Joined(batch.answer.clone());
            }
        }
        let (sender, answer) = watch::channel(None);
        *open = Some(OpenBatch { readers: 1, answer });
        Opened(sender)
    }

    /// Returns when no read joined the open batch for [`COALESCE_QUIET`], or `window` after
    /// it opened.
    async fn wait_for_quiet(&self, window: Duration) {
        let closes_at = tokio::time::Instant::now() + window;
        let mut readers = 1;
        loop {
            let pause = COALESCE_QUIET.min(closes_at - tokio::time::Instant::now());
            tokio::time::sleep(pause).await;
            let now_readers = self.readers();
            if now_readers == readers || tokio::time::Instant::now() >= closes_at {
                return;
            }
            readers = now_readers;
        }
    }

    fn readers(&self) -> usize {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.as_ref().map_or(0, |batch| batch.readers)
    }

    /// Ends the open batch so later reads start a new one; returns how many reads it has.
    fn close(&self) -> usize {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.take().map_or(0, |batch| batch.readers)
    }
}

fn coalescing_is_off() -> bool {
    std::env::var(COALESCE_ENV).is_ok_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "0" | "false" | "off"
        )
    })
}

/// One [`Coalescer`] per key, for lists scoped to a parent (the snapshots of one server).
#[derive(Debug)]
pub struct CoalescerPerKey<K, T> {
    off: bool,
    by_key: Mutex<HashMap<K, Arc<Coalescer<T>>>>,
}

impl<K, T> Default for CoalescerPerKey<K, T> {
    fn default() -> Self {
        CoalescerPerKey {
            off: coalescing_is_off(),
            by_key: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, T: Clone + Send + Sync> CoalescerPerKey<K, T> {
    /// The coalescer of the reads under `key`.
    pub fn of(&self, key: K) -> Arc<Coalescer<T>> {
        let mut by_key = self.by_key.lock().unwrap_or_else(|e| e.into_inner());
        let off = self.off;
        by_key
            .entry(key)
            .or_insert_with(|| {
                Arc::new(if off {
                    Coalescer::disabled()
                } else {
                    Coalescer::new(COALESCE_WINDOW)
                })
            })
            .clone()
    }
}

enum Entry<T> {
    Joined(watch::Receiver<Option<Listed<T>>>),
    Opened(watch::Sender<Option<Listed<T>>>),
}
use Entry::{Joined, Opened};

#[cfg(test)]
#[path = "coalesce_tests.rs"]
mod tests;
