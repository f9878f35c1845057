//! The bad-configuration table: every generated and hand-written case of every resource,
//! data source and ephemeral resource of the five providers, through the gRPC service,
//! against a configured provider whose simulator must see no request.

use super::generated::{self, Case, Expect};
use super::hand;
use super::harness::{api_requests, is_error, path_of, show, Checker, Kind, Tally};
use super::samples::valid_config;
use crate::sim::openhosting::model::SIM_USER;
use crate::sim::terrahost::model::{DEFAULT_PASSWORD, DEFAULT_TOTP_SECRET, DEFAULT_USERNAME};
use crate::support::Auth;
use crate::tfplugin::provider::Provider;
use crate::tfplugin::schema::Schema;
use crate::tfplugin::{msgpack, Type, Value};
use crate::vendors::test_support::{object_of, Sim, TOKEN};
use crate::vendors::{hoster, hosthatch, openhosting, terrahost};

/// The provider block of each provider, pointed at `sim`.
pub fn sim_provider_config(sim: &Sim, provider: &str, schema: &Schema) -> Value {
    let endpoint = |prefix: &str| Value::from(sim.http_settings(prefix, Auth::None).endpoint);
    let mut pairs: Vec<(&str, Value)> = vec![
        ("max_retries", 0i64.into()),
        ("poll_interval", "10ms".into()),
    ];
    match provider {
        "hosthatch" | "hoster" => {
            pairs.push(("token", TOKEN.into()));
            pairs.push(("endpoint", endpoint(&format!("/{provider}/api/v1"))));
        }
        "openhosting" => {
            pairs.push(("user_uuid", SIM_USER.into()));
            pairs.push(("api_key", TOKEN.into()));
            pairs.push(("endpoint", endpoint("/openhosting")));
        }
        brand => {
            pairs.push(("username", DEFAULT_USERNAME.into()));
            pairs.push(("password", DEFAULT_PASSWORD.into()));
            pairs.push(("totp_secret", DEFAULT_TOTP_SECRET.into()));
            let version = if brand == "terrahost" { "v3" } else { "v0" };
            pairs.push(("endpoint", endpoint(&format!("/{brand}/api/{version}"))));
        }
    }
    object_of(schema, &pairs)
}

/// Sets `value` at `at` (an attribute, or one in a single nested block).
pub fn set_at(config: &mut Value, schema: &Schema, at: &[&str], value: Value) {
    match at {
        [name] => config.set(name, value),
        [block, name] => {
            let mut inner = config.get(block).clone();
            if inner.is_null() {
                let nested = schema.block.blocks.iter().find(|b| b.type_name == *block);
                inner = Value::null_object(&nested.expect("nested block").block.implied_type());
            }
            inner.set(name, value);
            config.set(block, inner);
        }
        _ => panic!("unsupported path {at:?}"),
    }
}

/// The schema's type with the attribute at `at` travelling as `wire`.
pub fn type_with(ty: &Type, at: &[&str], wire: &Type) -> Type {
    let Type::Object(attrs) = ty else {
        return ty.clone();
    };
    let mut attrs = attrs.clone();
    match at {
        [name] => {
            attrs.insert(name.to_string(), wire.clone());
        }
        [block, rest @ ..] => {
            let inner = type_with(&attrs[*block], rest, wire);
            attrs.insert(block.to_string(), inner);
        }
        [] => {}
    }
    Type::Object(attrs)
}

