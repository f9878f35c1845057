//! Generated gRPC code for the plugin protocol and go-plugin's side services.

#![allow(clippy::all, missing_docs)]

pub mod tfplugin5 {
    tonic::include_proto!("tfplugin5");
}

pub mod go_plugin {
    tonic::include_proto!("plugin");
}

pub mod health {
    tonic::include_proto!("grpc.health.v1");
}
