# A server is imported by its numeric id. language, keyboard, timezone and
# package_id are not reported by the API and are taken from your configuration.
terraform import gigahost_server.web 5101
