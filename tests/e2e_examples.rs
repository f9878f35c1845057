//! Runs every example configuration under `examples/` (each directory holding `.tf`
//! files, found at test time: `examples/quickstart`, registry-layout ones such as
//! `examples/hosthatch/resources/...`) through apply, an empty plan, destroy and an
//! empty simulator, with every Terraform binary new enough for it: examples with ephemeral
//! blocks need 1.10, with write-only (`*_wo`) arguments 1.11; older binaries skip those with a
//! NOTE, and the test fails if no binary under test is new enough.
//!
//! Registry-layout snippets usually omit `required_providers`; for those the test adds
//! one naming `hostform/<vendor>` for each vendor the snippet uses, since otherwise
//! Terraform would look for `hashicorp/<vendor>`. The harness provides HostHatch
//! (HOSTHATCH_TOKEN / HOSTHATCH_ENDPOINT), HosterAPI (HOSTER_TOKEN / HOSTER_ENDPOINT /
//! HOSTER_POLL_INTERVAL), Open Hosting (OPENHOSTING_USER_UUID /
//! OPENHOSTING_API_KEY / OPENHOSTING_ENDPOINT), Terrahost and Gigahost (TERRAHOST_* /
//! GIGAHOST_*: endpoint, username, password, TOTP secret) credentials.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use support::{
    for_each_terraform, panic_text, terraform_binaries, terraform_version, TfWork, PROVIDER_NAMES,
};

/// The top-level directories of `examples/`, one test each so that they run side by side.
const EXAMPLE_GROUPS: [&str; 6] = [
    "quickstart",
    "hosthatch",
    "hoster",
    "openhosting",
    "terrahost",
    "gigahost",
];

fn examples_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

#[test]
fn every_example_group_has_a_test() {
    let mut found: Vec<String> = fs::read_dir(examples_root())
        .expect("examples/")
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    found.sort();
    let mut known: Vec<String> = EXAMPLE_GROUPS.iter().map(|g| g.to_string()).collect();
    known.sort();
    assert_eq!(
        found, known,
        "add a test below for each examples/ directory"
    );
}

#[test]
fn quickstart_examples() {
    run_examples_under("quickstart");
}

#[test]
fn hosthatch_examples() {
    run_examples_under("hosthatch");
}

#[test]
fn hoster_examples() {
    run_examples_under("hoster");
}

#[test]
fn openhosting_examples() {
    run_examples_under("openhosting");
}

#[test]
fn terrahost_examples() {
    run_examples_under("terrahost");
}

#[test]
fn gigahost_examples() {
    run_examples_under("gigahost");
}

/// Applies every example under `examples/<group>`, plans, destroys and checks the simulator.
fn run_examples_under(group: &str) {
    let root = examples_root().join(group);
    let examples = directories_with_tf_files(&root);
    assert!(
        !examples.is_empty(),
        "no example configurations found under {}",
        root.display()
    );
    let newest = terraform_binaries()
        .iter()
        .map(|tf| parse_version(&terraform_version(tf)))
        .max()
        .unwrap_or_default();
    for example in &examples {
        let needs = minimum_terraform(example);
        assert!(
            newest >= needs,
            "example {} needs Terraform {needs:?} or later and no Terraform under test is that new",
            example.display()
        );
    }
    let not_run = Mutex::new(Vec::new());
    for_each_terraform(|tf, sim| {
        let version = parse_version(&terraform_version(tf));
        for example in &examples {
            let needs = minimum_terraform(example);
            if version < needs {
                not_run.lock().unwrap().push(format!(
                    "{} (needs {needs:?}) with {version:?}",
                    example.display()
                ));
                continue;
            }
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
    for line in not_run.into_inner().unwrap() {
        eprintln!("NOTE: not run with an older Terraform that lacks the feature: {line}");
    }
}

/// `"1.11.4"` -> `(1, 11)`.
fn parse_version(text: &str) -> (u32, u32) {
    let mut parts = text.split('.').map(|p| p.parse().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// The oldest Terraform that understands an example: ephemeral blocks came with 1.10 and
/// write-only arguments (named `*_wo` here) with 1.11.
fn minimum_terraform(example: &Path) -> (u32, u32) {
    let text = tf_text(example);
    let write_only = text.lines().any(|line| {
        line.split_whitespace()
            .next()
            .is_some_and(|w| w.ends_with("_wo"))
    });
    if write_only {
        (1, 11)
    } else if text.contains("ephemeral \"") {
        (1, 10)
    } else {
        (0, 12)
    }
}

fn tf_text(example: &Path) -> String {
    fs::read_dir(example)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "tf"))
                .map(|path| fs::read_to_string(path).unwrap_or_default())
                .collect()
        })
        .unwrap_or_default()
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
    let text = tf_text(example);
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

#[test]
fn newer_language_features_set_the_minimum_terraform() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.tf"), "resource \"x_y\" \"z\" {}\n").unwrap();
    assert_eq!(minimum_terraform(dir.path()), (0, 12));
    fs::write(
        dir.path().join("a.tf"),
        "ephemeral \"x_console\" \"c\" {}\n",
    )
    .unwrap();
    assert_eq!(minimum_terraform(dir.path()), (1, 10));
    fs::write(
        dir.path().join("a.tf"),
        "resource \"x_y\" \"z\" {\n  password_wo = \"s\"\n}\n",
    )
    .unwrap();
    assert_eq!(minimum_terraform(dir.path()), (1, 11));
    assert_eq!(parse_version("1.11.4"), (1, 11));
}
