//! One module per hosting vendor, each offering a `provider()` for its plugin binary.

#[cfg(test)]
mod bad_input;
#[cfg(test)]
mod drift_tests;
pub mod hoster;
pub mod hosthatch;
pub mod openhosting;
#[cfg(test)]
mod orphan_tests;
pub mod terrahost;
#[cfg(test)]
mod test_clients;
#[cfg(test)]
mod test_refresh;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod wait_tests;

use crate::docs::Catalogue;

/// What every provider built from this crate offers, for the docs generator and its checks.
pub fn catalogues() -> Vec<Catalogue> {
    vec![
        Catalogue::of(&hosthatch::provider()),
        Catalogue::of(&hoster::provider()),
        Catalogue::of(&openhosting::provider()),
        Catalogue::of(&terrahost::provider()),
        Catalogue::of(&terrahost::gigahost_provider()),
    ]
}
