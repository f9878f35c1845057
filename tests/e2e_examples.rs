//! Runs every example configuration under `examples/` (each directory holding `.tf`
//! files, found at test time: `examples/quickstart`, registry-layout ones such as
//! `examples/hosthatch/resources/...`) through apply, an empty plan, destroy and an
//! empty simulator, with every Terraform binary.
//!
//! Registry-layout snippets usually omit `required_providers`; for those the test adds
//! one naming `hostform/<vendor>` for each vendor the snippet uses, since otherwise
//! Terraform would look for `hashicorp/<vendor>`. The harness provides HostHatch
//! (HOSTHATCH_TOKEN / HOSTHATCH_ENDPOINT) and Open Hosting (OPENHOSTING_USER_UUID /
//! OPENHOSTING_API_KEY / OPENHOSTING_ENDPOINT) credentials.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use support::{for_each_terraform, panic_text, TfWork, PROVIDER_NAMES};

#[test]
fn every_example_applies_plans_empty_and_destroys_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let examples = directories_with_tf_files(&root);
    assert!(
        !examples.is_empty(),
        "no example configurations found under {}",
        root.display()
    );
    for_each_terraform(|tf, sim| {
        for example in &examples {
            eprintln!("--- example {}", example.display());
            let work = TfWork::new(tf, sim, "");
            work.copy_files_from(example);
            if let Some(block) = missing_required_providers(example) {
                work.write_file("hostform_required_providers.tf", &block);
            }
            let step = |what: &str, action: &dyn Fn()| {
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(action));
                if let Err(payload) = outcome {
                    let reason = panic_text(&*payload);
                    panic!("example {} failed at {what}: {reason}", example.display());
                }
            };
            step("apply", &|| drop(work.apply()));
            step("plan (must be empty)", &|| work.assert_plan_empty());
            step("destroy", &|| drop(work.destroy()));
            step("empty simulator", &|| sim.assert_empty());
        }
    });
}

/// Directories under `root` (itself included) that hold at least one `.tf` file.
fn directories_with_tf_files(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut has_tf = false;
        for path in entries.flatten().map(|entry| entry.path()) {
            if path.is_dir() && path.file_name().is_some_and(|n| n != ".terraform") {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "tf") {
                has_tf = true;
            }
        }
        if has_tf {
            found.push(dir);
        }
    }
    found.sort();
    found
}

/// A `required_providers` block for the vendors the example uses, when it has none.
fn missing_required_providers(example: &Path) -> Option<String> {
    let text: String = fs::read_dir(example)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "tf"))
        .map(|path| fs::read_to_string(path).unwrap_or_default())
        .collect();
    if text.contains("required_providers") {
        return None;
    }
    let entries: String = PROVIDER_NAMES
        .iter()
        .filter(|v| {
            text.contains(&format!("\"{v}_")) || text.contains(&format!("provider \"{v}\""))
        })
        .map(|v| format!("    {v} = {{ source = \"hostform/{v}\" }}\n"))
        .collect();
    Some(format!(
        "terraform {{\n  required_providers {{\n{entries}  }}\n}}\n"
    ))
}

#[test]
fn registry_snippets_get_a_required_providers_block() {
    let dir = tempfile::tempdir().unwrap();
    let snippet = "resource \"hosthatch_ssh_key\" \"example\" {}\n";
    fs::write(dir.path().join("resource.tf"), snippet).unwrap();
    let block = missing_required_providers(dir.path()).unwrap();
    assert!(
        block.contains("hosthatch = { source = \"hostform/hosthatch\" }"),
        "{block}"
    );
    assert!(!block.contains("hoster ="), "{block}");
    assert_eq!(
        directories_with_tf_files(dir.path()),
        vec![dir.path().to_path_buf()]
    );

    fs::write(
        dir.path().join("main.tf"),
        "terraform {\n  required_providers {}\n}\n",
    )
    .unwrap();
    assert_eq!(missing_required_providers(dir.path()), None);
}
