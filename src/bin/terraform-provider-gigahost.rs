//! The Gigahost Terraform provider plugin: started by Terraform, serves plugin protocol 5.

fn main() {
    hostform::tfplugin::serve::serve(hostform::vendors::terrahost::gigahost_provider())
}
