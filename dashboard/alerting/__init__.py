"""Alerts: rules over the registry's metrics and signals (`config`, `rules`), evaluated after
every load and by `scaleboard alerts check`; each fires once until it clears (its state in
the edits store, `dashboard.edits.alert_state`) and is delivered to Slack or Teams webhooks
and by email (`deliver`), a failed delivery retried with backoff and then reported."""
