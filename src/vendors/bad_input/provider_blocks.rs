//! The bad provider-block table: every provider's block with one argument spoiled (the
//! schema-derived cases plus bad endpoints, durations, retry counts and missing credentials)
//! gives an error at that argument from ValidateProviderConfig or ConfigureProvider, and the
//! simulator sees no request.

use super::configs::{set_at, sim_provider_config, type_with};
use super::generated::{self, Case, Expect};
use super::harness::{api_requests, is_error, path_of, show, Checker, Tally};
use crate::proto::tfplugin5 as pb;
use crate::tfplugin::provider::Provider;
use crate::tfplugin::{msgpack, Value};
use crate::vendors::test_support::Sim;
use crate::vendors::{hoster, hosthatch, openhosting, terrahost};

/// The argument cases every provider shares, then the ones of its credentials.
fn hand_cases(provider: &str) -> Vec<Case> {
    let bad = |at: &'static str, what: &str, value: Value| Case::error(vec![at], what, value);
    let mut cases = vec![
        bad("endpoint", "endpoint not a URL", "api.example.com".into()),
        bad(
            "endpoint",
            "endpoint of another scheme",
            "ftp://api.example.com".into(),
        ),
        bad("poll_interval", "poll_interval of zero", "0s".into()),
        bad(
            "poll_interval",
            "poll_interval with a bad unit",
            "5 fortnights".into(),
        ),
        bad("request_timeout", "request_timeout of zero", "0s".into()),
        bad("request_timeout", "request_timeout negative", "-5s".into()),
        bad("max_retries", "max_retries 1e300", 1e300f64.into()),
        bad("max_retries", "max_retries 2.5", 2.5f64.into()),
    ];
    match provider {
        "hosthatch" | "hoster" => cases.push(bad("token", "no token", Value::Null)),
        "openhosting" => {
            cases.push(bad("api_key", "no api_key", Value::Null));
            cases.push(bad("user_uuid", "no user_uuid", Value::Null));
            cases.push(bad(
                "upload_chunk_size",
                "upload_chunk_size over 64M",
                "65M".into(),
            ));
            cases.push(bad(
                "upload_concurrency",
                "upload_concurrency 0",
                0i64.into(),
            ));
        }
        _ => {
            cases.push(bad("password", "username without password", Value::Null));
            cases.push(bad(
                "totp_secret",
                "totp_secret not base32",
                "not base32!".into(),
            ));
            cases.push(Case {
                also: vec![("password", Value::Null), ("totp_secret", Value::Null)],
                ..bad("username", "no credentials at all", Value::Null)
            });
        }
    }
    cases
}

async fn check_provider<P: Provider>(
    provider: impl Fn() -> P,
    sim: &Sim,
    tally: &mut Tally,
    failures: &mut Vec<String>,
) {
    let name = Checker::new(provider()).catalogue.provider;
    let schema = Checker::new(provider()).catalogue.schema;
    let valid = sim_provider_config(sim, name, &schema);
    let ty = schema.block.implied_type();
    let mut cases = generated::cases(&schema.block);
    cases.extend(hand_cases(name));
    for case in cases {
        tally.add(&format!("Provider: {}", case.group()));
        let mut config = valid.clone();
        for (attr, value) in &case.also {
            config.set(attr, value.clone());
        }
        set_at(&mut config, &schema, &case.at, case.value.clone());
        let wire = case
            .wire_type
            .as_ref()
            .map_or(ty.clone(), |w| type_with(&ty, &case.at, w));
        let msgpack = msgpack::encode(&config, &wire).expect("case encodes");
        let checker = Checker::new(provider());
        let diags = checker
            .configure_encoded(pb::DynamicValue {
                msgpack,
                json: Vec::new(),
            })
            .await;
        let errors: Vec<_> = diags.iter().filter(|d| is_error(d)).cloned().collect();
        let outcome = match &case.expect {
            Expect::Accepted if errors.is_empty() => Ok(()),
            Expect::Accepted => Err(format!("refused: {}", show(&errors))),
            Expect::ErrorAt(path) if errors.iter().any(|d| path_of(d) == *path) => Ok(()),
            Expect::ErrorAt(path) if errors.is_empty() => {
                Err(format!("passed silently (wanted an error at {path})"))
            }
            Expect::ErrorAt(path) => Err(format!("error not at {path}: {}", show(&errors))),
        };
        if let Err(problem) = outcome {
            failures.push(format!("{name} provider: {}: {problem}", case.what));
        }
    }
}

#[tokio::test]
async fn every_bad_provider_block_is_refused_at_its_argument_without_an_api_call() {
    let sim = Sim::start(1.0).await;
    let (mut tally, mut failures) = (Tally::default(), Vec::new());
    check_provider(hosthatch::provider, &sim, &mut tally, &mut failures).await;
    check_provider(hoster::provider, &sim, &mut tally, &mut failures).await;
    check_provider(openhosting::provider, &sim, &mut tally, &mut failures).await;
    check_provider(terrahost::provider, &sim, &mut tally, &mut failures).await;
    check_provider(
        terrahost::gigahost_provider,
        &sim,
        &mut tally,
        &mut failures,
    )
    .await;
    for (group, n) in &tally.0 {
        println!("bad provider blocks, {group}: {n}");
    }
    println!("bad provider blocks tried: {}", tally.total());
    assert_eq!(
        api_requests(&sim).await,
        0,
        "configure called the API: {}",
        sim.get("stats").await
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        tally.total(),
        failures.join("\n")
    );
}
