//! Protocol tests: start a provider binary the way Terraform does (magic cookie, offered
//! protocol versions, a P-521 client certificate), read the handshake line, and call RPCs over
//! the unix socket with mutual TLS; check that strangers are refused and Shutdown ends it.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use hostform::proto::go_plugin as gp;
use hostform::proto::tfplugin5 as pb;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};

const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

fn provider_binary() -> &'static str {
    env!("CARGO_BIN_EXE_terraform-provider-hosthatch")
}

/// A client identity like Terraform's: self-signed ECDSA P-521 CA certificate for localhost.
struct ClientIdentity {
    cert_pem: String,
    cert_der: CertificateDer<'static>,
    key_der: Vec<u8>,
}

fn client_identity() -> ClientIdentity {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).unwrap();
    ClientIdentity {
        cert_pem: cert.pem(),
        cert_der: cert.der().clone(),
        key_der: key.serialize_der(),
    }
}

struct Started {
    child: Child,
    socket: PathBuf,
    server_cert: Vec<u8>,
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(client_cert_pem: Option<&str>) -> Started {
    let mut cmd = Command::new(provider_binary());
    cmd.env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6,5")
        .env_remove("PLUGIN_CLIENT_CERT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(pem) = client_cert_pem {
        cmd.env("PLUGIN_CLIENT_CERT", pem);
    }
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let fields: Vec<&str> = line.trim_end().split('|').collect();
    assert_eq!(fields.len(), 6, "handshake line {line:?}");
    assert_eq!(&fields[..3], &["1", "5", "unix"]);
    assert_eq!(fields[4], "grpc");
    let server_cert = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(fields[5])
        .unwrap();
    Started {
        child,
        socket: PathBuf::from(fields[3]),
        server_cert,
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Trusts exactly the server certificate printed in the handshake line.
#[derive(Debug)]
struct PinnedServer(Vec<u8>, rustls::crypto::WebPkiSupportedAlgorithms);

impl rustls::client::danger::ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        assert_eq!(end_entity.as_ref(), self.0.as_slice());
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.1)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.1)
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.1.supported_schemes()
    }
}

async fn channel(
    started: &Started,
    identity: Option<&ClientIdentity>,
) -> Result<tonic::transport::Channel, String> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedServer(
            started.server_cert.clone(),
            provider.signature_verification_algorithms,
        )));
    let mut config = match identity {
        Some(id) => builder
            .with_client_auth_cert(
                vec![id.cert_der.clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(id.key_der.clone())),
            )
            .unwrap(),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let socket = started.socket.clone();
    tonic::transport::Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_| {
            let connector = connector.clone();
            let socket = socket.clone();
            async move {
                let stream = tokio::net::UnixStream::connect(&socket).await?;
                let tls = connector
                    .connect(ServerName::try_from("localhost").unwrap(), stream)
                    .await?;
                Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(tls))
            }
        }))
        .await
        .map_err(|e| format!("{e:?}"))
}

