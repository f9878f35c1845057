data "hoster_dedicated_templates" "debian" {
  name_contains = "debian"
}

output "dedicated_debian_templates" {
  value = data.hoster_dedicated_templates.debian.templates
}
