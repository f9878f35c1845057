//! HosterAPI VM actions: power, change (with the ignored ipCount decrease), rdns, reinstall,
//! password reset, console and incidents.

use reqwest::Method;
use serde_json::json;

use super::{small_vm, Hoster};

#[tokio::test]
async fn power_actions_change_the_state_on_the_virtual_clock() {
    let hoster = Hoster::start().await;
    let (vm, _) = hoster.ready_vm().await;
    let path = |action: &str| format!("/datacenter/server/{vm}/{action}");
    assert_eq!(
        hoster.result(Method::PUT, &path("shutdown"), None).await,
        json!(true)
    );
    assert_eq!(hoster.vm_state(vm).await, "running");
    hoster.advance(6).await;
    assert_eq!(hoster.vm_state(vm).await, "stopped");
    hoster.result(Method::PUT, &path("start"), None).await;
    assert_eq!(hoster.vm_state(vm).await, "stopped");
    hoster.advance(6).await;
    assert_eq!(hoster.vm_state(vm).await, "running");
    hoster.result(Method::PUT, &path("stop"), None).await;
    assert_eq!(hoster.vm_state(vm).await, "stopped");
    hoster.result(Method::PUT, &path("stop"), None).await;
    hoster.result(Method::PUT, &path("start"), None).await;
    hoster.advance(6).await;
    for action in ["reboot", "reboot/force"] {
        hoster.result(Method::PUT, &path(action), None).await;
        assert_eq!(hoster.vm_state(vm).await, "running");
    }
    let uptime = hoster.result(Method::GET, &path("status"), None).await["uptime"].clone();
    assert_eq!(uptime, 0, "a reboot restarts uptime");
}

#[tokio::test]
async fn a_later_power_action_wins_over_a_pending_one() {
    let hoster = Hoster::start().await;
    let (vm, _) = hoster.ready_vm().await;
    hoster
        .put(&format!("/datacenter/server/{vm}/shutdown"), None)
        .await;
    hoster
        .put(&format!("/datacenter/server/{vm}/stop"), None)
        .await;
    hoster
        .put(&format!("/datacenter/server/{vm}/start"), None)
        .await;
    hoster.advance(6).await;
    assert_eq!(hoster.vm_state(vm).await, "running");
}

#[tokio::test]
async fn power_actions_fail_while_the_create_job_runs() {
    let hoster = Hoster::start().await;
    hoster.create_job(small_vm()).await;
    let answer = hoster.put("/datacenter/server/4001/start", None).await;
    assert_eq!(answer.status, 500);
    assert_eq!(
        answer.body["error"],
        "0xa1: failed to send start signal to vm"
    );
}

#[tokio::test]
async fn change_grows_resources_and_refuses_disk_shrink() {
    let hoster = Hoster::start().await;
    let (vm, _) = hoster.ready_vm().await;
    let path = format!("/datacenter/server/{vm}/change");
    let grown = hoster
        .result(
            Method::PUT,
            &path,
            Some(json!({"cpuCores": 4, "mem": 4096, "disk": "20G", "ipCount": 3})),
        )
        .await;
    assert_eq!(grown, json!(true));
    let config = hoster.config(vm).await;
    assert_eq!(config["cpuCores"], 4);
    assert_eq!(config["mem"], 4096);
    assert_eq!(config["disk"], "20G");
    assert_eq!(
        config["ips"],
        json!(["203.0.113.1", "203.0.113.2", "203.0.113.3", "2001:db8::fa1"])
    );
    let shrink = hoster
        .put(&path, Some(json!({"disk": "10G", "cpuCores": 1})))
        .await;
    assert_eq!(shrink.status, 400);
    assert_eq!(
        shrink.body["error"],
        "0xb4: downgrading disk size is not allowed"
    );
    assert_eq!(hoster.config(vm).await["cpuCores"], 4, "nothing changes");
    let too_big = hoster.put(&path, Some(json!({"mem": 1_000_000}))).await;
    assert_eq!(too_big.status, 400);
    assert!(too_big.body["error"]
        .as_str()
        .unwrap_or_default()
        .starts_with("0xb0"));
}

