//! HosterAPI backups (create/status/list/restore) and software install/uninstall jobs.

use reqwest::Method;
use serde_json::json;

use super::Hoster;

#[tokio::test]
async fn backup_task_then_list_then_restore() {
    let hoster = Hoster::start().await;
    let (vm, _) = hoster.ready_vm().await;
    let path = |action: &str| format!("/datacenter/server/{vm}/backups/{action}");
    assert_eq!(
        hoster.result(Method::GET, &path("status"), None).await,
        json!({"status": "none", "progress": 0})
    );
    assert_eq!(
        hoster.result(Method::GET, &path("list"), None).await,
        json!([])
    );
    assert_eq!(
        hoster.result(Method::PUT, &path("create"), None).await,
        json!(true)
    );
    assert_eq!(
        hoster.result(Method::GET, &path("status"), None).await["status"],
        "pending"
    );
    let busy = hoster.put(&path("create"), None).await;
    assert_eq!(busy.status, 500);
    assert_eq!(busy.body["error"], "0xa3: timeout");
    hoster.advance(6).await;
    assert_eq!(
        hoster.result(Method::GET, &path("status"), None).await["status"],
        "running"
    );
    hoster.advance(6).await;
    assert_eq!(
        hoster.result(Method::GET, &path("status"), None).await,
        json!({"status": "finished", "progress": 1})
    );
    let list = hoster.result(Method::GET, &path("list"), None).await;
    let stamp = list[0].as_u64().expect("unix timestamp");
    assert!(stamp > 1_600_000_000, "{stamp}");

    hoster
        .result(
            Method::PUT,
            &format!("/datacenter/server/{vm}/change"),
            Some(json!({"cpuCores": 8})),
        )
        .await;
    let missing = hoster.post(&path("restore"), json!({})).await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.body["error"], "0xa5: no target backup defined");
    let unknown = hoster.post(&path("restore"), json!({"backup": 1})).await;
    assert_eq!(unknown.status, 404);
    let pending = hoster
        .result(
            Method::POST,
            &path("restore"),
            Some(json!({"backup": stamp})),
        )
        .await;
    assert_eq!(pending, json!("pending"));
    hoster.advance(12).await;
    assert_eq!(
        hoster.config(vm).await["cpuCores"],
        2,
        "restored to the backup's shape"
    );
}

#[tokio::test]
async fn at_most_three_backups_are_kept_newest_first() {
    let hoster = Hoster::start().await;
    let (vm, _) = hoster.ready_vm().await;
    for _ in 0..4 {
        hoster
            .result(
                Method::PUT,
                &format!("/datacenter/server/{vm}/backups/create"),
                None,
            )
            .await;
        hoster.advance(12).await;
    }
    let list = hoster
        .result(
            Method::GET,
            &format!("/datacenter/server/{vm}/backups/list"),
            None,
        )
        .await;
    let stamps: Vec<u64> = serde_json::from_value(list).expect("numbers");
    assert_eq!(stamps.len(), 3);
    assert!(
        stamps.windows(2).all(|pair| pair[0] > pair[1]),
        "{stamps:?}"
    );
}

#[tokio::test]
async fn software_install_and_uninstall_are_jobs() {
    let hoster = Hoster::start().await;
    let (vm, output) = hoster.ready_vm().await;
    let password = output["password"].clone();
    let install = |target: serde_json::Value, password: serde_json::Value| json!({"sid|ip": target, "package": "ts3", "password": password, "port": 22});
    let queued = hoster
        .result(
            Method::POST,
            "/software/install",
            Some(install(json!(vm.to_string()), password.clone())),
        )
        .await;
    assert_eq!(queued["status"], "queued");
    let job = queued["jobId"].as_u64().expect("jobId");
    assert!(hoster
        .leftovers()
        .await
        .iter()
        .all(|left| !left.contains("software")));
    hoster.advance(30).await;
    let done = hoster.job(job).await;
    assert_eq!(done["status"], "finished");
    assert_eq!(done["output"]["package"], "ts3");
    assert!(hoster
        .leftovers()
        .await
        .contains(&format!("hoster software ts3 on {vm}")));

    let by_ip = install(output["ips"][0].clone(), password.clone());
    let uninstall = hoster
        .result(Method::POST, "/software/uninstall", Some(by_ip))
        .await;
    hoster.advance(30).await;
    let job = uninstall["jobId"].as_u64().expect("jobId");
    assert_eq!(hoster.job(job).await["status"], "finished");
    assert_eq!(hoster.leftovers().await, vec![format!("hoster vm {vm}")]);
}