/// Connects as `identity` and asks for the schema: Ok only if the provider served it.
async fn get_schema_as(started: &Started, identity: Option<&ClientIdentity>) -> Result<(), String> {
    let ch = channel(started, identity).await?;
    pb::provider_client::ProviderClient::new(ch)
        .get_schema(pb::get_provider_schema::Request {})
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn wait_for_exit(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

#[test]
fn run_by_hand_it_explains_itself_and_exits_1() {
    let out = Command::new(provider_binary())
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("plugin"), "{stderr}");
    assert!(stderr.contains("Terraform"), "{stderr}");
}

#[test]
fn refuses_a_host_without_protocol_5() {
    let out = Command::new(provider_binary())
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn handshake_socket_is_private_and_cert_is_for_localhost() {
    let id = client_identity();
    let started = start(Some(&id.cert_pem));
    let dir = started.socket.parent().unwrap();
    let mode = std::fs::metadata(dir).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "socket directory mode {mode:o}");
    assert!(started
        .server_cert
        .windows(b"localhost".len())
        .any(|w| w == b"localhost"));
}

#[test]
fn mutual_tls_client_gets_the_schema_and_unadvertised_rpcs_are_unimplemented() {
    let id = client_identity();
    let started = start(Some(&id.cert_pem));
    runtime().block_on(async {
        let ch = channel(&started, Some(&id)).await.unwrap();
        let mut client = pb::provider_client::ProviderClient::new(ch);
        let schema = client
            .get_schema(pb::get_provider_schema::Request {})
            .await
            .unwrap()
            .into_inner();
        assert!(schema.provider.is_some());
        assert!(schema.resource_schemas.contains_key("hosthatch_server"));
        assert!(schema.resource_schemas.contains_key("hosthatch_ssh_key"));
        for s in schema
            .resource_schemas
            .values()
            .chain(schema.data_source_schemas.values())
        {
            assert!(s.block.is_some());
        }
        let meta = client
            .get_metadata(pb::get_metadata::Request {})
            .await
            .unwrap()
            .into_inner();
        assert!(meta
            .resources
            .iter()
            .any(|r| r.type_name == "hosthatch_server"));
        client
            .get_resource_identity_schemas(pb::get_resource_identity_schemas::Request {})
            .await
            .unwrap();
        let err = client
            .get_functions(pb::get_functions::Request {})
            .await
            .unwrap_err();
        assert_eq!(err.code(), tonic::Code::Unimplemented);
    });
}

#[test]
fn a_connection_without_the_client_certificate_is_refused() {
    let id = client_identity();
    let started = start(Some(&id.cert_pem));
    runtime().block_on(async {
        let result = get_schema_as(&started, None).await;
        assert!(
            result.is_err(),
            "a client without a certificate got through"
        );
    });
}

#[test]
fn a_connection_with_another_certificate_is_refused() {
    let announced = client_identity();
    let stranger = client_identity();
    let started = start(Some(&announced.cert_pem));
    runtime().block_on(async {
        let result = get_schema_as(&started, Some(&stranger)).await;
        assert!(
            result.is_err(),
            "a client with a different certificate got through"
        );
    });
}

#[test]
fn shutdown_ends_the_process_promptly_and_removes_the_socket() {
    let id = client_identity();
    let mut started = start(Some(&id.cert_pem));
    let dir: PathBuf = started.socket.parent().unwrap().to_path_buf();
    runtime().block_on(async {
        let ch = channel(&started, Some(&id)).await.unwrap();
        let mut controller = gp::grpc_controller_client::GrpcControllerClient::new(ch);
        controller.shutdown(gp::Empty {}).await.unwrap();
    });
    let status = wait_for_exit(&mut started.child, Duration::from_secs(2))
        .expect("still running 2 s after Shutdown");
    assert!(status.success());
    assert!(!Path::new(&dir).exists(), "socket directory left behind");
}

#[test]
fn interrupt_is_ignored() {
    let id = client_identity();
    let mut started = start(Some(&id.cert_pem));
    let pid = started.child.id().to_string();
    Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(
        wait_for_exit(&mut started.child, Duration::from_millis(300)).is_none(),
        "SIGINT ended the provider"
    );
}

#[test]
fn plaintext_when_no_client_certificate_is_announced() {
    let started = start(None);
    assert!(started.server_cert.is_empty());
    runtime().block_on(async {
        let socket = started.socket.clone();
        let ch = tonic::transport::Endpoint::from_static("http://localhost")
            .connect_with_connector(tower::service_fn(move |_| {
                let socket = socket.clone();
                async move {
                    Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(
                        tokio::net::UnixStream::connect(socket).await?,
                    ))
                }
            }))
            .await
            .unwrap();
        let mut client = pb::provider_client::ProviderClient::new(ch);
        client
            .get_schema(pb::get_provider_schema::Request {})
            .await
            .unwrap();
    });
}

