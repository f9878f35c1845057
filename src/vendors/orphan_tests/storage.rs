//! Orphan-test subjects for what is made beside machines: Open Hosting drives (empty, imaged,
//! uploaded), servers, static IPs and VLANs, and Terrahost/Gigahost snapshots and IPv4 orders.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::hosts::{planned, Planned};
use super::{leftovers, Prepared, Subject};
use crate::sim::openhosting::model::SIM_USER;
use crate::support::{Auth, HttpSettings};
use crate::tfplugin::provider::Resource;
use crate::tfplugin::Diagnostics;
use crate::vendors::openhosting::api::{OpenHostingClient, ResourceKind};
use crate::vendors::openhosting::upload::UploadSettings;
use crate::vendors::openhosting::{self, drive::DriveResource, network::NetworkResource};
use crate::vendors::terrahost::api::TerrahostClient;
use crate::vendors::terrahost::{self, Brand};
use crate::vendors::test_support::{ctx, Sim, TOKEN};

pub fn subjects() -> Vec<Box<dyn Subject>> {
    let mut all: Vec<Box<dyn Subject>> = vec![
        Box::new(OhDrive(DriveSource::Empty)),
        Box::new(OhDrive(DriveSource::Imaged)),
        Box::new(OhDrive(DriveSource::Uploaded)),
        Box::new(OhServer),
        Box::new(OhNetwork(ResourceKind::Ip)),
        Box::new(OhNetwork(ResourceKind::Vlan)),
    ];
    for brand in [Brand::Terrahost, Brand::Gigahost] {
        all.push(Box::new(Snapshot(brand)));
        all.push(Box::new(Ipv4(brand)));
    }
    all
}

fn openhosting_client(sim: &Sim) -> Arc<OpenHostingClient> {
    let settings = HttpSettings {
        request_timeout: Duration::from_secs(10),
        ..sim.http_settings("/openhosting", Auth::Basic(SIM_USER.into(), TOKEN.into()))
    };
    Arc::new(OpenHostingClient {
        api: Sim::api(settings)
            .with_error_parser(openhosting::models::error_message)
            .with_error_class_header("X-Elastic-Error"),
        poll_interval: Duration::from_millis(5),
        upload: UploadSettings {
            chunk_size: 64 << 10,
            concurrency: 3,
        },
        reads: Default::default(),
    })
}

#[derive(Clone, Copy)]
enum DriveSource {
    Empty,
    Imaged,
    Uploaded,
}

struct OhDrive(DriveSource);

#[async_trait]
impl Subject for OhDrive {
    fn resource(&self) -> &'static str {
        "openhosting_drive"
    }
    fn label(&self) -> String {
        let how = match self.0 {
            DriveSource::Empty => "empty",
            DriveSource::Imaged => "imaging",
            DriveSource::Uploaded => "upload",
        };
        format!("openhosting_drive ({how})")
    }
    fn create_request(&self) -> (&'static str, &'static str, &'static str) {
        ("openhosting", "POST", "/drives/create")
    }
    async fn prepare(&self, sim: &Sim) -> Box<dyn Prepared> {
        let client = openhosting_client(sim);
        let schema = openhosting::drive::schema();
        let mut pairs = vec![("name", "orphan".into()), ("size", "1G".into())];
        match self.0 {
            DriveSource::Empty => {}
            DriveSource::Imaged => {
                let mut d = Diagnostics::default();
                let source = DriveResource
                    .create(
                        &ctx(&client, Duration::from_secs(20)),
                        &planned(
                            schema.clone(),
                            &[("name", "source".into()), ("size", "1G".into())],
                        ),
                        &mut d,
                    )
                    .await;
                assert!(!d.has_errors(), "the source drive: {d:?}");
                pairs.push(("source_drive", source.get("id").clone()));
            }
            DriveSource::Uploaded => {
                let path =
                    std::env::temp_dir().join(format!("orphan-upload-{}.raw", std::process::id()));
                let data: Vec<u8> = (0..300_000u32)
                    .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                    .collect();
                std::fs::write(&path, data).unwrap();
                pairs.push(("source_file", path.to_str().unwrap().into()));
            }
        }
        Box::new(Planned {
            resource: Arc::new(DriveResource),
            client,
            planned: planned(schema, &pairs),
        })
    }
    async fn objects(&self, sim: &Sim) -> Vec<String> {
        leftovers(sim, "openhosting drive ").await
    }
}

struct OhServer;

#[async_trait]
impl Subject for OhServer {
    fn resource(&self) -> &'static str {
        "openhosting_server"
    }
    fn create_request(&self) -> (&'static str, &'static str, &'static str) {
        ("openhosting", "POST", "/servers/create")
    }
    async fn prepare(&self, sim: &Sim) -> Box<dyn Prepared> {
        let p = planned(
            openhosting::server::schema(),
            &[
                ("name", "orphan".into()),
                ("cpu", 1000i64.into()),
                ("mem", 512i64.into()),
                ("power_state", "stopped".into()),
            ],
        );
        Box::new(Planned {
            resource: Arc::new(openhosting::server::ServerResource),
            client: openhosting_client(sim),
            planned: p,
        })
    }
    async fn objects(&self, sim: &Sim) -> Vec<String> {
        leftovers(sim, "openhosting server ").await
    }
}

