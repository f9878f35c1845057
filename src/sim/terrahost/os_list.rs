//! The distributions and operating systems a Terrahost/Gigahost server can be (re)installed
//! with: owned data in the store, built in by default and replaced by `--fixtures`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Distribution {
    pub id: u64,
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Os {
    pub id: u64,
    pub dist_id: u64,
    pub name: String,
    pub release: String,
    pub version: String,
}

/// Both lists; `Default` is the built-in catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsList {
    pub distributions: Vec<Distribution>,
    pub operating_systems: Vec<Os>,
}

const BUILT_IN_DISTRIBUTIONS: &[(u64, &str, &str)] = &[
    (1, "CentOS", "centos"),
    (2, "Debian", "debian"),
    (3, "Ubuntu", "ubuntu"),
];

const BUILT_IN_OPERATING_SYSTEMS: &[(u64, u64, &str, &str, &str)] = &[
    (47, 1, "CentOS 6 64-bit", "centos", "6"),
    (60, 2, "Debian 11 64-bit", "debian", "11"),
    (61, 2, "Debian 12 64-bit", "debian", "12"),
    (72, 3, "Ubuntu 18.04 LTS 64-bit", "ubuntu", "18.04"),
    (90, 3, "Ubuntu 22.04 LTS 64-bit", "ubuntu", "22.04"),
];

impl Default for OsList {
    fn default() -> Self {
        OsList {
            distributions: BUILT_IN_DISTRIBUTIONS
                .iter()
                .map(|(id, name, value)| Distribution {
                    id: *id,
                    name: (*name).to_owned(),
                    value: (*value).to_owned(),
                })
                .collect(),
            operating_systems: BUILT_IN_OPERATING_SYSTEMS
                .iter()
                .map(|(id, dist_id, name, release, version)| Os {
                    id: *id,
                    dist_id: *dist_id,
                    name: (*name).to_owned(),
                    release: (*release).to_owned(),
                    version: (*version).to_owned(),
                })
                .collect(),
        }
    }
}

impl OsList {
    pub fn os(&self, id: u64) -> Option<&Os> {
        self.operating_systems.iter().find(|os| os.id == id)
    }

    pub fn has_distribution(&self, id: u64) -> bool {
        self.distributions
            .iter()
            .any(|distribution| distribution.id == id)
    }
}
