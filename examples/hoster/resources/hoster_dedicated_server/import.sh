# A dedicated server is imported by its numeric id. market_id, ip_count and hostname cannot be
# read back from the API and are taken from your configuration.
terraform import hoster_dedicated_server.db 84