struct OhNetwork(ResourceKind);

#[async_trait]
impl Subject for OhNetwork {
    fn resource(&self) -> &'static str {
        match self.0 {
            ResourceKind::Ip => "openhosting_ip",
            ResourceKind::Vlan => "openhosting_vlan",
        }
    }
    fn create_request(&self) -> (&'static str, &'static str, &'static str) {
        match self.0 {
            ResourceKind::Ip => ("openhosting", "POST", "/resources/ip/create"),
            ResourceKind::Vlan => ("openhosting", "POST", "/resources/vlan/create"),
        }
    }
    async fn prepare(&self, sim: &Sim) -> Box<dyn Prepared> {
        let resource = match self.0 {
            ResourceKind::Ip => NetworkResource::IP,
            ResourceKind::Vlan => NetworkResource::VLAN,
        };
        let p = planned(resource.schema(), &[("name", "orphan".into())]);
        Box::new(Planned {
            resource: Arc::new(resource),
            client: openhosting_client(sim),
            planned: p,
        })
    }
    async fn objects(&self, sim: &Sim) -> Vec<String> {
        let kind = match self.0 {
            ResourceKind::Ip => "openhosting ip ",
            ResourceKind::Vlan => "openhosting vlan ",
        };
        leftovers(sim, kind).await
    }
}

fn vendor_of(brand: Brand) -> &'static str {
    match brand {
        Brand::Terrahost => "terrahost",
        Brand::Gigahost => "gigahost",
    }
}

fn terrahost_client(sim: &Sim, brand: Brand) -> Arc<TerrahostClient> {
    let prefix = match brand {
        Brand::Terrahost => "/terrahost/api/v3",
        Brand::Gigahost => "/gigahost/api/v0",
    };
    crate::vendors::test_clients::terrahost(sim, prefix, brand)
}

/// The first server of the vendor's fixture account.
async fn first_server(sim: &Sim, brand: Brand) -> String {
    let state = sim.get("state").await;
    state[vendor_of(brand)]["servers"][0]["id"].to_string()
}

struct Snapshot(Brand);

#[async_trait]
impl Subject for Snapshot {
    fn resource(&self) -> &'static str {
        match self.0 {
            Brand::Terrahost => "terrahost_snapshot",
            Brand::Gigahost => "gigahost_snapshot",
        }
    }
    fn create_request(&self) -> (&'static str, &'static str, &'static str) {
        (vendor_of(self.0), "POST", "/snapshot")
    }
    async fn prepare(&self, sim: &Sim) -> Box<dyn Prepared> {
        let resource = terrahost::snapshot::SnapshotResource { brand: self.0 };
        let server = first_server(sim, self.0).await;
        let p = planned(
            resource.schema(),
            &[
                ("server_id", server.as_str().into()),
                ("name", "orphan".into()),
            ],
        );
        Box::new(Planned {
            resource: Arc::new(resource),
            client: terrahost_client(sim, self.0),
            planned: p,
        })
    }
    async fn objects(&self, sim: &Sim) -> Vec<String> {
        let prefix = format!("{} snapshot ", vendor_of(self.0));
        let found = leftovers(sim, &prefix).await;
        found
            .iter()
            .filter_map(|l| l.split_once(' ').map(|(id, _)| id.to_string()))
            .collect()
    }
}

struct Ipv4(Brand);

#[async_trait]
impl Subject for Ipv4 {
    fn resource(&self) -> &'static str {
        match self.0 {
            Brand::Terrahost => "terrahost_ipv4",
            Brand::Gigahost => "gigahost_ipv4",
        }
    }
    fn create_request(&self) -> (&'static str, &'static str, &'static str) {
        (vendor_of(self.0), "POST", "/ipv4")
    }
    fn destroy_removes(&self) -> bool {
        false
    }
    async fn prepare(&self, sim: &Sim) -> Box<dyn Prepared> {
        let resource = terrahost::ipv4::Ipv4Resource { brand: self.0 };
        let server = first_server(sim, self.0).await;
        let p = planned(
            resource.schema(),
            &[
                ("server_id", server.as_str().into()),
                ("ip_type", "l2".into()),
            ],
        );
        Box::new(Planned {
            resource: Arc::new(resource),
            client: terrahost_client(sim, self.0),
            planned: p,
        })
    }
    async fn objects(&self, sim: &Sim) -> Vec<String> {
        let state = sim.get("state").await;
        state[vendor_of(self.0)]["servers"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|s| s["ips"].as_array().cloned().unwrap_or_default())
            .filter_map(|ip| ip["ip_id"].as_str().map(str::to_string))
            .collect()
    }
}
