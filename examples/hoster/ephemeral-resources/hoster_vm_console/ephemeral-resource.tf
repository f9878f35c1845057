resource "hoster_vm" "web" {
  template  = "Debian10.0"
  cpu_cores = 1
  memory    = 1024
  disk      = "10G"
  ip_count  = 1
}

# Opened at each run and never stored. The VNC ticket in the URL expires within seconds.
ephemeral "hoster_vm_console" "web" {
  vm_id = hoster_vm.web.id
}

# Locals may hold ephemeral values; hand this to a provisioner or a tool that opens it at once.
locals {
  console_url = ephemeral.hoster_vm_console.web.url
}
