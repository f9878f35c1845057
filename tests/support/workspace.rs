//! A Terraform working directory wired to the providers built by this crate.
//!
//! A CLI config file (`TF_CLI_CONFIG_FILE`) maps every `hostform/<vendor>` source to
//! the directory holding the crate's binaries with `dev_overrides`, so no registry is
//! involved. With dev_overrides, `plan`/`apply`/`import`/`destroy` work without
//! `terraform init`, and `init` would fail (it still asks the registry for the
//! overridden provider): checked with 1.0.3 and 1.11.4, so the harness never runs it.

use super::http::request_json;
use super::process::{run_with_deadline, RunOutput};
use super::secrets::{
    is_secret_env, sensitive_state_values, simulator_secrets, Scanner, Secret, BYTES_SCANNED,
    COMMANDS_SCANNED,
};
use super::sim::Sim;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Vendors whose `terraform-provider-<name>` binaries the crate builds (or will).
pub const PROVIDER_NAMES: [&str; 5] = [
    "hosthatch",
    "hoster",
    "openhosting",
    "terrahost",
    "gigahost",
];
/// The simulator accepts this token for every vendor.
const SIM_TOKEN: &str = "hostform-sim-token";
/// The simulator's Open Hosting user UUID (its Basic auth user name).
pub const OPENHOSTING_SIM_USER: &str = "6f70656e-686f-4000-8000-000000000001";
/// No single terraform command of a test may take longer than this.
const COMMAND_DEADLINE: Duration = Duration::from_secs(300);

/// A temp dir with `cli.tfrc` and a `work/` dir holding the configuration.
///
/// Every command runs with `TF_LOG=TRACE` into its own log file under the temp dir (unless
/// the test sets a `TF_LOG*` variable itself: its log then goes to stderr), and after it, its output and
/// log are scanned for every secret the harness knows (see `secrets.rs`); a leak panics.
pub struct TfWork {
    tf: PathBuf,
    root: tempfile::TempDir,
    env: Vec<(String, String)>,
    sim_url: Option<String>,
    commands: AtomicU32,
    logs_scanned: AtomicU32,
    sim_secrets: Mutex<Vec<Secret>>,
}

impl TfWork {
    /// A workspace whose provider talks to `sim`, with `main_tf` as `main.tf`.
    pub fn new(tf: &Path, sim: &Sim, main_tf: &str) -> TfWork {
        let mut work = TfWork::with_endpoint(tf, &sim.hosthatch_endpoint(), main_tf);
        work.sim_url = Some(sim.url().to_string());
        work.set_env("HOSTER_ENDPOINT", &sim.hoster_endpoint());
        work.set_env("HOSTER_POLL_INTERVAL", "100ms");
        work.set_env("OPENHOSTING_ENDPOINT", &sim.openhosting_endpoint());
        for (name, value) in sim.terrahost_env() {
            work.set_env(&name, &value);
        }
        work
    }

    /// Like [`TfWork::new`] with an explicit HostHatch endpoint (no simulator needed).
    pub fn with_endpoint(tf: &Path, hosthatch_endpoint: &str, main_tf: &str) -> TfWork {
        let root = tempfile::Builder::new()
            .prefix("hostform-tf-")
            .tempdir()
            .expect("temp dir for a terraform workspace");
        let cli_config = root.path().join("cli.tfrc");
        fs::write(&cli_config, dev_overrides_config(&provider_dir())).expect("write cli.tfrc");
        fs::create_dir(root.path().join("work")).expect("create work dir");
        let env = vec![
            (
                "TF_CLI_CONFIG_FILE".into(),
                cli_config.display().to_string(),
            ),
            ("TF_IN_AUTOMATION".into(), "1".into()),
            ("CHECKPOINT_DISABLE".into(), "1".into()),
            ("HOSTHATCH_TOKEN".into(), SIM_TOKEN.into()),
            ("HOSTHATCH_ENDPOINT".into(), hosthatch_endpoint.into()),
            ("HOSTER_TOKEN".into(), SIM_TOKEN.into()),
            ("OPENHOSTING_USER_UUID".into(), OPENHOSTING_SIM_USER.into()),
            ("OPENHOSTING_API_KEY".into(), SIM_TOKEN.into()),
        ];
        let work = TfWork {
            tf: tf.to_path_buf(),
            root,
            env,
            sim_url: None,
            commands: AtomicU32::new(0),
            logs_scanned: AtomicU32::new(0),
            sim_secrets: Mutex::new(Vec::new()),
        };
        work.write_main(main_tf);
        work
    }

    /// The directory terraform runs in.
    pub fn dir(&self) -> PathBuf {
        self.root.path().join("work")
    }

    pub fn write_main(&self, main_tf: &str) {
        self.write_file("main.tf", main_tf);
    }