#[tokio::test]
async fn software_jobs_fail_on_wrong_password_or_port() {
    let hoster = Hoster::start().await;
    let (vm, output) = hoster.ready_vm().await;
    let wrong = hoster
        .result(
            Method::POST,
            "/software/install",
            Some(json!({"sid|ip": vm, "package": "nginx", "password": "wrong"})),
        )
        .await;
    let port = hoster
        .result(
            Method::POST,
            "/software/install",
            Some(json!({"sid|ip": vm, "package": "nginx", "password": output["password"], "port": 2222})),
        )
        .await;
    hoster.advance(30).await;
    let wrong = hoster.job(wrong["jobId"].as_u64().expect("jobId")).await;
    assert_eq!(wrong["status"], "failed");
    assert_eq!(wrong["output"], "0xd1: ssh authentication failed");
    let port = hoster.job(port["jobId"].as_u64().expect("jobId")).await;
    assert_eq!(port["output"], "0xd2: ssh connection refused");
    let unknown = hoster
        .post(
            "/software/install",
            json!({"sid|ip": vm, "package": "nope", "password": "x"}),
        )
        .await;
    assert_eq!(unknown.status, 400);
    let sid_key = hoster
        .post(
            "/software/install",
            json!({"sid": vm, "package": "ts3", "password": "x"}),
        )
        .await;
    assert_eq!(
        sid_key.body["error"],
        "0xb1: Missing required parameter sid|ip"
    );
    let nowhere = hoster
        .post(
            "/software/install",
            json!({"sid|ip": "9999", "package": "ts3", "password": "x"}),
        )
        .await;
    assert_eq!(nowhere.status, 404);
}

#[tokio::test]
async fn software_reaches_dedicated_servers_by_ip_and_reinstalls_wipe_it() {
    let hoster = Hoster::start().await;
    let order = json!({"id": 9, "template": "Debian Buster"});
    hoster
        .result(Method::POST, "/datacenter/dedicated/order", Some(order))
        .await;
    hoster.advance(61).await;
    let config = hoster
        .result(Method::GET, "/datacenter/dedicated/9/config", None)
        .await;
    let body = json!({"sid|ip": config["ips"][0], "package": "docker",
                      "password": config["ssh"]["root"]["password"]});
    let job = hoster
        .result(Method::POST, "/software/install", Some(body))
        .await["jobId"]
        .as_u64()
        .expect("jobId");
    hoster.advance(30).await;
    assert_eq!(hoster.job(job).await["output"]["vmid"], 9);
    assert!(hoster
        .leftovers()
        .await
        .contains(&"hoster software docker on 9".to_owned()));

    let (vm, output) = hoster.ready_vm().await;
    let body = json!({"sid|ip": vm, "package": "nginx", "password": output["password"]});
    hoster
        .result(Method::POST, "/software/install", Some(body))
        .await;
    hoster.advance(30).await;
    assert!(hoster
        .leftovers()
        .await
        .contains(&format!("hoster software nginx on {vm}")));
    hoster
        .result(
            Method::PUT,
            &format!("/datacenter/server/{vm}/reinstall"),
            None,
        )
        .await;
    hoster.advance(30).await;
    assert!(!hoster
        .leftovers()
        .await
        .contains(&format!("hoster software nginx on {vm}")));
}

#[tokio::test]
async fn armed_backup_tasks_fail_or_never_finish_and_plain_arming_skips_them() {
    let hoster = Hoster::start().await;
    let (vm, _) = hoster.ready_vm().await;
    let path = |action: &str| format!("/datacenter/server/{vm}/backups/{action}");
    hoster.arm_jobs(json!({"outcome": "fail"})).await;
    hoster
        .arm_jobs(json!({"outcome": "fail", "kind": "backup"}))
        .await;
    hoster.result(Method::PUT, &path("create"), None).await;
    hoster.advance(30).await;
    assert_eq!(
        hoster.result(Method::GET, &path("status"), None).await,
        json!({"status": "failed", "progress": 0.33})
    );
    assert_eq!(
        hoster.result(Method::GET, &path("list"), None).await,
        json!([])
    );
    let armed = hoster.state().await["next_jobs"].clone();
    assert_eq!(
        armed.as_array().map(Vec::len),
        Some(1),
        "kind-less arming is for jobs: {armed}"
    );

    hoster
        .sim
        .admin(Method::DELETE, "/hoster/next_jobs", None)
        .await;
    hoster.result(Method::PUT, &path("create"), None).await;
    hoster.advance(30).await;
    let stamp = hoster.result(Method::GET, &path("list"), None).await[0].clone();
    hoster
        .arm_jobs(json!({"outcome": "never_finish", "kind": "restore"}))
        .await;
    hoster
        .result(
            Method::POST,
            &path("restore"),
            Some(json!({"backup": stamp})),
        )
        .await;
    hoster.advance(10_000).await;
    assert_eq!(
        hoster.result(Method::GET, &path("status"), None).await,
        json!({"status": "running", "progress": 0.5})
    );
    assert_eq!(hoster.put(&path("create"), None).await.status, 500);
}
