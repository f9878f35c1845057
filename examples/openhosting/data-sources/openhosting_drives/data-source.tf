data "openhosting_drives" "backups" {
  tag = "backup"
}

output "backup_drive_names" {
  value = data.openhosting_drives.backups.drives[*].name
}
