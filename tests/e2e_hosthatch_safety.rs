//! End-to-end safety checks with a real `terraform`: no secret reaches any log line even at
//! TRACE, and Ctrl-C during a long create leaves the server in state (tainted), not orphaned.

mod support;

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;
use support::{
    find_resource, for_each_terraform, hosthatch_provider, hosthatch_ssh_key, hosthatch_web_server,
    resource_attr, TfWork,
};

const SIM_TOKEN: &str = "hostform-sim-token";

fn config(server_extra: &str) -> String {
    format!(
        "{}{}{}",
        hosthatch_provider(""),
        hosthatch_ssh_key("deploy", 7),
        hosthatch_web_server("nvme-2gb", server_extra)
    )
}

#[test]
fn the_token_never_appears_in_trace_logs_or_errors() {
    for_each_terraform(|tf, sim| {
        let mut work = TfWork::new(tf, sim, &config(""));
        work.set_env("TF_LOG", "TRACE");
        let mut seen = String::new();
        seen += &work.apply().combined();
        seen += &work.plan().combined();
        sim.admin_post(
            "faults",
            json!({"vendor": "hosthatch", "kind": "status", "status": 500, "count": 20, "method": "PUT"}),
        );
        seen += &work
            .try_run(&["destroy", "-auto-approve", "-input=false", "-no-color"])
            .combined();
        sim.admin_delete("faults");
        work.set_env("HOSTHATCH_TOKEN", "wrong-token-that-must-stay-secret");
        seen += &work
            .try_run(&["plan", "-refresh=true", "-no-color", "-input=false"])
            .combined();
        assert!(
            seen.contains("hosthatch"),
            "TRACE output should include provider logs"
        );
        assert!(
            seen.contains("GET /servers/"),
            "HTTP requests should be logged at debug"
        );
        for secret in [SIM_TOKEN, "wrong-token-that-must-stay-secret"] {
            assert!(
                !seen.contains(secret),
                "secret {secret:?} leaked into terraform's output"
            );
        }
        work.set_env("HOSTHATCH_TOKEN", SIM_TOKEN);
        work.destroy();
        sim.assert_empty();
    });
}

#[test]
fn ctrl_c_during_create_keeps_the_server_in_state() {
    for_each_terraform(|tf, sim| {
        let work = TfWork::new(
            tf,
            sim,
            &config("  timeouts {\n    create = \"10m\"\n  }\n"),
        );
        sim.admin_post("hosthatch/next_deploy", json!({"never_active": true}));
        let mut child = work
            .command(&["apply", "-auto-approve", "-input=false", "-no-color"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .expect("start terraform apply");
        let started = Instant::now();
        while sim.hosthatch_server_ids().is_empty() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no server was deployed"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        std::thread::sleep(Duration::from_millis(500));
        // Ctrl-C in a terminal signals the whole foreground process group: terraform (and,
        // for 1.0.3, its panicwrap child) and the provider alike.
        let group = format!("-{}", child.id());
        std::process::Command::new("kill")
            .args(["-INT", "--", &group])
            .status()
            .expect("send SIGINT");
        let finished = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for terraform") {
                break status;
            }
            assert!(
                finished.elapsed() < Duration::from_secs(30),
                "terraform did not stop after Ctrl-C"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut output = String::new();
        child
            .stdout
            .take()
            .map(|mut s| s.read_to_string(&mut output));
        child
            .stderr
            .take()
            .map(|mut s| s.read_to_string(&mut output));
        assert!(
            !status.success(),
            "an interrupted apply must fail:\n{output}"
        );
        let state = work.state_json();
        let server = find_resource(&state, "hosthatch_server.web")
            .unwrap_or_else(|| panic!("the deployed server is not in state:\n{output}\n{state:#}"));
        assert_eq!(server["tainted"], true, "{output}");
        let id = resource_attr(&state, "hosthatch_server.web", "id");
        assert_eq!(
            sim.hosthatch_server_ids(),
            vec![id.as_str().unwrap_or_default().to_string()]
        );
        work.destroy();
        sim.assert_empty();
    });
}

#[test]
fn a_lost_deploy_answer_adopts_the_server_instead_of_ordering_another() {
    for_each_terraform(|tf, sim| {
        for kind in ["drop", "status_after"] {
            let work = TfWork::new(tf, sim, &config(""));
            sim.admin_post(
                "faults",
                json!({"vendor": "hosthatch", "kind": kind, "status": 500, "count": 1,
                       "method": "POST", "path_contains": "/deploy"}),
            );
            let applied = work.apply();
            let armed = sim.admin_get("faults");
            assert_eq!(
                armed["faults"],
                json!([]),
                "{kind}: the deploy fault never fired"
            );
            let ids = sim.hosthatch_server_ids();
            assert_eq!(
                ids.len(),
                1,
                "{kind}: one server expected, got {ids:?}\n{}",
                applied.combined()
            );
            let in_state = resource_attr(&work.state_json(), "hosthatch_server.web", "id");
            assert_eq!(in_state.as_str(), Some(ids[0].as_str()), "{kind}");
            work.assert_plan_empty();
            work.destroy();
            sim.assert_empty();
        }
    });
}

#[test]
fn invalid_configuration_is_reported_at_the_attribute_without_calling_the_api() {
    for_each_terraform(|tf, sim| {
        let extra = "  power_state = \"paused\"\n  additional_ipv4 = 9\n  timeouts {\n    create = \"ten minutes\"\n  }\n";
        let work = TfWork::new(tf, sim, &config(extra));
        let out = work.try_run(&["plan", "-no-color", "-input=false"]);
        assert!(!out.success(), "an invalid configuration must not plan");
        let text = out.combined();
        for expected in [
            "power_state",
            "\"running\", \"stopped\"",
            "additional_ipv4",
            "timeouts.create",
            "main.tf",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        assert_eq!(
            sim.admin_get("stats")["total"],
            0,
            "no API call may be made:\n{text}"
        );
    });
}

#[test]
fn a_missing_token_names_both_ways_to_set_it() {
    for_each_terraform(|tf, sim| {
        let mut work = TfWork::new(tf, sim, &config(""));
        work.set_env("HOSTHATCH_TOKEN", "");
        let out = work.try_run(&["plan", "-no-color", "-input=false"]);
        assert!(!out.success());
        let text = out.combined();
        assert!(text.contains("Missing HostHatch API token"), "{text}");
        assert!(
            text.contains("HOSTHATCH_TOKEN") && text.contains("token"),
            "{text}"
        );
        assert_eq!(sim.admin_get("stats")["total"], 0);
    });
}
