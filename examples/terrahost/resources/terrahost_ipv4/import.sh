# An address is imported as SERVER_ID/IP_ID.
terraform import terrahost_ipv4.extra 3523/7538
