# A drive filled from a local raw image: uploaded in gzipped chunks, several at once.
# A new image file (a different SHA-256) replaces the drive.
resource "openhosting_drive" "system" {
  name        = "system"
  size        = "1G"
  source_file = "${path.module}/disk.img"
  tags        = ["example"]
}

# A copy of it, made by the API's asynchronous imaging.
resource "openhosting_drive" "copy" {
  name         = "system copy"
  size         = "1G"
  source_drive = openhosting_drive.system.id

  user_metadata = {
    purpose = "backup"
  }
}
