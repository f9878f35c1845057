//! Terrahost/Gigahost answers as the documents show them: the `meta` envelope, ids and sizes
//! as strings next to booleans and numbers, a server detail wrapped in a one-element list, and
//! the trailing-comma malformation on demand.

use axum::body::Body;
use axum::http::{header, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::sim::clock::VirtualSecs;
use crate::sim::terrahost::model::{Ip, Server, Snapshot, Subnet};
use crate::sim::terrahost::os_list::OsList;

/// `{"meta": {status, status_message, ...extra}, "data": data}` (no `data` when null).
pub fn envelope(status: StatusCode, data: Value, extra_meta: Value, malformed: bool) -> Response {
    let mut meta = Map::new();
    meta.insert("status".into(), json!(status.as_u16()));
    meta.insert("status_message".into(), json!(status_message(status)));
    if let Value::Object(extra) = extra_meta {
        meta.extend(extra);
    }
    let mut body = Map::new();
    if status.is_success() {
        body.insert("success".into(), json!(true));
    } else {
        body.insert("success".into(), json!(false));
    }
    body.insert("meta".into(), Value::Object(meta));
    if !data.is_null() {
        body.insert("data".into(), data);
    }
    raw(status, Value::Object(body), malformed)
}

/// Any JSON body, with the documents' trailing comma before the last `}` when `malformed`.
pub fn raw(status: StatusCode, body: Value, malformed: bool) -> Response {
    let mut text = body.to_string();
    if malformed && text.ends_with('}') && !text.ends_with("{}") {
        text.insert(text.len() - 1, ',');
    }
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(text))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// An error in the envelope: `meta.message` holds the text.
pub fn error(status: StatusCode, message: &str) -> Response {
    envelope(status, Value::Null, json!({ "message": message }), false)
}

/// A success with only a `meta.message` (and extra meta fields).
pub fn message(text: &str, extra_meta: Value, malformed: bool) -> Response {
    let mut meta = json!({ "message": text });
    if let (Value::Object(m), Value::Object(extra)) = (&mut meta, extra_meta) {
        m.extend(extra);
    }
    envelope(StatusCode::OK, Value::Null, meta, malformed)
}

fn status_message(status: StatusCode) -> String {
    format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Unknown")
    )
}

fn ip_json(ip: &Ip) -> Value {
    json!({
        "ip_id": ip.id.to_string(), "sub_id": ip.subnet_id.to_string(), "ip_v4v6": "ipv4",
        "ip_address": ip.address, "ip_reverse": ip.reverse, "ip_traffic_sum": "0",
        "ip_pkts_sum": "0", "ip_nullroute": "0", "ip_routed_to": ip.routed_to.to_string(),
        "ip_type": ip.kind, "ip_netmask": ip.netmask, "ip_gateway": ip.gateway,
    })
}

fn subnet_json(server: u64, s: &Subnet) -> Value {
    json!({
        "sub_id": s.id.to_string(), "sub_parent_id": "675", "srv_id": server.to_string(),
        "device_id": "0", "sub_type": "ipv6", "sub_ipv6_type": "", "sub_network": s.network,
        "sub_netmask": "48", "sub_broadcast": "", "sub_gateway": s.gateway, "sub_cidr": s.cidr,
        "sub_vlan": "1510", "sub_vrf": "1", "sub_description": "", "sub_location": "DC2",
        "sub_duid": "", "sub_ns": s.ns,
    })
}

fn os_json(os_id: u64, os_list: &OsList) -> Value {
    match os_list.os(os_id) {
        Some(os) => json!({
            "os_id": os.id.to_string(), "os_name": os.name, "os_release": os.release,
            "os_dedicated_only": "0", "os_minram": "0", "os_custom_partition": "1",
            "os_single_disk_only": "1",
        }),
        None => Value::Null,
    }
}