/// Runs one case; returns why it failed, if it did.
async fn run_case<P: Provider>(
    checker: &Checker<P>,
    kind: Kind,
    type_name: &str,
    schema: &Schema,
    valid: &Value,
    case: &Case,
) -> Result<(), String> {
    let ty = schema.block.implied_type();
    let mut config = valid.clone();
    for (name, value) in &case.also {
        config.set(name, value.clone());
    }
    set_at(&mut config, schema, &case.at, case.value.clone());
    let wire_ty = match &case.wire_type {
        Some(wire) => type_with(&ty, &case.at, wire),
        None => ty.clone(),
    };
    let bytes = msgpack::encode(&config, &wire_ty).map_err(|e| format!("cannot encode: {e}"))?;
    let mut diags = checker.validate(kind, type_name, bytes).await;
    if !diags.iter().any(is_error) && kind == Kind::Resource && case.wire_type.is_none() {
        let prior = match &case.prior {
            None => Value::Null,
            Some(changes) => {
                let mut state = valid.clone();
                state.set("id", "7");
                for (name, value) in changes {
                    state.set(name, value.clone());
                }
                state
            }
        };
        diags = checker.plan(schema, type_name, &prior, &config).await;
    }
    let errors: Vec<_> = diags.iter().filter(|d| is_error(d)).cloned().collect();
    match &case.expect {
        Expect::Accepted if errors.is_empty() => Ok(()),
        Expect::Accepted => Err(format!("refused: {}", show(&errors))),
        Expect::ErrorAt(path) if errors.iter().any(|d| path_of(d) == *path) => Ok(()),
        Expect::ErrorAt(path) if errors.is_empty() => {
            Err(format!("passed silently (wanted an error at {path})"))
        }
        Expect::ErrorAt(path) => Err(format!("error not at {path}: {}", show(&errors))),
    }
}

/// Runs every case of every type of one provider; failures are collected, not thrown.
async fn check_provider<P: Provider>(
    provider: P,
    sim: &Sim,
    tally: &mut Tally,
    failures: &mut Vec<String>,
) {
    let checker = Checker::new(provider);
    let name = checker.catalogue.provider;
    let config = sim_provider_config(sim, name, &checker.catalogue.schema);
    let configured = checker.configure(&config).await;
    assert!(configured.is_empty(), "{name}: {}", show(&configured));
    let kinds = [
        (Kind::Resource, &checker.catalogue.resources),
        (Kind::DataSource, &checker.catalogue.data_sources),
        (Kind::Ephemeral, &checker.catalogue.ephemeral_resources),
    ];
    for (kind, entries) in kinds {
        for entry in entries.iter() {
            let (type_name, schema) = (entry.type_name, &entry.schema);
            let valid = match valid_config(type_name, &schema.block) {
                Ok(valid) => valid,
                Err(problem) => {
                    failures.push(problem);
                    continue;
                }
            };
            let accepted = Case {
                expect: Expect::Accepted,
                value: valid.get(first_attr(schema)).clone(),
                ..Case::error(
                    vec![first_attr(schema)],
                    "the valid configuration",
                    Value::Null,
                )
            };
            if let Err(problem) =
                run_case(&checker, kind, type_name, schema, &valid, &accepted).await
            {
                failures.push(format!("{type_name}: the valid configuration is {problem}"));
                continue;
            }
            let mut cases = generated::cases(&schema.block);
            if kind == Kind::Resource {
                match hand::cases(type_name) {
                    Some(more) => cases.extend(more),
                    None => failures.push(format!("{type_name}: no hand-written bad-input cases (add them in bad_input/hand.rs)")),
                }
            }
            for case in &cases {
                tally.add(&format!("{kind:?}: {}", case.group()));
                if let Err(problem) =
                    run_case(&checker, kind, type_name, schema, &valid, case).await
                {
                    failures.push(format!("{type_name}: {}: {problem}", case.what));
                }
            }
        }
    }
}

fn first_attr(schema: &Schema) -> &'static str {
    schema
        .block
        .attributes
        .iter()
        .find(|a| a.required || a.optional)
        .map_or("id", |a| a.name)
}

#[tokio::test]
async fn every_bad_configuration_is_refused_at_its_attribute_without_an_api_call() {
    let sim = Sim::start(1.0).await;
    let (mut tally, mut failures) = (Tally::default(), Vec::new());
    check_provider(hosthatch::provider(), &sim, &mut tally, &mut failures).await;
    check_provider(hoster::provider(), &sim, &mut tally, &mut failures).await;
    check_provider(openhosting::provider(), &sim, &mut tally, &mut failures).await;
    check_provider(terrahost::provider(), &sim, &mut tally, &mut failures).await;
    check_provider(
        terrahost::gigahost_provider(),
        &sim,
        &mut tally,
        &mut failures,
    )
    .await;
    for (group, n) in &tally.0 {
        println!("bad configurations, {group}: {n}");
    }
    println!("bad configurations tried: {}", tally.total());
    assert_eq!(
        api_requests(&sim).await,
        0,
        "validate or plan called the API: {}",
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
