data "terrahost_account" "me" {}

output "customer_id" {
  value = data.terrahost_account.me.customer_id
}
