//! HostHatch's section of the simulator store: servers, keys and invoices, id counters,
//! quirk switches and the outcome armed for the next deploy.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::sim::clock::{CivilDate, Scheduled, VirtualSecs};
use crate::sim::hosthatch::catalogue;
use crate::sim::hosthatch::wire;

/// Virtual seconds from a paid deploy until the server is `Active` and `online`.
pub const PROVISION_SECS: f64 = 60.0;
/// Virtual seconds for boot and shutdown to change the status.
pub const POWER_SECS: f64 = 10.0;
/// Virtual seconds for a reboot to come back `online` (it is `offline` at once).
pub const REBOOT_SECS: f64 = 20.0;
/// Virtual seconds from an upgrade request until the product changes.
pub const UPGRADE_SECS: f64 = 30.0;
/// Virtual seconds from an immediate cancel until the server disappears.
pub const CANCEL_SECS: f64 = 10.0;

const FIRST_SERVER_ID: u64 = 112_233;
const FIRST_INVOICE_ID: u64 = 445_566;
const FIRST_KEY_ID: u64 = 1_234;

/// Everything HostHatch holds; `Default` is the empty account after a reset.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct HostHatchStore {
    /// Servers and keys left out of list answers for a few reads.
    #[serde(default)]
    pub list_flaps: crate::sim::flaps::ListFlaps,
    pub servers: BTreeMap<u64, Server>,
    pub keys: BTreeMap<u64, SshKey>,
    pub invoices: BTreeMap<u64, Invoice>,
    pub next_deploy: DeployOutcome,
    pub quirks: Quirks,
    servers_created: u64,
    invoices_created: u64,
    keys_created: u64,
    addresses_handed_out: u32,
    /// Not saved with the state: it comes from the built-in defaults and `--fixtures`.
    #[serde(skip)]
    pub catalogue: catalogue::Catalogue,
}

/// What happens to the next deploy (armed through the admin API, used once).
#[derive(Debug, Default, Clone, Copy, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeployOutcome {
    /// Answer 200 with an unpaid invoice; provisioning waits for the invoice to be paid.
    #[serde(default)]
    pub requires_payment: bool,
    /// The server stays `Pending`/`offline` forever.
    #[serde(default)]
    pub never_active: bool,
}

/// Switches that make answers look like the document's odd examples.
#[derive(Debug, Default, Clone, Copy, Serialize, Deserialize)]
pub struct Quirks {
    /// `GET /keys/{id}` answers with `state`/`created` instead of `description`/`value`.
    pub odd_key_shape: bool,
    /// Success bodies carry trailing commas and a doubled comma after `"result"`.
    pub malformed_json: bool,
}

