//! Ctrl-C during a long wait (issue 7, guarantee 8): SIGINT to Terraform's process group
//! while a HostHatch server never becomes active ends the wait through Terraform's `Stop`, the
//! error names what was being waited for, and the provider process is gone soon after. The
//! time from the signal to the last provider process exiting is printed (`-- --nocapture`);
//! the assertion only guards against a hang (speed is for benchmarks, not timed tests).

mod support;

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;
use support::{
    for_each_terraform, hosthatch_provider, hosthatch_web_server, terraform_version, TfWork,
};

/// Live processes running `binary_name` whose environment mentions `marker`.
fn processes(binary_name: &str, marker: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            exe.file_name().is_some_and(|name| name == binary_name)
                && String::from_utf8_lossy(&environ).contains(marker)
        })
        .collect()
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "{what} within {limit:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
    started.elapsed()
}

#[test]
fn ctrl_c_during_a_wait_stops_the_provider_promptly_and_names_the_wait() {
    for_each_terraform(|tf: &Path, sim| {
        let main_tf = format!(
            "{}{}",
            hosthatch_provider(""),
            hosthatch_web_server("nvme-2gb", "  timeouts {\n    create = \"10m\"\n  }\n")
        );
        let work = TfWork::new(tf, sim, &main_tf);
        let marker = work.dir().display().to_string();
        let marker = marker.trim_end_matches("/work").to_string();
        sim.admin_post("hosthatch/next_deploy", json!({"never_active": true}));
        let mut child = work
            .command(&["apply", "-auto-approve", "-input=false", "-no-color"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .expect("start terraform apply");
        wait_until("a server is deployed", Duration::from_secs(60), || {
            !sim.hosthatch_server_ids().is_empty()
        });
        std::thread::sleep(Duration::from_millis(500));
        let provider = "terraform-provider-hosthatch";
        assert!(
            !processes(provider, &marker).is_empty(),
            "the provider should be running during the wait"
        );
        let group = format!("-{}", child.id());
        let signalled = Instant::now();
        std::process::Command::new("kill")
            .args(["-INT", "--", &group])
            .status()
            .expect("send SIGINT");
        let provider_gone = wait_until("the provider exits", Duration::from_secs(10), || {
            processes(provider, &marker).is_empty()
        });
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for terraform") {
                break status;
            }
            assert!(
                signalled.elapsed() < Duration::from_secs(30),
                "terraform hangs"
            );
            std::thread::sleep(Duration::from_millis(10));
        };
        let terraform_done = signalled.elapsed();
        let mut output = String::new();
        if let Some(mut s) = child.stdout.take() {
            let _ = s.read_to_string(&mut output);
        }
        if let Some(mut s) = child.stderr.take() {
            let _ = s.read_to_string(&mut output);
        }
        assert!(!status.success(), "an interrupted apply must fail");
        let flat = output.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("cancelled while waiting for") && flat.contains("server"),
            "the error must name the wait:\n{output}"
        );
        eprintln!(
            "STOP FIGURES (Terraform {}): provider gone {} ms after SIGINT, terraform exited after {} ms",
            terraform_version(tf),
            provider_gone.as_millis(),
            terraform_done.as_millis()
        );
        work.destroy();
        sim.assert_empty();
    });
}
