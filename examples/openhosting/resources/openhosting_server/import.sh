# A server is imported by its UUID.
terraform import openhosting_server.web 85ef58c8-6f5d-4f7f-8f1c-0c19d45d7c1c
