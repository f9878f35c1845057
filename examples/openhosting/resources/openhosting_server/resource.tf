resource "openhosting_drive" "root" {
  name = "web root"
  size = "10G"
}

resource "openhosting_ip" "web" {
  name = "web"
}

resource "openhosting_server" "web" {
  name = "web"
  cpu  = 2000
  mem  = 1024

  drive {
    device     = "ide:0:0"
    drive_uuid = openhosting_drive.root.id
  }
  boot = ["ide:0:0"]

  nic {
    model = "virtio"
    dhcp  = openhosting_ip.web.id
  }

  vnc {
    ip       = "auto"
    password = "s3cret12"
  }
}
