data "openhosting_ips" "all" {}

output "addresses" {
  value = data.openhosting_ips.all.ips[*].id
}