/// A server and its planned changes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Server {
    pub id: u64,
    pub hostname: String,
    pub location: String,
    pub image: String,
    pub billing_cycle: String,
    pub created: CivilDate,
    pub next_due: CivilDate,
    pub primary_ip: String,
    pub initial_cost: u32,
    pub ipv6: bool,
    pub additional_ipv4: u8,
    pub ssh_keys: Vec<u64>,
    pub state: Scheduled<String>,
    pub status: Scheduled<String>,
    pub product: Scheduled<String>,
    pub gone: Scheduled<bool>,
    /// The unpaid invoice provisioning waits for.
    pub awaiting_invoice: Option<u64>,
    pub never_active: bool,
    pub cancel_reason: Option<String>,
    pub cancel_at_period_end: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SshKey {
    pub id: u64,
    #[serde(rename = "type")]
    pub kind: String,
    pub description: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Invoice {
    pub id: u64,
    pub server_id: u64,
    /// `deploy` or `upgrade`.
    pub purpose: String,
    pub amount: u32,
    pub currency: String,
    pub paid: bool,
}

/// A validated deploy request.
#[derive(Debug)]
pub struct NewServer {
    pub product: catalogue::Product,
    pub location: String,
    pub billing_cycle: &'static str,
    pub cycle_months: u32,
    pub image: String,
    pub hostname: String,
    pub ipv6: bool,
    pub additional_ipv4: u8,
    pub ssh_keys: Vec<u64>,
}

/// Why a server could not be created.
#[derive(Debug)]
pub struct AddressesExhausted;

impl HostHatchStore {
    /// Creates a server and its invoice, consuming the armed deploy outcome.
    pub fn deploy(
        &mut self,
        request: NewServer,
        now: VirtualSecs,
        today: CivilDate,
    ) -> Result<(u64, Invoice), AddressesExhausted> {
        let primary_ip = self.next_address().ok_or(AddressesExhausted)?;
        let outcome = std::mem::take(&mut self.next_deploy);
        let id = FIRST_SERVER_ID + self.servers_created;
        self.servers_created += 1;
        let recurring = catalogue::recurring_cost(
            &request.product,
            request.cycle_months,
            request.additional_ipv4,
        );
        let initial_cost = catalogue::SETUP_FEE_PER_MONTH * request.cycle_months + recurring;
        let invoice = self.new_invoice(id, "deploy", initial_cost, !outcome.requires_payment);
        let mut server = Server {
            id,
            hostname: request.hostname,
            location: request.location,
            image: request.image,
            billing_cycle: request.billing_cycle.to_owned(),
            created: today,
            next_due: today.plus_one_month(),
            primary_ip,
            initial_cost,
            ipv6: request.ipv6,
            additional_ipv4: request.additional_ipv4,
            ssh_keys: request.ssh_keys,
            state: Scheduled::new("Pending".to_owned()),
            status: Scheduled::new("offline".to_owned()),
            product: Scheduled::new(request.product.id.clone()),
            gone: Scheduled::new(false),
            awaiting_invoice: None,
            never_active: outcome.never_active,
            cancel_reason: None,
            cancel_at_period_end: false,
        };
        if outcome.requires_payment {
            server.awaiting_invoice = Some(invoice.id);
        } else {
            server.start_provisioning(now);
        }
        self.servers.insert(id, server);
        Ok((id, invoice))
    }

    /// Records a new invoice for `server_id` and returns a copy.
    pub fn new_invoice(
        &mut self,
        server_id: u64,
        purpose: &'static str,
        amount: u32,
        paid: bool,
    ) -> Invoice {
        let invoice = Invoice {
            id: FIRST_INVOICE_ID + self.invoices_created,
            server_id,
            purpose: purpose.to_owned(),
            amount,
            currency: catalogue::CURRENCY.to_owned(),
            paid,
        };
        self.invoices_created += 1;
        self.invoices.insert(invoice.id, invoice.clone());
        invoice
    }

    /// Marks an invoice paid and starts provisioning of a server waiting for it.
    /// Returns `false` when there is no such invoice.
    pub fn pay_invoice(&mut self, invoice_id: u64, now: VirtualSecs) -> bool {
        let Some(invoice) = self.invoices.get_mut(&invoice_id) else {
            return false;
        };
        invoice.paid = true;
        for server in self.servers.values_mut() {
            if server.awaiting_invoice == Some(invoice_id) {
                server.awaiting_invoice = None;
                server.start_provisioning(now);
            }
        }
        true
    }

    /// Stores a new key and returns a copy.
    pub fn add_key(&mut self, kind: String, description: String, value: String) -> SshKey {
        let key = SshKey {
            id: FIRST_KEY_ID + self.keys_created,
            kind,
            description,
            value,
        };
        self.keys_created += 1;
        self.keys.insert(key.id, key.clone());
        key
    }

    /// The server with `id` unless it has disappeared.
    pub fn visible_server(&self, id: u64, now: VirtualSecs) -> Option<&Server> {
        self.servers.get(&id).filter(|server| !server.is_gone(now))
    }

    /// Mutable access to the server with `id` unless it has disappeared.
    pub fn visible_server_mut(&mut self, id: u64, now: VirtualSecs) -> Option<&mut Server> {
        self.servers
            .get_mut(&id)
            .filter(|server| !server.is_gone(now))
    }

    /// Servers that have not disappeared, by id.
    pub fn visible_servers(&self, now: VirtualSecs) -> impl Iterator<Item = &Server> {
        self.servers
            .values()
            .filter(move |server| !server.is_gone(now))
    }

    fn next_address(&mut self) -> Option<String> {
        let index = self.addresses_handed_out;
        let address = match index {
            0..=253 => format!("203.0.113.{}", index + 1),
            254..=507 => format!("198.51.100.{}", index - 253),
            _ => return None,
        };
        self.addresses_handed_out += 1;
        Some(address)
    }
}

impl Server {
    /// Plans `Pending`/`offline` -> `Active`/`online` after [`PROVISION_SECS`].
    pub fn start_provisioning(&mut self, now: VirtualSecs) {
        if self.never_active {
            return;
        }
        self.state
            .change_at(now + PROVISION_SECS, "Active".to_owned());
        self.status
            .change_at(now + PROVISION_SECS, "online".to_owned());
    }

    pub fn is_gone(&self, now: VirtualSecs) -> bool {
        *self.gone.at(now)
    }

    /// The server as `GET /servers/{id}` shows it at `now`.
    pub fn to_wire(&self, now: VirtualSecs, catalogue: &catalogue::Catalogue) -> wire::ServerBody {
        let product_id = self.product.at(now).clone();
        let product = catalogue.product(&product_id);
        let cycle_months = catalogue::cycle_months(&self.billing_cycle).unwrap_or(1);
        wire::ServerBody {
            id: self.id,
            hostname: self.hostname.clone(),
            state: self.state.at(now).clone(),
            created: self.created.to_string(),
            product: wire::ServerProduct {
                name: product.map_or_else(|| product_id.clone(), |p| p.name.clone()),
                available_upgrades: catalogue.available_upgrades(&product_id),
                id: product_id,
                location: self.location.clone(),
                image: catalogue
                    .image_name(&self.image)
                    .unwrap_or(&self.image)
                    .to_owned(),
            },
            network: wire::ServerNetwork {
                primary_ipaddress: self.primary_ip.clone(),
            },
            billing: wire::ServerBilling {
                billing_cycle: self.billing_cycle.clone(),
                next_due: self.next_due.to_string(),
                initial_cost: self.initial_cost,
                recurring_cost: product.map_or(0, |p| {
                    catalogue::recurring_cost(p, cycle_months, self.additional_ipv4)
                }),
                currency: catalogue::CURRENCY,
            },
        }
    }
}
