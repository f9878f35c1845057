data "terrahost_snapshots" "web" {
  server_id = "3523"
}

output "snapshot_names" {
  value = [for s in data.terrahost_snapshots.web.snapshots : s.name]
}
