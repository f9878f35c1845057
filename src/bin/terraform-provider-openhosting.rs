//! The Open Hosting Terraform provider plugin: started by Terraform, serves plugin protocol 5.

fn main() {
    hostform::tfplugin::serve::serve(hostform::vendors::openhosting::provider())
}
