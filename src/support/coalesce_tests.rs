//! Tests of the coalesced reads against a fake vendor on tokio's paused clock.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use tokio::task::JoinSet;
use tokio::time::sleep;

use super::*;

/// A fake vendor: objects 0..count, list and GET each taking `latency` and counted; a list
/// answer's objects carry the number of the list call that produced them.
#[derive(Default)]
struct Vendor {
    lists: AtomicUsize,
    gets: AtomicUsize,
    count: usize,
    missing_from_lists: Option<usize>,
    list_fails: bool,
}

const LATENCY: Duration = Duration::from_millis(50);

#[derive(Clone, Debug, PartialEq)]
struct Object {
    id: usize,
    from: &'static str,
    list_call: usize,
}

impl Vendor {
    fn with(count: usize) -> Arc<Self> {
        Arc::new(Vendor {
            count,
            ..Vendor::default()
        })
    }

    async fn list(&self) -> Result<Vec<Object>, ApiError> {
        let call = self.lists.fetch_add(1, SeqCst) + 1;
        sleep(LATENCY).await;
        if self.list_fails {
            return Err(ApiError::Status {
                request: "GET /servers".into(),
                status: 500,
                vendor_message: "oops".into(),
                body_excerpt: String::new(),
                retry_after: None,
            });
        }
        Ok((0..self.count)
            .filter(|id| Some(*id) != self.missing_from_lists)
            .map(|id| Object {
                id,
                from: "list",
                list_call: call,
            })
            .collect())
    }

    async fn get(&self, id: usize) -> Result<Object, ApiError> {
        self.gets.fetch_add(1, SeqCst);
        sleep(LATENCY).await;
        if id >= self.count {
            return Err(ApiError::Status {
                request: format!("GET /servers/{id}"),
                status: 404,
                vendor_message: String::new(),
                body_excerpt: String::new(),
                retry_after: None,
            });
        }
        Ok(Object {
            id,
            from: "get",
            list_call: 0,
        })
    }

    fn calls(&self) -> (usize, usize) {
        (self.lists.load(SeqCst), self.gets.load(SeqCst))
    }
}

fn read(
    coalescer: &Arc<Coalescer<Object>>,
    vendor: &Arc<Vendor>,
    id: usize,
) -> impl Future<Output = Result<Object, ApiError>> + Send + 'static {
    let (coalescer, vendor) = (coalescer.clone(), vendor.clone());
    async move {
        coalescer
            .read(|o| o.id == id, || vendor.list(), || vendor.get(id))
            .await
    }
}

async fn read_all(
    coalescer: &Arc<Coalescer<Object>>,
    vendor: &Arc<Vendor>,
    ids: impl IntoIterator<Item = usize>,
) -> Vec<Result<Object, ApiError>> {
    let mut reads = JoinSet::new();
    for id in ids {
        reads.spawn(read(coalescer, vendor, id));
    }
    reads.join_all().await
}

fn coalescer() -> Arc<Coalescer<Object>> {
    Arc::new(Coalescer::new(COALESCE_WINDOW))
}

