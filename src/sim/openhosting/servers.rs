//! Server endpoints: list, info, create (started or stopped), set, start, stop, shutdown,
//! reset and destroy, with the active/stopped rules.

use crate::sim::openhosting::format::Props;
use crate::sim::openhosting::model::{OpenHostingStore, Server, ServerStatus};

/// The server's info keys.
pub fn server_props(store: &OpenHostingStore, server: &Server) -> Props {
    let mut props: Props = vec![
        ("server".into(), server.uuid.clone()),
        ("status".into(), server.status.name().into()),
        ("user".into(), store.user.clone()),
    ];
    for (key, value) in &server.config {
        props.push((key.clone(), value.clone()));
    }
    props
}

/// Stops a server without destroying it.
pub fn stop_in_place(server: &mut Server) {
    server.status = ServerStatus::Stopped;
    server.started = None;
    server.lease = None;
    server.shutdown_at = None;
}
