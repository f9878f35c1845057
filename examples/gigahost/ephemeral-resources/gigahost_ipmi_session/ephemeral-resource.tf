# Opens a console session when a run needs it (Terraform 1.10 and later). Its
# password is never written to plan or state; pass it on to something that takes
# ephemeral values, such as a provider configuration or a write-only argument.
ephemeral "gigahost_ipmi_session" "console" {
  server_id = "5101"
}

locals {
  console_address = ephemeral.gigahost_ipmi_session.console.address
}
