# An Open Hosting server to start from: a system drive, a static IP on the public NIC, a
# private VLAN on the second NIC, and VNC for the console.
# Credentials: OPENHOSTING_USER_UUID and OPENHOSTING_API_KEY (or OHAUTH=uuid:key).
terraform {
  required_providers {
    openhosting = { source = "hostform/openhosting" }
  }
}

provider "openhosting" {}

resource "openhosting_drive" "system" {
  name = "web system"
  size = "20G"
}

resource "openhosting_ip" "web" {
  name = "web public"
}

resource "openhosting_vlan" "private" {
  name = "backend"
}

resource "openhosting_server" "web" {
  name = "web"
  cpu  = 2000 # MHz
  smp  = 2
  mem  = 2048 # MB; changing it reboots the server

  drive {
    device     = "ide:0:0"
    drive_uuid = openhosting_drive.system.id
  }
  boot = ["ide:0:0"]

  nic {
    model = "virtio"
    dhcp  = openhosting_ip.web.id
  }

  nic {
    model = "virtio"
    vlan  = openhosting_vlan.private.id
  }

  vnc {
    ip       = "auto"
    password = "ch4ngeme" # at most 8 characters
  }
}

output "public_ip" {
  value = openhosting_ip.web.id
}
