resource "hosthatch_server" "db" {
  product  = "nvme-4gb"
  location = "LON"
  billing  = "monthly"
  image    = "debian11"
  hostname = "db-1.example.com"
}

data "hosthatch_server" "db" {
  id = hosthatch_server.db.id
}

output "db_status" {
  value = data.hosthatch_server.db.status
}
