resource "openhosting_server" "app" {
  name        = "app"
  cpu         = 1000
  mem         = 512
  power_state = "stopped"
}

data "openhosting_server" "app" {
  id = openhosting_server.app.id
}

output "app_status" {
  value = data.openhosting_server.app.status
}