#[tokio::test]
async fn an_ip_count_decrease_is_silently_ignored_and_observable() {
    let hoster = Hoster::start().await;
    let mut body = small_vm();
    body["ipCount"] = json!(2);
    let job = hoster.create_job(body).await;
    hoster.advance(30).await;
    let vm = hoster.job(job).await["output"]["vmid"]
        .as_u64()
        .expect("vmid");
    let path = format!("/datacenter/server/{vm}/change");
    let answer = hoster
        .result(
            Method::PUT,
            &path,
            Some(json!({"ipCount": 1, "cpuCores": 3})),
        )
        .await;
    assert_eq!(answer, json!(true));
    let config = hoster.config(vm).await;
    assert_eq!(
        config["ips"].as_array().map(Vec::len),
        Some(3),
        "2 IPv4 + 1 IPv6"
    );
    assert_eq!(config["cpuCores"], 3, "other fields still apply");
    assert_eq!(hoster.state().await["vms"][0]["ignored_ip_decreases"], 1);
}

#[tokio::test]
async fn rdns_is_set_per_ipv4_address() {
    let hoster = Hoster::start().await;
    let (vm, output) = hoster.ready_vm().await;
    let ip = output["ips"][0].as_str().expect("ip").to_owned();
    let path = format!("/datacenter/server/{vm}/rdns");
    let set = hoster
        .result(
            Method::POST,
            &path,
            Some(json!({"ip": ip, "hostname": "web.example.com"})),
        )
        .await;
    assert_eq!(set, json!(true));
    assert_eq!(
        hoster.state().await["vms"][0]["rdns"][&ip],
        "web.example.com"
    );
    let v6 = hoster
        .post(
            &path,
            json!({"ip": "2001:db8::fa1", "hostname": "web.example.com"}),
        )
        .await;
    assert_eq!(v6.status, 400);
    assert!(v6.body["error"]
        .as_str()
        .unwrap_or_default()
        .starts_with("0xb5"));
    let missing = hoster.post(&path, json!({"ip": ip})).await;
    assert_eq!(
        missing.body["error"],
        "0xb1: Missing required parameter hostname"
    );
}

#[tokio::test]
async fn reinstall_is_a_job_that_changes_template_and_password() {
    let hoster = Hoster::start().await;
    let (vm, created) = hoster.ready_vm().await;
    let path = format!("/datacenter/server/{vm}/reinstall");
    let queued = hoster
        .result(Method::PUT, &path, Some(json!({"template": "Ubuntu20.04"})))
        .await;
    let job = queued["jobId"].as_u64().expect("jobId");
    assert_eq!(hoster.vm_state(vm).await, "stopped");
    assert_eq!(hoster.config(vm).await["template"], "Debian10.0");
    hoster.advance(30).await;
    let done = hoster.job(job).await;
    assert_eq!(done["status"], "finished");
    assert_eq!(done["output"]["vmid"], vm);
    assert_ne!(done["output"]["password"], created["password"]);
    assert_eq!(hoster.config(vm).await["template"], "Ubuntu20.04");
    assert_eq!(hoster.vm_state(vm).await, "running");
    let unknown = hoster.put(&path, Some(json!({"template": "Nope"}))).await;
    assert_eq!(unknown.status, 400);
}

#[tokio::test]
async fn password_reset_console_and_incidents() {
    let hoster = Hoster::start().await;
    let (vm, created) = hoster.ready_vm().await;
    let reset = hoster
        .result(
            Method::PUT,
            &format!("/datacenter/server/{vm}/password/reset"),
            None,
        )
        .await;
    assert_eq!(reset["status"], "success");
    assert_ne!(reset["password"], created["password"]);
    let console = hoster
        .result(
            Method::GET,
            &format!("/datacenter/server/{vm}/console"),
            None,
        )
        .await;
    assert!(console
        .as_str()
        .is_some_and(|url| url.starts_with("https://") && url.contains("vncticket")));
    let incidents_path = format!("/datacenter/server/{vm}/incidents");
    let none = hoster.get(&incidents_path).await;
    assert_eq!(none.body, json!({"response": [], "error": false}));
    let added = hoster
        .sim
        .admin(
            Method::POST,
            &format!("/hoster/vms/{vm}/incidents"),
            Some(json!({"types": ["NTP Amplification"]})),
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.text);
    let some = hoster.get(&incidents_path).await;
    assert_eq!(some.body["error"], false);
    assert_eq!(
        some.body["response"][0]["types"],
        json!(["NTP Amplification"])
    );
    assert_eq!(some.body["response"][0]["ongoing"], 0);
    hoster
        .put(&format!("/datacenter/server/{vm}/stop"), None)
        .await;
    let stopped = hoster
        .get(&format!("/datacenter/server/{vm}/console"))
        .await;
    assert_eq!(stopped.status, 400);
}
