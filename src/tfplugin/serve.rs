//! TEMPORARY placeholder so the provider binaries build on this branch; the real `serve`
//! (handshake, mTLS, gRPC server) is written in parallel and replaces this file.

use super::provider::Provider;

pub fn serve<P: Provider>(_: P) {
    unimplemented!("tfplugin::serve is a placeholder on this branch")
}
