resource "openhosting_drive" "data" {
  name = "data"
  size = "1G"
}

data "openhosting_drive" "by_name" {
  name = openhosting_drive.data.name
}

output "data_drive_bytes" {
  value = data.openhosting_drive.by_name.size_bytes
}
