data "gigahost_account" "me" {}

output "customer_id" {
  value = data.gigahost_account.me.customer_id
}
