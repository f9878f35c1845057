terraform {
  required_providers {
    hoster = {
      source = "hostform/hoster"
    }
  }
}

# The token is best given through the HOSTER_TOKEN environment variable.
provider "hoster" {
  poll_interval = "2s"
  max_retries   = 5
}
