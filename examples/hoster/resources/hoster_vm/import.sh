# A VM is imported by its numeric id (vmid). The root password is shown by the API only
# once, at creation, so an imported VM has none in state; rdns is taken from your configuration.
terraform import hoster_vm.web 4001
