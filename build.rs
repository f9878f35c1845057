//! Compiles the plugin protocol definitions in `proto/` with the protoc binary that the
//! `protoc-bin-vendored` crate ships, so a fresh machine needs no system protoc.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protoc = protoc_bin_vendored::protoc_bin_path()?;
    let include = protoc_bin_vendored::include_path()?;
    std::env::set_var("PROTOC", protoc);
    tonic_prost_build::configure()
        .build_client(true)
        .build_transport(false)
        .build_server(true)
        .generate_default_stubs(true)
        .compile_protos(
            &[
                std::path::PathBuf::from("proto/tfplugin5.proto"),
                "proto/go_plugin.proto".into(),
                "proto/health.proto".into(),
            ],
            &[std::path::PathBuf::from("proto"), include],
        )?;
    println!("cargo:rerun-if-changed=proto");
    Ok(())
}
