//! `GET /metrics` (with `METRICS=1`): jwt-auth's counters and gauges (its `metrics` feature) in
//! the Prometheus text format, rendered by `metrics-exporter-prometheus`'s recorder. Only the
//! recorder: the exporter's own HTTP listener and push gateway are features left off, and the
//! service's router serves the page.

use std::fmt;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// The content type of the Prometheus text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The page `GET /metrics` answers: whatever the process's recorder holds, rendered at each
/// request. Cheap to clone.
#[derive(Clone)]
pub struct MetricsPage(PrometheusHandle);

impl fmt::Debug for MetricsPage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetricsPage").finish_non_exhaustive()
    }
}

impl MetricsPage {
    /// Installs the Prometheus recorder as the process's `metrics` recorder, and gives
    /// jwt-auth's metrics their help text. A process has one recorder: call it once.
    ///
    /// jwt-auth records counters and gauges only, so the exporter's upkeep (which drains
    /// histograms) has nothing to do and is not scheduled.
    ///
    /// # Errors
    /// The exporter's message, when a recorder is already installed.
    pub fn install() -> Result<Self, String> {
        let handle = PrometheusBuilder::new()
            .install_recorder()
            .map_err(|err| format!("cannot install the Prometheus recorder: {err}"))?;
        jwt_auth::observability::describe_metrics();
        Ok(Self(handle))
    }

    /// The page, in the Prometheus text format.
    pub fn render(&self) -> String {
        self.0.render()
    }
}
