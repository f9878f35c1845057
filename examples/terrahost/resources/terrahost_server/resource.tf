# Takes over an existing server (the API cannot order new ones) and keeps its
# descriptive name and power state as configured. Setting os_id (with hostname,
# language, keyboard and timezone) reinstalls the server when they change.
resource "terrahost_server" "web" {
  server_id   = "3523"
  name        = "web-1"
  power_state = "running"
}
