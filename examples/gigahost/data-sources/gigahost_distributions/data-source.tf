data "gigahost_distributions" "all" {}

output "distributions" {
  value = { for d in data.gigahost_distributions.all.distributions : d.value => d.id }
}
