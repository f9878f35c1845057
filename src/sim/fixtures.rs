//! `--fixtures`: a JSON file replacing the catalogues the simulated vendors offer (HostHatch
//! products, locations and images; HosterAPI templates, market machines and software;
//! Terrahost/Gigahost distributions and operating systems). A list left out keeps its
//! built-in default; unknown keys are errors. Catalogues survive `/_sim/reset`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::sim::hoster::catalogue::Machine;
use crate::sim::hosthatch::catalogue::{Image, Location, Product};
use crate::sim::store::{lock, SimInner};
use crate::sim::terrahost::os_list::{Distribution, Os, OsList};

/// The whole fixtures file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    #[serde(default)]
    pub hosthatch: HostHatchFixtures,
    #[serde(default)]
    pub hoster: HosterFixtures,
    #[serde(default)]
    pub terrahost: OsFixtures,
    #[serde(default)]
    pub gigahost: OsFixtures,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostHatchFixtures {
    pub products: Option<Vec<Product>>,
    pub locations: Option<Vec<Location>>,
    pub images: Option<Vec<Image>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HosterFixtures {
    pub vm_templates: Option<Vec<String>>,
    pub dedicated_templates: Option<Vec<String>>,
    pub market: Option<Vec<Machine>>,
    pub software: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OsFixtures {
    pub distributions: Option<Vec<Distribution>>,
    pub operating_systems: Option<Vec<Os>>,
}

/// Why a fixtures file could not be used; the message names the file.
#[derive(Debug, thiserror::Error)]
#[error("fixtures file {}: {problem}", path.display())]
pub struct FixturesError {
    pub path: PathBuf,
    pub problem: String,
}

impl Fixtures {
    /// Reads and checks the fixtures file at `path`.
    pub fn read(path: &Path) -> Result<Fixtures, FixturesError> {
        let failed = |problem: String| FixturesError {
            path: path.to_owned(),
            problem,
        };
        let text = std::fs::read(path).map_err(|error| failed(format!("cannot read: {error}")))?;
        serde_json::from_slice(&text).map_err(|error| failed(error.to_string()))
    }

    /// Replaces the catalogues of `state` with every list this file gives.
    pub fn apply(self, state: &SimInner) {
        let hosthatch = self.hosthatch;
        {
            let catalogue = &mut lock(&state.hosthatch).catalogue;
            replace(&mut catalogue.products, hosthatch.products);
            replace(&mut catalogue.locations, hosthatch.locations);
            replace(&mut catalogue.images, hosthatch.images);
        }
        let hoster = self.hoster;
        {
            let catalogue = &mut lock(&state.hoster).catalogue;
            replace(&mut catalogue.vm_templates, hoster.vm_templates);
            replace(
                &mut catalogue.dedicated_templates,
                hoster.dedicated_templates,
            );
            replace(&mut catalogue.market, hoster.market);
            replace(&mut catalogue.software, hoster.software);
        }
        apply_os(&mut lock(&state.terrahost).os_list, self.terrahost);
        apply_os(&mut lock(&state.gigahost).os_list, self.gigahost);
    }
}

fn apply_os(os_list: &mut OsList, fixtures: OsFixtures) {
    replace(&mut os_list.distributions, fixtures.distributions);
    replace(&mut os_list.operating_systems, fixtures.operating_systems);
}

fn replace<T>(list: &mut Vec<T>, given: Option<Vec<T>>) {
    if let Some(given) = given {
        *list = given;
    }
}
