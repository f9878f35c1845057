# Software is imported as SERVER/PACKAGE; the password is taken from your configuration.
terraform import hoster_software.teamspeak 4001/ts3
