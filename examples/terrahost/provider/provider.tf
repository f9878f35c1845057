terraform {
  required_providers {
    terrahost = {
      source = "hostform/terrahost"
    }
  }
}

# Credentials are best given through the environment: TERRAHOST_USERNAME,
# TERRAHOST_PASSWORD and, for accounts with two-factor authentication,
# TERRAHOST_TOTP_SECRET (the base32 secret your authenticator app was given).
provider "terrahost" {
  poll_interval = "2s"
  max_retries   = 5
}
