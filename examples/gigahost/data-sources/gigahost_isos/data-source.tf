data "gigahost_isos" "uploaded" {
  server_id = "5101"
}

output "iso_names" {
  value = [for iso in data.gigahost_isos.uploaded.isos : iso.name]
}
