# A drive is imported by its UUID.
terraform import openhosting_drive.system 08c92dd5-70a0-4f51-83d2-835919d254df
