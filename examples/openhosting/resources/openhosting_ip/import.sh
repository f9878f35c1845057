# A static IP is imported by its address.
terraform import openhosting_ip.web 91.203.56.132
