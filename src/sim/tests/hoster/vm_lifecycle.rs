//! HosterAPI VM create -> job -> config/status -> delete, and job progression on the
//! virtual clock.

use reqwest::Method;
use serde_json::json;

use super::{small_vm, Hoster};

#[tokio::test]
async fn create_job_goes_queued_executing_finished() {
    let hoster = Hoster::start().await;
    let job = hoster.create_job(small_vm()).await;
    let queued = hoster.job(job).await;
    assert_eq!(
        queued,
        json!({"status": "queued", "progress": 0, "output": null})
    );
    hoster.advance(11).await;
    let executing = hoster.job(job).await;
    assert_eq!(executing["status"], "executing");
    assert_eq!(executing["output"], json!(null));
    let progress = executing["progress"].as_f64().expect("progress");
    assert!(progress > 0.4 && progress < 0.6, "{progress}");
    hoster.advance(10).await;
    let finished = hoster.job(job).await;
    assert_eq!(finished["status"], "finished");
    assert_eq!(finished["progress"], 1);
    let output = &finished["output"];
    assert_eq!(output["vmid"], 4001);
    assert_eq!(output["user"], "root");
    assert_eq!(output["ips"], json!(["203.0.113.1"]));
    assert!(output["password"].as_str().is_some_and(|p| p.len() >= 8));
}

#[tokio::test]
async fn a_new_vm_is_listed_at_once_and_runs_when_its_job_finishes() {
    let hoster = Hoster::start().await;
    let job = hoster.create_job(small_vm()).await;
    assert_eq!(
        hoster.result(Method::GET, "/datacenter/server", None).await,
        json!([4001])
    );
    assert_eq!(hoster.vm_state(4001).await, "stopped");
    hoster.advance(30).await;
    assert_eq!(hoster.job(job).await["status"], "finished");
    assert_eq!(hoster.vm_state(4001).await, "running");
    let config = hoster.config(4001).await;
    assert_eq!(
        config,
        json!({"cpuCores": 2, "mem": 2048, "disk": "10G",
               "ips": ["203.0.113.1", "2001:db8::fa1"], "template": "Debian10.0"})
    );
    let status = hoster
        .result(Method::GET, "/datacenter/server/4001/status", None)
        .await;
    for field in ["cpu", "mem", "memfree", "netin", "netout", "uptime"] {
        assert!(status[field].is_number(), "{field}: {status}");
    }
}

#[tokio::test]
async fn job_durations_are_configurable() {
    let hoster = Hoster::start().await;
    hoster
        .settings(json!({"job_secs": 600, "queue_secs": 0}))
        .await;
    let job = hoster.create_job(small_vm()).await;
    hoster.advance(300).await;
    assert_eq!(hoster.job(job).await["status"], "executing");
    hoster.advance(301).await;
    assert_eq!(hoster.job(job).await["status"], "finished");
    let settings = hoster
        .sim
        .admin(Method::GET, "/hoster/settings", None)
        .await;
    assert_eq!(settings.body["job_secs"], 600.0);
}

#[tokio::test]
async fn resources_above_the_limits_fail_the_job_and_remove_the_vm() {
    let hoster = Hoster::start().await;
    let mut body = small_vm();
    body["cpuCores"] = json!(64);
    let job = hoster.create_job(body).await;
    assert_eq!(
        hoster.result(Method::GET, "/datacenter/server", None).await,
        json!([4001])
    );
    hoster.advance(30).await;
    let failed = hoster.job(job).await;
    assert_eq!(
        failed,
        json!({"status": "failed", "progress": 0.33,
               "output": "0xb0: Requested resources exceed administrative limits"})
    );
    assert_eq!(
        hoster.result(Method::GET, "/datacenter/server", None).await,
        json!([])
    );
    let mut body = small_vm();
    body["ipCount"] = json!(1_000_000_000);
    let huge = hoster.create_job(body).await;
    hoster.advance(30).await;
    assert_eq!(hoster.job(huge).await["status"], "failed");
    let mut body = small_vm();
    body["mem"] = json!(128);
    let below = hoster.post("/datacenter/server", body).await;
    assert_eq!(below.body["error"], "0xb2: invalid parameter mem");
}

#[tokio::test]
async fn delete_needs_force_while_running() {
    let hoster = Hoster::start().await;
    let (vm, _) = hoster.ready_vm().await;
    let path = format!("/datacenter/server/{vm}/delete");
    let refused = hoster.post(&path, json!({})).await;
    assert_eq!(refused.status, 500);
    assert_eq!(refused.body["error"], "0xa3: timeout");
    assert_eq!(
        hoster
            .result(Method::POST, &path, Some(json!({"force": true})))
            .await,
        json!(true)
    );
    assert_eq!(
        hoster
            .get(&format!("/datacenter/server/{vm}/config"))
            .await
            .status,
        404
    );
    assert_eq!(hoster.post(&path, json!({"force": true})).await.status, 404);

    let (stopped, _) = hoster.ready_vm().await;
    assert_eq!(stopped, 4002, "ids are not reused");
    hoster
        .put(&format!("/datacenter/server/{stopped}/stop"), None)
        .await;
    let path = format!("/datacenter/server/{stopped}/delete");
    assert_eq!(hoster.result(Method::POST, &path, None).await, json!(true));
    assert!(hoster.leftovers().await.is_empty());
}

#[tokio::test]
async fn a_vm_can_be_deleted_while_its_job_runs() {
    let hoster = Hoster::start().await;
    let job = hoster.create_job(small_vm()).await;
    let path = "/datacenter/server/4001/delete";
    assert_eq!(
        hoster
            .result(Method::POST, path, Some(json!({"force": true})))
            .await,
        json!(true)
    );
    hoster.advance(30).await;
    assert_eq!(hoster.job(job).await["status"], "finished");
    assert_eq!(
        hoster.result(Method::GET, "/datacenter/server", None).await,
        json!([])
    );
}
