resource "hoster_vm" "voice" {
  template  = "Debian10.0"
  cpu_cores = 1
  memory    = 1024
  disk      = "10G"
  ip_count  = 1
}

# The root password is kept (sensitive) in the state so that destroy can uninstall. With
# Terraform 1.11 and later, `password_wo` sends it without storing it, but then destroy
# cannot uninstall the package.
resource "hoster_software" "teamspeak" {
  server   = hoster_vm.voice.id
  package  = "ts3"
  password = hoster_vm.voice.root_password
  port     = 22
}
