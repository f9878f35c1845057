terraform {
  required_providers {
    hosthatch = {
      source = "hostform/hosthatch"
    }
  }
}

# The token is best given through the HOSTHATCH_TOKEN environment variable.
provider "hosthatch" {
  poll_interval = "2s"
  max_retries   = 5
}
