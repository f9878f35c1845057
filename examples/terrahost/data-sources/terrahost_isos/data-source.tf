data "terrahost_isos" "uploaded" {
  server_id = "3523"
}

output "iso_names" {
  value = [for iso in data.terrahost_isos.uploaded.isos : iso.name]
}
