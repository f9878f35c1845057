# Opens a console session when a run needs it (Terraform 1.10 and later). Its
# password is never written to plan or state; pass it on to something that takes
# ephemeral values, such as a provider configuration or a write-only argument.
ephemeral "terrahost_ipmi_session" "console" {
  server_id = "3523"
}

locals {
  console_address = ephemeral.terrahost_ipmi_session.console.address
}
