//! Serving a provider the way go-plugin hosts (Terraform) expect: magic-cookie check, protocol
//! negotiation, a unix socket in a fresh private directory, AutoMTLS, the handshake line on
//! stdout, Ctrl-C ignored (Terraform sends `Stop`), `Shutdown` ending the process; and a
//! `--debug` mode that prints a `TF_REATTACH_PROVIDERS` value instead.

use std::io::Write;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::UnixListener;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::transport::server::Connected;

use super::grpc::ProviderService;
use super::provider::Provider;
use super::side_services::{Broker, Controller, Health, Stdio};
use super::tls;
use crate::proto::{go_plugin as gp, health, tfplugin5 as pb};

const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
const MAGIC_COOKIE_VALUE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const PROTOCOL_VERSION: &str = "5";
const MAX_MESSAGE_BYTES: usize = 256 << 20;

/// Runs the provider until Terraform shuts it down; never returns.
pub fn serve<P: Provider>(provider: P) -> ! {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = provider.name();
    if args.iter().any(|a| a == "--version" || a == "-v") {
        println!("terraform-provider-{name} {}", env!("CARGO_PKG_VERSION"));
        std::process::exit(0);
    }
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{}", usage(name));
        std::process::exit(0);
    }
    let debug = args.iter().any(|a| a == "--debug");
    // The vendors' HTTPS clients use the process default; see tls.rs for why it is ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    super::log::init(name);
    super::log::install_panic_hook();
    if !debug {
        if let Err(message) = check_host() {
            eprintln!("{message}\n\n{}", usage(name));
            std::process::exit(1);
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4)))
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => fail(&format!("cannot start the async runtime: {e}")),
    };
    let code = runtime.block_on(run(provider, debug));
    runtime.shutdown_timeout(Duration::from_millis(50));
    std::process::exit(code)
}

fn usage(name: &str) -> String {
    format!(
        "This is terraform-provider-{name}, a Terraform plugin (hostform). Terraform starts it \
         itself: add `source = \"hostform/{name}\"` to required_providers and run terraform.\n\
         Run it with --debug to start it standalone for a debugger; it prints a \
         TF_REATTACH_PROVIDERS value to use."
    )
}

fn check_host() -> Result<(), String> {
    if std::env::var(MAGIC_COOKIE_KEY).as_deref() != Ok(MAGIC_COOKIE_VALUE) {
        return Err(
            "This binary is a plugin. These are not meant to be executed directly.".to_string(),
        );
    }
    let offered = std::env::var("PLUGIN_PROTOCOL_VERSIONS").unwrap_or_default();
    if !offered.split(',').any(|v| v.trim() == PROTOCOL_VERSION) {
        return Err(format!(
            "This provider speaks plugin protocol {PROTOCOL_VERSION}; the host offered {offered:?}. Use Terraform 0.12 or newer."
        ));
    }
    Ok(())
}

fn fail(message: &str) -> ! {
    log::error!("{message}");
    eprintln!("terraform provider failed to start: {message}");
    std::process::exit(1)
}