    pub fn write_file(&self, name: &str, contents: &str) {
        fs::write(self.dir().join(name), contents).expect("write a workspace file");
    }

    /// Copies the regular files of `source` (not subdirectories) into the workspace.
    pub fn copy_files_from(&self, source: &Path) {
        for entry in fs::read_dir(source).expect("read the source directory") {
            let path = entry.expect("directory entry").path();
            if path.is_file() {
                fs::copy(&path, self.dir().join(path.file_name().unwrap()))
                    .unwrap_or_else(|e| panic!("copy {}: {e}", path.display()));
            }
        }
    }

    /// Sets (or overrides) an environment variable for every later terraform command.
    pub fn set_env(&mut self, name: &str, value: &str) {
        self.env.retain(|(k, _)| k != name);
        self.env.push((name.to_string(), value.to_string()));
    }

    /// The `terraform ARGS` command for this workspace, with its environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.tf);
        command.args(args).current_dir(self.dir());
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            // Outside TF_* settings (TF_CLI_ARGS*, TF_PLUGIN_CACHE_DIR, TF_DATA_DIR,
            // TF_WORKSPACE, ...) would change what terraform does; logging may stay.
            if name.starts_with("TF_") && !name.starts_with("TF_LOG") {
                command.env_remove(name.as_ref());
            }
        }
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        // HOSTFORM_E2E_NO_TRACE=1 only serves to measure what the TRACE logs cost.
        let untraced = std::env::var_os("HOSTFORM_E2E_NO_TRACE").is_some();
        if !untraced && !self.env.iter().any(|(k, _)| k.starts_with("TF_LOG")) {
            let n = self.commands.fetch_add(1, Ordering::Relaxed);
            command.env("TF_LOG", "TRACE");
            command.env("TF_LOG_PATH", self.log_path(n));
        }
        command
    }

    /// Runs `terraform ARGS` in the workspace and returns its output, whatever the exit code.
    /// Panics if a known secret appears in its output or TRACE log.
    pub fn try_run(&self, args: &[&str]) -> RunOutput {
        let output = run_with_deadline(&mut self.command(args), COMMAND_DEADLINE);
        self.refresh_sim_secrets();
        let scanner = self.scanner();
        let command = format!("`terraform {}`", args.join(" "));
        // `show`, `output` and `state pull` print the state, sensitive values included, by
        // design; their stderr and log are still scanned.
        let prints_state = matches!(args.first(), Some(&"show") | Some(&"output"))
            || args.starts_with(&["state", "pull"]);
        for (text, place) in [(&output.stdout, "stdout"), (&output.stderr, "stderr")] {
            if place == "stdout" && prints_state {
                continue;
            }
            if let Some(class) = scanner.find(text.as_bytes()) {
                panic!("secret {class} leaked into the {place} of {command}");
            }
        }
        self.scan_new_logs(&scanner, &command);
        COMMANDS_SCANNED.fetch_add(1, Ordering::Relaxed);
        output
    }

    fn log_path(&self, n: u32) -> PathBuf {
        self.root.path().join(format!("tf-{n}.log"))
    }

    /// Every secret known now: credentials in the environment, the simulator's passwords and
    /// issued tokens (as last read), and the values the state marks sensitive.
    fn scanner(&self) -> Scanner {
        let mut secrets: Vec<Secret> = self
            .env
            .iter()
            .filter(|(k, _)| is_secret_env(k))
            .map(|(k, v)| Secret {
                class: k.clone(),
                value: v.clone(),
            })
            .collect();
        secrets.extend(self.sim_secrets.lock().unwrap().iter().cloned());
        for file in ["terraform.tfstate", "terraform.tfstate.backup"] {
            if let Ok(text) = fs::read_to_string(self.dir().join(file)) {
                if let Ok(state) = serde_json::from_str::<Value>(&text) {
                    secrets.extend(sensitive_state_values(&state));
                }
            }
        }
        Scanner::new(secrets)
    }

    fn refresh_sim_secrets(&self) {
        if let Some(url) = &self.sim_url {
            let reply = request_json("GET", &format!("{url}/_sim/state"), None);
            if reply.status == 200 {
                let mut known = self.sim_secrets.lock().unwrap();
                known.extend(simulator_secrets(&reply.body));
                known.sort_by(|a, b| a.value.cmp(&b.value));
                known.dedup();
            }
        }
    }

    /// Scans the TRACE logs of the commands run since the last scan.
    fn scan_new_logs(&self, scanner: &Scanner, command: &str) {
        while self.logs_scanned.load(Ordering::Relaxed) < self.commands.load(Ordering::Relaxed) {
            let n = self.logs_scanned.fetch_add(1, Ordering::Relaxed);
            let path = self.log_path(n);
            match scanner.find_in_file(&path) {
                Ok(None) => {}
                Ok(Some(class)) => panic!(
                    "secret {class} leaked into the TRACE log {} (up to {command})",
                    path.display()
                ),
                Err(e) => panic!("cannot scan {}: {e}", path.display()),
            }
        }
    }

    /// Runs `terraform ARGS`; panics with stdout and stderr if it fails.
    pub fn run(&self, args: &[&str]) -> RunOutput {
        let output = self.try_run(args);
        if !output.success() {
            panic!(
                "`terraform {}` failed with exit code {} in {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
                args.join(" "),
                output.code,
                self.dir().display(),
                output.stdout,
                output.stderr
            );
        }
        output
    }

    pub fn apply(&self) -> RunOutput {
        self.run(&APPLY)
    }

    /// `apply` expected to fail: returns the output, panics if it succeeded.
    pub fn apply_expecting_failure(&self) -> RunOutput {
        let output = self.try_run(&APPLY);
        assert!(
            !output.success(),
            "apply was expected to fail but succeeded:\n{}",
            output.combined()
        );
        output
    }

    pub fn plan(&self) -> RunOutput {
        self.run(&["plan", "-input=false", "-no-color"])
    }

    /// Exit code of `plan -detailed-exitcode`: 0 = no changes, 2 = changes.
    /// Panics (with the output) on any other code.
    pub fn plan_detailed_exitcode(&self) -> i32 {
        self.plan_detailed().0
    }

    /// Panics with the plan output unless the plan has no changes.
    pub fn assert_plan_empty(&self) {
        let (code, output) = self.plan_detailed();
        assert_eq!(
            code,
            0,
            "expected an empty plan, got:\n{}",
            output.combined()
        );
    }

    pub fn destroy(&self) -> RunOutput {
        self.run(&["destroy", "-auto-approve", "-input=false", "-no-color"])
    }

    pub fn import(&self, address: &str, id: &str) -> RunOutput {
        self.run(&["import", "-input=false", "-no-color", address, id])
    }

    /// Human-readable `terraform state show ADDRESS`.
    pub fn state_show(&self, address: &str) -> String {
        self.run(&["state", "show", "-no-color", address]).stdout
    }

    /// The state as JSON (`terraform show -json`).
    pub fn state_json(&self) -> Value {
        parse_json(&self.run(&["show", "-json", "-no-color"]))
    }

    /// The root outputs (`terraform output -json`): `{"name": {"value": ..}, ..}`.
    pub fn output_json(&self) -> Value {
        parse_json(&self.run(&["output", "-json", "-no-color"]))
    }

    fn plan_detailed(&self) -> (i32, RunOutput) {
        let output = self.try_run(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
        match output.code {
            0 | 2 => (output.code, output),
            code => panic!("plan failed with exit code {code}:\n{}", output.combined()),
        }
    }
}

