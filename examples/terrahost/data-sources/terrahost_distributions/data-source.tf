data "terrahost_distributions" "all" {}

output "distributions" {
  value = { for d in data.terrahost_distributions.all.distributions : d.value => d.id }
}
