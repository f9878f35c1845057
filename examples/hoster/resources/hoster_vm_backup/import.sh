# A backup is imported as VM_ID/TIMESTAMP (see the hoster_vm_backups data source).
terraform import hoster_vm_backup.before_upgrade 4001/1606685300
