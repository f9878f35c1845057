//! Auth answers and the two shapes of `GET /products`.

use reqwest::Method;
use serde_json::json;

use super::{TestSim, API};

#[tokio::test]
async fn missing_token_is_401_and_wrong_token_is_403() {
    let sim = TestSim::start().await;
    let url = format!("{}{API}/products", sim.base);
    let missing = sim.client.get(&url).send().await.expect("send");
    assert_eq!(missing.status().as_u16(), 401);
    let body: serde_json::Value = missing.json().await.expect("json");
    assert_eq!(
        body,
        json!({"result": "error", "message": "Unauthenticated."})
    );

    let wrong = sim
        .client
        .get(&url)
        .bearer_auth("nope")
        .send()
        .await
        .expect("send");
    assert_eq!(wrong.status().as_u16(), 403);
    let body: serde_json::Value = wrong.json().await.expect("json");
    assert_eq!(
        body,
        json!({"result": "error", "message": "Access forbidden"})
    );
}

#[tokio::test]
async fn products_plain_and_priced() {
    let sim = TestSim::start().await;
    let plain = sim.get("/products").await;
    assert_eq!(plain.status, 200);
    assert_eq!(plain.body["result"], "success");
    let products = plain.body["data"]["products"].as_array().expect("list");
    let ids: Vec<_> = products.iter().map(|p| p["_id"].clone()).collect();
    assert_eq!(
        ids,
        [
            json!("nvme-2gb"),
            json!("nvme-4gb"),
            json!("nvme-8gb"),
            json!("nvme-16gb")
        ]
    );
    let options = &products[0]["options"];
    assert_eq!(
        options["locations"],
        json!({"AMS": true, "LON": true, "STO": false})
    );
    assert_eq!(options["billing_cycles"], json!(["monthly", "quarterly"]));
    assert_eq!(
        options["features"][1]["values"],
        json!(["0", "1", "2", "3", "4"])
    );

    let priced = sim.get("/products?prices").await;
    let small = &priced.body["data"]["products"][0]["options"];
    assert_eq!(
        small["billing_cycles"]["monthly"],
        json!({"_id": "monthly", "price": 16, "setupfee": 4, "currency": "USD"})
    );
    assert_eq!(small["billing_cycles"]["quarterly"]["price"], 48);
    assert_eq!(
        small["features"][0]["values"]["false"],
        json!({"_id": false})
    );
    assert_eq!(
        small["features"][1]["values"][2]["billing_cycles"]["monthly"]["price"],
        4
    );
    let big = &priced.body["data"]["products"][3]["options"]["billing_cycles"];
    assert_eq!(big["monthly"]["price"], 90);
}

#[tokio::test]
async fn unknown_routes_and_ids_get_vendor_404s() {
    let sim = TestSim::start().await;
    let route = sim.get("/nowhere").await;
    assert_eq!(route.status, 404);
    assert_eq!(route.body["result"], "error");
    let server = sim.get("/servers/999").await;
    assert_eq!(server.status, 404);
    assert_eq!(server.body["message"], "Server not found");
    let not_numeric = sim.get("/servers/abc").await;
    assert_eq!(not_numeric.status, 404);
    let key = sim.call(Method::DELETE, "/keys/1", None).await;
    assert_eq!(key.body["message"], "Key not found");
}
