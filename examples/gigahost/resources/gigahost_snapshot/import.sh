# A snapshot is imported as SERVER_ID/SNAP_ID.
terraform import gigahost_snapshot.before_upgrade 5101/9001
