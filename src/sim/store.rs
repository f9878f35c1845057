//! Shared simulator state: the clock, the accepted token, faults, request counters and one
//! store section per vendor, each behind its own mutex.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::sim::clock::Clock;
use crate::sim::faults::FaultTable;
use crate::sim::hoster::model::HosterStore;
use crate::sim::hosthatch::model::HostHatchStore;
use crate::sim::openhosting::model::OpenHostingStore;
use crate::sim::stats::RequestStats;
use crate::sim::terrahost::model::TerrahostStore;
use crate::sim::terrahost::Vendor;

/// Settings the simulator starts with.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Virtual seconds per real second.
    pub time_scale: f64,
    /// The bearer token (or API key) every vendor accepts; Open Hosting takes it as the
    /// Basic auth password of the user `openhosting::model::SIM_USER`.
    pub token: String,
    /// Whether to write one line per request to stderr.
    pub log_requests: bool,
    /// Where the state is saved after every change (see `sim::persist`); `None` keeps it in
    /// memory only.
    pub state_file: Option<PathBuf>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            time_scale: 10.0,
            token: "hostform-sim-token".to_owned(),
            log_requests: false,
            state_file: None,
        }
    }
}

/// Cheap-to-clone handle on everything the simulator knows.
pub type SimState = Arc<SimInner>;

/// The simulator's state; reach it through [`SimState`].
#[derive(Debug)]
pub struct SimInner {
    pub clock: Clock,
    pub token: String,
    pub log_requests: bool,
    pub state_file: Option<PathBuf>,
    /// Held while saving so that saves happen one at a time, in order.
    pub save_lock: Mutex<()>,
    pub faults: Mutex<FaultTable>,
    pub stats: Mutex<RequestStats>,
    pub hosthatch: Mutex<HostHatchStore>,
    pub hoster: Mutex<HosterStore>,
    pub openhosting: Mutex<OpenHostingStore>,
    pub terrahost: Mutex<TerrahostStore>,
    pub gigahost: Mutex<TerrahostStore>,
}

impl SimInner {
    /// Fresh state for `config`, wrapped for sharing.
    pub fn new_state(config: SimConfig) -> SimState {
        let clock = Clock::new(config.time_scale);
        let stores = VendorStores {
            hosthatch: HostHatchStore::default(),
            hoster: HosterStore::default(),
            openhosting: OpenHostingStore::default(),
            terrahost: Vendor::Terrahost.fresh_store(),
            gigahost: Vendor::Gigahost.fresh_store(),
        };
        SimInner::with_stores(config, clock, stores)
    }

    /// State for `config` running on `clock` and holding `stores` (a restored simulator).
    pub fn with_stores(config: SimConfig, clock: Clock, stores: VendorStores) -> SimState {
        Arc::new(SimInner {
            clock,
            token: config.token,
            log_requests: config.log_requests,
            state_file: config.state_file,
            save_lock: Mutex::new(()),
            faults: Mutex::new(FaultTable::default()),
            stats: Mutex::new(RequestStats::default()),
            hosthatch: Mutex::new(stores.hosthatch),
            hoster: Mutex::new(stores.hoster),
            openhosting: Mutex::new(stores.openhosting),
            terrahost: Mutex::new(stores.terrahost),
            gigahost: Mutex::new(stores.gigahost),
        })
    }

    /// Forgets all objects, faults, counters, quirks and armed outcomes of every vendor;
    /// keeps the catalogues (see `sim::fixtures`) and the Terrahost/Gigahost credentials.
    pub fn reset(&self) {
        *lock(&self.faults) = FaultTable::default();
        *lock(&self.stats) = RequestStats::default();
        {
            let mut store = lock(&self.hosthatch);
            let catalogue = std::mem::take(&mut store.catalogue);
            *store = HostHatchStore::default();
            store.catalogue = catalogue;
        }
        {
            let mut store = lock(&self.hoster);
            let catalogue = std::mem::take(&mut store.catalogue);
            *store = HosterStore::default();
            store.catalogue = catalogue;
        }
        *lock(&self.openhosting) = OpenHostingStore::default();
        for vendor in [Vendor::Terrahost, Vendor::Gigahost] {
            let mut store = crate::sim::terrahost::store_of(self, vendor);
            let credentials = store.credentials.clone();
            let os_list = std::mem::take(&mut store.os_list);
            *store = vendor.fresh_store();
            store.credentials = credentials;
            store.os_list = os_list;
        }
    }
}

/// Every vendor's store section, as saved to and loaded from a state file.
#[derive(Debug)]
pub struct VendorStores {
    pub hosthatch: HostHatchStore,
    pub hoster: HosterStore,
    pub openhosting: OpenHostingStore,
    pub terrahost: TerrahostStore,
    pub gigahost: TerrahostStore,
}

/// Locks a mutex, carrying on with the data if another thread panicked while holding it.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
