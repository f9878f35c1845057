resource "terrahost_snapshot" "before_upgrade" {
  server_id = "3523"
  name      = "before-upgrade"

  timeouts {
    create = "60m"
  }
}
