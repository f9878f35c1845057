data "hoster_templates" "debian" {
  name_contains = "debian"
}

output "debian_templates" {
  value = data.hoster_templates.debian.templates
}