#[tokio::test(start_paused = true)]
async fn concurrent_reads_share_one_list_call() {
    let vendor = Vendor::with(60);
    let got = read_all(&coalescer(), &vendor, 0..50).await;
    assert_eq!(vendor.calls(), (1, 0));
    let mut ids: Vec<usize> = got.into_iter().map(|r| r.unwrap().id).collect();
    ids.sort();
    assert_eq!(ids, (0..50).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn a_batch_closes_after_a_quiet_gap_or_at_the_latest_after_the_window() {
    let vendor = Vendor::with(100);
    let coalescer = coalescer();
    let mut reads = JoinSet::new();
    let step = COALESCE_QUIET / 2;
    for id in 0..4 {
        reads.spawn(read(&coalescer, &vendor, id));
        sleep(step).await;
    }
    sleep(COALESCE_QUIET * 2).await;
    assert_eq!(
        vendor.calls(),
        (1, 0),
        "one list for the burst, closed when quiet"
    );
    reads.join_all().await;

    let mut reads = JoinSet::new();
    let started = tokio::time::Instant::now();
    let mut id = 10;
    while started.elapsed() < COALESCE_WINDOW * 2 {
        reads.spawn(read(&coalescer, &vendor, id));
        id += 1;
        sleep(step).await;
    }
    reads.join_all().await;
    let (lists, gets) = vendor.calls();
    assert!(
        lists >= 3 && gets == 0,
        "a steady stream is cut every window: {lists} lists"
    );
}

#[tokio::test(start_paused = true)]
async fn a_lone_read_does_its_single_get() {
    let vendor = Vendor::with(3);
    let got = read(&coalescer(), &vendor, 2).await.unwrap();
    assert_eq!((got.from, vendor.calls()), ("get", (0, 1)));
}

#[tokio::test(start_paused = true)]
async fn disabled_reads_each_do_a_get() {
    let vendor = Vendor::with(10);
    let off = Arc::new(Coalescer::disabled());
    read_all(&off, &vendor, 0..10).await;
    assert_eq!(vendor.calls(), (0, 10));
}

#[tokio::test(start_paused = true)]
async fn an_object_missing_from_the_list_is_confirmed_with_its_get() {
    let vendor = Arc::new(Vendor {
        count: 5,
        missing_from_lists: Some(3),
        ..Vendor::default()
    });
    let got = read_all(&coalescer(), &vendor, [1, 3, 7]).await;
    assert_eq!(vendor.calls(), (1, 2), "one list, then GETs of 3 and 7");
    let found: Vec<_> = got.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert!(
        found.iter().any(|o| o.id == 3 && o.from == "get"),
        "{got:?}"
    );
    assert!(
        found.iter().any(|o| o.id == 1 && o.from == "list"),
        "{got:?}"
    );
    let gone = got.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert!(gone.is_not_found(), "{gone}");
}

#[tokio::test(start_paused = true)]
async fn a_list_error_goes_to_every_read_naming_the_request() {
    let vendor = Arc::new(Vendor {
        count: 5,
        list_fails: true,
        ..Vendor::default()
    });
    let got = read_all(&coalescer(), &vendor, 0..5).await;
    assert_eq!(vendor.calls(), (1, 0));
    for r in got {
        assert_eq!(
            r.unwrap_err().to_string(),
            "GET /servers answered HTTP 500: oops"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_read_never_takes_a_list_that_started_before_it() {
    let vendor = Vendor::with(10);
    let coalescer = coalescer();
    let mut reads = JoinSet::new();
    for id in 0..3 {
        reads.spawn(read(&coalescer, &vendor, id));
    }
    // After the window closed, while the first list call is under way.
    sleep(COALESCE_WINDOW + LATENCY / 2).await;
    assert_eq!(vendor.calls(), (1, 0));
    for id in 3..6 {
        reads.spawn(read(&coalescer, &vendor, id));
    }
    let got: Vec<Object> = reads
        .join_all()
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(vendor.calls(), (2, 0));
    for o in got {
        let expected_call = if o.id < 3 { 1 } else { 2 };
        assert_eq!(o.list_call, expected_call, "{o:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn reads_of_a_batch_whose_lister_was_dropped_fall_back_to_gets() {
    let vendor = Vendor::with(10);
    let coalescer = coalescer();
    let lister = tokio::spawn(read(&coalescer, &vendor, 0));
    sleep(Duration::from_millis(1)).await;
    let mut followers = JoinSet::new();
    for id in 1..4 {
        followers.spawn(read(&coalescer, &vendor, id));
    }
    sleep(COALESCE_WINDOW + LATENCY / 2).await;
    lister.abort();
    let got = followers.join_all().await;
    assert!(
        got.iter()
            .all(|r| r.as_ref().is_ok_and(|o| o.from == "get")),
        "{got:?}"
    );
    assert_eq!(vendor.calls(), (1, 3));
    let later = read_all(&coalescer, &vendor, 4..6).await;
    assert!(later.iter().all(Result::is_ok));
    assert_eq!(
        vendor.calls(),
        (2, 3),
        "a new batch after the abandoned one"
    );
}
