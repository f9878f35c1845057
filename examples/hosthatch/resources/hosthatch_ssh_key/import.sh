# An SSH key is imported by its numeric id.
terraform import hosthatch_ssh_key.deploy 1234
