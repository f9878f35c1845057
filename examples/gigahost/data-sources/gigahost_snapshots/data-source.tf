data "gigahost_snapshots" "web" {
  server_id = "5101"
}

output "snapshot_names" {
  value = [for s in data.gigahost_snapshots.web.snapshots : s.name]
}