impl Drop for TfWork {
    /// Scans the logs of commands a test ran itself through [`TfWork::command`], and adds
    /// this process's totals so far to `secret-scan-figures.txt` for `bench/secret-scan`.
    fn drop(&mut self) {
        if !std::thread::panicking() {
            self.scan_new_logs(&self.scanner(), "the workspace's last command");
        }
        let figures = Path::new(env!("CARGO_TARGET_TMPDIR")).join("secret-scan-figures.txt");
        let line = format!(
            "{} commands={} bytes={}\n",
            std::process::id(),
            COMMANDS_SCANNED.load(Ordering::Relaxed),
            BYTES_SCANNED.load(Ordering::Relaxed)
        );
        let _ = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(figures)
            .and_then(|mut f| std::io::Write::write_all(&mut f, line.as_bytes()));
    }
}

const APPLY: [&str; 4] = ["apply", "-auto-approve", "-input=false", "-no-color"];

/// Where cargo put the crate's binaries: all `[[bin]]`s land in one directory.
fn provider_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_hostform-sim"))
        .parent()
        .expect("the binaries' directory")
        .to_path_buf()
}

fn dev_overrides_config(provider_dir: &Path) -> String {
    // `{:?}` quotes and escapes the path the way an HCL string literal needs.
    let dir = format!("{:?}", provider_dir.display().to_string());
    let entries: String = PROVIDER_NAMES
        .iter()
        .filter(|name| {
            provider_dir
                .join(format!("terraform-provider-{name}"))
                .is_file()
        })
        .map(|name| format!("    \"hostform/{name}\" = {dir}\n"))
        .collect();
    format!("provider_installation {{\n  dev_overrides {{\n{entries}  }}\n  direct {{}}\n}}\n")
}

fn parse_json(output: &RunOutput) -> Value {
    serde_json::from_str(&output.stdout)
        .unwrap_or_else(|e| panic!("terraform printed no JSON ({e}):\n{}", output.combined()))
}
