//! `--fixtures` in process: the example file in the guide replaces catalogues (what can be
//! ordered changes), the replacement survives `/_sim/reset`, and unknown keys are errors.

use std::path::{Path, PathBuf};

use reqwest::Method;
use serde_json::json;

use super::hoster::Hoster;
use super::{deploy_body, TestSim, TOKEN};
use crate::sim::fixtures::Fixtures;
use crate::sim::store::lock;
use crate::sim::{SimConfig, SimInner};

fn example_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guides/sim-fixtures.example.json")
}

#[tokio::test]
async fn the_example_fixtures_replace_catalogues_and_survive_reset() {
    let state = SimInner::new_state(SimConfig {
        time_scale: 1.0,
        token: TOKEN.to_owned(),
        ..SimConfig::default()
    });
    Fixtures::read(&example_file())
        .expect("the guide's example loads")
        .apply(&state);
    let hoster = Hoster {
        sim: TestSim::start_with_state(state.clone()).await,
    };
    let sim = &hoster.sim;
    let from_fixtures = json!({"product": "vps-1gb", "location": "NYC", "billing": "monthly",
        "image": "debian12", "hostname": "fixture"});
    for round in ["before reset", "after reset"] {
        let ordered = sim.post("/deploy", from_fixtures.clone()).await;
        assert_eq!(ordered.status, 201, "{round}: {}", ordered.text);
        let built_in = sim.post("/deploy", deploy_body("built-in")).await;
        assert_eq!(built_in.status, 422, "{round}: {}", built_in.text);
        assert!(
            built_in.text.contains("product is invalid"),
            "{}",
            built_in.text
        );
        let templates = hoster
            .result(Method::GET, "/datacenter/templates", None)
            .await;
        assert_eq!(templates, json!(["Debian12.0", "Ubuntu24.04"]), "{round}");
        assert_eq!(lock(&state.terrahost).os_list.operating_systems.len(), 1);
        assert_eq!(lock(&state.gigahost).os_list.operating_systems.len(), 5);
        assert_eq!(sim.admin(Method::POST, "/reset", None).await.status, 200);
    }
}

#[test]
fn unknown_keys_are_errors_naming_the_key_and_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("fixtures.json");
    for (contents, key) in [
        (r#"{"linode": {}}"#, "linode"),
        (r#"{"hosthatch": {"prodcts": []}}"#, "prodcts"),
        (
            r#"{"terrahost": {"operating_systems": [{"id": 1, "dist_id": 1, "name": "x", "release": "x", "version": "1", "arch": "arm"}]}}"#,
            "arch",
        ),
    ] {
        std::fs::write(&path, contents).expect("write");
        let message = match Fixtures::read(&path) {
            Ok(_) => panic!("{contents} should be refused"),
            Err(error) => error.to_string(),
        };
        assert!(message.contains(key), "{contents}: {message}");
        assert!(message.contains("fixtures.json"), "{message}");
    }
}

#[test]
fn the_guides_inline_example_is_a_valid_fixtures_file() {
    let guide_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guides/simulator-in-ci.md");
    let guide = std::fs::read_to_string(guide_path).expect("read the guide");
    let section = guide
        .split("## Your own catalogue")
        .nth(1)
        .expect("the fixtures section");
    let example = section
        .split("```json")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a JSON example");
    if let Err(error) = serde_json::from_str::<Fixtures>(example) {
        panic!("the guide's example is refused: {error}");
    }
}
