//! Which Terraform binaries the e2e tests run with, and running one scenario with each.
//!
//! `scripts/test` sets `HOSTFORM_TERRAFORM_BINARIES` (colon-separated absolute paths:
//! a recent Terraform and 1.0.3). Without it, the `terraform` on PATH (or the one
//! `scripts/install-terraform-latest` put in `.cache/`) plus `.cache/terraform/1.0.3`
//! are used. A missing binary is a test failure, never a silent skip.

use super::process::run_with_deadline;
use super::sim::Sim;
use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const BINARIES_VAR: &str = "HOSTFORM_TERRAFORM_BINARIES";

/// The Terraform binaries to test with, in order (recent first, then 1.0.3).
pub fn terraform_binaries() -> Vec<PathBuf> {
    match std::env::var_os(BINARIES_VAR) {
        Some(list) => {
            let binaries: Vec<PathBuf> = std::env::split_paths(&list)
                .filter(|p| !p.as_os_str().is_empty())
                .collect();
            assert!(!binaries.is_empty(), "{BINARIES_VAR} is set but empty");
            for binary in &binaries {
                assert!(
                    binary.is_file(),
                    "{BINARIES_VAR} names {}, which does not exist; run scripts/test",
                    binary.display()
                );
            }
            binaries
        }
        None => vec![recent_terraform(), terraform_1_0_3()],
    }
}

/// The version a binary reports, e.g. `"1.0.3"` (from `terraform version -json`).
pub fn terraform_version(tf: &Path) -> String {
    let output = run_with_deadline(
        Command::new(tf).args(["version", "-json"]),
        Duration::from_secs(60),
    );
    let json: serde_json::Value = serde_json::from_str(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "`{} version -json` gave no JSON ({e}): {}",
            tf.display(),
            output.combined()
        )
    });
    json["terraform_version"]
        .as_str()
        .unwrap_or_else(|| panic!("no terraform_version in {json}"))
        .to_string()
}

/// Runs `scenario` once per Terraform binary, each time with a fresh simulator.
/// A failure with one binary does not hide the others: all failures are reported
/// together at the end, each labelled with the Terraform version.
pub fn for_each_terraform(scenario: impl Fn(&Path, &Sim)) {
    let binaries = terraform_binaries();
    let mut failures = Vec::new();
    for tf in &binaries {
        let label = format!("Terraform {} ({})", terraform_version(tf), tf.display());
        eprintln!("=== running with {label}");
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let sim = Sim::start();
            scenario(tf, &sim);
        }));
        if let Err(payload) = outcome {
            failures.push(format!("--- with {label}:\n{}", panic_text(&*payload)));
        }
    }
    if !failures.is_empty() {
        panic!(
            "scenario failed with {} of {} Terraform binaries\n{}",
            failures.len(),
            binaries.len(),
            failures.join("\n")
        );
    }
}

/// The message of a caught panic.
pub fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else {
        "(panic without a message)".to_string()
    }
}

fn cache_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".cache/terraform")
}

fn recent_terraform() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("terraform"))
        .find(|candidate| candidate.is_file())
        .or_else(|| Some(cache_dir().join("latest/terraform")).filter(|p| p.is_file()))
        .unwrap_or_else(|| {
            panic!("no `terraform` on PATH and none in .cache/terraform/latest: run scripts/install-terraform-latest (or scripts/test)")
        })
}

fn terraform_1_0_3() -> PathBuf {
    let binary = cache_dir().join("1.0.3/terraform");
    assert!(
        binary.is_file(),
        "Terraform 1.0.3 is missing at {}: run scripts/install-terraform-1.0.3 (or scripts/test)",
        binary.display()
    );
    binary
}
