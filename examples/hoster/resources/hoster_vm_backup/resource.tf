resource "hoster_vm" "app" {
  template  = "Ubuntu22.04"
  cpu_cores = 1
  memory    = 1024
  disk      = "10G"
  ip_count  = 1
}

# Destroying this resource only forgets the backup: HosterAPI cannot delete backups.
resource "hoster_vm_backup" "before_upgrade" {
  vm_id = hoster_vm.app.id
}

# To restore it later, set `restore_backup` of the VM to this timestamp (a literal value:
# referring to the backup resource from the VM it backs up would be a cycle).
output "backup_timestamp" {
  value = hoster_vm_backup.before_upgrade.timestamp
}
