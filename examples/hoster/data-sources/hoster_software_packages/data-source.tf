data "hoster_software_packages" "all" {}

output "packages" {
  value = data.hoster_software_packages.all.packages
}