/// A server as `GET /servers` lists it.
pub fn server_summary(s: &Server, now: VirtualSecs, os_list: &OsList) -> Value {
    let mut v = json!({
        "srv_id": s.id.to_string(), "srv_tag": "0", "product_id": s.product_id.to_string(),
        "cust_id": "19998", "node_id": "0", "pmx_id": "4", "os_id": s.os_id.to_string(),
        "nic_id": "1422", "iso_id": s.iso_id.to_string(), "bwpool_id": "0",
        "srv_name": format!("srv{}", s.id), "srv_status": s.power_at(now),
        "srv_status_rescue": false, "srv_status_install": s.installing(now),
        "srv_status_snapshot": false, "srv_status_mount": s.iso_id != 0,
        "srv_status_method": "icmp", "srv_status_reboot": "0", "srv_label": s.label,
        "srv_manufacturer": "", "srv_model": "", "srv_motherboard": "",
    });
    let more = json!({
        "srv_date_created": s.created.to_string(), "srv_vps_type": "kvm",
        "srv_hostname": s.hostname, "srv_bw": "1000", "srv_feature_reinstall": true,
        "srv_feature_mgmt": true, "srv_feature_preconf": "0", "srv_mgmt_type": "kvm",
        "srv_formfactor": "", "srv_cores": s.cores.to_string(), "srv_ram": s.ram_gb.to_string(),
        "srv_suspended": false, "srv_custom_partition": "1", "srv_new": false,
        "srv_location": s.location, "srv_type": s.kind,
        "srv_primary_ip": s.ips.first().map(|ip| ip.address.clone()).unwrap_or_default(),
        "os": os_json(s.os_id, os_list),
        "ips": s.visible_ips(now).map(ip_json).collect::<Vec<_>>(),
        "cancelled": null,
    });
    if let (Value::Object(m), Value::Object(more)) = (&mut v, more) {
        m.extend(more);
    }
    v
}

/// A server as `GET /servers/{id}` shows it (inside a one-element `data` list).
pub fn server_detail(s: &Server, now: VirtualSecs, os_list: &OsList) -> Value {
    let mut v = server_summary(s, now, os_list);
    if let Value::Object(m) = &mut v {
        m.remove("srv_primary_ip");
        m.remove("srv_status_method");
        m.remove("srv_status_reboot");
        for (k, x) in [
            ("srv_vmware_id", json!("0")),
            ("srv_deleted", json!("0")),
            ("srv_deleted_date", json!("0")),
            ("srv_bw_notice", json!("0")),
            ("srv_migration_state", json!("2")),
            ("ipmi_session", Value::Null),
            ("cpus", json!([])),
            ("attacklogs", json!([])),
            ("node", json!("pmx4dc2")),
            ("bw_used", json!(0)),
            ("bw_used_in", json!(0)),
            ("bw_used_out", json!(0)),
            ("location", json!([])),
        ] {
            m.insert(k.into(), x);
        }
        m.insert(
            "hdds".into(),
            json!([{ "hdd_id": "1622", "srv_id": s.id.to_string(), "datastore_id": "0",
                "hdd_manufacturer": "Proxmox", "hdd_model": "", "hdd_type": "SSD",
                "hdd_size": s.disk_gb.to_string(), "hdd_space_used": "0", "hdd_serial_number": "" }]),
        );
        m.insert(
            "subnets".into(),
            s.subnets.iter().map(|x| subnet_json(s.id, x)).collect(),
        );
    }
    v
}

/// A snapshot as `GET /servers/{id}/snapshots` lists it: ids and time as numbers.
pub fn snapshot(s: &Snapshot, now: VirtualSecs) -> Value {
    let state = if now >= s.completed_at {
        "completed"
    } else {
        "pending"
    };
    json!({
        "snap_id": s.id, "srv_id": s.server_id, "snap_name": s.name,
        "snap_display_name": s.display_name, "snap_time": s.time, "snap_state": state,
    })
}
