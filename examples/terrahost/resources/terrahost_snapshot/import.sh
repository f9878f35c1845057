# A snapshot is imported as SERVER_ID/SNAP_ID.
terraform import terrahost_snapshot.before_upgrade 3523/9001
