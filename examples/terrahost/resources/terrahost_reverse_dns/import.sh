# Reverse DNS is imported as SERVER_ID/ip/IP_ID (IPv4) or SERVER_ID/subnet/SUBNET_ID
# (IPv6 delegation). The value at import time is what destroy restores.
terraform import terrahost_reverse_dns.mail 3523/ip/7795
