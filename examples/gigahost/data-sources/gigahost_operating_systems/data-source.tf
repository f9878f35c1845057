data "gigahost_distributions" "all" {}

locals {
  debian = [for d in data.gigahost_distributions.all.distributions : d.id if d.value == "debian"][0]
}

data "gigahost_operating_systems" "debian12" {
  distribution_id = local.debian
  name_contains   = "Debian 12"
}

output "debian12_os_id" {
  value = data.gigahost_operating_systems.debian12.operating_systems[0].id
}
