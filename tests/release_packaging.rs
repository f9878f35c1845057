//! Installing without a registry, as a user would: `scripts/package` output served from a
//! filesystem mirror, and `scripts/install` into the implied local mirror under `$HOME`, each
//! followed by `terraform init` with a version constraint, apply and destroy, with every
//! Terraform binary.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::{for_each_terraform, hosthatch_ssh_key, TfWork};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where cargo put the binaries these tests run with.
fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_hostform-sim"))
        .parent()
        .expect("binary directory")
        .to_path_buf()
}

fn run_script(script: &str, args: &[&str], home: &Path) -> String {
    let output = Command::new("bash")
        .arg(repo().join("scripts").join(script))
        .args(args)
        .env("HOME", home)
        .output()
        .expect("run a script");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "scripts/{script} failed:\n{text}");
    text
}

fn platform() -> String {
    let os = std::env::consts::OS;
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{os}_{arch}")
}

fn versioned_config() -> String {
    format!(
        r#"terraform {{
  required_providers {{
    hosthatch = {{
      source  = "hostform/hosthatch"
      version = "~> {VERSION}"
    }}
  }}
}}

provider "hosthatch" {{
  poll_interval = "100ms"
}}
{}"#,
        hosthatch_ssh_key("packaged", 7)
    )
}

/// init (which must install from the mirror, not the dev overrides), apply, empty plan,
/// destroy, empty simulator.
fn init_apply_destroy(work: &TfWork, sim: &support::Sim) {
    let init = work.run(&["init", "-input=false"]);
    assert!(
        init.combined()
            .contains(&format!("Installed hostform/hosthatch v{VERSION}"))
            || init
                .combined()
                .contains(&format!("Installing hostform/hosthatch v{VERSION}")),
        "init did not install from the mirror:\n{}",
        init.combined()
    );
    let lock = fs::read_to_string(work.dir().join(".terraform.lock.hcl")).expect("lock file");
    assert!(
        lock.contains(&format!("version     = \"{VERSION}\"")),
        "{lock}"
    );
    work.apply();
    work.assert_plan_empty();
    work.destroy();
    sim.assert_empty();
}

#[test]
fn packaged_release_installs_from_a_filesystem_mirror() {
    let dist = tempfile::tempdir().expect("temp dir");
    let home = tempfile::tempdir().expect("temp dir");
    let out = dist.path().to_str().expect("utf-8 path");
    let bins = bin_dir();
    run_script(
        "package",
        &["--bin-dir", bins.to_str().unwrap(), "--out", out],
        home.path(),
    );

    let base = format!("terraform-provider-hosthatch_{VERSION}");
    let zip = format!("{base}_{}.zip", platform());
    for file in [
        &zip,
        &format!("{base}_manifest.json"),
        &format!("{base}_SHA256SUMS"),
    ] {
        assert!(dist.path().join(file).is_file(), "{file} missing");
    }
    let check = Command::new("sha256sum")
        .args(["-c", &format!("{base}_SHA256SUMS")])
        .current_dir(dist.path())
        .output()
        .expect("sha256sum");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    let mirror = dist.path().join("mirror");
    let provider_dir = mirror.join("registry.terraform.io/hostform/hosthatch");
    fs::create_dir_all(&provider_dir).expect("mirror dir");
    fs::copy(dist.path().join(&zip), provider_dir.join(&zip)).expect("copy zip");
    let cli_config = dist.path().join("mirror.tfrc");
    fs::write(
        &cli_config,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/hostform/*\"]\n  }}\n}}\n",
            mirror.display()
        ),
    )
    .expect("cli config");

    for_each_terraform(|tf, sim| {
        let mut work = TfWork::new(tf, sim, &versioned_config());
        work.set_env("TF_CLI_CONFIG_FILE", cli_config.to_str().unwrap());
        work.set_env("HOME", home.path().to_str().unwrap());
        init_apply_destroy(&work, sim);
    });
}

#[test]
fn install_script_fills_the_implied_local_mirror() {
    let home = tempfile::tempdir().expect("temp dir");
    let bins = bin_dir();
    let said = run_script(
        "install",
        &["--bin-dir", bins.to_str().unwrap()],
        home.path(),
    );
    assert!(said.contains("dev_overrides"), "{said}");
    let installed = home
        .path()
        .join(".terraform.d/plugins/registry.terraform.io/hostform/hosthatch")
        .join(VERSION)
        .join(platform())
        .join(format!("terraform-provider-hosthatch_v{VERSION}"));
    assert!(installed.is_file(), "{} missing", installed.display());
    let empty_cli_config = home.path().join("empty.tfrc");
    fs::write(&empty_cli_config, "").expect("cli config");

    for_each_terraform(|tf, sim| {
        let mut work = TfWork::new(tf, sim, &versioned_config());
        work.set_env("TF_CLI_CONFIG_FILE", empty_cli_config.to_str().unwrap());
        work.set_env("HOME", home.path().to_str().unwrap());
        init_apply_destroy(&work, sim);
    });
}
