# A VLAN is imported by its UUID.
terraform import openhosting_vlan.backend 5c3ba5e4-1b6f-4a5e-9d44-8f0c2d7e1a10
