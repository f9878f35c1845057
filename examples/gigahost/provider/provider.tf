terraform {
  required_providers {
    gigahost = {
      source = "hostform/gigahost"
    }
  }
}

# Credentials are best given through the environment: GIGAHOST_USERNAME,
# GIGAHOST_PASSWORD and, for accounts with two-factor authentication,
# GIGAHOST_TOTP_SECRET (the base32 secret your authenticator app was given).
provider "gigahost" {
  poll_interval = "2s"
  max_retries   = 5
}
