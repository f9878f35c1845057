//! Secret scanning for every terraform command the harness runs: Terraform's TRACE log (which
//! holds the providers' stderr) and the command's stdout/stderr are searched, in one streaming
//! pass, for every secret the harness knows. A leak names the secret's class and where it was
//! found, never the secret itself.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use aho_corasick::AhoCorasick;
use serde_json::Value;

/// Secrets shorter than this are not searched for: they would match ordinary text.
const SHORTEST: usize = 6;

/// Bytes and commands scanned by this test process, for the figures in docs/reliability.md.
pub static BYTES_SCANNED: AtomicU64 = AtomicU64::new(0);
pub static COMMANDS_SCANNED: AtomicU64 = AtomicU64::new(0);

/// A secret and the class a leak report names it by ("HOSTHATCH_TOKEN", "root_password").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    pub class: String,
    pub value: String,
}

/// The secrets to look for, compiled into one automaton.
pub struct Scanner {
    secrets: Vec<Secret>,
    automaton: AhoCorasick,
    longest: usize,
}

impl Scanner {
    pub fn new(mut secrets: Vec<Secret>) -> Scanner {
        secrets.retain(|s| s.value.len() >= SHORTEST);
        secrets.sort_by(|a, b| a.value.cmp(&b.value));
        secrets.dedup_by(|a, b| a.value == b.value);
        let automaton = AhoCorasick::new(secrets.iter().map(|s| s.value.as_bytes()))
            .expect("an automaton of the secrets");
        let longest = secrets.iter().map(|s| s.value.len()).max().unwrap_or(0);
        Scanner {
            secrets,
            automaton,
            longest,
        }
    }

    /// The class of the first secret in `text`, if any.
    pub fn find(&self, text: &[u8]) -> Option<&str> {
        if self.secrets.is_empty() {
            return None;
        }
        BYTES_SCANNED.fetch_add(text.len() as u64, Ordering::Relaxed);
        self.automaton
            .find(text)
            .map(|m| self.secrets[m.pattern().as_usize()].class.as_str())
    }

    /// Scans a file in 1 MiB pieces, keeping the tail of each piece so a secret across two
    /// pieces is still found. A missing file is nothing to scan.
    pub fn find_in_file(&self, path: &Path) -> io::Result<Option<String>> {
        let mut file = match File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let keep = self.longest.saturating_sub(1);
        let mut window: Vec<u8> = Vec::with_capacity((1 << 20) + keep);
        let mut piece = vec![0u8; 1 << 20];
        loop {
            let read = file.read(&mut piece)?;
            if read == 0 {
                return Ok(None);
            }
            window.extend_from_slice(&piece[..read]);
            if let Some(class) = self.find(&window) {
                return Ok(Some(class.to_string()));
            }
            let tail = window.len().saturating_sub(keep);
            window.drain(..tail);
        }
    }
}

/// The values of the attributes a Terraform state (v4, `terraform.tfstate`) marks sensitive,
/// classed by attribute name.
pub fn sensitive_state_values(state: &Value) -> Vec<Secret> {
    let mut found = Vec::new();
    let resources = state["resources"].as_array().into_iter().flatten();
    for instance in resources.flat_map(|r| r["instances"].as_array().cloned().unwrap_or_default()) {
        for path in instance["sensitive_attributes"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let mut at = &instance["attributes"];
            let mut class = String::new();
            for step in path.as_array().into_iter().flatten() {
                at = match &step["value"] {
                    Value::String(name) => {
                        class = name.clone();
                        &at[name.as_str()]
                    }
                    Value::Number(n) => &at[n.as_u64().unwrap_or(0) as usize],
                    _ => &Value::Null,
                };
            }
            collect_strings(at, &class, &mut found);
        }
    }
    found
}

/// Passwords and tokens the simulator holds: issued Terrahost/Gigahost tokens and every
/// string under a key naming a password.
pub fn simulator_secrets(sim_state: &Value) -> Vec<Secret> {
    let mut found = Vec::new();
    for vendor in ["terrahost", "gigahost"] {
        for token in sim_state[vendor]["issued_tokens"]
            .as_array()
            .into_iter()
            .flatten()
        {
            collect_strings(token, &format!("{vendor} issued token"), &mut found);
        }
    }
    password_fields(sim_state, &mut found);
    found
}

fn password_fields(v: &Value, found: &mut Vec<Secret>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k.to_ascii_lowercase().contains("password") {
                    collect_strings(x, k, found);
                } else {
                    password_fields(x, found);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|x| password_fields(x, found)),
        _ => {}
    }
}

fn collect_strings(v: &Value, class: &str, found: &mut Vec<Secret>) {
    match v {
        Value::String(s) => found.push(Secret {
            class: class.to_string(),
            value: s.clone(),
        }),
        Value::Array(items) => items.iter().for_each(|x| collect_strings(x, class, found)),
        Value::Object(m) => m.values().for_each(|x| collect_strings(x, class, found)),
        _ => {}
    }
}

/// Whether an environment variable of this name holds a credential.
pub fn is_secret_env(name: &str) -> bool {
    [
        "TOKEN", "PASSWORD", "SECRET", "API_KEY", "OTP_CODE", "OHAUTH",
    ]
    .iter()
    .any(|part| name.contains(part))
}
