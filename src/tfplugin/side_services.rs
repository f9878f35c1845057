//! The go-plugin services Terraform expects beside the provider: the controller (whose
//! `Shutdown` ends the process), stdio streaming, the connection broker and health.

use std::pin::Pin;

use tokio_stream::Stream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status, Streaming};

use crate::proto::go_plugin as gp;
use crate::proto::health;

type PendingStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

/// A stream that stays open and never yields: there is nothing to forward, but closing it
/// early would make the host log a broken stream.
fn open_but_silent<T: Send + 'static>() -> PendingStream<T> {
    Box::pin(tokio_stream::pending())
}

pub struct Controller {
    /// Cancelled when Terraform asks the plugin to shut down.
    pub shutdown: Option<CancellationToken>,
}

#[tonic::async_trait]
impl gp::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _request: Request<gp::Empty>) -> Result<Response<gp::Empty>, Status> {
        match &self.shutdown {
            Some(token) => {
                log::debug!("shutdown requested by Terraform");
                token.cancel();
            }
            None => log::debug!("shutdown ignored: running in debug mode"),
        }
        Ok(Response::new(gp::Empty {}))
    }
}

pub struct Stdio;

#[tonic::async_trait]
impl gp::grpc_stdio_server::GrpcStdio for Stdio {
    async fn stream_stdio(
        &self,
        _request: Request<()>,
    ) -> Result<Response<PendingStream<gp::StdioData>>, Status> {
        Ok(Response::new(open_but_silent()))
    }
}

pub struct Broker;

#[tonic::async_trait]
impl gp::grpc_broker_server::GrpcBroker for Broker {
    async fn start_stream(
        &self,
        _request: Request<Streaming<gp::ConnInfo>>,
    ) -> Result<Response<PendingStream<gp::ConnInfo>>, Status> {
        Ok(Response::new(open_but_silent()))
    }
}

pub struct Health;

#[tonic::async_trait]
impl health::health_server::Health for Health {
    async fn check(
        &self,
        _request: Request<health::HealthCheckRequest>,
    ) -> Result<Response<health::HealthCheckResponse>, Status> {
        Ok(Response::new(health::HealthCheckResponse {
            status: health::health_check_response::ServingStatus::Serving as i32,
        }))
    }
}