async fn run<P: Provider>(provider: P, debug: bool) -> i32 {
    let registry_address = provider.registry_address();
    let private = std::os::unix::fs::PermissionsExt::from_mode(0o700);
    let socket_dir = match tempfile::Builder::new()
        .prefix("hostform-plugin")
        .permissions(private)
        .tempdir()
    {
        Ok(dir) => dir,
        Err(e) => fail(&format!("cannot create a private socket directory: {e}")),
    };
    let socket_path = socket_dir.path().join("provider.sock");
    let listener = match UnixListener::bind(&socket_path) {
        Ok(l) => l,
        Err(e) => fail(&format!("cannot listen on {}: {e}", socket_path.display())),
    };
    let tls = match std::env::var("PLUGIN_CLIENT_CERT") {
        Ok(pem) if !debug && !pem.trim().is_empty() => match tls::configure(&pem) {
            Ok(t) => Some(t),
            Err(e) => fail(&e),
        },
        _ => None,
    };

    let stop = CancellationToken::new();
    let shutdown = CancellationToken::new();
    let (conn_tx, conn_rx) = mpsc::channel(16);
    tokio::spawn(accept_connections(
        listener,
        tls.as_ref().map(|t| t.config.clone()),
        conn_tx,
    ));

    let provider_service =
        pb::provider_server::ProviderServer::new(ProviderService::new(provider, stop.clone()))
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES);
    let server = tonic::transport::Server::builder()
        .add_service(provider_service)
        .add_service(gp::grpc_controller_server::GrpcControllerServer::new(
            Controller {
                shutdown: (!debug).then(|| shutdown.clone()),
            },
        ))
        .add_service(gp::grpc_stdio_server::GrpcStdioServer::new(Stdio))
        .add_service(gp::grpc_broker_server::GrpcBrokerServer::new(Broker))
        .add_service(health::health_server::HealthServer::new(Health))
        .serve_with_incoming_shutdown(
            ReceiverStream::new(conn_rx),
            shutdown.clone().cancelled_owned(),
        );

    if debug {
        print_reattach(&registry_address, &socket_path);
        let interrupted = shutdown.clone();
        tokio::spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            interrupted.cancel();
        });
    } else {
        ignore_interrupts();
        let cert = tls.as_ref().map(|t| t.cert_base64.as_str()).unwrap_or("");
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "1|{PROTOCOL_VERSION}|unix|{}|grpc|{cert}",
            socket_path.display()
        );
        let _ = out.flush();
    }

    let code = tokio::select! {
        result = server => match result {
            Ok(()) => 0,
            Err(e) => {
                log::error!("plugin server failed: {e}");
                1
            }
        },
        _ = async {
            shutdown.cancelled().await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        } => 0,
    };
    stop.cancel();
    drop(socket_dir);
    code
}

/// Terraform forwards Ctrl-C to the whole process group and then asks politely via `Stop`.
fn ignore_interrupts() {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()) {
        Ok(mut interrupts) => {
            tokio::spawn(async move {
                while interrupts.recv().await.is_some() {
                    log::debug!("interrupt received: waiting for Terraform's Stop");
                }
            });
        }
        Err(e) => log::warn!("cannot ignore SIGINT: {e}"),
    }
}

fn print_reattach(registry_address: &str, socket_path: &std::path::Path) {
    let reattach = serde_json::json!({
        registry_address: {
            "Protocol": "grpc",
            "ProtocolVersion": 5,
            "Pid": std::process::id(),
            "Test": true,
            "Addr": {"Network": "unix", "String": socket_path.display().to_string()},
        }
    });
    println!("Provider started in debug mode. To attach Terraform, run in another shell:\n");
    println!("    export TF_REATTACH_PROVIDERS='{reattach}'\n");
    println!("Press Ctrl-C to stop the provider.");
}

async fn accept_connections(
    listener: UnixListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    connections: mpsc::Sender<Result<PluginConn, std::io::Error>>,
) {
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                log::warn!("accepting a plugin connection failed: {e}");
                continue;
            }
        };
        let connections = connections.clone();
        match &acceptor {
            None => {
                if connections
                    .send(Ok(PluginConn(Box::new(stream))))
                    .await
                    .is_err()
                {
                    return;
                }
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    match acceptor.accept(stream).await {
                        Ok(tls_stream) => {
                            let _ = connections.send(Ok(PluginConn(Box::new(tls_stream)))).await;
                        }
                        Err(e) => {
                            log::warn!("refused a plugin connection: TLS handshake failed: {e}")
                        }
                    }
                });
            }
        }
    }
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Io for T {}

/// One accepted plugin connection, plain or TLS.
pub struct PluginConn(Box<dyn Io>);

impl Connected for PluginConn {
    type ConnectInfo = ();
    fn connect_info(&self) {}
}

impl AsyncRead for PluginConn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for PluginConn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }
}