#[test]
fn debug_mode_prints_a_reattach_value() {
    let mut child = Command::new(provider_binary())
        .arg("--debug")
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut reattach = None;
    for _ in 0..10 {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if let Some(rest) = line.trim().strip_prefix("export TF_REATTACH_PROVIDERS=") {
            reattach = Some(rest.trim_matches('\'').to_string());
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let value: serde_json::Value =
        serde_json::from_str(&reattach.expect("no TF_REATTACH_PROVIDERS line")).unwrap();
    let entry = &value["registry.terraform.io/hostform/hosthatch"];
    assert_eq!(entry["ProtocolVersion"], 5);
    assert_eq!(entry["Addr"]["Network"], "unix");
}

fn server_type() -> hostform::tfplugin::Type {
    use hostform::tfplugin::provider::Provider;
    let provider = hostform::vendors::hosthatch::provider();
    let server = provider
        .resources()
        .into_iter()
        .find(|r| r.type_name() == "hosthatch_server")
        .unwrap();
    server.schema().block.implied_type()
}

fn dynamic(value: &hostform::tfplugin::Value) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack: hostform::tfplugin::msgpack::encode(value, &server_type()).unwrap(),
        json: vec![],
    }
}

#[test]
fn state_upgrade_validation_and_planning_over_the_wire() {
    use hostform::tfplugin::Value;
    let id = client_identity();
    let started = start(Some(&id.cert_pem));
    runtime().block_on(async {
        let mut client =
            pb::provider_client::ProviderClient::new(channel(&started, Some(&id)).await.unwrap());

        let raw = br#"{"id":"112233","hostname":"web","attribute_from_an_older_schema":1}"#;
        let upgraded = client
            .upgrade_resource_state(pb::upgrade_resource_state::Request {
                type_name: "hosthatch_server".into(),
                version: 0,
                raw_state: Some(pb::RawState {
                    json: raw.to_vec(),
                    flatmap: Default::default(),
                }),
            })
            .await
            .unwrap()
            .into_inner();
        assert!(
            upgraded.diagnostics.is_empty(),
            "{:?}",
            upgraded.diagnostics
        );
        let state = hostform::tfplugin::msgpack::decode(
            &upgraded.upgraded_state.unwrap().msgpack,
            &server_type(),
        )
        .unwrap();
        assert_eq!(state.get("id").as_str(), Some("112233"));
        assert!(state.get("product").is_null());

        let flatmap = client
            .upgrade_resource_state(pb::upgrade_resource_state::Request {
                type_name: "hosthatch_server".into(),
                version: 0,
                raw_state: Some(pb::RawState {
                    json: vec![],
                    flatmap: [("id".to_string(), "1".to_string())].into(),
                }),
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            flatmap.diagnostics[0].severity,
            pb::diagnostic::Severity::Error as i32
        );

        let mut config = Value::null_object(&server_type());
        for (k, v) in [
            ("product", "nvme-2gb"),
            ("location", "AMS"),
            ("billing", "monthly"),
            ("image", "ubuntu22"),
            ("hostname", "web"),
        ] {
            config.set(k, v);
        }
        config.set("power_state", "paused");
        let validated = client
            .validate_resource_type_config(pb::validate_resource_type_config::Request {
                type_name: "hosthatch_server".into(),
                config: Some(dynamic(&config)),
                client_capabilities: None,
            })
            .await
            .unwrap()
            .into_inner();
        let diag = validated
            .diagnostics
            .first()
            .expect("power_state = paused must be refused");
        let step = &diag.attribute.as_ref().unwrap().steps[0];
        assert_eq!(
            step.selector,
            Some(pb::attribute_path::step::Selector::AttributeName(
                "power_state".into()
            ))
        );

        config.set("power_state", Value::Null);
        let planned = client
            .plan_resource_change(pb::plan_resource_change::Request {
                type_name: "hosthatch_server".into(),
                prior_state: Some(dynamic(&Value::Null)),
                proposed_new_state: Some(dynamic(&config)),
                config: Some(dynamic(&config)),
                prior_private: b"opaque".to_vec(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            planned.planned_private, b"opaque",
            "private state must be echoed"
        );
        let plan = hostform::tfplugin::msgpack::decode(
            &planned.planned_state.unwrap().msgpack,
            &server_type(),
        )
        .unwrap();
        assert!(plan.get("id").is_unknown());
        assert!(plan.get("power_state").is_unknown());
        assert_eq!(plan.get("cancel_immediately"), &Value::Bool(true));
    });
}
