# What you need to reach the quickstart server.

output "server_id" {
  description = "HostHatch id of the server."
  value       = hosthatch_server.web.id
}

output "primary_ip" {
  description = "Public IPv4 address to ssh to."
  value       = hosthatch_server.web.primary_ip
}

output "status" {
  description = "Server status as HostHatch reports it (online, offline, ...)."
  value       = hosthatch_server.web.status
}
