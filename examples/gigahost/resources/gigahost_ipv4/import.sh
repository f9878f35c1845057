# An address is imported as SERVER_ID/IP_ID.
terraform import gigahost_ipv4.extra 5101/7538
