# A server is imported by its numeric id. Arguments the API cannot report back (ipv6,
# additional_ipv4, ssh_key_ids, upgrade_disk, cancel_*) are taken from your configuration.
terraform import hosthatch_server.web 112233
