terraform {
  required_providers {
    openhosting = {
      source = "hostform/openhosting"
    }
  }
}

# Credentials are best given through OPENHOSTING_USER_UUID and OPENHOSTING_API_KEY
# (or OHAUTH=uuid:key, as the vendor's own tools use).
provider "openhosting" {
  poll_interval      = "2s"
  upload_chunk_size  = "4M"
  upload_concurrency = 4
}
