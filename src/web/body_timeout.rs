//! A deadline on reading request bodies: a client that stops sending in the middle of a body
//! is answered 408 after [`BODY_IDLE_TIMEOUT`] instead of holding the request open. actix-web's
//! own `client_request_timeout` bounds only the request head (see `web::start`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::HttpMessage;
use futures_util::Stream;
use tokio::time::{Instant, Sleep};

/// The longest pause allowed between two pieces of a request body.
pub const BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(5);

/// Middleware (`middleware::from_fn`): the request's body, if it has one, fails with a
/// timed-out [`PayloadError`] once no data has come for [`BODY_IDLE_TIMEOUT`].
pub async fn limit_body_reads(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let payload = req.take_payload();
    if matches!(payload, Payload::None) {
        req.set_payload(payload);
    } else {
        let stream: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> =
            Box::pin(IdleTimeout::new(payload, BODY_IDLE_TIMEOUT));
        req.set_payload(Payload::from(stream));
    }
    next.call(req).await
}

/// Whether a body could not be read because the client stopped sending it.
pub fn is_timeout(error: &PayloadError) -> bool {
    matches!(error, PayloadError::Io(e) if e.kind() == std::io::ErrorKind::TimedOut)
}

/// A body stream that fails with a timed-out error when no data has come for `idle`.
struct IdleTimeout<S> {
    inner: S,
    idle: Duration,
    timer: Pin<Box<Sleep>>,
}

impl<S> IdleTimeout<S> {
    fn new(inner: S, idle: Duration) -> Self {
        Self {
            inner,
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
        }
    }
}

impl<S> Stream for IdleTimeout<S>
where
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin,
{
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        // Data that has arrived is taken first, however long the handler took to ask for it.
        if let Poll::Ready(item) = Pin::new(&mut this.inner).poll_next(cx) {
            let deadline = Instant::now() + this.idle;
            this.timer.as_mut().reset(deadline);
            return Poll::Ready(item);
        }
        match this.timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the client stopped sending the request body",
            ))))),
            Poll::Pending => Poll::Pending,
        }
    }
}
