data "hosthatch_ssh_keys" "all" {}

output "key_descriptions" {
  value = [for k in data.hosthatch_ssh_keys.all.keys : k.description]
}
