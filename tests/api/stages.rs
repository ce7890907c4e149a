use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_twelve_stages_come_in_continuum_order_in_both_languages() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/api/v1/stages"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    let stages: Vec<Value> = response.json().await.expect("json");
    assert_eq!(stages.len(), 12);
    let positions: Vec<i64> = stages
        .iter()
        .map(|s| s["position"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(positions, (1..=12).collect::<Vec<_>>());
    let codes: Vec<&str> = stages
        .iter()
        .map(|s| s["code"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(codes.first(), Some(&"itt"));
    assert_eq!(codes[5], "future_middle_leader");
    assert_eq!(codes[8], "future_headteacher");
    assert_eq!(codes.last(), Some(&"executive_headteacher"));
    assert_eq!(stages[9]["name_en"], "New Head Teacher");
    assert_eq!(stages[9]["name_cy"], "Pennaeth Newydd");
    for stage in &stages {
        for field in ["name_en", "name_cy", "description_en", "description_cy"] {
            assert!(
                !stage[field].as_str().unwrap_or("").is_empty(),
                "{field} of {stage}"
            );
        }
        assert_ne!(
            stage["name_en"], stage["name_cy"],
            "a Welsh name of its own: {stage}"
        );
    }
}
