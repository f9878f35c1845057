resource "hosthatch_ssh_key" "deploy" {
  description = "deploy key"
  value       = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostformExampleKeyOnlyForTheDocs deploy@example"
}
