//! Creates whose answer was lost (a 5xx, a dropped connection, a timeout): the object may
//! exist anyway. The list taken before the create is compared with the list after it, and the
//! single new object with the planned name is adopted instead of being left behind unknown.

use std::future::Future;
use std::time::Duration;

use super::models::Props;
use crate::support::wait::read_until_found;
use crate::support::ApiError;
use tokio_util::sync::CancellationToken;

/// What a create came back with: the object, and when it was found by listing instead of
/// from the answer, the error that lost the answer.
pub struct Created {
    pub props: Props,
    pub adopted_after: Option<ApiError>,
}

impl Created {
    /// The warning to give when the object was adopted, as (summary, detail).
    pub fn adoption_note(&self, what: &str, id_key: &str, name: &str) -> Option<(String, String)> {
        let e = self.adopted_after.as_ref()?;
        let id = self.props.text(id_key).unwrap_or_default();
        Some((
            format!("Adopted {what} {id}"),
            format!("The answer to the create request was lost ({e}), but a new {what} {id} named {name:?} appeared; Terraform manages it instead of creating another."),
        ))
    }
}

/// Runs `create` once; if its outcome is unknown, lists again (a few times, `pause` apart,
/// ending early on `cancel`)
/// and adopts the single object with `id_key` not listed before whose `name` is `name`.
pub async fn create_or_adopt<L, LF, C, CF>(
    pause: Duration,
    cancel: &CancellationToken,
    id_key: &str,
    name: &str,
    list: L,
    create: C,
) -> Result<Created, ApiError>
where
    L: Fn() -> LF,
    LF: Future<Output = Result<Vec<Props>, ApiError>>,
    C: FnOnce() -> CF,
    CF: Future<Output = Result<Props, ApiError>>,
{
    let before: Option<Vec<String>> = match list().await {
        Ok(objects) => Some(objects.iter().filter_map(|p| p.text(id_key)).collect()),
        Err(e) => {
            log::warn!(
                "cannot list before creating, so a lost create answer cannot be recovered: {e}"
            );
            None
        }
    };
    let error = match create().await {
        Ok(props) => {
            return Ok(Created {
                props,
                adopted_after: None,
            })
        }
        Err(e) if e.outcome_unknown() && before.is_some() => e,
        Err(e) => return Err(e),
    };
    let before = before.unwrap_or_default();
    let single_new = |objects: Vec<Props>| {
        let mut new = objects.into_iter().filter(|p| {
            p.text("name").as_deref() == Some(name)
                && p.text(id_key).is_some_and(|id| !before.contains(&id))
        });
        match (new.next(), new.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    };
    let found = read_until_found(
        3,
        |_| pause,
        cancel,
        "the list read looking for the created object",
        |_| async { Ok::<_, ApiError>(list().await.ok().and_then(single_new)) },
    )
    .await;
    match found {
        Ok(Some(props)) => Ok(Created {
            props,
            adopted_after: Some(error),
        }),
        _ => Err(error),
    }
}
